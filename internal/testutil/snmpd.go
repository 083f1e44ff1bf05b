// Package testutil starts real external components (an SNMP agent, ...) for
// tests, each on a random loopback port with its own configuration and
// state directory, stopped automatically when the test ends.
package testutil

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
)

// SNMPUser is an SNMPv3 user configured in a test agent. Protocol names are
// the net-snmp spellings ("SHA", "SHA-256", "AES", "AES-256"); an empty
// PrivProto means the user is authNoPriv.
type SNMPUser struct {
	Name      string
	AuthProto string
	AuthKey   string
	PrivProto string
	PrivKey   string
}

// The v2c community and v3 users every test agent is configured with.
const (
	SNMPCommunity   = "unet-test-community"
	SNMPSysName     = "unet-test-agent"
	SNMPSysContact  = "noc@example.net"
	SNMPSysLocation = "Loopback Lab, Rack 1"
)

// SNMPUsers returns the v3 users of a test agent: authNoPriv with SHA,
// authPriv with SHA/AES-128, SHA-256/AES-256 and SHA-512/AES-192.
func SNMPUsers() []SNMPUser {
	return []SNMPUser{
		{Name: "unet-auth", AuthProto: "SHA", AuthKey: "auth-key-sha-1"},
		{Name: "unet-priv", AuthProto: "SHA", AuthKey: "auth-key-sha-1", PrivProto: "AES", PrivKey: "priv-key-aes-128"},
		{Name: "unet-priv256", AuthProto: "SHA-256", AuthKey: "auth-key-sha-256", PrivProto: "AES-256", PrivKey: "priv-key-aes-256"},
		{Name: "unet-priv512", AuthProto: "SHA-512", AuthKey: "auth-key-sha-512", PrivProto: "AES-192", PrivKey: "priv-key-aes-192"},
	}
}

// SNMPD is a running net-snmp agent (Debian package snmpd) listening on a
// random UDP port of 127.0.0.1.
type SNMPD struct {
	// Host is the address the agent listens on ("127.0.0.1").
	Host string
	// Port is the UDP port the agent listens on.
	Port uint16
	// Community is the read-only v2c community.
	Community string
	// Users are the configured v3 users.
	Users []SNMPUser

	cmd *exec.Cmd
	log *lockedBuffer
}

// Addr returns "host:port".
func (s *SNMPD) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(int(s.Port))) }

// User returns the configured v3 user with the given name; the test fails if
// there is none.
func (s *SNMPD) User(t testing.TB, name string) SNMPUser {
	t.Helper()
	for _, u := range s.Users {
		if u.Name == name {
			return u
		}
	}
	t.Fatalf("test agent has no SNMPv3 user %q", name)
	return SNMPUser{}
}

// Log returns what the agent has written to its log so far.
func (s *SNMPD) Log() string { return s.log.String() }

// Pause stops the agent process (SIGSTOP): it keeps its port but answers
// nothing, like a device that hangs. Resume undoes it.
func (s *SNMPD) Pause(t testing.TB) {
	t.Helper()
	if err := pauseProcess(s.cmd.Process); err != nil {
		t.Fatalf("pause snmpd: %v", err)
	}
}

// Resume continues an agent stopped by Pause.
func (s *SNMPD) Resume(t testing.TB) {
	t.Helper()
	if err := resumeProcess(s.cmd.Process); err != nil {
		t.Fatalf("resume snmpd: %v", err)
	}
}

// StartSNMPD starts a foreground snmpd with its own configuration and
// persistent directory under t.TempDir(), waits until it answers, and stops
// it when the test ends. The test fails with installation advice when snmpd
// is not installed.
func StartSNMPD(t testing.TB) *SNMPD {
	t.Helper()
	bin, err := exec.LookPath("snmpd")
	if err != nil {
		for _, p := range []string{"/usr/sbin/snmpd", "/usr/local/sbin/snmpd"} {
			if _, statErr := os.Stat(p); statErr == nil {
				bin, err = p, nil
				break
			}
		}
	}
	if err != nil {
		t.Fatalf("snmpd (net-snmp agent) is required for this test: install it with `apt-get install -y snmpd`")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "snmpd.conf")
	if err := os.WriteFile(conf, []byte(snmpdConfig()), 0o600); err != nil {
		t.Fatalf("write snmpd config: %v", err)
	}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freeUDPPort()
		if err != nil {
			t.Fatalf("find a free UDP port: %v", err)
		}
		s, err := launchSNMPD(t, bin, dir, conf, port)
		if err == nil {
			return s
		}
		lastErr = err
	}
	t.Fatalf("start snmpd: %v", lastErr)
	return nil
}

