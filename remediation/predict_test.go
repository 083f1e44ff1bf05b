package remediation

import (
	"strings"
	"testing"
)

type predictCase struct {
	name     string
	running  string
	commands string
	want     string
}

// runPredictCases checks the emitted text of every prediction exactly, and
// that the prediction is Equivalent to the expected configuration parsed
// anew.
func runPredictCases(t *testing.T, dialect string, rules *Rules, cases []predictCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			running := predParse(t, tc.running, dialect)
			before := running.String()
			got, err := predict(running, tc.commands, rules)
			if err != nil {
				t.Fatalf("predict: %v", err)
			}
			if got.String() != tc.want {
				t.Errorf("predicted:\n%s\nwant:\n%s", got, tc.want)
			}
			// Lines are numbered in document order, as if the predicted
			// text were read back.
			line := 1
			for _, e := range got.Entries() {
				if e.LineNo != line {
					t.Errorf("%q is numbered %d, want %d", e.Line, e.LineNo, line)
					break
				}
				line += 1 + strings.Count(e.Line, "\n")
			}
			if running.String() != before {
				t.Errorf("predict modified the running tree:\n%s", running)
			}
			if ok, diff := equivalent(got, predParse(t, tc.want, dialect), rules); !ok {
				t.Errorf("not equivalent to the expected tree: %s", diff)
			}
		})
	}
}

