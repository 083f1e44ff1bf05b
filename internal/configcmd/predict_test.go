package configcmd

import (
	"strings"
	"testing"
)

// TestPredictCommandErrors checks the refusals of config predict: usage
// errors exit 64, bad inputs and rule tables exit 1 with their position,
// and nothing is printed on standard output.
func TestPredictCommandErrors(t *testing.T) {
	running := writeFile(t, "running.cfg", remRunning)
	fix := writeFile(t, "fix.txt", remForward)
	badRules := writeFile(t, "bad.toml", "indent = \"two\"\n")
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		err   string
	}{
		{"both on stdin", "", []string{"-", "-"}, ExitUsage, "only one input"},
		{"one argument", "", []string{running}, ExitUsage, "accepts 2 arg"},
		{"bad flag", "", []string{"-o", "json", running, fix}, ExitUsage, "unknown shorthand flag"},
		{"missing commands", "", []string{"--dialect", "ios", running, "/nonexistent/fix.txt"}, ExitError, "no such file"},
		{"binary commands", "\xff\xfe", []string{"--dialect", "ios", running, "-"}, ExitError, "-: not UTF-8 text"},
		{"running does not parse", "banner motd ^C\nx\n", []string{"--dialect", "ios", "-", fix}, ExitError, "-: line 1: banner is not terminated"},
		{"bad rules file is positioned", "", []string{"--dialect", "ios", "--rules", badRules, running, fix}, ExitError, badRules + ":1:"},
		{"dialect without rules", "", []string{"--dialect", "flat", running, fix}, ExitError, `no rule table for dialect "flat"`},
		{"unknown dialect", "", []string{"--dialect", "vyos", running, fix}, ExitError, "unknown dialect"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := run(t, NewPredictCommand(), tc.stdin, tc.args...)
			if code != tc.code || out != "" || !strings.Contains(errs, tc.err) {
				t.Errorf("code %d out %q err %q; want %d %q", code, out, errs, tc.code, tc.err)
			}
		})
	}
}
