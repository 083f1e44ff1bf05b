package configtree

import "testing"

func TestRADETXStructure(t *testing.T) {
	src := `exit all
#   version "6.8.2(0.33)" sw "6.8.2(0.33)"
    configure
        echo "System Configuration"
#       System Configuration
        system
            name "ETX-1"
            date-and-time
                zone utc +01:00
            exit
        exit
        port
            ethernet 0/1
                no shutdown
            exit
        exit
    exit
`
	want := `1 exit all
4 echo "System Configuration" [key System Configuration]
6 system [close 11 exit]
  7 name "ETX-1"
  8 date-and-time [close 10 exit]
    9 zone utc +01:00
12 port [close 16 exit]
  13 ethernet 0/1 [close 15 exit]
    14 no shutdown
`
	tree := checkBlockOutline(t, DialectRADETX, src, want)
	// Texts are relative to the configure level.
	if got := tree.Statements[2].Children[0].Text; got != `    name "ETX-1"` {
		t.Errorf("text %q, want the configure level's indentation removed", got)
	}
	// The emitted tree (without the mode) parses to the same tree.
	again, err := ParseString(tree.String(), DialectRADETX)
	if err != nil {
		t.Fatal(err)
	}
	if again.String() != tree.String() || again.Len() != tree.Len() {
		t.Errorf("emit+parse:\n%s\nwant:\n%s", blockOutline(again), want)
	}
}

// A configuration without the configure mode is read as written; a line at
// or left of the mode line ends the mode.
func TestRADETXModes(t *testing.T) {
	src := "config flows\n    flow \"a\"\n        no shutdown\n    exit\n  admin\n      user \"x\"\n      exit\nexit all\n"
	want := `1 config flows
  2 flow "a" [close 4 exit]
    3 no shutdown
6 user "x" [close 7 exit]
8 exit all
`
	checkBlockOutline(t, DialectRADETX, src, want)
}

func TestRADETXSlice(t *testing.T) {
	src := netutils1Config(t, "rad_etx", "etx2i_cpe_epl")
	got := sliceBlock(t, src, DialectRADETX, `management||SNMP Configuration||snmp||community .*`)
	if got != "" {
		t.Errorf("the SNMP echo line is a sibling of snmp, not its parent; got:\n%s", got)
	}
	got = sliceBlock(t, src, DialectRADETX, `management||snmp||community .*`)
	want := `management
    snmp
        community "public"
            name "public"
            sec-name "v2_read"
            no shutdown
        exit
    exit
exit
`
	if got != want {
		t.Errorf("community slice:\n%s\nwant:\n%s", got, want)
	}
	got = sliceBlock(t, src, DialectRADETX, `flows||flow "custA-lab-.*"||(ingress|egress)-port .*`)
	want = `flows
    flow "custA-lab-up"
        ingress-port ethernet 0/4
        egress-port ethernet 0/1 queue 0 block 0/1
    exit
    flow "custA-lab-down"
        ingress-port ethernet 0/1
        egress-port ethernet 0/4 queue 0 block 0/1
    exit
exit
`
	if got != want {
		t.Errorf("flow slice:\n%s\nwant:\n%s", got, want)
	}
}

// Inside a mode, a deeper line that starts with a mode word is a statement;
// one at the mode line's indentation starts a new mode.
func TestRADETXModeWordsInsideMode(t *testing.T) {
	src := "    configure\n        system\n            file \"boot\"\n        exit\n    exit\n    admin\n        user \"x\"\n"
	want := `2 system [close 4 exit]
  3 file "boot"
7 user "x"
`
	checkBlockOutline(t, DialectRADETX, src, want)
}
