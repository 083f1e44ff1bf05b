package remediation

import (
	"testing"

	"github.com/unet-dev/unet/configtree"
)

// Rule tables written in Go for the prediction tests: small, so that every
// behaviour a case checks is visible next to it.

func sw(s ...string) MatchRule { return MatchRule{StartsWith: s} }

func testRulesIOS() *Rules {
	return &Rules{
		Dialect:  "ios",
		Indent:   1,
		Negation: "no ",
		Substitute: []Substitute{
			{Regex: `^Building configuration.*`, Replace: ""},
			{Regex: `^Current configuration.*`, Replace: ""},
		},
		NegateWith: []NegateWith{{Match: Path{sw("logging console ")}, Use: "logging console debugging"}},
		NegateSub: []NegateSub{{
			Match:   Path{sw("interface "), sw("switchport trunk allowed vlan ")},
			Regex:   `^no (switchport trunk allowed vlan) .*`,
			Replace: "$1 all",
		}},
		NegateDefault: []Path{{sw("interface "), sw("speed ")}},
		Idempotent: []Idempotent{
			{Match: Path{sw("hostname ")}},
			{Match: Path{sw("interface "), sw("description ")}},
			{Match: Path{sw("interface "), sw("ip address ")}},
			{Match: Path{sw("logging console", "no logging console")}},
			{Match: Path{sw("router bgp "), sw("neighbor ")}, KeyRegex: `^(neighbor \S+ (?:remote-as|description)) `},
		},
		IdempotentAvoid: []Path{{sw("interface "), sw("ip address 192.0.2.")}},
		Ordered: []Ordered{
			{Match: Path{sw("ip access-list ")}, Mode: "rewrite"},
		},
		Overwrite: []Path{{sw("ip access-list ")}},
		SectionalExit: []SectionalExit{
			{Match: Path{sw("router bgp "), sw("address-family ")}, Exit: "exit-address-family", ParentLevel: true},
		},
		DuplicateChildren: []Path{{sw("router bgp "), sw("address-family ")}},
	}
}

func testRulesNXOS() *Rules {
	return &Rules{
		Dialect:  "nxos",
		Indent:   2,
		Negation: "no ",
		Idempotent: []Idempotent{
			{Match: Path{sw("hostname ")}},
			{Match: Path{sw("interface "), sw("description ")}},
			{Match: Path{sw("interface "), sw("ip address ")}},
		},
		Ordered: []Ordered{
			{Match: Path{sw("ip access-list ")}, Mode: "sequence", Sequence: `^(\d+) `},
		},
	}
}

func testRulesEOS() *Rules {
	return &Rules{
		Dialect:  "eos",
		Indent:   3,
		Negation: "no ",
		Idempotent: []Idempotent{
			{Match: Path{sw("hostname ")}},
			{Match: Path{sw("interface "), sw("description ")}},
			{Match: Path{sw("ntp server ")}, KeyRegex: `^ntp server (\S+)`},
		},
		Ordered: []Ordered{
			{Match: Path{sw("ip prefix-list ")}, Mode: "sequence", Sequence: `^seq (\d+) `},
		},
	}
}

func testRulesIOSXR() *Rules {
	return &Rules{
		Dialect:  "iosxr",
		Indent:   1,
		Negation: "no ",
		Idempotent: []Idempotent{
			{Match: Path{sw("hostname ")}},
			{Match: Path{sw("interface "), sw("description ")}},
			{Match: Path{sw("router bgp "), sw("neighbor "), sw("remote-as ")}},
		},
		OverwriteNoNegate: []Path{{sw("route-policy ")}, {sw("prefix-set ")}},
		Ordered: []Ordered{
			{Match: Path{sw("route-policy ")}, Mode: "rewrite"},
		},
	}
}

func testRulesJunos(dialect string) *Rules {
	return &Rules{
		Dialect:  dialect,
		Indent:   4,
		Negation: "delete ",
		Substitute: []Substitute{
			{Regex: `^## Last commit.*`, Replace: ""},
		},
		Idempotent: []Idempotent{
			{Match: Path{sw("set system host-name ")}},
			{Match: Path{MatchRule{Regex: `^set interfaces \S+ description `}}, KeyRegex: `^(set interfaces \S+ description) `},
		},
	}
}

func testRulesFor(dialect string) *Rules {
	switch dialect {
	case "ios":
		return testRulesIOS()
	case "nxos":
		return testRulesNXOS()
	case "eos":
		return testRulesEOS()
	case "iosxr":
		return testRulesIOSXR()
	}
	return testRulesJunos(dialect)
}

func mustParse(t testing.TB, text, dialect string) *configtree.Tree {
	t.Helper()
	tree, err := configtree.ParseString(text, dialect)
	if err != nil {
		t.Fatalf("parse %s: %v\n%s", dialect, err, text)
	}
	return tree
}

func mustParseOrNil(text, dialect string) (*configtree.Tree, error) {
	return configtree.ParseString(text, dialect)
}
