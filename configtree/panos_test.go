package configtree

import (
	"os"
	"strings"
	"testing"
)

func TestPANOSStructure(t *testing.T) {
	src := "set deviceconfig system hostname fw1\nset deviceconfig system login-banner \"Line one\n\nline two\nline three\"\n" +
		"set zone trust network layer3 ethernet1/2\n  set rulebase security rules r1 action allow\n"
	tree, err := ParseString(src, DialectPANOS)
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, entryLines(t, src, DialectPANOS), []string{
		"0|set deviceconfig system hostname fw1|",
		"0|set deviceconfig system login-banner \"Line one|",
		"1|line two\nline three\"|set deviceconfig system login-banner \"Line one",
		"0|set zone trust network layer3 ethernet1/2|",
		"0|  set rulebase security rules r1 action allow|",
	})
	if body := tree.Statements[1].Children[0]; body.Line != 4 {
		t.Errorf("banner body line %d, want 4 (the blank line is skipped)", body.Line)
	}
	if st := tree.Statements[2]; st.Line != 6 {
		t.Errorf("statement after the banner on line %d, want 6", st.Line)
	}
	// A one-line banner has no body; a banner at the end of the input keeps
	// its body.
	wantLines(t, entryLines(t, "set system login-banner \"hi\"\nset system timezone UTC\n", DialectPANOS),
		[]string{"0|set system login-banner \"hi\"|", "0|set system timezone UTC|"})
	wantLines(t, entryLines(t, "set system login-banner \"a\nb\"", DialectPANOS),
		[]string{"0|set system login-banner \"a|", "1|b\"|set system login-banner \"a"})
	// Two banners in a row.
	wantLines(t, entryLines(t, "set system login-banner \"a\nb\"\nset deviceconfig system login-banner \"c\nd\"\n", DialectPANOS),
		[]string{"0|set system login-banner \"a|", "1|b\"|set system login-banner \"a",
			"0|set deviceconfig system login-banner \"c|", "1|d\"|set deviceconfig system login-banner \"c"})
}

func TestPANOSBraceFormatIsRefused(t *testing.T) {
	_, err := ParseString("set deviceconfig system hostname a\ndeviceconfig {\n  system {\n", DialectPANOS)
	if err == nil || !strings.Contains(err.Error(), "line 2: PAN-OS configuration in brace format") {
		t.Errorf("error %v", err)
	}
}

func TestPANOSSlice(t *testing.T) {
	src, err := os.ReadFile("testdata/netutils/paloalto_panos/edge_fw.conf")
	if err != nil {
		t.Fatal(err)
	}
	got, err := SliceText(src, DialectPANOS, MustParseMatch("set rulebase security rules allow-mail-in (from|to|action) .*"))
	if err != nil {
		t.Fatal(err)
	}
	want := "set rulebase security rules allow-mail-in from untrust\nset rulebase security rules allow-mail-in to dmz\nset rulebase security rules allow-mail-in action allow\n"
	if got != want {
		t.Errorf("slice:\n%s\nwant:\n%s", got, want)
	}
	got, err = SliceText(src, DialectPANOS, MustParseMatch("set deviceconfig system login-banner .*"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(got, "Disconnect immediately if you are not authorised.\"\n") || strings.Count(got, "\n") != 3 {
		t.Errorf("banner slice %q", got)
	}
}