func TestPredictIOS(t *testing.T) {
	runPredictCases(t, "ios", predRulesIOS(), []predictCase{
		{
			name:     "idempotent hostname keeps its place",
			running:  "hostname r1\ninterface Gi1\n description a\n",
			commands: "hostname r2\n",
			want:     "hostname r2\ninterface Gi1\n description a\n",
		},
		{
			name:     "idempotent description and ip address, new line appended, exit dropped",
			running:  "interface Gi1\n description old\n ip address 10.0.0.1 255.255.255.0\n shutdown\n",
			commands: "interface Gi1\n description new\n ip address 10.0.0.2 255.255.255.0\n mtu 9000\n exit\n",
			want:     "interface Gi1\n description new\n ip address 10.0.0.2 255.255.255.0\n shutdown\n mtu 9000\n",
		},
		{
			name:     "idempotent_avoid keeps both addresses",
			running:  "interface Gi1\n ip address 10.0.0.1 255.255.255.0\n",
			commands: "interface Gi1\n ip address 192.0.2.1 255.255.255.0\n",
			want:     "interface Gi1\n ip address 10.0.0.1 255.255.255.0\n ip address 192.0.2.1 255.255.255.0\n",
		},
		{
			name:     "no on a section removes its children",
			running:  "interface Gi1\n description a\ninterface Gi2\n description b\n shutdown\nip route 0.0.0.0 0.0.0.0 10.0.0.254\n",
			commands: "no interface Gi2\n",
			want:     "interface Gi1\n description a\nip route 0.0.0.0 0.0.0.0 10.0.0.254\n",
		},
		{
			name:     "shorthand negation removes every statement it prefixes",
			running:  "interface Gi1\n description a b c\n mtu 1500\nrouter bgp 65000\n neighbor 10.0.0.1 remote-as 65001\n neighbor 10.0.0.1 description peer\n neighbor 10.0.0.10 remote-as 65010\n",
			commands: "interface Gi1\n no description\nrouter bgp 65000\n no neighbor 10.0.0.1\n",
			want:     "interface Gi1\n mtu 1500\nrouter bgp 65000\n neighbor 10.0.0.10 remote-as 65010\n",
		},
		{
			name:     "a negation with nothing to negate is stored; its positive form removes it",
			running:  "no ip http server\nip domain-lookup\n",
			commands: "ip http server\nno ip domain-lookup\nno service pad\n",
			want:     "no service pad\n",
		},
		{
			name:     "X where no X is stored removes no X and is not stored (X is the default)",
			running:  "interface Gi1\n no ip redirects\n mtu 1500\n",
			commands: "interface Gi1\n ip redirects\n",
			want:     "interface Gi1\n mtu 1500\n",
		},
		{
			name:     "a negation already stored is not repeated",
			running:  "no service pad\n",
			commands: "no service pad\n",
			want:     "no service pad\n",
		},
		{
			name:     "new section with children, no shutdown kept",
			running:  "hostname r1\n",
			commands: "interface Gi3\n description new\n no shutdown\n",
			want:     "hostname r1\ninterface Gi3\n description new\n no shutdown\n",
		},
		{
			name:     "negate_with and negate_sub remove what they negate",
			running:  "logging console 7\ninterface Gi1\n switchport trunk allowed vlan 10,20\n switchport mode trunk\n",
			commands: "logging console debugging\ninterface Gi1\n switchport trunk allowed vlan all\n",
			want:     "interface Gi1\n switchport mode trunk\n",
		},
		{
			name:     "an idempotent negation replaces the setting and stays",
			running:  "logging console 7\nhostname r1\n",
			commands: "no logging console\n",
			want:     "no logging console\nhostname r1\n",
		},
		{
			name:     "default removes the statement",
			running:  "interface Gi1\n speed 100\n duplex full\n",
			commands: "interface Gi1\n default speed\n default bandwidth\n",
			want:     "interface Gi1\n duplex full\n",
		},
		{
			name:     "rewritten ACL goes to the end in its new order",
			running:  "ip access-list extended A\n permit tcp any any eq 22\n deny ip any any\nhostname r1\n",
			commands: "no ip access-list extended A\nip access-list extended A\n permit tcp any any eq 443\n permit tcp any any eq 22\n deny ip any any\n",
			want:     "hostname r1\nip access-list extended A\n permit tcp any any eq 443\n permit tcp any any eq 22\n deny ip any any\n",
		},
		{
			name:     "address family with parent-level exits",
			running:  "router bgp 65000\n neighbor 10.0.0.1 remote-as 65001\n address-family ipv4\n  neighbor 10.0.0.1 activate\n exit-address-family\n",
			commands: "router bgp 65000\n neighbor 10.0.0.2 remote-as 65002\n address-family ipv4\n  neighbor 10.0.0.2 activate\n  no neighbor 10.0.0.1 activate\n exit-address-family\n",
			want:     "router bgp 65000\n neighbor 10.0.0.1 remote-as 65001\n address-family ipv4\n  neighbor 10.0.0.2 activate\n neighbor 10.0.0.2 remote-as 65002\n",
		},
		{
			name:     "idempotent with a key: the neighbour's remote-as changes, another neighbour's stays",
			running:  "router bgp 65000\n neighbor 10.0.0.1 remote-as 65001\n neighbor 10.0.0.2 remote-as 65002\n",
			commands: "router bgp 65000\n neighbor 10.0.0.1 remote-as 65011\n",
			want:     "router bgp 65000\n neighbor 10.0.0.1 remote-as 65011\n neighbor 10.0.0.2 remote-as 65002\n",
		},
		{
			name:     "substitutions drop show-output banners; end and comments ignored",
			running:  "Building configuration...\nCurrent configuration : 120 bytes\n!\nhostname r1\n!\nend\n",
			commands: "!\nntp server 10.0.0.5\nend\n",
			want:     "hostname r1\nntp server 10.0.0.5\n",
		},
		{
			name:     "a command that is already there changes nothing",
			running:  "interface Gi1\n description a\n mtu 1500\n",
			commands: "interface Gi1\n mtu 1500\n",
			want:     "interface Gi1\n description a\n mtu 1500\n",
		},
	})
}

