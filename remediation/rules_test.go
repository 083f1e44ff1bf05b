package remediation

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/unet-dev/unet/configtree"
)

func TestParseRulesErrorsArePositioned(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"unknown top-level key", "dialect = \"ios\"\nnegations = \"no \"\n", "t.toml:2:1: unknown key negations"},
		{"unknown key in a rule", "[[weight]]\nmatch = [{ startswith = \"a\" }]\nweigth = 3\n", "t.toml:3:1: unknown key weight.weigth"},
		{"unknown key in a level", "[[weight]]\nmatch = [{ startswith = \"a\", begins = \"b\" }]\nweight = 3\n", "t.toml:2:"},
		{"bad regex", "[[weight]]\nweight = 1\nmatch = [{ startswith = \"a\" }, { regex = \"(\" }]\n", "t.toml:3:42: weight[0].match[1].regex: invalid regular expression"},
		{"bad mode", "[[ordered]]\nmatch = [{ startswith = \"ip access-list\" }]\nmode = \"shuffle\"\n", "t.toml:3:8: ordered[0].mode: mode must be"},
		{"sequence without group", "[[ordered]]\nmatch = [{ startswith = \"x\" }]\nmode = \"sequence\"\nsequence = '^\\d+ '\n", "t.toml:4:12: ordered[0].sequence: the sequence regex needs a group"},
		{"group without a group", "[[ordered]]\nmatch = [{ startswith = \"access-list \" }]\nmode = \"rewrite\"\ngroup = 'access'\n", "t.toml:4:9: ordered[0].group: the group regex needs a group"},
		{"number in a string list", "[[weight]]\nweight = 1\nmatch = [{ startswith = [\"a\", 3] }]\n", "t.toml:3:31: weight[0].match[0].startswith[1]: expected a string"},
		{"wrong type", "indent = \"two\"\n", "t.toml:1:"},
		{"syntax error", "indent = \n", "t.toml:1:10: "},
		{"unclosed table", "dialect = \"ios\"\n\n[[weight]\nweight = 1\n", "t.toml:3:9: expected ']]'"},
		{"empty path", "overwrite = [[]]\n", "t.toml:1:"},
		{"unknown dialect", "dialect = \"cobol\"\n", "t.toml:1:11: dialect: unknown dialect"},
		{"missing use", "[[negate_with]]\nmatch = [{ equals = \"a\" }]\n", "t.toml:1:1: negate_with[0]: use is required"},
		{"bad substitute", "substitute = [{ regex = \"[\", replace = \"\" }]\n", "t.toml:1:25: substitute[0].regex: invalid regular expression"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRules([]byte(tt.data), "t.toml")
			if err == nil {
				t.Fatalf("no error")
			}
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("error %T %v is not a RuleError", err, err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %q, want prefix %q", err, tt.want)
			}
			if re.Line == 0 {
				t.Errorf("error %q has no position", err)
			}
		})
	}
}

