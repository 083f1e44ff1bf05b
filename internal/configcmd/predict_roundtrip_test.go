package configcmd

import (
	"strings"
	"testing"
)

// TestPredictRoundTrip applies the output of config remediate with config
// predict, for each direction and for line and curly-brace dialects: the
// predicted configuration needs no further command to reach the target.
func TestPredictRoundTrip(t *testing.T) {
	cases := []struct {
		dialect, running, intended string
	}{
		{"ios", remRunning, remIntended},
		{"ios", "hostname a\nip access-list extended ACL\n 10 permit ip any any\n 20 deny ip any any\n",
			"hostname b\nip access-list extended ACL\n 10 permit ip any any\n 15 permit tcp any any\n 20 deny ip any any\n"},
		{"junos", "system {\n    host-name a;\n    ntp {\n        server 192.0.2.1;\n    }\n}\n",
			"system {\n    host-name b;\n    ntp {\n        server 192.0.2.2;\n    }\n}\ninterfaces {\n    ge-0/0/0 {\n        description uplink;\n    }\n}\n"},
		{"junos-set", "set system host-name a\nset system ntp server 192.0.2.1\n",
			"set system host-name b\nset interfaces ge-0/0/0 description uplink\n"},
	}
	for _, tc := range cases {
		for _, rollback := range []bool{false, true} {
			from, to := tc.running, tc.intended
			args := []string{"--dialect", tc.dialect}
			if rollback {
				from, to = to, from
				args = append(args, "--rollback")
			}
			running := writeFile(t, "running.cfg", tc.running)
			intended := writeFile(t, "intended.cfg", tc.intended)
			fix, errs, code := run(t, NewRemediateCommand(), "", append(args, running, intended)...)
			if code != ExitDifferent || fix == "" {
				t.Fatalf("%s rollback %v: remediate exit %d %s", tc.dialect, rollback, code, errs)
			}
			// The commands come on standard input.
			predicted, errs, code := run(t, NewPredictCommand(), fix, "--dialect", tc.dialect, writeFile(t, "from.cfg", from), "-")
			if code != 0 || predicted == "" || predicted == from {
				t.Fatalf("%s rollback %v: predict exit %d %q %s", tc.dialect, rollback, code, predicted, errs)
			}
			// Nothing is left to do from the prediction to the target.
			rest, errs, code := run(t, NewRemediateCommand(), "", "--dialect", tc.dialect, writeFile(t, "predicted.cfg", predicted), writeFile(t, "to.cfg", to))
			if code != 0 || rest != "" {
				t.Errorf("%s rollback %v: after\n%s\npredicted\n%s\nstill needs (exit %d %s)\n%s", tc.dialect, rollback, fix, predicted, code, errs, rest)
			}
		}
	}
}

// TestPredictBadCommand: a command the device would refuse is an error
// naming the commands input and the line.
func TestPredictBadCommand(t *testing.T) {
	running := writeFile(t, "running.set", "set system host-name a\n")
	fix := writeFile(t, "fix.txt", "set system host-name b\nreboot now\n")
	out, errs, code := run(t, NewPredictCommand(), "", "--dialect", "junos-set", running, fix)
	if code != ExitError || out != "" || !strings.Contains(errs, fix+": ") || !strings.Contains(errs, "line 2") {
		t.Errorf("code %d out %q err %q", code, out, errs)
	}
}
