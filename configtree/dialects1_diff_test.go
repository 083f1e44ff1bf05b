package configtree_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/configdiff"
	"github.com/unet-dev/unet/configtree"
)

// TestHierarchicalDiffBlockDialects edits a configuration of each of the
// FortiOS, SR OS, RAD ETX and Onyx dialects and checks that the
// hierarchical diff reports exactly the edits, each under its parents.
func TestHierarchicalDiffBlockDialects(t *testing.T) {
	tests := []struct {
		folder, name, dialect string
		edits                 [][2]string // old → new text replacements
		want                  []string    // "op path > path|key[|old key]"
	}{
		{"fortinet_fortios", "fgt60f_branch", configtree.DialectFortiOS,
			[][2]string{
				{`    set hostname "fw-branch-lyon"`, `    set hostname "fw-branch-lyon-2"`},
				{"    edit 7\n        set name \"Deny guest to LAN\"", "    edit 8\n        set name \"Deny guest to LAN\""},
				{"            set server \"10.20.0.11\"\n", ""},
			},
			[]string{
				`changed config system global|set hostname "fw-branch-lyon-2"|set hostname "fw-branch-lyon"`,
				`removed config system ntp > config ntpserver > edit 2|set server "10.20.0.11"`,
				`removed config firewall policy|edit 7`,
				`added config firewall policy|edit 8`,
			}},
		{"nokia_sros", "pe_7750_services", configtree.DialectSROS,
			[][2]string{
				{"                server 10.250.1.2\n", "                server 10.250.1.3\n"},
				{"        vpls 200 name \"CUST-B-ELAN\" customer 200 create\n            description \"metro E-LAN\"\n", "        vpls 200 name \"CUST-B-ELAN\" customer 200 create\n"},
			},
			[]string{
				`changed System Configuration > system > time > ntp|server 10.250.1.3|server 10.250.1.2`,
				`removed Service Configuration > service > vpls 200 name "CUST-B-ELAN" customer 200 create|description "metro E-LAN"`,
			}},
		{"rad_etx", "etx2i_cpe_epl", configtree.DialectRADETX,
			[][2]string{
				{`            name "ETX2I-LYON-CUSTA"`, `            name "ETX2I-LYON-CUSTA-NEW"`},
				{"            ethernet 0/5\n                shutdown\n", "            ethernet 0/5\n                no shutdown\n"},
			},
			[]string{
				`changed system|name "ETX2I-LYON-CUSTA-NEW"|name "ETX2I-LYON-CUSTA"`,
				`removed port > ethernet 0/5|shutdown`,
				`added port > ethernet 0/5|no shutdown`,
			}},
		{"nvidia_onyx", "sn2410_leaf_mlag", configtree.DialectOnyx,
			[][2]string{
				{"   hostname leaf-a01\n", "   hostname leaf-a03\n"},
				{"   vlan 30 name \"backup\"\n", ""},
			},
			[]string{
				`removed |vlan 30 name "backup"`,
				`changed |hostname leaf-a03|hostname leaf-a01`,
			}},
	}
	for _, tc := range tests {
		t.Run(tc.dialect, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata/netutils", tc.folder, tc.name+".conf"))
			if err != nil {
				t.Fatal(err)
			}
			before := string(raw)
			after := before
			for _, e := range tc.edits {
				if !strings.Contains(after, e[0]) {
					t.Fatalf("edit %q: text not found", e[0])
				}
				after = strings.Replace(after, e[0], e[1], 1)
			}
			a, err := configtree.ParseString(before, tc.dialect)
			if err != nil {
				t.Fatal(err)
			}
			b, err := configtree.ParseString(after, tc.dialect)
			if err != nil {
				t.Fatal(err)
			}
			if self := configdiff.Hierarchical("a", "a", a, a); !self.Equal {
				t.Errorf("a configuration differs from itself: %+v", self.Changes)
			}
			d := configdiff.Hierarchical("before", "after", a, b)
			var got []string
			for _, c := range d.Changes {
				s := c.Op + " " + strings.Join(c.Path, " > ") + "|" + c.Key
				if c.OldKey != "" {
					s += "|" + c.OldKey
				}
				got = append(got, s)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
