package configtree

import (
	"strings"
	"testing"
)

// fuzzDialects are the dialects exercised by FuzzParse (selected by index).
var fuzzDialects = []string{DialectIOS, DialectNXOS, DialectEOS, DialectIOSXR, DialectJunos, DialectJunosSet, DialectFlat, DialectAuto}

// FuzzParse feeds arbitrary text to every dialect parser: it must never
// panic, and a successful parse must survive emit→parse with the same
// number of statements and slice with "*" to the emitted text.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"hostname r\ninterface Gi1\n description x\n!\nend\n",
		"banner motd ^C\nhello\n^C\n",
		"banner login #\n#\n",
		"banner motd\nEOF\n",
		"route-policy X\n  pass\nend-policy\n",
		"system {\n    host-name r; # c\n    /* a */\n    ntp { server 1.1.1.1; }\n}\n",
		"inactive: interfaces { ge-0/0/0 { description \"a { b ; c\"; } }\n",
		"set system host-name r\ndeactivate system\n",
		"a\n  b\n\tc\n",
		"router bgp 1\n address-family ipv4\n exit-address-family\n",
	}
	for _, s := range seeds {
		for i := range fuzzDialects {
			f.Add(uint8(i), s)
		}
	}
	f.Fuzz(func(t *testing.T, di uint8, src string) {
		dialect := fuzzDialects[int(di)%len(fuzzDialects)]
		tree, err := ParseString(src, dialect)
		if err != nil {
			if !strings.Contains(err.Error(), "line ") && !strings.Contains(err.Error(), "dialect") {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		emitted := tree.String()
		again, err := ParseString(emitted, tree.Dialect)
		if err != nil {
			t.Fatalf("emitted text does not parse: %v\n%q", err, emitted)
		}
		if again.Len() != tree.Len() {
			t.Fatalf("statement count %d became %d after emit+parse\n%q", tree.Len(), again.Len(), emitted)
		}
		for _, e := range []string{"*||.*", "[a-m].*||[^ ]*", "b.*||*||*"} {
			m := MustParseMatch(e)
			streamed, err := SliceString(src, tree.Dialect, m)
			if err != nil {
				t.Fatalf("slice failed after parse succeeded: %v", err)
			}
			sub, _ := SliceTree(tree, m)
			if sub.String() != streamed {
				t.Fatalf("%q: streaming slice %q differs from tree slice %q", e, streamed, sub.String())
			}
		}
	})
}

// FuzzParseMatch: any expression either compiles or yields a positioned
// *MatchError; compiled expressions slice without panicking.
func FuzzParseMatch(f *testing.F) {
	for _, s := range []string{"*", ".*", "interface .*||.*", `router bgp .*||neighbor 10\..*`, "a||||b", "(", "[a-", "x{2,}||(?i)y", "a\\||b", "||", ".*deny.*", "(?P<n>a)||b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		m, err := ParseMatch(expr)
		if err != nil {
			me, ok := err.(*MatchError)
			if !ok {
				t.Fatalf("error %T is not a *MatchError: %v", err, err)
			}
			if me.Level < 1 || me.Column < 1 || me.Column > len(expr)+1 {
				t.Fatalf("bad position level %d column %d for %q", me.Level, me.Column, expr)
			}
			return
		}
		if _, err := SliceString(sliceFixture, DialectIOS, m); err != nil {
			t.Fatal(err)
		}
		if _, err := SliceString("system {\n    ntp {\n        server 1.1.1.1;\n    }\n}\n", DialectJunos, m); err != nil {
			t.Fatal(err)
		}
	})
}