func TestPredictNXOS(t *testing.T) {
	runPredictCases(t, "nxos", predRulesNXOS(), []predictCase{
		{
			name:     "sequence numbers place new entries, no N removes one",
			running:  "ip access-list A\n  10 permit ip 10.0.0.0/8 any\n  30 permit ip 172.16.0.0/12 any\n  40 deny ip any any\nhostname n1\n",
			commands: "ip access-list A\n  no 30\n  20 permit ip 192.168.0.0/16 any\n  50 deny tcp any any\n  5 remark first\n",
			want:     "ip access-list A\n  5 remark first\n  10 permit ip 10.0.0.0/8 any\n  20 permit ip 192.168.0.0/16 any\n  40 deny ip any any\n  50 deny tcp any any\nhostname n1\n",
		},
		{
			name:     "a sequence number already used is replaced in place",
			running:  "ip access-list A\n  10 permit ip any any\n  20 deny ip any any\n",
			commands: "ip access-list A\n  10 permit tcp any any\n",
			want:     "ip access-list A\n  10 permit tcp any any\n  20 deny ip any any\n",
		},
		{
			name:     "new section with two-space indentation, feature lines",
			running:  "feature bgp\n",
			commands: "feature lacp\ninterface Ethernet1/1\n  description uplink\n  no shutdown\n",
			want:     "feature bgp\nfeature lacp\ninterface Ethernet1/1\n  description uplink\n  no shutdown\n",
		},
		{
			name:     "interface ip address is idempotent",
			running:  "interface Vlan10\n  ip address 10.0.0.1/24\n  no shutdown\n",
			commands: "interface Vlan10\n  ip address 10.0.0.2/24\n",
			want:     "interface Vlan10\n  ip address 10.0.0.2/24\n  no shutdown\n",
		},
	})
}

func TestPredictEOS(t *testing.T) {
	runPredictCases(t, "eos", predRulesEOS(), []predictCase{
		{
			name:     "top-level idempotent with key: one NTP server's options change",
			running:  "ntp server 10.0.0.1 prefer\nntp server 10.0.0.2\n",
			commands: "ntp server 10.0.0.1 iburst\n",
			want:     "ntp server 10.0.0.1 iburst\nntp server 10.0.0.2\n",
		},
		{
			name:     "prefix list entries by seq",
			running:  "ip prefix-list PL\n   seq 10 permit 10.0.0.0/8\n   seq 30 permit 10.2.0.0/16\n",
			commands: "ip prefix-list PL\n   seq 20 permit 10.1.0.0/16\n   no seq 30\n",
			want:     "ip prefix-list PL\n   seq 10 permit 10.0.0.0/8\n   seq 20 permit 10.1.0.0/16\n",
		},
		{
			name:     "nested sections three levels deep",
			running:  "router bgp 65000\n   vrf A\n      neighbor 10.0.0.1 remote-as 1\n",
			commands: "router bgp 65000\n   vrf A\n      neighbor 10.0.0.2 remote-as 2\n   vrf B\n      rd 1:1\n",
			want:     "router bgp 65000\n   vrf A\n      neighbor 10.0.0.1 remote-as 1\n      neighbor 10.0.0.2 remote-as 2\n   vrf B\n      rd 1:1\n",
		},
		{
			name:     "removed SNMP and AAA lines",
			running:  "snmp-server community public ro\nsnmp-server location lab\naaa authorization exec default local\n",
			commands: "no snmp-server community public ro\nno aaa authorization exec default local\nsnmp-server contact noc\n",
			want:     "snmp-server location lab\nsnmp-server contact noc\n",
		},
	})
}

