package remediation

import (
	"strings"
	"testing"

	"github.com/unet-dev/unet/configtree"
)

// TestRemediateTable checks exact remediations per dialect: negation
// forms, idempotent replacement, ordered sections, weights and JunOS.
func TestRemediateTable(t *testing.T) {
	tests := []struct {
		name, dialect, running, intended, want string
	}{
		{
			name:     "ios negated negation and negate_with",
			dialect:  "ios",
			running:  "no ip domain lookup\nlogging console 7\nip route 0.0.0.0 0.0.0.0 10.0.0.1\n",
			intended: "ip route 0.0.0.0 0.0.0.0 10.0.0.2\n",
			want: lines("ip domain lookup", "logging console debugging",
				"no ip route 0.0.0.0 0.0.0.0 10.0.0.1", "ip route 0.0.0.0 0.0.0.0 10.0.0.2"),
		},
		{
			name:     "ios idempotent description and address, shutdown removal sinks",
			dialect:  "ios",
			running:  "interface Gi1\n shutdown\n description a\n ip address 10.0.0.1 255.255.255.0\n",
			intended: "interface Gi1\n description b\n ip address 10.0.0.2 255.255.255.0\n",
			want:     lines("interface Gi1", "  description b", "  ip address 10.0.0.2 255.255.255.0", "  no shutdown"),
		},
		{
			name:     "ios switchport mode rises above other additions",
			dialect:  "ios",
			running:  "interface Gi1\n description a\n",
			intended: "interface Gi1\n description a\n switchport access vlan 10\n switchport mode access\n",
			want:     lines("interface Gi1", "  switchport mode access", "  switchport access vlan 10"),
		},
		{
			name:     "ios removed section is one negation",
			dialect:  "ios",
			running:  "interface Gi1\n description a\n shutdown\ninterface Gi2\n description b\n",
			intended: "interface Gi2\n description b\n",
			want:     lines("no interface Gi1"),
		},
		{
			name:     "ios ACL entries numbered by position",
			dialect:  "ios",
			running:  "ip access-list extended A\n remark web\n permit tcp any any eq 80\n deny ip any any\n",
			intended: "ip access-list extended A\n permit tcp any any eq 443\n permit tcp any any eq 80\n deny ip any any\n",
			want: lines("ip access-list extended A",
				"  no 10 permit tcp any any eq 80", "  no 20 deny ip any any",
				"  10 permit tcp any any eq 443", "  20 permit tcp any any eq 80", "  30 deny ip any any"),
		},
		{
			name:     "nxos negate_default and idempotent secondary avoided",
			dialect:  "nxos",
			running:  "interface Ethernet1/1\n  ip ospf passive-interface\n  ip address 10.0.0.1/24\n  ip address 10.0.1.1/24 secondary\n",
			intended: "interface Ethernet1/1\n  ip address 10.0.0.2/24\n",
			want: lines("interface Ethernet1/1", "  default ip ospf passive-interface",
				"  no ip address 10.0.1.1/24 secondary", "  ip address 10.0.0.2/24"),
		},
		{
			name:     "nxos hostname is idempotent",
			dialect:  "nxos",
			running:  "hostname a\n",
			intended: "hostname b\n",
			want:     lines("hostname b"),
		},
		{
			name:     "eos BGP address family",
			dialect:  "eos",
			running:  "router bgp 1\n   neighbor 10.0.0.1 remote-as 2\n   address-family ipv4\n      neighbor 10.0.0.1 activate\n",
			intended: "router bgp 1\n   neighbor 10.0.0.2 remote-as 2\n   address-family ipv4\n      neighbor 10.0.0.2 activate\n",
			want: lines("router bgp 1", "  no neighbor 10.0.0.1 remote-as 2", "  neighbor 10.0.0.2 remote-as 2",
				"  address-family ipv4", "    no neighbor 10.0.0.1 activate", "    neighbor 10.0.0.2 activate"),
		},
		{
			name:     "iosxr ACL entry replaced by its sequence number",
			dialect:  "iosxr",
			running:  "ipv4 access-list A\n 10 permit ipv4 any host 1.1.1.1\n 20 deny ipv4 any any\n!\n",
			intended: "ipv4 access-list A\n 10 permit ipv4 any host 1.1.1.2\n 20 deny ipv4 any any\n!\n",
			want:     lines("ipv4 access-list A", "  10 permit ipv4 any host 1.1.1.2"),
		},
		{
			name:     "iosxr route-policy rewritten without negation",
			dialect:  "iosxr",
			running:  "route-policy RP\n  if destination in P1 then\n    pass\n  endif\nend-policy\n!\n",
			intended: "route-policy RP\n  if destination in P2 then\n    pass\n  endif\nend-policy\n!\n",
			want:     lines("route-policy RP", "  if destination in P2 then", "    pass", "  endif"),
		},
		{
			name:     "junos-set delete then set",
			dialect:  "junos-set",
			running:  "set system host-name a\nset system ntp server 1.1.1.1\n",
			intended: "set system host-name b\nset system ntp server 1.1.1.1\n",
			want:     lines("delete system host-name a", "set system host-name b"),
		},
		{
			name:     "junos curly braces become set and delete commands",
			dialect:  "junos",
			running:  "system {\n    host-name a;\n    ntp {\n        server 1.1.1.1;\n    }\n}\ninterfaces {\n    ge-0/0/0 {\n        description old;\n    }\n}\n",
			intended: "system {\n    host-name a;\n    ntp {\n        server 1.1.1.2;\n    }\n}\ninterfaces {\n    ge-0/0/0 {\n        description new;\n        unit 0 {\n            family inet {\n                address 10.0.0.1/24;\n            }\n        }\n    }\n}\n",
			want: lines("delete system ntp server 1.1.1.1", "delete interfaces ge-0/0/0 description old",
				"set system ntp server 1.1.1.2", "set interfaces ge-0/0/0 description new",
				"set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := remediateText(t, tt.dialect, tt.running, tt.intended, Options{})
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestReasonsAndSources(t *testing.T) {
	res := remediateResult(t, "ios",
		"interface Gi1\n description a\n shutdown\nntp server 1.1.1.1\n",
		"interface Gi1\n description b\nntp server 1.1.1.2\n", Options{})
	type cmd struct{ text, reason, source string }
	var got []cmd
	for _, c := range res.Commands {
		got = append(got, cmd{c.Text, c.Reason, c.Source})
	}
	want := []cmd{
		{"no ntp server 1.1.1.1", ReasonRemoved, "ntp server 1.1.1.1"},
		{"interface Gi1", ReasonContext, ""},
		{"description b", ReasonReplaced, "description a"},
		{"no shutdown", ReasonRemoved, "shutdown"},
		{"ntp server 1.1.1.2", ReasonAdded, "ntp server 1.1.1.2"},
	}
	if len(got) != len(want) {
		t.Fatalf("commands %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("command %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if res.Commands[2].Line != 2 || res.Commands[2].Depth != 1 || res.Commands[2].Parents[0] != "interface Gi1" {
		t.Errorf("description command: %+v", res.Commands[2])
	}
	wantStats := map[string]int{ReasonRemoved: 2, ReasonReplaced: 1, ReasonAdded: 1}
	if len(res.Stats) != len(wantStats) {
		t.Errorf("stats %v, want %v", res.Stats, wantStats)
	}
	for k, v := range wantStats {
		if res.Stats[k] != v {
			t.Errorf("stats[%s] = %d, want %d", k, res.Stats[k], v)
		}
	}
}

func TestSequenceReorderReason(t *testing.T) {
	res := remediateResult(t, "nxos",
		"ip access-list A\n  10 permit ip any 1.1.1.1/32\n  20 deny ip any any\n",
		"ip access-list A\n  10 deny ip any any\n  20 permit ip any 1.1.1.1/32\n", Options{})
	for _, c := range res.Commands[1:] {
		if c.Reason != ReasonReordered {
			t.Errorf("%q: reason %s, want reordered", c.Text, c.Reason)
		}
	}
	if res.Stats[ReasonReordered] != 4 {
		t.Errorf("stats %v", res.Stats)
	}
}

func TestSectionalExits(t *testing.T) {
	res := remediateResult(t, "ios",
		"router bgp 1\n address-family ipv4\n  neighbor 1.1.1.1 activate\ninterface Gi1\n description a\n",
		"router bgp 1\n address-family ipv4\n  neighbor 1.1.1.2 activate\ninterface Gi1\n description b\n", Options{})
	var b strings.Builder
	if err := res.WriteTextExits(&b); err != nil {
		t.Fatal(err)
	}
	want := lines("router bgp 1", "  address-family ipv4", "    no neighbor 1.1.1.1 activate",
		"    neighbor 1.1.1.2 activate", "    exit-address-family", "  exit",
		"interface Gi1", "  description b", "  exit")
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	// IOS-XR prints end-policy at the level of the route-policy.
	res = remediateResult(t, "iosxr",
		"route-policy RP\n  pass\nend-policy\n!\n", "route-policy RP\n  drop\nend-policy\n!\n", Options{})
	b.Reset()
	if err := res.WriteTextExits(&b); err != nil {
		t.Fatal(err)
	}
	if want := lines("route-policy RP", "  drop", "end-policy"); b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestMatchRestricts(t *testing.T) {
	m := configtree.MustParseMatch("interface Gi1||.*")
	got := remediateText(t, "ios",
		"hostname a\ninterface Gi1\n description a\ninterface Gi2\n description x\n",
		"hostname b\ninterface Gi1\n description b\ninterface Gi2\n description y\n",
		Options{Match: []*configtree.Match{m}})
	if want := lines("interface Gi1", "  description b"); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// JunOS matches statement paths by words.
	m = configtree.MustParseMatch("system||ntp")
	got = remediateText(t, "junos",
		"system {\n    host-name a;\n    ntp {\n        server 1.1.1.1;\n    }\n}\n",
		"system {\n    host-name b;\n    ntp {\n        server 1.1.1.2;\n    }\n}\n",
		Options{Match: []*configtree.Match{m}})
	if want := lines("delete system ntp server 1.1.1.1", "set system ntp server 1.1.1.2"); got != want {
		t.Errorf("junos got:\n%s\nwant:\n%s", got, want)
	}
}

func TestDialectMismatch(t *testing.T) {
	a, _ := configtree.ParseString("hostname a\n", "ios")
	b, _ := configtree.ParseString("set system host-name a\n", "junos-set")
	if _, err := Remediate(a, b, Options{Dialect: "ios"}); err == nil {
		t.Error("no error for trees of different dialects")
	}
	if _, err := Remediate(a, a, Options{Dialect: "bogus"}); err == nil {
		t.Error("no error for an unknown dialect")
	}
	if _, err := Remediate(nil, a, Options{Dialect: "ios"}); err == nil {
		t.Error("no error for a nil tree")
	}
	res, err := Remediate(a, a, Options{Dialect: "auto"})
	if err != nil || res.Dialect != "ios" {
		t.Errorf("auto: %v, %+v", err, res)
	}
}

func TestBanners(t *testing.T) {
	running := "banner motd ^C\nHello\nWorld\n^C\nhostname a\n"
	got := remediateText(t, "ios", running, "banner motd ^C\nHello there\n^C\nhostname a\n", Options{})
	if want := "banner motd ^C\nHello there\n^C\n"; got != want {
		t.Errorf("changed banner:\n%s\nwant:\n%s", got, want)
	}
	got = remediateText(t, "ios", running, "hostname a\n", Options{})
	if want := "no banner motd\n"; got != want {
		t.Errorf("removed banner: %q, want %q", got, want)
	}
	got = remediateText(t, "eos", "banner login\nHi\nEOF\n", "banner login\nHello\nEOF\n", Options{})
	if want := "banner login\nHello\nEOF\n"; got != want {
		t.Errorf("eos banner: %q, want %q", got, want)
	}
	if got := remediateText(t, "ios", running, running, Options{}); got != "" {
		t.Errorf("identical banners: %q", got)
	}
}

func TestJunosDeactivate(t *testing.T) {
	got := remediateText(t, "junos",
		"interfaces {\n    inactive: ge-0/0/1 {\n        description a;\n    }\n}\n",
		"interfaces {\n    ge-0/0/1 {\n        description a;\n    }\n}\n", Options{})
	if want := lines("activate interfaces ge-0/0/1"); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	got = remediateText(t, "junos-set",
		"set system host-name a\n",
		"set system host-name a\nset system syslog file f any any\nprotect system syslog\n", Options{Rollback: true})
	if want := lines("delete system syslog file f any any", "unprotect system syslog"); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestSecondaryAddressesAreNotIdempotent(t *testing.T) {
	for _, d := range []string{"ios", "eos", "iosxr"} {
		ip := "ip address"
		if d == "iosxr" {
			ip = "ipv4 address"
		}
		got := remediateText(t, d,
			"interface Vlan10\n "+ip+" 10.0.0.1 255.255.255.0\n "+ip+" 10.0.1.1 255.255.255.0 secondary\n",
			"interface Vlan10\n "+ip+" 10.0.0.2 255.255.255.0\n", Options{})
		want := lines("interface Vlan10", "  no "+ip+" 10.0.1.1 255.255.255.0 secondary", "  "+ip+" 10.0.0.2 255.255.255.0")
		if got != want {
			t.Errorf("%s got:\n%s\nwant:\n%s", d, got, want)
		}
	}
}

func TestGroupedNumberedACL(t *testing.T) {
	running := "access-list 10 permit 10.0.0.0 0.0.0.255\naccess-list 10 permit 10.1.0.0 0.0.0.255\naccess-list 10 deny any\naccess-list 20 permit any\nhostname a\n"
	tests := []struct{ name, intended, want string }{
		{"line removed", "access-list 10 permit 10.0.0.0 0.0.0.255\naccess-list 10 deny any\naccess-list 20 permit any\nhostname a\n",
			lines("no access-list 10", "access-list 10 permit 10.0.0.0 0.0.0.255", "access-list 10 deny any")},
		{"reordered", "access-list 10 permit 10.1.0.0 0.0.0.255\naccess-list 10 permit 10.0.0.0 0.0.0.255\naccess-list 10 deny any\naccess-list 20 permit any\nhostname a\n",
			lines("no access-list 10", "access-list 10 permit 10.1.0.0 0.0.0.255", "access-list 10 permit 10.0.0.0 0.0.0.255", "access-list 10 deny any")},
		{"list removed", "access-list 20 permit any\nhostname a\n", lines("no access-list 10")},
		{"list added", running + "access-list 30 deny any\n", lines("access-list 30 deny any")},
		{"unchanged", running, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := remediateText(t, "ios", running, tt.intended, Options{}); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
	res := remediateResult(t, "ios", running, tests[1].intended, Options{})
	if res.Stats[ReasonReordered] != 4 || len(res.Stats) != 1 {
		t.Errorf("reordered list stats %v", res.Stats)
	}
}

func TestJunosSourceLines(t *testing.T) {
	running := "system {\n    host-name a;\n    name-server {\n        1.1.1.1;\n    }\n}\ninterfaces {\n    inactive: ge-0/0/1 {\n        description x;\n        unit 0 {\n            family inet {\n                address 10.0.0.1/24;\n            }\n        }\n    }\n}\nvlans {\n    v10 {\n        vlan-id 10;\n        interface [ ge-0/0/2 ge-0/0/3 ];\n    }\n}\n"
	res := remediateResult(t, "junos", running, "system {\n    host-name b;\n}\n", Options{})
	want := map[string]int{
		"delete system host-name a":                                         2,
		"delete system name-server 1.1.1.1":                                 4,
		"delete interfaces ge-0/0/1 description x":                          9,
		"delete interfaces ge-0/0/1 unit 0 family inet address 10.0.0.1/24": 12,
		"activate interfaces ge-0/0/1":                                      8,
		"delete vlans v10 vlan-id 10":                                       19,
		"delete vlans v10 interface ge-0/0/2":                               20,
		"delete vlans v10 interface ge-0/0/3":                               20,
		"set system host-name b":                                            2,
	}
	if len(res.Commands) != len(want) {
		t.Fatalf("commands: %+v", res.Commands)
	}
	for _, c := range res.Commands {
		if l, ok := want[c.Text]; !ok || c.Line != l {
			t.Errorf("%q: line %d, want %d", c.Text, c.Line, want[c.Text])
		}
	}
}

func TestJunosFormsMix(t *testing.T) {
	curly, err := configtree.ParseString("system {\n    host-name a;\n}\n", "junos")
	if err != nil {
		t.Fatal(err)
	}
	set, err := configtree.ParseString("set system host-name b\n", "junos-set")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Remediate(curly, set, Options{Dialect: "junos"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Text(), lines("delete system host-name a", "set system host-name b"); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
