package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestRequireChangeSetsSetting: the flag (bare, with a value, or bare
// followed by the environments) wins over the config key (true, a list or
// a comma-separated string); nil means off and an empty list every
// environment.
func TestRequireChangeSetsSetting(t *testing.T) {
	parse := func(args ...string) (*requireCSFlag, error) {
		var f requireCSFlag
		cmd := &cobra.Command{Use: "serve"}
		registerRequireCS(cmd, &f)
		if err := cmd.ParseFlags(args); err != nil {
			return nil, err
		}
		return &f, cmd.Args(cmd, cmd.Flags().Args())
	}
	cases := []struct {
		args []string
		conf any
		want []string // nil: off
	}{
		{nil, nil, nil},
		{nil, false, nil},
		{nil, []any{}, nil},
		{nil, true, []string{}},
		{nil, []any{"production", "staging"}, []string{"production", "staging"}},
		{nil, "production, lab", []string{"production", "lab"}},
		{[]string{"--require-change-sets"}, []any{"lab"}, []string{}},
		{[]string{"--require-change-sets=production,staging"}, true, []string{"production", "staging"}},
		{[]string{"--require-change-sets", "production"}, nil, []string{"production"}},
		{[]string{"--require-change-sets", "production,lab"}, nil, []string{"production", "lab"}},
	}
	for _, c := range cases {
		f, err := parse(c.args...)
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		got, err := requireChangeSets(f, c.conf)
		if err != nil {
			t.Fatalf("%v %v: %v", c.args, c.conf, err)
		}
		if (got == nil) != (c.want == nil) || !slices.Equal(got, c.want) {
			t.Errorf("%v %v: got %#v, want %#v", c.args, c.conf, got, c.want)
		}
	}
	if _, err := parse("--require-change-sets=Prod"); err == nil || !strings.Contains(err.Error(), "not an environment name") {
		t.Errorf("bad name: %v", err)
	}
	if _, err := parse("stray"); err == nil {
		t.Error("an argument without a bare --require-change-sets was accepted")
	}
	for _, bad := range []any{42, []any{1}, "Prod"} {
		if _, err := requireChangeSets(&requireCSFlag{}, bad); err == nil || !strings.Contains(err.Error(), "require_change_sets") {
			t.Errorf("config %v: %v", bad, err)
		}
	}
}

// TestServeRequireChangeSets: `unet serve --require-change-sets production`
// refuses a remote direct write to a production node with the rule's
// conflict and lets lab writes through; the config key does the same.
func TestServeRequireChangeSets(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite://" + filepath.Join(dir, "unet.db")
	run := func(url string, args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := Run(context.Background(), append([]string{"--server", url}, args...),
			Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
		return code, out.String() + errb.String()
	}
	url, logs, stop := startServe(t, []string{"--db", db, "--require-change-sets", "production"}, nil)
	if !strings.Contains(logs.String(), "direct writes refused outside change sets") {
		t.Errorf("log lacks the setting: %s", logs.String())
	}
	if code, out := run(url, "nodes", "add", "--name", "lab1", "--domain", "example.net", "--vendor", "arista", "--environment", "lab"); code != 0 {
		t.Fatalf("lab add: %d %s", code, out)
	}
	code, out := run(url, "nodes", "add", "--name", "core1", "--domain", "example.net", "--vendor", "arista")
	if code != ExitFailure || !strings.Contains(out, "direct writes to production are refused (serve --require-change-sets)") {
		t.Fatalf("production add: %d %s", code, out)
	}
	stop()

	cfg := filepath.Join(dir, "unet.toml")
	if err := os.WriteFile(cfg, []byte("[server]\nrequire_change_sets = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	url, _, _ = startServe(t, []string{"--db", db, "--config", cfg}, nil)
	code, out = run(url, "nodes", "update", "lab1", "--set", "model=x")
	if code != ExitFailure || !strings.Contains(out, "direct writes to lab are refused") {
		t.Fatalf("every environment: %d %s", code, out)
	}
}