func TestPredictIOSXR(t *testing.T) {
	runPredictCases(t, "iosxr", predRulesIOSXR(), []predictCase{
		{
			name:     "route policy re-entered is replaced whole",
			running:  "route-policy RP\n  if destination in PS then\n    pass\n  endif\nend-policy\nhostname xr\n",
			commands: "route-policy RP\n  drop\nend-policy\n",
			want:     "route-policy RP\n  drop\nend-policy\nhostname xr\n",
		},
		{
			name:     "new route policy keeps its end-policy",
			running:  "hostname xr\n",
			commands: "route-policy NEW\n  pass\nend-policy\n",
			want:     "hostname xr\nroute-policy NEW\n  pass\nend-policy\n",
		},
		{
			name:     "neighbour remote-as replaced three levels deep, exits dropped",
			running:  "router bgp 1\n neighbor 10.0.0.1\n  remote-as 2\n  description a\n !\n!\n",
			commands: "router bgp 1\n neighbor 10.0.0.1\n  remote-as 3\n  exit\n neighbor 10.0.0.2\n  remote-as 4\n  exit\n exit\n",
			want:     "router bgp 1\n neighbor 10.0.0.1\n  remote-as 3\n  description a\n neighbor 10.0.0.2\n  remote-as 4\n",
		},
	})
}

func TestPredictJunosSet(t *testing.T) {
	runPredictCases(t, "junos-set", predRulesJunos("junos-set"), []predictCase{
		{
			name:     "set adds, delete removes word-aligned",
			running:  "set interfaces ge-0/0/1 description a\nset interfaces ge-0/0/10 description b\nset interfaces ge-0/0/1 unit 0 family inet address 10.0.0.1/24\n",
			commands: "delete interfaces ge-0/0/1\nset interfaces ge-0/0/2 disable\n",
			want:     "set interfaces ge-0/0/10 description b\nset interfaces ge-0/0/2 disable\n",
		},
		{
			name:     "idempotent host-name and description replace in place",
			running:  "set system host-name r1\nset system ntp server 10.0.0.1\nset interfaces ge-0/0/1 description a\n",
			commands: "set system host-name r2\nset interfaces ge-0/0/1 description \"new one\"\n",
			want:     "set system host-name r2\nset system ntp server 10.0.0.1\nset interfaces ge-0/0/1 description \"new one\"\n",
		},
		{
			name:     "an empty container is filled; a set below an existing statement changes nothing",
			running:  "set protocols lldp\nset snmp community public authorization read-only\n",
			commands: "set protocols lldp interface all\nset snmp community public\n",
			want:     "set snmp community public authorization read-only\nset protocols lldp interface all\n",
		},
		{
			name:     "delete of one value, deactivate and activate",
			running:  "set system ntp server 10.0.0.1\nset system ntp server 10.0.0.2\nset protocols ospf area 0 interface ge-0/0/1\ndeactivate protocols ospf\n",
			commands: "delete system ntp server 10.0.0.2\nactivate protocols ospf\ndeactivate system ntp\n",
			want:     "set system ntp server 10.0.0.1\nset protocols ospf area 0 interface ge-0/0/1\ndeactivate system ntp\n",
		},
		{
			name:     "insert reorders terms",
			running:  "set firewall filter F term a then accept\nset firewall filter F term b then discard\nset firewall filter F term c from protocol tcp\nset firewall filter F term c then accept\n",
			commands: "insert firewall filter F term c before term a\n",
			want:     "set firewall filter F term c from protocol tcp\nset firewall filter F term c then accept\nset firewall filter F term a then accept\nset firewall filter F term b then discard\n",
		},
		{
			name:     "running delete lines are evaluated",
			running:  "set system host-name r1\nset system domain-name example.net\ndelete system domain-name\n",
			commands: "# comment\n\nset system domain-name example.org\n",
			want:     "set system host-name r1\nset system domain-name example.org\n",
		},
	})
}

