package remediation

import (
	"testing"
)

type equivCase struct {
	name    string
	dialect string
	a, b    string
	// diff is the expected difference; "" when a and b are equivalent.
	diff string
}

func TestEquivalent(t *testing.T) {
	cases := []equivCase{
		{
			name:    "sibling order ignored at every level",
			dialect: "ios",
			a:       "hostname r1\ninterface Gi1\n description a\n mtu 1500\ninterface Gi2\n shutdown\n",
			b:       "interface Gi2\n shutdown\ninterface Gi1\n mtu 1500\n description a\nhostname r1\n",
		},
		{
			name:    "indentation, comments, exits, end and show banners ignored",
			dialect: "ios",
			a:       "Building configuration...\n!\nrouter bgp 65000\n neighbor 10.0.0.1 remote-as 65001\n address-family ipv4\n  neighbor 10.0.0.1 activate\n exit-address-family\n!\nend\n",
			b:       "router bgp 65000\n   neighbor 10.0.0.1 remote-as 65001\n   address-family ipv4\n      neighbor 10.0.0.1 activate\n",
		},
		{
			name:    "a statement only in a, reported with its path",
			dialect: "ios",
			a:       "router bgp 65000\n neighbor 10.0.0.1 remote-as 65001\n neighbor 10.0.0.2 remote-as 65002\n",
			b:       "router bgp 65000\n neighbor 10.0.0.2 remote-as 65002\n",
			diff:    "router bgp 65000 > neighbor 10.0.0.1 remote-as 65001: only in a",
		},
		{
			name:    "a statement only in b",
			dialect: "ios",
			a:       "interface Gi1\n description a\n",
			b:       "interface Gi1\n description a\n shutdown\n",
			diff:    "interface Gi1 > shutdown: only in b",
		},
		{
			name:    "top-level difference",
			dialect: "eos",
			a:       "hostname a\n",
			b:       "hostname b\n",
			diff:    "hostname a: only in a",
		},
		{
			name:    "rewrite-ordered section: order matters",
			dialect: "ios",
			a:       "ip access-list extended A\n permit tcp any any eq 22\n deny ip any any\n",
			b:       "ip access-list extended A\n deny ip any any\n permit tcp any any eq 22\n",
			diff:    `ip access-list extended A: entry 1 is "permit tcp any any eq 22" in a, "deny ip any any" in b`,
		},
		{
			name:    "rewrite-ordered section: one entry more",
			dialect: "ios",
			a:       "ip access-list extended A\n permit tcp any any eq 22\n",
			b:       "ip access-list extended A\n permit tcp any any eq 22\n deny ip any any\n",
			diff:    "ip access-list extended A > deny ip any any: only in b",
		},
		{
			name:    "sequence-ordered section compares by position",
			dialect: "nxos",
			a:       "ip access-list A\n  10 permit ip any any\n  20 deny ip any any\n",
			b:       "ip access-list A\n  20 deny ip any any\n  10 permit ip any any\n",
			diff:    `ip access-list A: entry 1 is "10 permit ip any any" in a, "20 deny ip any any" in b`,
		},
		{
			name:    "sections outside ordered rules may be reordered around an ACL",
			dialect: "nxos",
			a:       "ip access-list A\n  10 permit ip any any\nfeature bgp\n",
			b:       "feature bgp\nip access-list A\n  10 permit ip any any\n",
		},
		{
			name:    "repeated sections merge, repeated lines count once",
			dialect: "ios",
			a:       "interface Gi1\n description a\ninterface Gi1\n mtu 1500\n mtu 1500\n",
			b:       "interface Gi1\n mtu 1500\n description a\n",
		},
		{
			name:    "duplicate_children sections compare as multisets",
			dialect: "ios",
			a:       "router bgp 1\n address-family ipv4\n  network 10.0.0.0\n  network 10.0.0.0\n",
			b:       "router bgp 1\n address-family ipv4\n  network 10.0.0.0\n",
			diff:    "router bgp 1 > address-family ipv4 > network 10.0.0.0: 2 times in a, 1 in b",
		},
		{
			name:    "duplicate_children: same counts in any order",
			dialect: "ios",
			a:       "router bgp 1\n address-family ipv4\n  network 10.0.0.0\n  network 10.1.0.0\n  network 10.0.0.0\n",
			b:       "router bgp 1\n address-family ipv4\n  network 10.0.0.0\n  network 10.0.0.0\n  network 10.1.0.0\n",
		},
		{
			name:    "differences deep in a section",
			dialect: "iosxr",
			a:       "router bgp 1\n neighbor 10.0.0.1\n  remote-as 2\n  address-family ipv4 unicast\n   route-policy A in\n",
			b:       "router bgp 1\n neighbor 10.0.0.1\n  remote-as 2\n  address-family ipv4 unicast\n   route-policy B in\n",
			diff:    "router bgp 1 > neighbor 10.0.0.1 > address-family ipv4 unicast > route-policy A in: only in a",
		},
		{
			name:    "route policy statements are order-sensitive",
			dialect: "iosxr",
			a:       "route-policy RP\n  pass\n  drop\nend-policy\n",
			b:       "route-policy RP\n  drop\n  pass\nend-policy\n",
			diff:    `route-policy RP: entry 1 is "pass" in a, "drop" in b`,
		},
		{
			name:    "junos curly and set forms of one configuration",
			dialect: "junos/junos-set",
			a:       "system {\n    host-name r1;\n}\ninterfaces {\n    ge-0/0/0 {\n        unit 0 {\n            family inet {\n                address 10.0.0.1/24;\n            }\n        }\n    }\n}\n",
			b:       "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24\nset system host-name r1\n",
		},
		{
			name:    "junos curly grouping does not matter",
			dialect: "junos",
			a:       "interfaces {\n    ge-0/0/0 {\n        unit 0 {\n            family inet;\n        }\n    }\n}\n",
			b:       "interfaces {\n    ge-0/0/0 {\n        unit 0 {\n            family {\n                inet;\n            }\n        }\n    }\n}\n",
		},
		{
			name:    "junos difference reported as the set command",
			dialect: "junos",
			a:       "system {\n    host-name r1;\n    ntp {\n        server 10.0.0.1;\n    }\n}\n",
			b:       "system {\n    host-name r1;\n}\n",
			diff:    "set system ntp server 10.0.0.1: only in a",
		},
		{
			name:    "junos-set: delete lines evaluated, empty containers filled",
			dialect: "junos-set",
			a:       "set protocols lldp\nset protocols lldp interface all\nset system host-name r1\nset snmp location x\ndelete snmp\n",
			b:       "set system host-name r1\nset protocols lldp interface all\n",
		},
		{
			name:    "junos-set: inactive marker matters",
			dialect: "junos-set",
			a:       "set system host-name r1\n",
			b:       "set system host-name r1\ndeactivate system host-name\n",
			diff:    "deactivate system host-name: only in b",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			da, db := tc.dialect, tc.dialect
			if tc.dialect == "junos/junos-set" {
				da, db = "junos", "junos-set"
			}
			a, b := predParse(t, tc.a, da), predParse(t, tc.b, db)
			rules := predTestRules(da)
			ok, diff := equivalent(a, b, rules)
			if tc.diff == "" {
				if !ok {
					t.Errorf("not equivalent: %s", diff)
				}
				if ok2, diff2 := equivalent(b, a, rules); !ok2 {
					t.Errorf("not symmetric: b vs a: %s", diff2)
				}
				return
			}
			if ok || diff != tc.diff {
				t.Errorf("got (%v, %q), want (false, %q)", ok, diff, tc.diff)
			}
		})
	}
}

