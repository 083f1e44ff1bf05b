package configtree

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestComwareStructure(t *testing.T) {
	src := "#\n version 7.1.070, Release 3208P03\n#\n sysname SW1\n clock protocol ntp\n#\nvlan 10\n name USERS\n description Office\n#\n" +
		"bgp 65001\n peer 10.0.0.2 as-number 65002\n #\n address-family ipv4 unicast\n  peer 10.0.0.2 enable\n#\n" +
		"interface GigabitEthernet1/0/1\n port link-mode bridge\n#\nreturn\n"
	wantLines(t, entryLines(t, src, DialectComware), []string{
		"0| version 7.1.070, Release 3208P03|",
		"0|#|",
		"0| sysname SW1|",
		"0| clock protocol ntp|",
		"0|#|",
		"0|vlan 10|",
		"1| name USERS|vlan 10",
		"1| description Office|vlan 10",
		"0|#|",
		"0|bgp 65001|",
		"1| peer 10.0.0.2 as-number 65002|bgp 65001",
		"1| address-family ipv4 unicast|bgp 65001",
		"2|  peer 10.0.0.2 enable|bgp 65001 >  address-family ipv4 unicast",
		"0|#|",
		"0|interface GigabitEthernet1/0/1|",
		"1| port link-mode bridge|interface GigabitEthernet1/0/1",
		"0|#|",
		"0|return|",
	})
}

func TestComwareSeparatorClosesBlocks(t *testing.T) {
	// An indented statement right after "#" is top-level, however deep it
	// is indented; a "#" indented inside a block is only a comment.
	src := "interface Vlan-interface1\n ip address 10.0.0.1 24\n#\n  ntp-service enable\n ntp-service unicast-server 10.0.0.9\n" +
		"#\nospf 1\n #\n area 0.0.0.0\n  network 10.0.0.0 0.0.0.255\n"
	wantLines(t, entryLines(t, src, DialectComware), []string{
		"0|interface Vlan-interface1|",
		"1| ip address 10.0.0.1 24|interface Vlan-interface1",
		"0|#|",
		"0|  ntp-service enable|",
		"0| ntp-service unicast-server 10.0.0.9|",
		"0|#|",
		"0|ospf 1|",
		"1| area 0.0.0.0|ospf 1",
		"2|  network 10.0.0.0 0.0.0.255|ospf 1 >  area 0.0.0.0",
	})
}

func TestComwareHeader(t *testing.T) {
	src := "#\nheader motd %\nAuthorized access only.\n# not a separator\nend of text %\n#\nheader login %Welcome%\n#\n sysname R1\n"
	tree, err := ParseString(src, DialectComware)
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, entryLines(t, src, DialectComware), []string{
		"0|header motd %|",
		"1|Authorized access only.\n# not a separator\nend of text %|header motd %",
		"0|#|",
		"0|header login %Welcome%|",
		"0|#|",
		"0| sysname R1|",
	})
	if body := tree.Statements[0].Children[0]; body.Line != 3 {
		t.Errorf("header body starts on line %d, want 3", body.Line)
	}
	if again, err := ParseString(tree.String(), DialectComware); err != nil || again.Len() != tree.Len() {
		t.Errorf("emit and parse: %v, %d statements, want %d", err, again.Len(), tree.Len())
	}
	for _, bad := range []string{"#\nheader motd %\nno end\n", "#\nheader shell ^C\nbody\n"} {
		_, err := ParseString(bad, DialectComware)
		if err == nil || !strings.Contains(err.Error(), "line 2: header is not terminated") {
			t.Errorf("%q: error %v, want an unterminated header at line 2", bad, err)
		}
	}
	// The delimiter is the first character after the type, even one that
	// appears in "header" or in the type.
	wantLines(t, entryLines(t, "header motd e\nbody\nline\n", DialectComware), []string{"0|header motd e|", "1|body\nline|header motd e"})
	wantLines(t, entryLines(t, "header motd\tm one m\n", DialectComware), []string{"0|header motd\tm one m|"})
	// A header that names no delimiter is an ordinary statement.
	wantLines(t, entryLines(t, "header motd\n sysname x\n", DialectComware), []string{"0|header motd|", "1| sysname x|header motd"})
}

