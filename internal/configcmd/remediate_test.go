package configcmd

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/unet-dev/unet/remediation"
)

const (
	remRunning = "interface Gi1\n description a\nrouter bgp 1\n neighbor 10.0.0.1 remote-as 2\n"
	// remIntended adds one line to each section and a top-level one.
	remIntended = "interface Gi1\n description a\n mtu 9000\nrouter bgp 1\n neighbor 10.0.0.1 remote-as 2\n neighbor 10.0.0.2 remote-as 3\nntp server 10.1.1.1\n"
	remForward  = "interface Gi1\n  mtu 9000\nrouter bgp 1\n  neighbor 10.0.0.2 remote-as 3\nntp server 10.1.1.1\n"
	remBack     = "no ntp server 10.1.1.1\ninterface Gi1\n  no mtu 9000\nrouter bgp 1\n  no neighbor 10.0.0.2 remote-as 3\n"
	// remUserRules negates NTP servers with one fixed command.
	remUserRules = "[[negate_with]]\nmatch = [{ startswith = \"ntp server\" }]\nuse = \"no ntp\"\n"
)

func TestRemediateCommand(t *testing.T) {
	running := writeFile(t, "running.cfg", remRunning)
	intended := writeFile(t, "intended.cfg", remIntended)
	userRules := writeFile(t, "user.toml", remUserRules)
	badRules := writeFile(t, "bad.toml", "# a rule table\n[[negate_with]]\nmatch = [{ startswit = \"ntp\" }]\n")
	tests := []struct {
		name     string
		stdin    string
		args     []string
		code     int
		out, err string
	}{
		{"forward", "", []string{"--dialect", "ios", running, intended}, ExitDifferent, remForward, ""},
		{"rollback", "", []string{"--dialect", "ios", "--rollback", running, intended}, ExitDifferent, remBack, ""},
		{"nothing to do", "", []string{"--dialect", "ios", running, running}, 0, "", ""},
		{"match restricts", "", []string{"--dialect", "ios", "-m", "router bgp .*||.*", running, intended}, ExitDifferent,
			"router bgp 1\n  neighbor 10.0.0.2 remote-as 3\n", ""},
		{"two matches", "", []string{"--dialect", "ios", "-m", "ntp .*", "-m", "interface .*||mtu .*", running, intended}, ExitDifferent,
			"interface Gi1\n  mtu 9000\nntp server 10.1.1.1\n", ""},
		{"match selects nothing", "", []string{"--dialect", "ios", "-m", "snmp-server .*", running, intended}, 0, "", ""},
		{"user rules change the negation", "", []string{"--dialect", "ios", "--rollback", "--rules", userRules, running, intended}, ExitDifferent,
			strings.Replace(remBack, "no ntp server 10.1.1.1", "no ntp", 1), ""},
		{"running on stdin, dialect detected", remRunning, []string{"-", intended}, ExitDifferent, remForward, "-: dialect ios ("},
		{"intended on stdin", remIntended, []string{"--dialect", "ios", running, "-"}, ExitDifferent, remForward, ""},
		{"bad rules file is positioned", "", []string{"--dialect", "ios", "--rules", badRules, running, intended}, ExitError, "",
			badRules + ":3:12: unknown key negate_with.startswit"},
		{"missing rules file", "", []string{"--dialect", "ios", "--rules", "/nonexistent/r.toml", running, intended}, ExitError, "", "no such file"},
		{"bad match is positioned", "", []string{"--dialect", "ios", "-m", "router bgp ||neighbor (", running, intended}, ExitError, "",
			"level 2, column"},
		{"dialect without rules", "", []string{"--dialect", "flat", running, intended}, ExitError, "", `no rule table for dialect "flat"`},
		{"unknown dialect", "", []string{"--dialect", "vyos", running, intended}, ExitError, "", "unknown dialect"},
		{"parse error is positioned", "banner motd ^C\nx\n", []string{"--dialect", "ios", "-", intended}, ExitError, "", "-: line 1: banner is not terminated"},
		{"both on stdin", "", []string{"-", "-"}, ExitUsage, "", "only one input"},
		{"one argument", "", []string{running}, ExitUsage, "", "accepts 2 arg"},
		{"bad output", "", []string{"-o", "yaml", running, intended}, ExitUsage, "", "-o must be text or json"},
		{"bad flag", "", []string{"--nope", running, intended}, ExitUsage, "", "unknown flag"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := run(t, NewRemediateCommand(), tc.stdin, tc.args...)
			if code != tc.code || out != tc.out || !strings.Contains(errs, tc.err) {
				t.Errorf("code %d out %q err %q; want %d %q %q", code, out, errs, tc.code, tc.out, tc.err)
			}
		})
	}
}

