package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/cli"
)

const unformattedRule = "rule \"m\" when node.vendor==\"cisco\" then assert node.model is \"x\"\n"

// TestPolicyFmtFailsWhenTheListCannotBeWritten: `policy fmt` rewrites files
// and lists them on standard output; an output that cannot be written (a
// full disk, here /dev/full) fails the command instead of exiting 0 with the
// list lost.
func TestPolicyFmtFailsWhenTheListCannotBeWritten(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := full.Close(); err != nil {
			t.Error(err)
		}
	})
	dir := writeRules(t, map[string]string{"a.rules": unformattedRule})
	var errb bytes.Buffer
	code := cli.Run(context.Background(), []string{"policy", "fmt", dir}, cli.Env{
		Stdout: full, Stderr: &errb, Getenv: func(string) string { return "" },
	})
	if code == 0 {
		t.Fatalf("policy fmt with a full standard output exited 0; stderr: %s", errb.String())
	}
	if !strings.Contains(errb.String(), "no space left on device") {
		t.Fatalf("stderr does not name the write failure: %s", errb.String())
	}
}

// TestPolicyFmtCheckFailsOnAnUnreadableDirectory: a directory that cannot be
// walked (here: its path is longer than the system allows) may hold rule
// files, so `policy fmt --check` must fail rather than pass without them.
func TestPolicyFmtCheckFailsOnAnUnreadableDirectory(t *testing.T) {
	dir := writeRules(t, map[string]string{"a.rules": unformattedRule})
	r := newRunner(t)
	r.ok("policy", "fmt", dir)
	r.ok("policy", "fmt", "--check", dir) // formatted: passes

	// Nest directories below dir until their path exceeds PATH_MAX (4096 on
	// Linux): os.Root creates them one component at a time, where a path
	// walk fails with ENAMETOOLONG.
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := root.Close(); err != nil {
			t.Error(err)
		}
	}()
	deep := ""
	for len(filepath.Join(dir, deep)) <= 4200 {
		deep = filepath.Join(deep, strings.Repeat("d", 200))
	}
	if err := root.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := root.WriteFile(filepath.Join(deep, "b.rules"), []byte(unformattedRule), 0o644); err != nil {
		t.Fatal(err)
	}
	r.fails(cli.ExitInvalid, []string{"file name too long"}, "policy", "fmt", "--check", dir)
}
