package replicatest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

// haproxyConfig balances round-robin over the backends (loopback ports),
// checking each one's /readyz every 200ms (down after two failed checks,
// up after one good one); a request whose connection to a
// backend fails is sent to another one (only connection failures are
// retried, so a write is never sent twice).
func haproxyConfig(port int, backends []int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `global
    maxconn 4096

defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout check 2s
    retries 3
    option redispatch 1

frontend unet
    bind 127.0.0.1:%d
    default_backend replicas

backend replicas
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 200ms fastinter 100ms downinter 200ms fall 2 rise 1
`, port)
	for i, p := range backends {
		fmt.Fprintf(&b, "    server r%d 127.0.0.1:%d check\n", i, p)
	}
	return b.String()
}

// startHAProxy runs HAProxy (Debian package haproxy) in the foreground on a
// random loopback port in front of the backends, and returns its base URL.
// The test fails with installation advice when haproxy is missing.
func startHAProxy(tb testing.TB, dir string, backends []int) (string, *process) {
	tb.Helper()
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		tb.Fatalf("haproxy is required for the replica test: install it with `apt-get install -y haproxy`")
	}
	port, err := testutil.FreePort()
	if err != nil {
		tb.Fatal(err)
	}
	cfg := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(cfg, []byte(haproxyConfig(port, backends)), 0o644); err != nil {
		tb.Fatal(err)
	}
	check := exec.Command(bin, "-c", "-f", cfg)
	if out, err := check.CombinedOutput(); err != nil {
		tb.Fatalf("haproxy refuses its configuration: %v\n%s", err, out)
	}
	p := startProcess(tb, dir, "haproxy", exec.Command(bin, "-db", "-f", cfg))
	return fmt.Sprintf("http://127.0.0.1:%d", port), p
}
