package remediation

import (
	"testing"

	"github.com/unet-dev/unet/configtree"
)

// Rule tables written in Go for the prediction tests: small, so that every
// behaviour a case checks is visible next to it.

func predSW(s ...string) MatchRule { return MatchRule{StartsWith: s} }

func predRulesIOS() *Rules {
	return &Rules{
		Dialect:  "ios",
		Indent:   1,
		Negation: "no ",
		Substitute: []Substitute{
			{Regex: `^Building configuration.*`, Replace: ""},
			{Regex: `^Current configuration.*`, Replace: ""},
		},
		NegateWith: []NegateWith{{Match: Path{predSW("logging console ")}, Use: "logging console debugging"}},
		NegateSub: []NegateSub{{
			Match:   Path{predSW("interface "), predSW("switchport trunk allowed vlan ")},
			Regex:   `^no (switchport trunk allowed vlan) .*`,
			Replace: "$1 all",
		}},
		NegateDefault: []Path{{predSW("interface "), predSW("speed ")}},
		Idempotent: []Idempotent{
			{Match: Path{predSW("hostname ")}},
			{Match: Path{predSW("interface "), predSW("description ")}},
			{Match: Path{predSW("interface "), predSW("ip address ")}},
			{Match: Path{predSW("logging console", "no logging console")}},
			{Match: Path{predSW("router bgp "), predSW("neighbor ")}, KeyRegex: `^(neighbor \S+ (?:remote-as|description)) `},
		},
		IdempotentAvoid: []Path{{predSW("interface "), predSW("ip address 192.0.2.")}},
		Ordered: []Ordered{
			{Match: Path{predSW("ip access-list ")}, Mode: "rewrite"},
		},
		Overwrite: []Path{{predSW("ip access-list ")}},
		SectionalExit: []SectionalExit{
			{Match: Path{predSW("router bgp "), predSW("address-family ")}, Exit: "exit-address-family", ParentLevel: true},
		},
		DuplicateChildren: []Path{{predSW("router bgp "), predSW("address-family ")}},
	}
}

func predRulesNXOS() *Rules {
	return &Rules{
		Dialect:  "nxos",
		Indent:   2,
		Negation: "no ",
		Idempotent: []Idempotent{
			{Match: Path{predSW("hostname ")}},
			{Match: Path{predSW("interface "), predSW("description ")}},
			{Match: Path{predSW("interface "), predSW("ip address ")}},
		},
		Ordered: []Ordered{
			{Match: Path{predSW("ip access-list ")}, Mode: "sequence", Sequence: `^(\d+) `},
		},
	}
}

func predRulesEOS() *Rules {
	return &Rules{
		Dialect:  "eos",
		Indent:   3,
		Negation: "no ",
		Idempotent: []Idempotent{
			{Match: Path{predSW("hostname ")}},
			{Match: Path{predSW("interface "), predSW("description ")}},
			{Match: Path{predSW("ntp server ")}, KeyRegex: `^ntp server (\S+)`},
		},
		Ordered: []Ordered{
			{Match: Path{predSW("ip prefix-list ")}, Mode: "sequence", Sequence: `^seq (\d+) `},
		},
	}
}

func predRulesIOSXR() *Rules {
	return &Rules{
		Dialect:  "iosxr",
		Indent:   1,
		Negation: "no ",
		Idempotent: []Idempotent{
			{Match: Path{predSW("hostname ")}},
			{Match: Path{predSW("interface "), predSW("description ")}},
			{Match: Path{predSW("router bgp "), predSW("neighbor "), predSW("remote-as ")}},
		},
		OverwriteNoNegate: []Path{{predSW("route-policy ")}, {predSW("prefix-set ")}},
		Ordered: []Ordered{
			{Match: Path{predSW("route-policy ")}, Mode: "rewrite"},
		},
	}
}

func predRulesJunos(dialect string) *Rules {
	return &Rules{
		Dialect:     dialect,
		Indent:      4,
		Negation:    "delete ",
		Declaration: "set ",
		Substitute: []Substitute{
			{Regex: `^## Last commit.*`, Replace: ""},
		},
		Idempotent: []Idempotent{
			{Match: Path{predSW("set system host-name ")}},
			{Match: Path{MatchRule{Regex: `^set interfaces \S+ description `}}, KeyRegex: `^(set interfaces \S+ description) `},
		},
	}
}

func predTestRules(dialect string) *Rules {
	switch dialect {
	case "ios":
		return predRulesIOS()
	case "nxos":
		return predRulesNXOS()
	case "eos":
		return predRulesEOS()
	case "iosxr":
		return predRulesIOSXR()
	}
	return predRulesJunos(dialect)
}

func predParse(t testing.TB, text, dialect string) *configtree.Tree {
	t.Helper()
	tree, err := configtree.ParseString(text, dialect)
	if err != nil {
		t.Fatalf("parse %s: %v\n%s", dialect, err, text)
	}
	return tree
}

func predParseErr(text, dialect string) (*configtree.Tree, error) {
	return configtree.ParseString(text, dialect)
}
