package configcmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// eosSample is a real configuration (Apache-2.0, see testdata/NOTICE).
const eosSample = "../../testdata/configs/eos/dc1-leaf1a.cfg"

// run executes a command in-process and returns stdout, stderr and the exit code.
func run(t *testing.T, cmd *cobra.Command, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetArgs(args)
	err := cmd.Execute()
	if msg := Message(err); msg != "" {
		errb.WriteString(msg + "\n")
	}
	return out.String(), errb.String(), ExitCode(err)
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const cfgA = "hostname a\ninterface Gi1\n description x\n shutdown\nrouter bgp 1\n neighbor 10.0.0.1 remote-as 2\n"
const cfgB = "hostname b\ninterface Gi1\n description x\n shutdown\nrouter bgp 1\n neighbor 10.0.0.1 remote-as 2\n"

func TestSliceCommand(t *testing.T) {
	tests := []struct {
		name     string
		stdin    string
		args     []string
		code     int
		out, err string
	}{
		{"file", "", []string{"-m", "interface Gi1||.*", "--dialect", "ios", writeFile(t, "a.cfg", cfgA)}, 0, "interface Gi1\n description x\n shutdown\n", ""},
		{"stdin dash", cfgA, []string{"-m", "router bgp .*||neighbor .*", "--dialect", "ios", "-"}, 0, "router bgp 1\n neighbor 10.0.0.1 remote-as 2\n", ""},
		{"stdin implicit, auto reports", cfgA, []string{"-m", "hostname .*"}, 0, "hostname a\n", "dialect ios ("},
		{"two expressions", cfgA, []string{"--dialect", "ios", "-m", "router .*", "-m", "hostname .*"}, 0, "hostname a\nrouter bgp 1\n neighbor 10.0.0.1 remote-as 2\n", ""},
		{"empty is success", cfgA, []string{"--dialect", "ios", "-m", "nothing"}, 0, "", ""},
		{"fail on empty", cfgA, []string{"--dialect", "ios", "-m", "nothing", "--fail-on-empty"}, 1, "", "no statement matched"},
		{"bad regex", cfgA, []string{"-m", "interface (", "--dialect", "ios"}, 1, "", "level 1, column 1"},
		{"missing -m", cfgA, []string{"--dialect", "ios"}, ExitUsage, "", "at least one -m"},
		{"bad dialect", cfgA, []string{"-m", "*", "--dialect", "vyos"}, 1, "", "unknown dialect"},
		{"missing file", "", []string{"-m", "*", "/nonexistent/x.cfg"}, 1, "", "no such file"},
		{"parse error", "banner motd ^C\nx\n", []string{"-m", "*", "--dialect", "ios"}, 1, "", "-: line 1: banner is not terminated"},
		{"context", cfgA, []string{"--dialect", "ios", "-m", "interface .*", "--context", "1"}, 0, cfgA, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := run(t, NewSliceCommand(), tc.stdin, tc.args...)
			if code != tc.code || out != tc.out || !strings.Contains(errs, tc.err) {
				t.Errorf("code %d out %q err %q; want %d %q %q", code, out, errs, tc.code, tc.out, tc.err)
			}
		})
	}
}

// TestSliceCommandFile slices a real EOS configuration file with the
// dialect detected.
func TestSliceCommandFile(t *testing.T) {
	out, errs, code := run(t, NewSliceCommand(), "", "-m", "interface Ethernet1||.*", eosSample)
	want := "interface Ethernet1\n   description P2P_dc1-spine1_Ethernet1\n   no shutdown\n   mtu 1500\n   no switchport\n   ip address 10.255.255.1/31\n"
	if code != 0 || out != want || !strings.Contains(errs, "dialect eos") {
		t.Errorf("code %d out %q err %q; want 0 %q and the detected dialect", code, out, errs, want)
	}
}

