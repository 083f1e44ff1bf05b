package policy

import (
	"errors"
	"strings"
	"testing"
)

// TestSyntaxErrorPositions checks the exact position and message of every
// class of syntax error.
func TestSyntaxErrorPositions(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		line, col int
		msg       string
	}{
		{"unterminated string", "WHEN node.name == \"abc\nTHEN APPLY \"x\"", 1, 19, "unterminated string, expected closing \""},
		{"unterminated single-quoted string", "WHEN node.name == 'abc", 1, 19, "unterminated string, expected closing '"},
		{"invalid escape", `WHEN node.name == "a\qb" THEN APPLY "x"`, 1, 21, `invalid escape sequence \q`},
		{"invalid unicode escape", `WHEN node.name == "\u12" THEN APPLY "x"`, 1, 20, `invalid \u escape`},
		{"unterminated block comment", "WHEN node.name == \"a\" /* never closed\nTHEN", 1, 23, "unterminated block comment, expected '*/'"},
		{"unterminated regex", "WHEN node.name =~ /abc\nTHEN APPLY \"x\"", 1, 19, "unterminated regex, expected closing '/'"},
		{"invalid regex flag", "WHEN node.name =~ /abc/ix THEN APPLY \"x\"", 1, 25, "invalid regex flag 'x', expected i, m or s"},
		{"single equals", "WHEN node.name = \"a\" THEN APPLY \"x\"", 1, 16, "unexpected '=', expected '==' or '=~'"},
		{"single bang", "WHEN node.name ! \"a\" THEN APPLY \"x\"", 1, 16, "unexpected '!', expected '!=' or '!~'"},
		{"unexpected character", "WHEN node.name == @ THEN APPLY \"x\"", 1, 19, "unexpected character '@'"},
		{"malformed number", "WHEN custom_data.n == 12ab THEN APPLY \"x\"", 1, 23, `malformed number "12ab"`},
		{"missing WHEN", "RULE \"x\" SEVERITY high THEN APPLY \"x\"", 1, 24, "unexpected THEN, expected WHEN"},
		{"garbage at top level", "APPLY \"x\"", 1, 1, "unexpected APPLY, expected RULE or WHEN"},
		{"missing THEN", "WHEN node.name == \"a\"\nAPPLY \"x\"", 2, 1, "unexpected APPLY, expected AND, OR or THEN"},
		{"missing value", "WHEN node.name == THEN APPLY \"x\"", 1, 19, "unexpected THEN, expected a value"},
		{"missing value at end", "WHEN node.name ==", 1, 18, "unexpected end of file, expected a value"},
		{"unclosed list", "WHEN node.role IN [\"a\" \"b\"] THEN APPLY \"x\"", 1, 24, "unexpected string \"b\", expected ',' or ']'"},
		{"unclosed paren", "WHEN (node.role == \"a\" THEN APPLY \"x\"", 1, 24, "unexpected THEN, expected AND, OR or ')'"},
		{"unclosed call", "WHEN len(node.tags THEN APPLY \"x\"", 1, 20, "unexpected THEN, expected ',' or ')'"},
		{"field after dot", "WHEN node. == \"a\" THEN APPLY \"x\"", 1, 12, "expected a field name after '.'"},
		{"NOT without IN", "WHEN node.role NOT \"a\" THEN APPLY \"x\"", 1, 20, "unexpected string \"a\", expected IN after NOT"},
		{"IS without value", "WHEN node.role IS THEN APPLY \"x\"", 1, 19, "unexpected THEN, expected a value"},
		{"missing action", "WHEN node.role == \"a\" THEN node.x", 1, 28, "expected an action (ASSERT, SET, APPLY or '{')"},
		{"block without separator", "WHEN node.role == \"a\" THEN { APPLY \"x\" APPLY \"y\" }", 1, 40, "unexpected APPLY, expected ';' or '}'"},
		{"unclosed block", "WHEN node.role == \"a\" THEN { APPLY \"x\";", 1, 40, "unexpected end of file, expected an action"},
		{"SET without TO", "WHEN node.role == \"a\" THEN SET custom_data.x \"y\"", 1, 46, "unexpected string \"y\", expected TO"},
		{"SET without field", "WHEN node.role == \"a\" THEN SET \"y\" TO 1", 1, 32, "expected a custom_data field after SET"},
		{"APPLY without string", "WHEN node.role == \"a\" THEN APPLY eos", 1, 34, "expected a quoted template path after APPLY"},
		{"RULE without name", "RULE cisco WHEN node.role == \"a\" THEN APPLY \"x\"", 1, 6, "expected a quoted rule name after RULE"},
		{"empty rule name", "RULE \"\" WHEN node.role == \"a\" THEN APPLY \"x\"", 1, 6, "empty rule name"},
		{"bad severity", "RULE \"x\" SEVERITY urgent WHEN node.role == \"a\" THEN APPLY \"x\"", 1, 19, "expected a severity (info, low, medium, high or critical)"},
		{"trailing tokens", "WHEN node.role == \"a\" THEN APPLY \"x\" \"y\"", 1, 38, "unexpected string \"y\", expected RULE or WHEN"},
		{"column counts runes", "WHEN node.name == \"é\" AND node.x ==", 1, 36, "unexpected end of file"},
		{"second line", "WHEN node.name == \"a\"\n  AND node.x ==", 2, 16, "unexpected end of file"},
		{"unterminated front matter", "---\nid: x\nWHEN node.role == \"a\" THEN APPLY \"x\"", 1, 1, "unterminated front matter"},
		{"invalid front matter", "---\nid: [x\n---\nWHEN node.role == \"a\" THEN APPLY \"x\"", 2, 1, "invalid front matter"},
		{"bad front matter target", "---\ntarget: device\n---\n", 2, 1, `invalid front matter target "device"`},
		{"nesting too deep", "WHEN " + strings.Repeat("(", 300) + "node.x == 1", 1, 206, "nesting deeper than 200 levels"},
		{"lists nested too deep", "WHEN node.tags IN " + strings.Repeat("[", 300), 1, 218, "nesting deeper than 200 levels"},
		{"invalid UTF-8", "WHEN node.name == \xff THEN APPLY \"x\"", 1, 19, "invalid UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFile("t.rules", []byte(tc.src))
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("err = %v, want an ErrorList", err)
			}
			e := list[0]
			if e.Line != tc.line || e.Col != tc.col || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("got %s, want t.rules:%d:%d: …%s…", e, tc.line, tc.col, tc.msg)
			}
			if e.File != "t.rules" {
				t.Errorf("file = %q", e.File)
			}
		})
	}
}