func launchSNMPD(t testing.TB, bin, dir, conf string, port uint16) (*SNMPD, error) {
	t.Helper()
	logBuf := &lockedBuffer{}
	listen := fmt.Sprintf("udp:127.0.0.1:%d", port)
	cmd := exec.Command(bin, "-f", "-Lo", "-C", "-c", conf, listen)
	cmd.Env = append(os.Environ(),
		"SNMP_PERSISTENT_DIR="+filepath.Join(dir, "persist"),
		"SNMPCONFPATH="+dir,
		"MIBS=",
	)
	cmd.Stdout = logBuf
	cmd.Stderr = logBuf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run %s: %w", bin, err)
	}
	// The daemon is stopped by signals: its exit status and the errors of
	// signalling a process that already exited are of no interest.
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		_ = resumeProcess(cmd.Process)
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	s := &SNMPD{
		Host:      "127.0.0.1",
		Port:      port,
		Community: SNMPCommunity,
		Users:     SNMPUsers(),
		cmd:       cmd,
		log:       logBuf,
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return nil, fmt.Errorf("snmpd exited during start-up; its log:\n%s", logBuf.String())
		default:
		}
		if probeSNMP(s.Host, port) {
			t.Cleanup(stop)
			return s, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	return nil, fmt.Errorf("snmpd did not answer on %s within 15s; its log:\n%s", listen, logBuf.String())
}

func probeSNMP(host string, port uint16) bool {
	g := &gosnmp.GoSNMP{
		Target:    host,
		Port:      port,
		Community: SNMPCommunity,
		Version:   gosnmp.Version2c,
		Timeout:   200 * time.Millisecond,
		Retries:   0,
	}
	if err := g.Connect(); err != nil {
		return false
	}
	defer func() { _ = g.Conn.Close() }() // a probe: nothing to lose
	_, err := g.Get([]string{".1.3.6.1.2.1.1.5.0"})
	return err == nil
}

func snmpdConfig() string {
	var b strings.Builder
	b.WriteString("# generated for one test run\n")
	b.WriteString("dontLogTCPWrappersConnects yes\n")
	fmt.Fprintf(&b, "rocommunity %s 127.0.0.1\n", SNMPCommunity)
	fmt.Fprintf(&b, "sysName %s\nsysContact %s\nsysLocation %s\n", SNMPSysName, SNMPSysContact, SNMPSysLocation)
	for _, u := range SNMPUsers() {
		level := "auth"
		line := fmt.Sprintf("createUser %s %s %q", u.Name, u.AuthProto, u.AuthKey)
		if u.PrivProto != "" {
			level = "priv"
			line += fmt.Sprintf(" %s %q", u.PrivProto, u.PrivKey)
		}
		b.WriteString(line + "\n")
		fmt.Fprintf(&b, "rouser %s %s\n", u.Name, level)
	}
	return b.String()
}

// SilentUDP returns the loopback address of a bound UDP socket that never
// answers: requests sent to it time out (no ICMP port-unreachable either).
// The socket is closed when the test ends.
func SilentUDP(t testing.TB) (host string, port uint16) {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("bind a silent UDP socket: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() }) // never written to
	return "127.0.0.1", uint16(c.LocalAddr().(*net.UDPAddr).Port)
}

// freeUDPPort asks the kernel for an unused loopback UDP port. Another
// process may take it before the caller binds it; callers retry.
func freeUDPPort() (uint16, error) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = c.Close() }() // only reserved a port number
	return uint16(c.LocalAddr().(*net.UDPAddr).Port), nil
}

// lockedBuffer collects process output written from another goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