func TestComwareSlice(t *testing.T) {
	src, err := os.ReadFile("testdata/netutils/hp_comware/access_5130.conf")
	if err != nil {
		t.Fatal(err)
	}
	got, err := SliceText(src, DialectComware, MustParseMatch("interface Ten-GigabitEthernet.*||port trunk permit vlan .*"))
	if err != nil {
		t.Fatal(err)
	}
	// Each selected section keeps its "#" separator: the slice is valid
	// Comware configuration.
	want := "interface Ten-GigabitEthernet1/0/25\n port trunk permit vlan 10 20 30 99\n#\ninterface Ten-GigabitEthernet1/0/26\n port trunk permit vlan 10 20 30 99\n#\n"
	if got != want {
		t.Errorf("slice:\n%s\nwant:\n%s", got, want)
	}
	got, err = SliceText(src, DialectComware, MustParseMatch("header .*"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "header motd %\nAuthorized access only. Disconnect now if you are not\nan authorised user of this network.\n%\n#\n"; got != want {
		t.Errorf("header slice %q, want %q", got, want)
	}
	got, err = SliceText(src, DialectComware, MustParseMatch("snmp-agent sys-info .*"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(got, "\n"); n != 3 || !strings.HasPrefix(got, " snmp-agent sys-info contact") {
		t.Errorf("top-level indented statements: %q", got)
	}
}

// TestComwareEmitKeepsSections: emitted text keeps one "#" after each
// section, so parsing it again gives the same statements, parents and
// closing lines, whereas a section's indented global commands would nest
// under the block before them without the separators.
func TestComwareEmitKeepsSections(t *testing.T) {
	confs, _ := filepath.Glob("testdata/netutils/hp_comware/*.conf")
	if len(confs) == 0 {
		t.Fatal("no Comware configurations")
	}
	for _, c := range confs {
		src, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		first := entryLines(t, string(src), DialectComware)
		tree, err := ParseString(string(src), DialectComware)
		if err != nil {
			t.Fatal(err)
		}
		emitted := tree.String()
		wantLines(t, entryLines(t, emitted, DialectComware), first)
		if !strings.HasSuffix(emitted, "#\nreturn\n") || strings.Count(emitted, "\n#\n") < 20 {
			t.Errorf("%s: separators not as expected:\n%s", c, emitted)
		}
	}
}

// TestBlockSourceSkipping: a streaming slice skips the descendants of
// blocks that cannot match and still gives the tree selection, across
// separators, comments, deeper headers and RouterOS continuations.
func TestBlockSourceSkipping(t *testing.T) {
	for _, tc := range []struct{ dialect, src string }{
		{DialectComware, "interface A\n port x\n  deeper\n #\n header motd %\nline\n%\n#\n sysname R\n#\nvlan 2\n name B\n"},
		{DialectComware, "vlan 1\n a\n#\n  global indented\n   child\n#\nvlan 2\n name B\n"},
		{DialectRouterOS, "/ip address\nadd address=1 \\\n    interface=e1\n# c\n/ip route\nadd gateway=2 \\\n    comment=x\nset 0 disabled=no\n"},
		{DialectNetIron, "router bgp\n neighbor 1 remote-as 2\n # c\n ! c\n address-family ipv4 unicast\n  network 1\n exit-address-family\n!\ninterface ve 1\n enable\n"},
	} {
		tree, err := ParseString(tc.src, tc.dialect)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range []string{"vlan 2||.*", "sysname .*", "header .*||.*", "/ip route set .*", "/ip route add .*||.*", "interface ve 1||enable", "router bgp||address-family .*||network .*", "zzz"} {
			m := MustParseMatch(e)
			stream, err := SliceString(tc.src, tc.dialect, m)
			if err != nil {
				t.Fatal(err)
			}
			sub, _ := SliceTree(tree, m)
			if stream != sub.String() {
				t.Errorf("%s %q: stream %q, tree %q", tc.dialect, e, stream, sub.String())
			}
		}
	}
	got, _ := SliceString("vlan 1\n a\n#\n  global indented\n   child\n#\nvlan 2\n name B\n", DialectComware, MustParseMatch("vlan 2||.*"))
	if got != "vlan 2\n name B\n" {
		t.Errorf("slice after skipped sections: %q", got)
	}
}
