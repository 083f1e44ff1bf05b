package configtree_test

import (
	"os"
	"strings"
	"testing"

	"github.com/unet-dev/unet/configdiff"
	"github.com/unet-dev/unet/configtree"
)

// hierChanges diffs two configurations of a dialect and renders each change
// as "op path|key[|old]".
func hierChanges(t *testing.T, dialect, a, b string) []string {
	t.Helper()
	ta, err := configtree.ParseString(a, dialect)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := configtree.ParseString(b, dialect)
	if err != nil {
		t.Fatal(err)
	}
	d := configdiff.Hierarchical("a", "b", ta, tb)
	var out []string
	for _, c := range d.Changes {
		s := c.Op + " " + strings.Join(c.Path, " > ") + "|" + c.Key
		if c.OldKey != "" {
			s += "|" + c.OldKey
		}
		out = append(out, s)
	}
	if d.Equal != (len(out) == 0) {
		t.Errorf("Equal = %v with %d changes", d.Equal, len(out))
	}
	return out
}

// TestNewDialectDiffs: the hierarchical diff of each new dialect reports
// the edits made to one of its configurations, at the right place.
func TestNewDialectDiffs(t *testing.T) {
	for _, tc := range []struct {
		name, dialect, file string
		edits               [][2]string // replacements applied to the file
		want                []string
	}{
		{"comware vlan and port", configtree.DialectComware, "testdata/netutils/hp_comware/access_5130.conf",
			[][2]string{{" name PRINTERS\n", " name PRINT\n"}, {"interface GigabitEthernet1/0/24\n port link-mode bridge\n shutdown\n", "interface GigabitEthernet1/0/24\n port link-mode bridge\n"}},
			[]string{"changed vlan 30|name PRINT|name PRINTERS", "removed interface GigabitEthernet1/0/24|shutdown"}},
		{"comware top-level indented statement", configtree.DialectComware, "testdata/netutils/hp_comware/core_5940.conf",
			[][2]string{{" sysname DC1-CORE-5940-A\n", " sysname DC1-CORE-5940-B\n"}},
			[]string{"changed |sysname DC1-CORE-5940-B|sysname DC1-CORE-5940-A"}},
		{"panos rule action", configtree.DialectPANOS, "testdata/netutils/paloalto_panos/edge_fw.conf",
			[][2]string{{"rules guest-internet action allow\n", "rules guest-internet action deny\n"}},
			[]string{"changed |set rulebase security rules guest-internet action deny|set rulebase security rules guest-internet action allow"}},
		{"routeros same command under two menus", configtree.DialectRouterOS, "testdata/netutils/mikrotik_routeros/access_crs.conf",
			[][2]string{{"/system ntp client\nset enabled=yes\n", "/system ntp client\nset enabled=no\n"}},
			[]string{"changed |/system ntp client set enabled=no|/system ntp client set enabled=yes"}},
		{"routeros continuation", configtree.DialectRouterOS, "testdata/netutils/mikrotik_routeros/gateway_ccr.conf",
			[][2]string{{"    out-interface-list=WAN\n", "    out-interface-list=WAN2\n"}},
			// One-word continuation lines share no leading word: removed and added.
			[]string{"removed /ip firewall nat add action=masquerade chain=srcnat comment=\"defconf: masquerade\" \\|out-interface-list=WAN",
				"added /ip firewall nat add action=masquerade chain=srcnat comment=\"defconf: masquerade\" \\|out-interface-list=WAN2"}},
		{"netiron neighbor removed", configtree.DialectNetIron, "testdata/netutils/extreme_netiron/xmr_ix_edge.conf",
			[][2]string{{" neighbor 185.1.50.30 description ix-peer-as64720\n", ""}},
			[]string{"removed router bgp|neighbor 185.1.50.30 description ix-peer-as64720"}},
		{"exos vlan tag", configtree.DialectEXOS, "testdata/exos/branch_x620.conf",
			[][2]string{{"configure vlan cctv tag 60\n", "configure vlan cctv tag 61\n"}},
			[]string{"changed |configure vlan cctv tag 61|configure vlan cctv tag 60"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			a := string(raw)
			b := a
			for _, e := range tc.edits {
				if !strings.Contains(b, e[0]) {
					t.Fatalf("%q not in %s", e[0], tc.file)
				}
				b = strings.Replace(b, e[0], e[1], 1)
			}
			if got := hierChanges(t, tc.dialect, a, a); len(got) != 0 {
				t.Errorf("self diff: %q", got)
			}
			got := hierChanges(t, tc.dialect, a, b)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
