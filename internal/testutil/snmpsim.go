package testutil

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
)

// SimDeviceDescr is the sysDescr of every simulated device.
const SimDeviceDescr = "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E3, RELEASE SOFTWARE (fc3)"

// SimCommunity returns the v2c community of simulated device i (1-based);
// with snmpsim each community is one device.
func SimCommunity(i int) string { return fmt.Sprintf("dev%05d", i) }

// WriteSimDevices writes n simulated devices for snmpsim into dir: one
// device.snmprec with the system group, ifTable and ifXTable of a Cisco-like
// switch with ifaces interfaces, and n community files dev00001.snmprec ...
// as symbolic links to it.
func WriteSimDevices(dir string, n, ifaces int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	type rec struct {
		oid []int
		tag string
		val string
	}
	var recs []rec
	add := func(oid string, tag, val string) {
		var parts []int
		for _, p := range strings.Split(oid, ".") {
			v, _ := strconv.Atoi(p) // OID literals of this file: numbers only
			parts = append(parts, v)
		}
		recs = append(recs, rec{parts, tag, val})
	}
	add("1.3.6.1.2.1.1.1.0", "4", SimDeviceDescr)
	add("1.3.6.1.2.1.1.2.0", "6", "1.3.6.1.4.1.9.1.1208")
	add("1.3.6.1.2.1.1.3.0", "67", "123456789")
	add("1.3.6.1.2.1.1.4.0", "4", "noc@example.net")
	add("1.3.6.1.2.1.1.5.0", "4", "sim-switch")
	add("1.3.6.1.2.1.1.6.0", "4", "sim-lab")
	add("1.3.6.1.2.1.2.1.0", "2", strconv.Itoa(ifaces))
	for i := 1; i <= ifaces; i++ {
		e := func(col int) string { return fmt.Sprintf("1.3.6.1.2.1.2.2.1.%d.%d", col, i) }
		x := func(col int) string { return fmt.Sprintf("1.3.6.1.2.1.31.1.1.1.%d.%d", col, i) }
		oper := "1"
		if i%3 == 0 {
			oper = "2"
		}
		add(e(1), "2", strconv.Itoa(i))
		add(e(2), "4", fmt.Sprintf("GigabitEthernet1/0/%d", i))
		add(e(3), "2", "6")
		add(e(4), "2", "1500")
		add(e(5), "66", "1000000000")
		add(e(6), "4x", fmt.Sprintf("00005e0053%02x", i%256))
		add(e(7), "2", "1")
		add(e(8), "2", oper)
		add(e(9), "67", "1000")
		add(e(10), "65", strconv.Itoa(i*1000))
		add(e(11), "65", strconv.Itoa(i*10))
		add(e(14), "65", "0")
		add(e(16), "65", strconv.Itoa(i*2000))
		add(e(17), "65", strconv.Itoa(i*20))
		add(e(20), "65", "0")
		add(x(1), "4", fmt.Sprintf("Gi1/0/%d", i))
		add(x(6), "70", strconv.Itoa(i*1_000_000))
		add(x(7), "70", strconv.Itoa(i*10_000))
		add(x(10), "70", strconv.Itoa(i*2_000_000))
		add(x(11), "70", strconv.Itoa(i*20_000))
		add(x(15), "66", "1000")
		alias := ""
		if i > ifaces-2 {
			alias = fmt.Sprintf("uplink %d", i)
		}
		add(x(18), "4", alias)
	}
	slices.SortFunc(recs, func(a, b rec) int { return slices.Compare(a.oid, b.oid) })
	var b strings.Builder
	for _, r := range recs {
		parts := make([]string, len(r.oid))
		for i, p := range r.oid {
			parts[i] = strconv.Itoa(p)
		}
		fmt.Fprintf(&b, "%s|%s|%s\n", strings.Join(parts, "."), r.tag, r.val)
	}
	if err := os.WriteFile(filepath.Join(dir, "device.snmprec"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		link := filepath.Join(dir, SimCommunity(i)+".snmprec")
		if _, err := os.Lstat(link); err == nil {
			continue
		}
		if err := os.Symlink("device.snmprec", link); err != nil {
			return err
		}
	}
	return nil
}

// SNMPSim is a running snmpsimd (Debian package snmpsim) serving simulated
// devices on a loopback UDP port.
type SNMPSim struct {
	Host string
	Port uint16
	cmd  *exec.Cmd
	log  *lockedBuffer
}

// PID returns the simulator's process id (to read its CPU time).
func (s *SNMPSim) PID() int { return s.cmd.Process.Pid }

// StartSNMPSim writes n devices with ifaces interfaces each and serves them
// with snmpsimd on a random loopback port until the test ends. maxVarbinds
// sets snmpsimd's limit of variables per GETBULK response (0 keeps its
// default of 64). Note that snmpsimd 0.4 under Python 3 loops on a GETBULK
// whose max-repetitions exceeds maxVarbinds divided by the number of
// repeated variables when that division is not exact; raise maxVarbinds
// for multi-column walks. When run as
// root, snmpsimd drops privileges to nobody/nogroup, so its directories are
// made world-readable. The test fails with installation advice when
// snmpsimd is missing.
func StartSNMPSim(tb testing.TB, n, ifaces, maxVarbinds int) *SNMPSim {
	tb.Helper()
	return startSNMPSim(tb, func(data string) error { return WriteSimDevices(data, n, ifaces) }, SimCommunity(n), maxVarbinds)
}

// StartSNMPSimRecords serves one simulated device, community, whose
// objects are snmprec, snmpsim's "OID|type|value" lines in OID order, as
// StartSNMPSim does. The device must answer sysName.0 (its start-up probe).
func StartSNMPSimRecords(tb testing.TB, community, snmprec string, maxVarbinds int) *SNMPSim {
	tb.Helper()
	write := func(data string) error {
		if err := os.MkdirAll(data, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(data, community+".snmprec"), []byte(snmprec), 0o644)
	}
	return startSNMPSim(tb, write, community, maxVarbinds)
}

func startSNMPSim(tb testing.TB, write func(data string) error, probe string, maxVarbinds int) *SNMPSim {
	tb.Helper()
	bin, err := exec.LookPath("snmpsimd")
	if err != nil {
		tb.Fatalf("snmpsimd is required for this benchmark: install it with `apt-get install -y snmpsim`")
	}
	// t.TempDir directories are private to the owner; snmpsimd may run as
	// nobody, so use a world-readable directory of our own.
	root, err := os.MkdirTemp("", "unet-snmpsim-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(root) }) // best effort: a temporary directory
	data, cache := filepath.Join(root, "data"), filepath.Join(root, "cache")
	if err := write(data); err != nil {
		tb.Fatalf("write simulated devices: %v", err)
	}
	if err := os.MkdirAll(cache, 0o777); err != nil {
		tb.Fatal(err)
	}
	for _, d := range []string{root, data, cache} {
		if err := os.Chmod(d, 0o777); err != nil {
			tb.Fatal(err)
		}
	}
	port, err := freeUDPPort()
	if err != nil {
		tb.Fatal(err)
	}
	args := []string{"--data-dir=" + data, "--cache-dir=" + cache, "--v2c-arch", "--logging-method=null",
		fmt.Sprintf("--agent-udpv4-endpoint=127.0.0.1:%d", port)}
	if maxVarbinds > 0 {
		args = append(args, fmt.Sprintf("--max-varbinds=%d", maxVarbinds))
	}
	if u, err := user.Current(); err == nil && u.Uid == "0" {
		args = append(args, "--process-user=nobody", "--process-group=nogroup")
	}
	logBuf := &lockedBuffer{}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logBuf, logBuf
	if err := cmd.Start(); err != nil {
		tb.Fatalf("run snmpsimd: %v", err)
	}
	// The simulator is stopped by signals: its exit status and the errors of
	// signalling a process that already exited are of no interest.
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	tb.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	s := &SNMPSim{Host: "127.0.0.1", Port: port, cmd: cmd, log: logBuf}
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			tb.Fatalf("snmpsimd exited during start-up; its log:\n%s", logBuf.String())
		default:
		}
		if simAnswers(s.Host, port, probe) {
			return s
		}
		time.Sleep(200 * time.Millisecond)
	}
	tb.Fatalf("snmpsimd did not answer within 5m; its log:\n%s", logBuf.String())
	return nil
}

func simAnswers(host string, port uint16, community string) bool {
	g := &gosnmp.GoSNMP{Target: host, Port: port, Community: community, Version: gosnmp.Version2c,
		Timeout: 500 * time.Millisecond}
	if err := g.Connect(); err != nil {
		return false
	}
	defer func() { _ = g.Conn.Close() }() // a probe: nothing to lose
	_, err := g.Get([]string{".1.3.6.1.2.1.1.5.0"})
	return err == nil
}

// Addr returns "host:port".
func (s *SNMPSim) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(int(s.Port))) }