// TestCheckErrorPositions checks the positions of checker findings.
func TestCheckErrorPositions(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		line, col int
		msg       string
	}{
		{"unknown node field", "WHEN node.hostname == \"a\" THEN APPLY \"x\"", 1, 6, `unknown field node.hostname: node has no field "hostname"`},
		{"unknown root", "WHEN device.name == \"a\" THEN APPLY \"x\"", 1, 6, `unknown field root "device"`},
		{"unknown location field", "WHEN node.role == \"a\" AND location.city == \"b\" THEN APPLY \"x\"", 1, 27, `location has no field "city"`},
		{"unknown link field", "WHEN link.speed > 1 THEN APPLY \"x\"", 1, 6, `link has no field "speed"`},
		{"unknown link end field", "WHEN link.a.port == \"x\" THEN APPLY \"x\"", 1, 6, "expected link.a.node or link.a.interface"},
		{"unknown link node field", "WHEN link.a.node.os == \"x\" THEN APPLY \"x\"", 1, 6, `link.a.node has no field "os"`},
		{"sub-field of scalar", "WHEN node.vendor.name == \"x\" THEN APPLY \"x\"", 1, 6, "node.vendor has no sub-fields"},
		{"unknown function", "WHEN node.role == \"a\" THEN ASSERT trim(node.name) == \"x\"", 1, 35, `unknown function "trim"`},
		{"wrong arity", "WHEN len(node.name, node.role) > 1 THEN APPLY \"x\"", 1, 6, "len() takes 1 argument, got 2"},
		{"bad regex", "WHEN node.name MATCHES \"(abc\" THEN APPLY \"x\"", 1, 24, "invalid regex \"(abc\": missing closing )"},
		{"bad regex literal", "WHEN node.name =~ /a[/ THEN APPLY \"x\"", 1, 19, "invalid regex /a[/"},
		{"MATCHES needs literal", "WHEN node.name MATCHES node.role THEN APPLY \"x\"", 1, 24, "must be a string or regex literal"},
		{"regex outside MATCHES", "WHEN node.name == /x/ THEN APPLY \"x\"", 1, 19, "a regex literal can only stand"},
		{"IN needs list", "WHEN node.role IN \"core\" THEN APPLY \"x\"", 1, 19, "the right side of IN must be a list"},
		{"SET outside custom_data", "WHEN node.role == \"a\" THEN SET node.role TO \"b\"", 1, 32, "SET can only change custom_data of the rule's node"},
		{"SET custom_data root", "WHEN node.role == \"a\" THEN SET custom_data TO 1", 1, 32, "SET can only change custom_data"},
		{"SET other object", "WHEN node.role == \"a\" THEN SET location.custom_data.x TO 1", 1, 32, "SET can only change custom_data of the rule's node"},
		{"duplicate rule id", "RULE \"a\" WHEN node.role == \"x\" THEN APPLY \"x\"\nRULE \"a\" WHEN node.role == \"y\" THEN APPLY \"y\"", 2, 6, `duplicate rule id "a" (first defined at t.rules:1:6)`},
		{"mixed link and node", "WHEN link.role == \"backbone\" AND node.vendor == \"x\" THEN APPLY \"x\"", 1, 34, "rule mixes link fields with node.vendor"},
		{"version of a number", "WHEN version(17) > version(\"1\") THEN APPLY \"x\"", 1, 6, "version() cannot take 17"},
		{"empty APPLY", "WHEN node.role == \"a\" THEN APPLY \"\"", 1, 28, "APPLY needs a template path"},
		{"target conflict", "---\ntarget: link\n---\nWHEN node.role == \"a\" THEN APPLY \"x\"", 4, 1, "front matter declares target link"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseFile("t.rules", []byte(tc.src))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			_, err = Compile(f)
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("err = %v, want an ErrorList", err)
			}
			e := list[0]
			if e.Line != tc.line || e.Col != tc.col || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("got %s, want t.rules:%d:%d: …%s…", e, tc.line, tc.col, tc.msg)
			}
		})
	}
}