func TestParseRulesStringOrList(t *testing.T) {
	r, err := ParseRules([]byte(`
dialect = "ios"
negation = "no "
[[weight]]
match = [{ startswith = "a", endswith = ["b", "c"], equals = "abc", contains = ["x"] }]
weight = 7
`), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	got := r.Weight[0].Match[0]
	if len(got.StartsWith) != 1 || got.StartsWith[0] != "a" || len(got.EndsWith) != 2 || got.Equals[0] != "abc" || got.Contains[0] != "x" {
		t.Errorf("match rule %+v", got)
	}
}

func TestExtendWithUserFile(t *testing.T) {
	base, err := Builtin("ios")
	if err != nil {
		t.Fatal(err)
	}
	user, err := ParseRules([]byte(`
# hostnames replace each other; the trunk VLAN list is reset to "all";
# prefix lists are rewritten whole when they change.
[[idempotent]]
match = [{ startswith = "hostname " }]

[[negate_sub]]
match = [{ startswith = "interface " }, { startswith = "switchport trunk allowed vlan " }]
regex = '^no (switchport trunk allowed vlan) .*'
replace = '$1 all'

[[ordered]]
match = [{ startswith = "object-group " }]
mode = "rewrite"
`), "user.toml")
	if err != nil {
		t.Fatal(err)
	}
	nSub := len(base.NegateSub)
	ext := base.Extend(user)
	if len(base.Idempotent)+1 != len(ext.Idempotent) || len(base.NegateSub) != nSub || len(ext.NegateSub) != nSub+1 {
		t.Fatalf("Extend modified the base or lost rules: base %d, extended %d", len(base.Idempotent), len(ext.Idempotent))
	}
	running := "hostname a\ninterface Gi1\n switchport trunk allowed vlan 10,20\nobject-group network OG\n host 1.1.1.1\n host 2.2.2.2\n"
	intended := "hostname b\ninterface Gi1\nobject-group network OG\n host 2.2.2.2\n host 1.1.1.1\n"
	got := remediateText(t, "ios", running, intended, Options{Rules: ext})
	want := lines("hostname b", "interface Gi1", "  switchport trunk allowed vlan all",
		"no object-group network OG", "object-group network OG", "  host 2.2.2.2", "  host 1.1.1.1")
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	res := remediateResult(t, "ios", running, intended, Options{Rules: ext})
	if res.Stats[ReasonReordered] != 4 {
		t.Errorf("a rewrite for order only is reordered: stats %v", res.Stats)
	}
	// Without the user file, the built-in table behaves as before.
	if got := remediateText(t, "ios", running, intended, Options{}); !strings.HasPrefix(got, "no hostname a\n") {
		t.Errorf("built-in table changed by Extend:\n%s", got)
	}
	// Scalar settings of the extension replace the base's.
	if e := base.Extend(&Rules{Indent: 4, Exit: "end"}); e.Indent != 4 || e.Exit != "end" || e.Negation != "no " {
		t.Errorf("scalars: %+v", e)
	}
}

func TestRewriteOnlyWhenDifferent(t *testing.T) {
	r, err := ParseRules([]byte(`
dialect = "ios"
negation = "no "
[[ordered]]
match = [{ startswith = "object-group " }]
mode = "rewrite"
`), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := "object-group network OG\n host 1.1.1.1\n host 2.2.2.2\n"
	if got := remediateText(t, "ios", cfg, cfg, Options{Rules: r}); got != "" {
		t.Errorf("identical ordered section rewritten:\n%s", got)
	}
	got := remediateText(t, "ios", cfg, "object-group network OG\n host 1.1.1.1\n host 3.3.3.3\n", Options{Rules: r})
	want := lines("no object-group network OG", "object-group network OG", "  host 1.1.1.1", "  host 3.3.3.3")
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestRulesBuiltInGoCompileLazily(t *testing.T) {
	r := &Rules{Dialect: "ios", Negation: "no ", Weight: []Weight{{Match: Path{{Regex: "("}}, Weight: 1}}}
	a, _ := configtree.ParseString("a\n", "ios")
	if _, err := Remediate(a, a, Options{Dialect: "ios", Rules: r}); err == nil {
		t.Error("invalid regex in Go-built rules accepted")
	}
	r = &Rules{Dialect: "ios", Negation: "no ", NegateDefault: []Path{{{Equals: []string{"shutdown"}}}}}
	b, _ := configtree.ParseString("b\n", "ios")
	sd, _ := configtree.ParseString("shutdown\n", "ios")
	res, err := Remediate(sd, b, Options{Dialect: "ios", Rules: r})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Text(); got != lines("default shutdown", "b") {
		t.Errorf("got %q", got)
	}
}

func TestBuiltinUnknown(t *testing.T) {
	if _, err := Builtin("flat"); err == nil {
		t.Error("Builtin(flat) has no table but returned no error")
	}
	if _, err := Builtin("nonsense"); err == nil {
		t.Error("Builtin(nonsense) returned no error")
	}
	r1, _ := Builtin("cisco_ios")
	r2, _ := Builtin("ios")
	r1.Weight = nil
	if len(r2.Weight) == 0 {
		t.Error("Builtin copies share their rule lists")
	}
}

func TestJSONForm(t *testing.T) {
	res := remediateResult(t, "ios", "interface Gi1\n description a\n", "interface Gi1\n description b\n", Options{})
	var b bytes.Buffer
	if err := res.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Dialect  string `json:"dialect"`
		Commands []struct {
			Command string   `json:"command"`
			Parents []string `json:"parents"`
			Depth   int      `json:"depth"`
			Reason  string   `json:"reason"`
			Source  string   `json:"source"`
			Line    int      `json:"line"`
		} `json:"commands"`
		Stats map[string]int `json:"stats"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Dialect != "ios" || len(got.Commands) != 2 || got.Stats[ReasonReplaced] != 1 {
		t.Fatalf("json: %s", b.String())
	}
	c := got.Commands[1]
	if c.Command != "description b" || len(c.Parents) != 1 || c.Parents[0] != "interface Gi1" || c.Depth != 1 ||
		c.Reason != ReasonReplaced || c.Source != "description a" || c.Line != 2 {
		t.Errorf("json command: %+v", c)
	}
	if p := got.Commands[0]; p.Reason != ReasonContext || p.Parents == nil || len(p.Parents) != 0 {
		t.Errorf("json context: %+v (parents must be an empty list)", p)
	}
}

func TestWeightSinksRemovedReferences(t *testing.T) {
	base, err := Builtin("ios")
	if err != nil {
		t.Fatal(err)
	}
	user, err := ParseRules([]byte(`
[[weight]]
match = [{ startswith = ["no route-map ", "no ip prefix-list "] }]
weight = 900
`), "w.toml")
	if err != nil {
		t.Fatal(err)
	}
	running := "route-map RM permit 10\n match ip address prefix-list P\nrouter bgp 1\n neighbor 10.0.0.1 remote-as 2\n neighbor 10.0.0.1 route-map RM in\nntp server 1.1.1.1\n"
	intended := "router bgp 1\n neighbor 10.0.0.1 remote-as 2\nntp server 1.1.1.1\n"
	if got, want := remediateText(t, "ios", running, intended, Options{}), lines(
		"no route-map RM permit 10", "router bgp 1", "  no neighbor 10.0.0.1 route-map RM in"); got != want {
		t.Errorf("built-in order:\n%s\nwant:\n%s", got, want)
	}
	if got, want := remediateText(t, "ios", running, intended, Options{Rules: base.Extend(user)}), lines(
		"router bgp 1", "  no neighbor 10.0.0.1 route-map RM in", "no route-map RM permit 10"); got != want {
		t.Errorf("with the weight:\n%s\nwant:\n%s", got, want)
	}
}
