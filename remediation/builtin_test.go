package remediation

import "testing"

func TestBuiltinTablesParse(t *testing.T) {
	for _, d := range []string{"ios", "nxos", "eos", "iosxr", "junos-set", "junos"} {
		r, err := Builtin(d)
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		if r.Dialect != d || r.compiled == nil {
			t.Errorf("%s: dialect %q, compiled %v", d, r.Dialect, r.compiled != nil)
		}
	}
}
