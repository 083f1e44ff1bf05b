package configtree

import (
	"strings"
	"testing"
)

// outline renders a tree as "depth|text" lines (closing lines as "depth|/text")
// so expectations are easy to read.
func outline(t *Tree) string {
	var b strings.Builder
	for _, e := range t.Entries() {
		mark := ""
		if e.Close {
			mark = "/"
		}
		b.WriteString(strings.Repeat(" ", 0))
		b.WriteString(string(rune('0' + e.Depth)))
		b.WriteString("|" + mark + strings.ReplaceAll(e.Line, "\n", "⏎") + "\n")
	}
	return b.String()
}

func TestParseDialects(t *testing.T) {
	tests := []struct {
		name, dialect, in, want string
	}{
		{"ios indentation and comments", "ios",
			"!\nhostname r1\n!\ninterface Gi1\n description x\n ip address 10.0.0.1 255.255.255.0\n!\nrouter bgp 1\n neighbor 10.0.0.2 remote-as 2\n address-family ipv4\n  neighbor 10.0.0.2 activate\n exit-address-family\nend\n",
			"0|hostname r1\n0|interface Gi1\n1| description x\n1| ip address 10.0.0.1 255.255.255.0\n0|router bgp 1\n1| neighbor 10.0.0.2 remote-as 2\n1| address-family ipv4\n2|  neighbor 10.0.0.2 activate\n2| exit-address-family\n0|end\n"},
		{"ios crlf and trailing blanks", "ios", "interface Gi1  \r\n shutdown\t\r\n\r\n", "0|interface Gi1\n1| shutdown\n"},
		{"ios banner ^C body on following lines", "ios", "banner motd ^C\nHello\n\nWorld\n^C\nhostname r\n",
			"0|banner motd ^C\n1|Hello⏎⏎World⏎^C\n0|hostname r\n"},
		{"ios banner text on the banner line", "ios", "banner login ^CWelcome\nsecond line^C\nline vty 0 4\n",
			"0|banner login ^CWelcome\n1|second line^C\n0|line vty 0 4\n"},
		{"ios empty banner", "ios", "banner motd ^C^C\nhostname r\n", "0|banner motd ^C^C\n0|hostname r\n"},
		{"ios one-line banner with other delimiter", "ios", "banner exec #hello#\n", "0|banner exec #hello#\n"},
		{"ios banner with # delimiter and ! inside", "ios", "banner motd #\n! not a comment\n  indented text\n#\nhostname r\n",
			"0|banner motd #\n1|! not a comment⏎  indented text⏎#\n0|hostname r\n"},
		{"asa one-line banners are statements", "ios", "banner motd This is a test\nbanner motd \nbanner motd ***\n",
			"0|banner motd This is a test\n0|banner motd\n0|banner motd ***\n"},
		{"asa header comments", "ios", ": Saved\n:\nASA Version 9.7\n", "0|ASA Version 9.7\n"},
		{"eos banner ends with EOF", "eos", "banner login\nauthorized only\n! not a comment\nEOF\nhostname leaf\n",
			"0|banner login\n1|authorized only⏎! not a comment⏎EOF\n0|hostname leaf\n"},
		{"nxos banner", "nxos", "banner motd #\nline one\nline two #\nfeature bgp\n", "0|banner motd #\n1|line one⏎line two #\n0|feature bgp\n"},
		{"iosxr route-policy closed by end-policy", "iosxr",
			"route-policy PASS\n  if destination in X then\n    pass\n  endif\nend-policy\n!\nprefix-set NONE\nend-set\n!\nrouter static\n",
			"0|route-policy PASS\n1|  if destination in X then\n2|    pass\n1|  endif\n0|/end-policy\n0|prefix-set NONE\n0|/end-set\n0|router static\n"},
		{"iosxr end-set without open block is a statement", "iosxr", "end-set\n", "0|end-set\n"},
		{"junos blocks, leaves and comments", "junos",
			"## Last commit\nsystem {\n    host-name r1; # trailing comment\n    /* annotation\n       on two lines */\n    ntp {\n        server 10.0.0.1 prefer;\n    }\n}\n",
			"0|system {\n1|    host-name r1;\n1|    ntp {\n2|        server 10.0.0.1 prefer;\n1|/    }\n0|/}\n"},
		{"junos inactive, protect and quoted braces", "junos",
			"inactive: interfaces {\n    ge-0/0/0 {\n        description \"uses { and ; and # inside\";\n    }\n}\nprotect: system { host-name r; }\n",
			"0|inactive: interfaces {\n1|    ge-0/0/0 {\n2|        description \"uses { and ; and # inside\";\n1|/    }\n0|/}\n0|protect: system {\n1|host-name r;\n0|/}\n"},
		{"junos lists", "junos", "system {\n    domain-search [ a.example b.example ];\n}\n",
			"0|system {\n1|    domain-search [ a.example b.example ];\n0|/}\n"},
		{"junos-set", "junos-set", "# comment\nset system host-name r1\ndeactivate system syslog\n\nset interfaces ge-0/0/0 unit 0\n",
			"0|set system host-name r1\n0|deactivate system syslog\n0|set interfaces ge-0/0/0 unit 0\n"},
		{"flat", "flat", "a\n  b\n\nc\n", "0|a\n0|  b\n0|c\n"},
		{"empty input", "ios", "", ""},
		{"indented first line", "ios", "  description x\nhostname r\n", "0|  description x\n0|hostname r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree, err := ParseString(tc.in, tc.dialect)
			if err != nil {
				t.Fatal(err)
			}
			if got := outline(tree); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, dialect, in, want string
	}{
		{"unterminated banner", "ios", "hostname r\nbanner motd ^C\ntext\n", "line 2: banner is not terminated"},
		{"unterminated eos banner", "eos", "banner login\ntext\n", "line 1: banner is not terminated"},
		{"unbalanced close", "junos", "system {\n}\n}\n", "line 3: unexpected \"}\""},
		{"unclosed block", "junos", "system {\n  ntp {\n", "line 2: block is not closed"},
		{"unterminated quote", "junos", "system {\n  description \"abc\n}\n", "quoted string is not terminated"},
		{"unknown dialect", "cisco", "x", "unknown dialect \"cisco\""},
		{"too deep junos", "junos", strings.Repeat("a {\n", MaxDepth+1), "nested deeper than"},
		{"too deep indentation", "ios", func() string {
			var b strings.Builder
			for i := 0; i <= MaxDepth; i++ {
				b.WriteString(strings.Repeat(" ", i) + "x\n")
			}
			return b.String()
		}(), "nested deeper than"},
		{"huge banner", "ios", "banner motd ^C\n" + strings.Repeat("text line\n", 120000), "line 1: banner is longer than"},
		{"huge junos statement", "junos", strings.Repeat("word\n", 250000), "line 1: statement is longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseString(tc.in, tc.dialect)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLongLines(t *testing.T) {
	long := strings.Repeat("x", 200<<10)
	tree, err := ParseString("hostname r\ndescription "+long+"\n", "ios")
	if err != nil {
		t.Fatal(err)
	}
	if got := tree.Statements[1].Text; got != "description "+long {
		t.Fatalf("long line lost: %d bytes", len(got))
	}
	_, err = ParseString(strings.Repeat("y", MaxLineLength+10), "flat")
	if err == nil || !strings.Contains(err.Error(), "line 1: longer than") {
		t.Fatalf("error = %v, want a line length error", err)
	}
}

func TestKeys(t *testing.T) {
	tree, err := ParseString("inactive: system {\n    host-name  r1 ;\n}\n", "junos")
	if err != nil {
		t.Fatal(err)
	}
	if k := tree.Statements[0].Key; k != "system" {
		t.Errorf("key = %q", k)
	}
	if k := tree.Statements[0].Children[0].Key; k != "host-name  r1" {
		t.Errorf("key = %q", k)
	}
	ios, _ := ParseString("interface Gi1\n  shutdown\n", "ios")
	if k := ios.Statements[0].Children[0].Key; k != "shutdown" {
		t.Errorf("key = %q", k)
	}
}