func TestEquivalentEdges(t *testing.T) {
	ios := predParse(t, "hostname a\n", "ios")
	if ok, _ := equivalent(nil, nil, nil); !ok {
		t.Error("two missing configurations differ")
	}
	if ok, diff := equivalent(ios, nil, nil); ok || diff == "" {
		t.Error("a missing configuration is equivalent")
	}
	if ok, diff := equivalent(ios, predParse(t, "hostname a\n", "eos"), nil); ok || diff != "dialects differ: ios and eos" {
		t.Errorf("dialects: got %v %q", ok, diff)
	}
	bad := &Rules{Dialect: "ios", Substitute: []Substitute{{Regex: "("}}}
	if ok, diff := equivalent(ios, ios, bad); ok || diff == "" {
		t.Errorf("bad rules: got %v %q", ok, diff)
	}
	// With the built-in table, IOS ACL entries without numbers are numbered
	// as the device numbers them, so both spellings are one configuration.
	a := predParse(t, "ip access-list extended A\n permit tcp any any\n deny ip any any\n", "ios")
	b := predParse(t, "ip access-list extended A\n 10 permit tcp any any\n 20 deny ip any any\n", "ios")
	if ok, diff := equivalent(a, b, nil); !ok {
		t.Errorf("implicit ACL numbers: %s", diff)
	}
	c := predParse(t, "ip access-list extended A\n 10 permit tcp any any\n 30 deny ip any any\n", "ios")
	if ok, diff := equivalent(a, c, nil); ok || diff != `ip access-list extended A: entry 2 is "20 deny ip any any" in a, "30 deny ip any any" in b` {
		t.Errorf("ACL numbers differ: got %v %q", ok, diff)
	}
}