func TestByteOrderMark(t *testing.T) {
	for _, src := range []string{"\ufeffWHEN true THEN APPLY \"x\"", "\ufeff---\nid: a\n---\nWHEN true THEN APPLY \"x\""} {
		f, err := ParseFile("bom.rules", []byte(src))
		if err != nil || len(f.Rules) != 1 {
			t.Fatalf("%q: %v", src, err)
		}
	}
	_, err := ParseFile("bom.rules", []byte("\ufeffWHEN x =="))
	if list, ok := err.(ErrorList); !ok || list[0].Col != 10 {
		t.Fatalf("err = %v, want column 10", err)
	}
}

func TestErrorPretty(t *testing.T) {
	_, err := ParseFile("site/a.rules", []byte("RULE \"x\"\nWHEN node.role IN [\"a\" \"b\"]\nTHEN APPLY \"x\""))
	got := err.(ErrorList).Pretty()
	want := "site/a.rules:2:24: unexpected string \"b\", expected ',' or ']'\n" +
		" 2 | WHEN node.role IN [\"a\" \"b\"]\n" +
		"   |                        ^\n"
	if got != want {
		t.Errorf("Pretty() =\n%s\nwant\n%s", got, want)
	}
}

// TestErrorRecovery checks that errors in several rules are all reported.
func TestErrorRecovery(t *testing.T) {
	src := "WHEN node.role == THEN APPLY \"x\"\nWHEN node.role == \"a\" THEN APPLY \"ok\"\nWHEN node.name = \"b\" THEN APPLY \"y\"\n"
	f, err := ParseFile("t.rules", []byte(src))
	list, _ := err.(ErrorList)
	if len(list) != 2 || list[0].Line != 1 || list[1].Line != 3 {
		t.Fatalf("errors = %v, want one on line 1 and one on line 3", err)
	}
	if len(f.Rules) != 1 || f.Rules[0].Pos.Line != 2 {
		t.Fatalf("recovered rules = %d, want the rule of line 2", len(f.Rules))
	}
}
