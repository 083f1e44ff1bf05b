package configcmd

import (
	"fmt"
	"strings"
	"testing"
)

// lateErrorConfigs are large configurations (about 1 MB) whose only error is
// on the last line.
func lateErrorConfigs() map[string]string {
	var ios, junos strings.Builder
	ios.WriteString("hostname r1\n")
	junos.WriteString("system {\n    host-name r1;\n}\n")
	for i := range 20000 {
		fmt.Fprintf(&ios, "interface GigabitEthernet0/%d\n description port %d\n", i, i)
		fmt.Fprintf(&junos, "interfaces {\n    ge-0/0/%d {\n        description \"port %d\";\n    }\n}\n", i, i)
	}
	ios.WriteString("banner motd ^C\nno end\n")
	junos.WriteString("protocols {\n")
	return map[string]string{"ios": ios.String(), "junos": junos.String()}
}

// TestSliceStopsAtHardErrorBeforeWriting slices large configurations whose
// error is on the last line: exit 1, the positioned error, and nothing on
// standard output, in text and in JSON.
func TestSliceStopsAtHardErrorBeforeWriting(t *testing.T) {
	for dialect, cfg := range lateErrorConfigs() {
		file := writeFile(t, "late."+dialect, cfg)
		lines := strings.Count(cfg, "\n")
		for _, extra := range [][]string{nil, {"--json"}, {"--context", "1"}} {
			args := append([]string{"--dialect", dialect, "-m", "interface.*||.*", "-m", "interfaces||.*", file}, extra...)
			out, errs, code := run(t, NewSliceCommand(), "", args...)
			if code != ExitError || out != "" || !strings.Contains(errs, file+": line ") {
				t.Errorf("%s %v: exit %d, %d bytes of output, error %q", dialect, extra, code, len(out), errs)
			}
			if !strings.Contains(errs, fmt.Sprintf("line %d", lines-1)) && !strings.Contains(errs, fmt.Sprintf("line %d", lines)) {
				t.Errorf("%s %v: error not at the end of the input (%d lines): %q", dialect, extra, lines, errs)
			}
		}
		// Without the error, the same input slices.
		fixed := strings.TrimSuffix(strings.TrimSuffix(cfg, "banner motd ^C\nno end\n"), "protocols {\n")
		out, errs, code := run(t, NewSliceCommand(), fixed, "--dialect", dialect, "-m", "interface.*||.*", "-m", "interfaces||.*")
		if code != ExitOK || len(out) < 500000 {
			t.Errorf("%s without the error: exit %d, %d bytes, %s", dialect, code, len(out), errs)
		}
	}
}

// TestParseStopsAtHardErrorBeforeWriting does the same for config parse.
func TestParseStopsAtHardErrorBeforeWriting(t *testing.T) {
	for dialect, cfg := range lateErrorConfigs() {
		file := writeFile(t, "late."+dialect, cfg)
		for _, extra := range [][]string{nil, {"--json"}} {
			out, errs, code := run(t, NewParseCommand(), "", append([]string{"--dialect", dialect, file}, extra...)...)
			if code != ExitError || out != "" || !strings.Contains(errs, file+": line ") {
				t.Errorf("%s %v: exit %d, %d bytes of output, error %q", dialect, extra, code, len(out), errs)
			}
		}
	}
}

// TestSpoolMovesToAFile writes more than spoolMemory: the output comes back
// whole and in order, and the temporary file is removed.
func TestSpoolMovesToAFile(t *testing.T) {
	s := &spool{}
	chunk := strings.Repeat("0123456789abcdef", 4096) // 64 KiB
	n := spoolMemory/len(chunk) + 3
	for i := range n {
		if _, err := fmt.Fprintf(s, "%08d%s", i, chunk); err != nil {
			t.Fatal(err)
		}
	}
	if s.file == nil {
		t.Fatal("the spool stayed in memory")
	}
	var b strings.Builder
	if _, err := s.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if b.Len() != n*(8+len(chunk)) || !strings.HasPrefix(b.String(), "00000000") || !strings.Contains(b.String(), fmt.Sprintf("%08d", n-1)) {
		t.Fatalf("spooled output: %d bytes", b.Len())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
