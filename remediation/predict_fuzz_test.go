package remediation

import (
	"testing"
)

var predFuzzDialects = []string{"ios", "nxos", "eos", "iosxr", "junos", "junos-set"}

// FuzzPredict applies random command text to random configurations of every
// dialect, with the built-in and the test rule tables: Predict returns a
// tree or an error, never panics, and its result compares with itself.
func FuzzPredict(f *testing.F) {
	f.Add(uint8(0), "hostname r1\ninterface Gi1\n description a\n", "no interface Gi1\nhostname r2\n")
	f.Add(uint8(1), "ip access-list A\n  10 permit ip any any\n", "ip access-list A\n  no 10\n  5 deny ip any any\n  permit tcp any any\n")
	f.Add(uint8(2), "router bgp 1\n   neighbor 1.1.1.1 remote-as 2\n", "router bgp 1\n   no neighbor 1.1.1.1\n   exit\n")
	f.Add(uint8(3), "route-policy RP\n  pass\nend-policy\n", "route-policy RP\n  drop\nend-policy\n")
	f.Add(uint8(4), "system {\n    host-name r1;\n}\n", "set system host-name r2\ndelete system\ninsert a b before c\n")
	f.Add(uint8(5), "set system host-name r1\n", "delete\ndeactivate system\nactivate system\nset \"a b\" c\n")
	f.Add(uint8(0), "banner motd ^C\nhi\n^C\n", "no banner motd\ndefault x\nno\n")
	f.Fuzz(func(t *testing.T, d uint8, running, commands string) {
		dialect := predFuzzDialects[int(d)%len(predFuzzDialects)]
		tree, err := predParseErr(running, dialect)
		if err != nil {
			return
		}
		for _, rules := range []*Rules{nil, predTestRules(dialect)} {
			got, err := predict(tree, commands, rules)
			if err != nil {
				continue
			}
			_ = got.String()
			if ok, diff := equivalent(got, got, rules); !ok {
				t.Fatalf("prediction differs from itself: %s", diff)
			}
		}
	})
}

// FuzzEquivalent compares random configurations: no panic, and every
// configuration is equivalent to itself.
func FuzzEquivalent(f *testing.F) {
	f.Add(uint8(0), "hostname a\n", "hostname b\n")
	f.Add(uint8(1), "ip access-list A\n  10 permit ip any any\n", "ip access-list A\n  20 permit ip any any\n")
	f.Add(uint8(4), "a {\n    b;\n}\n", "a {\n    c [ d e ];\n}\n")
	f.Add(uint8(5), "set a b\ndelete a\n", "set a\n")
	f.Fuzz(func(t *testing.T, d uint8, a, b string) {
		dialect := predFuzzDialects[int(d)%len(predFuzzDialects)]
		ta, err := predParseErr(a, dialect)
		if err != nil {
			return
		}
		tb, err := predParseErr(b, dialect)
		if err != nil {
			return
		}
		rules := predTestRules(dialect)
		if ok, diff := equivalent(ta, ta, rules); !ok {
			t.Fatalf("a differs from itself: %s", diff)
		}
		ok1, _ := equivalent(ta, tb, rules)
		ok2, _ := equivalent(tb, ta, rules)
		if ok1 != ok2 {
			t.Fatalf("not symmetric: %v, %v", ok1, ok2)
		}
	})
}
