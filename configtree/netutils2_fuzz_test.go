package configtree

import (
	"strings"
	"testing"
)

// vendorFuzzDialects are the dialects exercised by FuzzVendorParse
// (selected by index).
var vendorFuzzDialects = []string{DialectComware, DialectPANOS, DialectEXOS, DialectRouterOS, DialectNetIron, DialectAuto}

// FuzzVendorParse feeds arbitrary text to the comware, panos, exos,
// routeros and netiron parsers and to detection: no panic, positioned
// errors, a stable statement count through emit and parse, streaming
// slices equal to tree slices, and a detection that names a dialect this
// build parses.
func FuzzVendorParse(f *testing.F) {
	seeds := []string{
		"#\n sysname SW1\n#\nvlan 10\n name A\n #\n  x\n#\nheader motd %\nhi\n%\n#\nreturn\n",
		"#\nheader login ^C\nbody\n^C\nheader shell %x%\n",
		"set deviceconfig system login-banner \"a\n\nb\"\nset zone z network layer3 ethernet1/1\n",
		"set system login-banner \"x\"",
		"# Module vlan configuration.\ncreate vlan \"v\"\nconfigure vlan v tag 10\n",
		"# by RouterOS 7.1\n/ip address\nadd address=1.1.1.1/24 \\\n    interface=ether1\n/ip service set telnet disabled=yes\n",
		"ver V5.9.0\n!\nrouter bgp\n address-family ipv4 unicast\n  network 1.0.0.0/8\n exit-address-family\n# c\nend\n",
		"config system global\n    set hostname a\nend\n",
		"exit all\nconfigure\n    port\n        ethernet 1\n        exit\n    exit\nexit all\n",
	}
	for _, s := range seeds {
		for i := range vendorFuzzDialects {
			f.Add(uint8(i), s)
		}
	}
	f.Fuzz(func(t *testing.T, di uint8, src string) {
		if det := Detect([]byte(src)); det.Reason == "" {
			t.Fatalf("detection without a reason: %+v", det)
		} else if _, err := NormalizeDialect(det.Dialect); err != nil || det.Dialect == DialectAuto {
			t.Fatalf("detected %q, which this build does not parse", det.Dialect)
		}
		dialect := vendorFuzzDialects[int(di)%len(vendorFuzzDialects)]
		tree, err := ParseString(src, dialect)
		if err != nil {
			if !strings.Contains(err.Error(), "line ") {
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
		for _, e := range []string{"*||.*", "[a-m].*||[^ ]*", "/.*", "set .*||*"} {
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
