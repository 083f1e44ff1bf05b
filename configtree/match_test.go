package configtree

import (
	"errors"
	"strings"
	"testing"
)

func TestParseMatchLevels(t *testing.T) {
	tests := []struct {
		expr  string
		kinds []levelKind
		srcs  []string
	}{
		{"*", []levelKind{levelAny}, []string{"*"}},
		{".*", []levelKind{levelAny}, []string{".*"}},
		{"interface GigabitEthernet.*||.*", []levelKind{levelPrefix, levelAny}, []string{"interface GigabitEthernet.*", ".*"}},
		{"router bgp .* || neighbor 10\\..*", []levelKind{levelPrefix, levelPrefix}, []string{"router bgp .*", "neighbor 10\\..*"}},
		{"hostname r1", []levelKind{levelExact}, []string{"hostname r1"}},
		{"(a||b)||c", []levelKind{levelRegex, levelExact}, []string{"(a||b)", "c"}},
		{"[|][|]||x", []levelKind{levelExact, levelExact}, []string{"[|][|]", "x"}},
		{`a\|\|b||c`, []levelKind{levelExact, levelExact}, []string{`a\|\|b`, "c"}},
		{"(?i)interface.*", []levelKind{levelRegex}, []string{"(?i)interface.*"}},
		{".*deny.*", []levelKind{levelContains}, []string{".*deny.*"}},
		{"permit .*log.*", []levelKind{levelContains}, []string{"permit .*log.*"}},
		{".* log", []levelKind{levelSuffix}, []string{".* log"}},
		{"ip .*any", []levelKind{levelSuffix}, []string{"ip .*any"}},
	}
	for _, tc := range tests {
		m, err := ParseMatch(tc.expr)
		if err != nil {
			t.Fatalf("%q: %v", tc.expr, err)
		}
		if m.Levels() != len(tc.kinds) {
			t.Fatalf("%q: %d levels, want %d", tc.expr, m.Levels(), len(tc.kinds))
		}
		for i, lv := range m.levels {
			if lv.kind != tc.kinds[i] || lv.src != tc.srcs[i] {
				t.Errorf("%q level %d: kind %d src %q, want %d %q", tc.expr, i+1, lv.kind, lv.src, tc.kinds[i], tc.srcs[i])
			}
		}
		if m.String() != tc.expr {
			t.Errorf("String() = %q", m.String())
		}
	}
}

func TestParseMatchErrors(t *testing.T) {
	tests := []struct {
		expr          string
		level, column int
		msg           string
	}{
		{"interface (", 1, 1, "missing closing )"},
		{"router bgp .*||neighbor [10", 2, 25, "missing closing ]"},
		{"a||b||c+*", 3, 8, "invalid nested repetition operator"},
		{"a||||b", 2, 4, "empty level"},
		{"", 1, 1, "empty level"},
		{"x|| ", 2, 4, "empty level"},
		{"a||(?P<n>x", 2, 4, "missing closing )"},
	}
	for _, tc := range tests {
		_, err := ParseMatch(tc.expr)
		var me *MatchError
		if !errors.As(err, &me) {
			t.Fatalf("%q: error %v is not a *MatchError", tc.expr, err)
		}
		if me.Level != tc.level || me.Column != tc.column || !strings.Contains(me.Msg, tc.msg) {
			t.Errorf("%q: got level %d column %d %q, want level %d column %d %q", tc.expr, me.Level, me.Column, me.Msg, tc.level, tc.column, tc.msg)
		}
		if !strings.Contains(err.Error(), "level") || !strings.Contains(err.Error(), "column") {
			t.Errorf("%q: message %q lacks position", tc.expr, err)
		}
	}
}

func TestLevelMatching(t *testing.T) {
	tests := []struct {
		src, text string
		want      bool
	}{
		{"interface .*", "interface Gi1", true},
		{"interface .*", "interfaces", false},
		{"interface .*", " interface Gi1", false},
		{"hostname r1", "hostname r1", true},
		{"hostname r1", "hostname r10", false},
		{"neighbor 10\\..*", "neighbor 10.1.1.1 remote-as 2", true},
		{"neighbor 10\\..*", "neighbor 100.1.1.1 remote-as 2", false},
		{"ip (address|helper).*", "ip helper-address 1.1.1.1", true},
		{"(?i)INTERFACE.*", "interface Gi1", true},
		{"a.c", "a\nc", true},
		{".*", "banner\nbody", true},
		{".*deny.*", "20 deny ip any any", true},
		{".*deny.*", "deny", true},
		{".*deny.*", "permit", false},
		{"permit .*log.*", "permit ip any any log", true},
		{"permit .*log.*", "permit log", true},
		{"permit .*log.*", "permit lo", false},
		{"permit .*log.*", "permit  log", true},
		{".* log", "deny ip any any log", true},
		{".* log", " log", true},
		{".* log", "log", false},
		{"ab.*ba", "aba", false},
		{"ab.*ba", "abba", true},
		{"x.*", "x\ny", true},
	}
	for _, tc := range tests {
		lv, err := compileLevel(tc.src)
		if err != nil {
			t.Fatal(err)
		}
		if got := lv.match([]byte(tc.text)); got != tc.want {
			t.Errorf("%q ~ %q = %v, want %v", tc.src, tc.text, got, tc.want)
		}
		if got := lv.matchString(tc.text); got != tc.want {
			t.Errorf("%q ~ %q (string) = %v, want %v", tc.src, tc.text, got, tc.want)
		}
	}
}

func TestMatchWords(t *testing.T) {
	tests := []struct {
		expr string
		path string
		want bool
	}{
		{"system||ntp", "system ntp server 10.0.0.1", true},
		{"system||ntp", "system ntp", true},
		{"system||ntp", "system", false},
		{"system||ntp||server 10\\.0\\.0\\.1", "system ntp server 10.0.0.1 prefer", true},
		{"interfaces ge-0/0/0||unit 0", "interfaces ge-0/0/0 unit 0 family inet", true},
		{"interfaces||ge-.*||unit 0||family inet", "interfaces ge-0/0/0 unit 0 family inet address 1.1.1.1/24", true},
		{"interfaces||xe-.*", "interfaces ge-0/0/0 unit 0", false},
		{"*||*", "system ntp", true},
		{"*||*", "system", false},
	}
	for _, tc := range tests {
		m := MustParseMatch(tc.expr)
		if got := m.matchWords(strings.Fields(tc.path)); got != tc.want {
			t.Errorf("%q on %q = %v, want %v", tc.expr, tc.path, got, tc.want)
		}
	}
}

func TestMatchPath(t *testing.T) {
	m := MustParseMatch("router bgp .*||neighbor .*")
	if !m.MatchPath([]string{"router bgp 1", "neighbor 1.1.1.1 remote-as 2"}) {
		t.Error("neighbor not matched")
	}
	if !m.MatchPath([]string{"router bgp 1", "neighbor 1.1.1.1", "remote-as 2"}) {
		t.Error("descendant of a match not selected")
	}
	if m.MatchPath([]string{"router bgp 1"}) {
		t.Error("ancestor alone selected")
	}
	if m.MatchPath([]string{"router ospf 1", "neighbor x"}) {
		t.Error("wrong parent selected")
	}
}
