//go:build linux

package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/unet-dev/unet/cli"
)

// openPTY opens a pseudo-terminal: the terminal side (a TTY, as stderr of a
// command) and the side its output is read from.
func openPTY(t *testing.T) (tty, reader *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open a pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { _ = m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock the pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pseudo-terminal number: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open the terminal side: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, m
}

// TestPolicyEvalStoreProgress: `policy eval --store` draws its progress on
// stderr when stderr is a terminal, and writes nothing there when it is
// not (a pipe, a file).
func TestPolicyEvalStoreProgress(t *testing.T) {
	r := newRunner(t)
	r.ok("locations", "add", "--name", "DC", "--type", "site")
	for i := range 600 {
		r.ok("nodes", "add", "--name", fmt.Sprintf("r%d", i), "--vendor", "cisco", "--platform", "iosxe", "--software-version", "17.6.5", "--location", "DC")
	}
	dir := writeRules(t, map[string]string{"min.rules": `RULE "min-version" SEVERITY high
WHEN node.platform == "iosxe"
THEN ASSERT version(node.software_version) >= version("17.9.4")
`})
	// Piped: nothing on stderr.
	if res := r.run("policy", "eval", "--path", dir, "--store", "-o", "json"); res.code != 0 || res.stderr != "" {
		t.Fatalf("piped: exit %d, stderr %q", res.code, res.stderr)
	}
	r.ok("nodes", "update", "r1", "--software-version", "17.9.5")
	tty, reader := openPTY(t)
	got := make(chan string, 1)
	go func() {
		var b bytes.Buffer
		_, _ = io.Copy(&b, reader) // ends when the terminal side is closed (EIO)
		got <- b.String()
	}()
	var out bytes.Buffer
	code := cli.Run(context.Background(), []string{"--db", r.db, "policy", "eval", "--path", dir, "--store", "-o", "json"}, cli.Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: tty, Getenv: func(k string) string { return r.env[k] }})
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	_ = tty.Close()
	var text string
	select {
	case text = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the terminal output did not end")
	}
	for _, want := range []string{"evaluating: 500/601 objects", "evaluating: 601/601 objects (100%)", "stored 1 changed results", "\r\x1b[K"} {
		if !strings.Contains(text, want) {
			t.Errorf("terminal output lacks %q: %q", want, text)
		}
	}
	if !strings.HasSuffix(text, "\r\x1b[K") {
		t.Errorf("the progress line is not erased at the end: %q", text)
	}
}