func TestSliceCommandJSON(t *testing.T) {
	out, _, code := run(t, NewSliceCommand(), cfgA, "--json", "--dialect", "ios", "-m", "interface .*||shutdown")
	if code != 0 {
		t.Fatal(code)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(got) != 2 || got[1]["line"] != " shutdown" || got[1]["lineno"].(float64) != 4 || got[1]["depth"].(float64) != 1 ||
		got[1]["parents"].([]any)[0] != "interface Gi1" {
		t.Errorf("JSON = %s", out)
	}
}

func TestDiffCommand(t *testing.T) {
	a := writeFile(t, "a.cfg", cfgA)
	b := writeFile(t, "b.cfg", cfgB)
	aComments := writeFile(t, "a2.cfg", "!\n"+strings.ReplaceAll(cfgA, "\n", "  \n")+"!\nend-of-nothing\n")
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"equal", []string{a, a}, 0, ""},
		{"unified", []string{a, b, "--dialect", "ios"}, 2, "--- " + a + "\n+++ " + b + "\n@@ -1,4 +1,4 @@\n-hostname a\n+hostname b\n interface Gi1\n  description x\n  shutdown\n"},
		{"context 0", []string{a, b, "--dialect", "ios", "--context", "0"}, 2, "--- " + a + "\n+++ " + b + "\n@@ -1 +1 @@\n-hostname a\n+hostname b\n"},
		{"stats", []string{a, b, "--format", "stats"}, 2, "1 lines added, 1 removed in 1 hunks\n"},
		{"hierarchical", []string{a, b, "--hierarchical"}, 2, "--- " + a + "\n+++ " + b + "\n-hostname a\n+hostname b\n"},
		{"hierarchical stats", []string{a, b, "--hierarchical", "--format", "stats"}, 2, "0 statements added, 0 removed, 1 changed\n"},
		{"comments and blanks are not differences", []string{a, aComments, "--dialect", "ios", "--format", "stats"}, 2, "1 lines added, 0 removed in 1 hunks\n"},
		{"bad format", []string{a, b, "--format", "xml"}, ExitUsage, ""},
		{"side-by-side hierarchical", []string{a, b, "--hierarchical", "--format", "side-by-side"}, ExitUsage, ""},
		{"missing file", []string{a, "/nonexistent"}, 1, ""},
		{"one argument", []string{a}, ExitUsage, ""},
		{"unknown flag", []string{a, b, "--bogus"}, ExitUsage, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := run(t, NewDiffCommand(), "", append(tc.args, "--color", "never")...)
			if code != tc.code || (tc.out != "" || code == 0) && out != tc.out {
				t.Errorf("code %d out %q (stderr %q); want %d %q", code, out, errs, tc.code, tc.out)
			}
		})
	}
	out, _, code := run(t, NewDiffCommand(), "", a, b, "--format", "json", "--hierarchical")
	var hd map[string]any
	if code != 2 || json.Unmarshal([]byte(out), &hd) != nil || hd["equal"] != false {
		t.Errorf("hierarchical JSON: %d %s", code, out)
	}
	out, _, _ = run(t, NewDiffCommand(), "", a, b, "--color", "always")
	if !strings.Contains(out, "\x1b[31m") {
		t.Error("--color always has no colour")
	}
	t.Setenv("NO_COLOR", "1")
	out, _, _ = run(t, NewDiffCommand(), "", a, b)
	if strings.Contains(out, "\x1b[") {
		t.Error("NO_COLOR ignored")
	}
	out, _, code = run(t, NewDiffCommand(), cfgB, a, "-", "--format", "side-by-side", "--width", "40")
	if code != 2 || !strings.Contains(out, "hostname a         | hostname b") {
		t.Errorf("side-by-side from stdin: %d %q", code, out)
	}
}

func TestParseCommand(t *testing.T) {
	p := writeFile(t, "r.conf", "system {\n    host-name r;\n}\n")
	out, errs, code := run(t, NewParseCommand(), "", p, "--json")
	if code != 0 {
		t.Fatal(errs)
	}
	want := `[
  {
    "line": "system {",
    "parents": [],
    "lineno": 1,
    "depth": 0
  },
  {
    "line": "    host-name r;",
    "parents": [
      "system {"
    ],
    "lineno": 2,
    "depth": 1
  },
  {
    "line": "}",
    "parents": [],
    "lineno": 3,
    "depth": 0,
    "close": true
  }
]
`
	if out != want {
		t.Errorf("got %s", out)
	}
	if !strings.Contains(errs, "dialect junos") {
		t.Errorf("detection not reported: %q", errs)
	}
	out, _, _ = run(t, NewParseCommand(), "", p)
	if out != "     1  system {\n     2      host-name r;\n     3  }\n" {
		t.Errorf("text: %q", out)
	}
	out, _, code = run(t, NewParseCommand(), "", writeFile(t, "e.cfg", ""), "--json", "--dialect", "ios")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("empty: %d %q", code, out)
	}
}

func TestConfigCommandTree(t *testing.T) {
	root := NewConfigCommand()
	names := map[string]bool{}
	for _, c := range root.Commands() {
		names[c.Name()] = true
	}
	if !names["slice"] || !names["diff"] || !names["parse"] {
		t.Errorf("subcommands: %v", names)
	}
	out, _, code := run(t, root, cfgA, "slice", "-m", "hostname .*", "--dialect", "ios")
	if code != 0 || out != "hostname a\n" {
		t.Errorf("config slice: %d %q", code, out)
	}
}