func TestPredictJunos(t *testing.T) {
	runPredictCases(t, "junos", predRulesJunos("junos"), []predictCase{
		{
			name: "grouping taken from running, new groups by keyword",
			running: `## Last commit: 2026-01-01
system {
    host-name r1;
    ntp {
        server 10.0.0.1;
    }
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet {
                address 10.0.0.1/24;
            }
        }
    }
}
`,
			commands: `set system host-name r2
delete interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24
set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.2/24
set interfaces ge-0/0/1 unit 5 family inet6 address 2001:db8::1/64
set protocols bgp group EXT neighbor 192.0.2.1 peer-as 65001
delete system ntp
`,
			want: `system {
    host-name r2;
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet {
                address 10.0.0.2/24;
            }
        }
    }
    ge-0/0/1 {
        unit 5 {
            family inet6 {
                address 2001:db8::1/64;
            }
        }
    }
}
protocols {
    bgp {
        group EXT {
            neighbor 192.0.2.1 {
                peer-as 65001;
            }
        }
    }
}
`,
		},
		{
			name:     "lists become one leaf per element; inactive marker",
			running:  "vlans {\n    v10 {\n        vlan-id 10;\n    }\n}\nprotocols {\n    lldp {\n        interface [ ge-0/0/0 ge-0/0/1 ];\n    }\n}\n",
			commands: "delete protocols lldp interface ge-0/0/0\ndeactivate vlans v10\nset protocols lldp interface ge-0/0/2\n",
			want:     "vlans {\n    inactive: v10 {\n        vlan-id 10;\n    }\n}\nprotocols {\n    lldp {\n        interface ge-0/0/1;\n        interface ge-0/0/2;\n    }\n}\n",
		},
		{
			name:     "inactive and protect markers survive other changes; unprotect removes one",
			running:  "system {\n    inactive: ntp {\n        server 10.0.0.1;\n    }\n}\nprotect: snmp {\n    location lab;\n}\nprotect: routing-options {\n    autonomous-system 65000;\n}\n",
			commands: "set system host-name r1\nunprotect snmp\nset snmp contact noc\n",
			want:     "system {\n    inactive: ntp {\n        server 10.0.0.1;\n    }\n    host-name r1;\n}\nsnmp {\n    location lab;\n    contact noc;\n}\nprotect: routing-options {\n    autonomous-system 65000;\n}\n",
		},
		{
			name:     "delete everything under a top-level statement",
			running:  "system {\n    host-name r1;\n}\nsnmp {\n    community public {\n        authorization read-only;\n    }\n}\n",
			commands: "delete snmp\n",
			want:     "system {\n    host-name r1;\n}\n",
		},
	})
}

func TestPredictErrors(t *testing.T) {
	if _, err := predict(nil, "hostname x", nil); err == nil {
		t.Error("nil running: no error")
	}
	j := predParse(t, "system {\n    host-name r1;\n}\n", "junos")
	_, err := predict(j, "set system host-name r2\nrename system host-name to x\n", predRulesJunos("junos"))
	if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "rename") {
		t.Errorf("unsupported verb: got %v, want an error naming line 2 and the verb", err)
	}
	for _, cmd := range []string{"set\n", "insert a b\n", "insert x y before z\n", "deactivate\n"} {
		if _, err := predict(j, cmd, nil); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("%q: got %v, want a positioned error", cmd, err)
		}
	}
	bad := predRulesIOS()
	bad.Idempotent = append(bad.Idempotent, Idempotent{Match: Path{{Regex: "("}}})
	if _, err := predict(predParse(t, "hostname a\n", "ios"), "hostname b\n", bad); err == nil || !strings.Contains(err.Error(), "idempotent[5]") {
		t.Errorf("bad rule regex: got %v, want an error naming the rule", err)
	}
	if _, err := predict(predParse(t, "interface Gi1\n", "ios"), "interface Gi1\n\xff\x00 description x\n", nil); err != nil {
		t.Logf("binary command text rejected: %v", err)
	}
}

func TestPredictNilRulesUsesDialectNegation(t *testing.T) {
	got, err := predict(predParse(t, "interface Gi1\n description a\nhostname r1\n", "ios"), "no interface Gi1\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != "hostname r1\n" {
		t.Errorf("got %q", got.String())
	}
	js, err := predict(predParse(t, "set system host-name r1\nset snmp location lab\n", "junos-set"), "delete snmp\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if js.String() != "set system host-name r1\n" {
		t.Errorf("junos-set got %q", js.String())
	}
}