// TestRemediateCommandJSON checks that JSON output lists every command with
// its parents, depth and reason, in the order of the text output.
func TestRemediateCommandJSON(t *testing.T) {
	running := writeFile(t, "running.cfg", remRunning)
	intended := writeFile(t, "intended.cfg", remIntended)
	for _, rollback := range []bool{false, true} {
		args := []string{"--dialect", "ios", "-o", "json", running, intended}
		want := []remediation.Command{
			{Text: "interface Gi1", Parents: []string{}, Reason: remediation.ReasonContext},
			{Text: "mtu 9000", Parents: []string{"interface Gi1"}, Depth: 1, Reason: remediation.ReasonAdded, Source: "mtu 9000", Line: 3},
			{Text: "router bgp 1", Parents: []string{}, Reason: remediation.ReasonContext},
			{Text: "neighbor 10.0.0.2 remote-as 3", Parents: []string{"router bgp 1"}, Depth: 1, Reason: remediation.ReasonAdded, Source: "neighbor 10.0.0.2 remote-as 3", Line: 6},
			{Text: "ntp server 10.1.1.1", Parents: []string{}, Reason: remediation.ReasonAdded, Source: "ntp server 10.1.1.1", Line: 7},
		}
		wantStats := map[string]int{remediation.ReasonAdded: 3}
		if rollback {
			args = append([]string{"--rollback"}, args...)
			want = []remediation.Command{
				{Text: "no ntp server 10.1.1.1", Parents: []string{}, Reason: remediation.ReasonRemoved, Source: "ntp server 10.1.1.1", Line: 7},
				{Text: "interface Gi1", Parents: []string{}, Reason: remediation.ReasonContext},
				{Text: "no mtu 9000", Parents: []string{"interface Gi1"}, Depth: 1, Reason: remediation.ReasonRemoved, Source: "mtu 9000", Line: 3},
				{Text: "router bgp 1", Parents: []string{}, Reason: remediation.ReasonContext},
				{Text: "no neighbor 10.0.0.2 remote-as 3", Parents: []string{"router bgp 1"}, Depth: 1, Reason: remediation.ReasonRemoved, Source: "neighbor 10.0.0.2 remote-as 3", Line: 6},
			}
			wantStats = map[string]int{remediation.ReasonRemoved: 3}
		}
		out, errs, code := run(t, NewRemediateCommand(), "", args...)
		if code != ExitDifferent || errs != "" {
			t.Fatalf("rollback %v: code %d err %q", rollback, code, errs)
		}
		var res remediation.Result
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("rollback %v: %v\n%s", rollback, err, out)
		}
		if res.Dialect != "ios" || len(res.Commands) != len(want) {
			t.Fatalf("rollback %v: dialect %q, %d commands: %s", rollback, res.Dialect, len(res.Commands), out)
		}
		for i, c := range res.Commands {
			w := want[i]
			if c.Text != w.Text || strings.Join(c.Parents, "|") != strings.Join(w.Parents, "|") || c.Depth != w.Depth ||
				c.Reason != w.Reason || c.Source != w.Source || (w.Line != 0 && c.Line != w.Line) {
				t.Errorf("rollback %v: command %d = %+v, want %+v", rollback, i, c, w)
			}
		}
		for reason, n := range wantStats {
			if res.Stats[reason] != n {
				t.Errorf("rollback %v: stats %v, want %v", rollback, res.Stats, wantStats)
			}
		}
	}
}

// TestConfigCommandHasRemediate checks that "config" mounts remediate and
// predict.
func TestConfigCommandHasRemediate(t *testing.T) {
	intended := writeFile(t, "intended.cfg", remIntended)
	out, _, code := run(t, NewConfigCommand(), remRunning, "remediate", "--dialect", "ios", "-", intended)
	if code != ExitDifferent || out != remForward {
		t.Errorf("config remediate: code %d out %q", code, out)
	}
	for _, name := range []string{"remediate", "predict"} {
		if c, _, err := NewConfigCommand().Find([]string{name}); err != nil || c.Name() != name {
			t.Errorf("config %s: %v", name, err)
		}
	}
}
