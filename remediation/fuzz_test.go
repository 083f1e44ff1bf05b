package remediation

import (
	"strings"
	"testing"

	"github.com/unet-dev/unet/configtree"
)

func FuzzParseRules(f *testing.F) {
	for _, d := range BuiltinDialects() {
		data, err := builtinFS.ReadFile("rules/" + d + ".toml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add("[[ordered]]\nmatch = [{ startswith = \"x\" }]\nmode = \"sequence\"\nsequence = '^(\\d+) '\nnumber = { startswith = [\"permit\"] }\n")
	f.Add("[[weight]]\nmatch = [{ regex = \"(\" }]\nweight = 1\n")
	f.Add("negate_default = [[{ equals = [1] }]]\n")
	f.Fuzz(func(t *testing.T, data string) {
		r, err := ParseRules([]byte(data), "fuzz.toml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.toml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		// A table that parses is usable.
		a, perr := configtree.ParseString("interface Gi1\n description a\nhostname x\n", "ios")
		if perr != nil {
			t.Fatal(perr)
		}
		b, _ := configtree.ParseString("interface Gi1\n description b\n", "ios")
		if _, err := Remediate(a, b, Options{Dialect: "ios", Rules: r}); err != nil {
			t.Fatalf("Remediate with a parsed table: %v", err)
		}
	})
}

var fuzzDialects = []string{"ios", "nxos", "eos", "iosxr", "junos-set", "junos"}

// fuzzExtra exercises the rule kinds the built-in tables use little.
const fuzzExtra = `
negate_default = [[{ startswith = "interface" }, { startswith = "mtu" }]]
overwrite = [[{ startswith = "class-map" }]]
[[ordered]]
match = [{ startswith = "object-group" }]
mode = "rewrite"
[[ordered]]
match = [{ startswith = "ip prefix-list" }]
mode = "rewrite"
group = '^(ip prefix-list \S+) '
[[negate_sub]]
match = [{ startswith = "interface" }, { startswith = "switchport trunk allowed vlan" }]
regex = '^no (switchport trunk allowed vlan) .*'
replace = '$1 all'
[[idempotent]]
match = [{ regex = '^(snmp-server location|hostname) ' }]
key = '^(\S+)'
`

func FuzzRemediate(f *testing.F) {
	f.Add(uint8(0), iosRunning, iosIntended)
	f.Add(uint8(128), "object-group network A\n host 1.1.1.1\n host 2.2.2.2\nip prefix-list P seq 5 permit 10.0.0.0/8\n", "object-group network A\n host 2.2.2.2\n host 1.1.1.1\nip prefix-list P seq 10 permit 10.0.0.0/8\n")
	f.Add(uint8(1), "interface Ethernet1/1\n  ip address 10.0.0.1/24\n", "interface Ethernet1/1\n  ip address 10.0.0.2/24\n")
	f.Add(uint8(3), "route-policy RP\n  pass\nend-policy\n", "route-policy RP\n  drop\nend-policy\n")
	f.Add(uint8(4), "set system host-name a\n", "set system host-name b\ndelete system ntp\n")
	f.Add(uint8(5), "system {\n    host-name a;\n}\n", "system {\n    host-name b;\n    inactive: ntp {\n        server 1.1.1.1;\n    }\n}\n")
	extra, err := ParseRules([]byte(fuzzExtra), "extra.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which uint8, running, intended string) {
		d := fuzzDialects[int(which)%len(fuzzDialects)]
		base, err := Builtin(d)
		if err != nil {
			t.Fatal(err)
		}
		var rules *Rules
		if which >= 128 {
			rules = base.Extend(extra)
		}
		rt, err := configtree.ParseString(running, d)
		if err != nil {
			return
		}
		it, err := configtree.ParseString(intended, d)
		if err != nil {
			return
		}
		for _, rollback := range []bool{false, true} {
			res, err := Remediate(rt, it, Options{Dialect: d, Rollback: rollback, Rules: rules})
			if err != nil {
				t.Fatalf("%s: Remediate: %v", d, err)
			}
			var b strings.Builder
			if err := res.WriteTextExits(&b); err != nil {
				t.Fatal(err)
			}
			for i, c := range res.Commands {
				if c.Depth != len(c.Parents) || (i == 0 && c.Depth != 0) || (i > 0 && c.Depth > res.Commands[i-1].Depth+1) {
					t.Fatalf("%s: command %d %+v does not follow its parents", d, i, c)
				}
			}
		}
		// Identical configurations need no commands.
		res, err := Remediate(rt, rt, Options{Dialect: d, Rules: rules})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Commands) != 0 {
			t.Fatalf("%s: %d commands between a configuration and itself", d, len(res.Commands))
		}
	})
}
