package replicatest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/unet-dev/unet/internal/testutil"
)

// agent is one net-snmp agent (snmpd) on a loopback UDP port that answers n
// communities, each community one simulated device (as snmpsim's community
// files are): a device is its community.
type agent struct {
	host string
	port uint16
	proc *process
}

// startAgent runs snmpd in the foreground with rocommunity lines for the
// communities of devices 1..n (testutil.SimCommunity) and waits until it
// answers the last one. The test fails with installation advice when snmpd
// is missing.
func startAgent(tb testing.TB, dir string, n int) *agent {
	tb.Helper()
	bin, err := exec.LookPath("snmpd")
	if err != nil {
		bin = "/usr/sbin/snmpd"
		if _, statErr := os.Stat(bin); statErr != nil {
			tb.Fatalf("snmpd (net-snmp agent) is required for the replica test: install it with `apt-get install -y snmpd`")
		}
	}
	dir = filepath.Join(dir, "snmpd")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	var conf strings.Builder
	conf.WriteString("dontLogTCPWrappersConnects yes\nsysName sim-switch\nsysLocation sim-lab\nsysContact noc@example.net\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&conf, "rocommunity %s 127.0.0.1\n", testutil.SimCommunity(i))
	}
	path := filepath.Join(dir, "snmpd.conf")
	if err := os.WriteFile(path, []byte(conf.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	port, err := freeUDPPort()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(bin, "-f", "-Lo", "-C", "-c", path, fmt.Sprintf("udp:127.0.0.1:%d", port))
	cmd.Env = append(os.Environ(), "SNMP_PERSISTENT_DIR="+filepath.Join(dir, "persist"), "SNMPCONFPATH="+dir, "MIBS=")
	a := &agent{host: "127.0.0.1", port: port, proc: startProcess(tb, dir, "snmpd", cmd)}
	waitFor(tb, 15*time.Second, "snmpd answers", func() (bool, string) {
		if !a.proc.running() {
			tb.Fatalf("snmpd exited; its log:\n%s", a.proc.logTail(4000))
		}
		g := &gosnmp.GoSNMP{Target: a.host, Port: port, Community: testutil.SimCommunity(n), Version: gosnmp.Version2c,
			Timeout: 200 * time.Millisecond}
		if err := g.Connect(); err != nil {
			return false, err.Error()
		}
		defer func() { _ = g.Conn.Close() }() // a probe: nothing to lose
		if _, err := g.Get([]string{".1.3.6.1.2.1.1.5.0"}); err != nil {
			return false, err.Error()
		}
		return true, ""
	})
	return a
}

// freeUDPPort returns a UDP port that was free on 127.0.0.1 a moment ago.
func freeUDPPort() (uint16, error) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = c.Close() }() // only reserved a number
	return uint16(c.LocalAddr().(*net.UDPAddr).Port), nil
}
