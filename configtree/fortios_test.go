package configtree

import (
	"strings"
	"testing"
)

func TestFortiOSStructure(t *testing.T) {
	src := `#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin
config system global
    set hostname "fw1"
end
config firewall policy
    edit 1
        set name "out"
        set srcaddr "a" "b"
    next
    edit 2
    next
end
config router bgp
    set as 65000
    config neighbor
        edit "192.0.2.1"
            set remote-as 64496
        next
    end
end
`
	want := `1 #config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin
2 config system global [close 4 end]
  3 set hostname "fw1"
5 config firewall policy [close 12 end]
  6 edit 1 [close 9 next]
    7 set name "out"
    8 set srcaddr "a" "b"
  10 edit 2 [close 11 next]
13 config router bgp [close 20 end]
  14 set as 65000
  15 config neighbor [close 19 end]
    16 edit "192.0.2.1" [close 18 next]
      17 set remote-as 64496
`
	tree := checkBlockOutline(t, DialectFortiOS, src, want)
	if got := tree.String(); got != src {
		t.Errorf("emit does not reproduce the input:\n%s", got)
	}
}

// The structure comes from config/edit/next/end, not from indentation.
func TestFortiOSKeywordsNotIndentation(t *testing.T) {
	src := "config vdom\nedit root\nconfig system settings\nset opmode nat\nend\nnext\nend\n"
	want := `1 config vdom [close 7 end]
  2 edit root [close 6 next]
    3 config system settings [close 5 end]
      4 set opmode nat
`
	checkBlockOutline(t, DialectFortiOS, src, want)
}

// "end" closes an entry left open, then its block.
func TestFortiOSEndClosesOpenEntry(t *testing.T) {
	src := "config user local\n    edit \"a\"\n        set type password\nend\nset x\n"
	want := `1 config user local [close 4 end]
  2 edit "a"
    3 set type password
5 set x
`
	checkBlockOutline(t, DialectFortiOS, src, want)
}

// A quoted value may span lines: the statement holds all of them.
func TestFortiOSMultilineQuotedValue(t *testing.T) {
	src := `config vpn certificate local
    edit "branch"
        set certificate "-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIUQ2 \"quoted\" end
-----END CERTIFICATE-----"
        set range global
    next
end
`
	tree := checkBlockOutline(t, DialectFortiOS, src, `1 config vpn certificate local [close 8 end]
  2 edit "branch" [close 7 next]
    3 set certificate "-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIUQ2 \"quoted\" end
-----END CERTIFICATE-----"
    6 set range global
`)
	if got := tree.String(); got != src {
		t.Errorf("emit:\n%s\nwant:\n%s", got, src)
	}
}

func TestFortiOSErrors(t *testing.T) {
	checkBlockParseError(t, DialectFortiOS, "config a\n    set b\nend\nend\n", "line 4", `"end" without an open "config"`)
	checkBlockParseError(t, DialectFortiOS, "config a\n    set b\nnext\n", "line 3", `"next" without an open "edit"`)
	checkBlockParseError(t, DialectFortiOS, "config a\n    edit 1\n        set b 1\n", "line 2", `missing "next"`)
	checkBlockParseError(t, DialectFortiOS, "config a\n    set b 1\n", "line 1", `missing "end"`)
	checkBlockParseError(t, DialectFortiOS, "config a\n    set b \"x\n\n", "line 2", "not terminated")
	checkBlockParseError(t, DialectFortiOS, strings.Repeat("config a\n", MaxDepth+1), "nested deeper")
}

func TestFortiOSSlice(t *testing.T) {
	src := netutils1Config(t, "fortinet_fortios", "fgt60f_branch")
	want := `config firewall policy
    edit 3
        set name "Guest to Internet"
        set srcintf "vl_guest"
        set dstintf "wan1"
        set action accept
        set srcaddr "GUEST_30"
        set dstaddr "all"
        set schedule "always"
        set service "HTTP" "HTTPS" "DNS"
        set utm-status enable
        set webfilter-profile "default"
        set nat enable
    next
end
`
	if got := sliceBlock(t, src, DialectFortiOS, `config firewall policy||edit 3`); got != want {
		t.Errorf("slice edit 3:\n%s\nwant:\n%s", got, want)
	}
	// A statement selected by a child's value: every policy whose name
	// starts with "Guest".
	if got := sliceBlock(t, src, DialectFortiOS, `config firewall policy||edit \d+||set name "Guest.*"`); got != "config firewall policy\n    edit 3\n        set name \"Guest to Internet\"\n    next\nend\n" {
		t.Errorf("slice by name:\n%s", got)
	}
	// A leaf selected inside nested blocks brings its ancestors and their
	// closing lines.
	got := sliceBlock(t, src, DialectFortiOS, `config system dhcp server||edit 2||config ip-range||*||set end-ip .*`)
	want = `config system dhcp server
    edit 2
        config ip-range
            edit 1
                set end-ip 192.168.30.250
            next
        end
    next
end
`
	if got != want {
		t.Errorf("nested slice:\n%s\nwant:\n%s", got, want)
	}
}

// Context slicing keeps the closing lines of the neighbours it adds.
func TestFortiOSSliceContext(t *testing.T) {
	src := "config router static\n    edit 1\n        set gateway 10.0.0.1\n    next\n    edit 2\n        set device \"a\"\n    next\n    edit 3\n        set device \"b\"\n    next\n    edit 4\n    next\nend\n"
	var b strings.Builder
	res, err := Slice(&b, strings.NewReader(src), SliceOptions{Dialect: DialectFortiOS, Context: 1}, MustParseMatch(`config router static||edit 2`))
	if err != nil {
		t.Fatal(err)
	}
	want := "config router static\n    edit 1\n        set gateway 10.0.0.1\n    next\n    edit 2\n        set device \"a\"\n    next\n    edit 3\n        set device \"b\"\n    next\nend\n"
	if b.String() != want || res.Matched != 1 {
		t.Errorf("context slice (%d matched):\n%s\nwant:\n%s", res.Matched, b.String(), want)
	}
}
