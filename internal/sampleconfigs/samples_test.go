package sampleconfigs

import (
	"strings"
	"testing"
)

// TestDeterministic: the same seed gives the same text, different seeds
// give different texts.
func TestDeterministic(t *testing.T) {
	a, b := All(), All()
	for i := range a {
		if a[i].Text != b[i].Text {
			t.Errorf("%s: two generations differ", a[i].Path())
		}
	}
	if IOS(1, IOSOptions{Hostname: "r", AccessPorts: 4}) == IOS(2, IOSOptions{Hostname: "r", AccessPorts: 4}) {
		t.Error("seeds 1 and 2 give the same configuration")
	}
}

// TestSampleShapes checks a few landmarks of every dialect, so a change of
// the generators that drops a construct the parser tests rely on is seen.
func TestSampleShapes(t *testing.T) {
	want := map[string][]string{
		"ios":   {"\ninterface GigabitEthernet1/0/1\n", "\nip access-list extended EDGE-IN\n", "\nbanner motd ^C\n", "\nline vty 0 4\n", "\n address-family ipv4\n", "\n   service-policy WAN-CHILD\n", "\nend\n"},
		"nxos":  {"\nfeature bgp\n", "\nbanner motd #\n", "\nvrf context ", "\ninterface Ethernet1/1\n", "\ninterface Vlan1", "\n  neighbor 10.0.0.0\n", "\n      send-community extended\n"},
		"iosxr": {"!! IOS XR Configuration", "\nroute-policy RP-TRANSIT-IN\n", "\nend-policy\n", "\nprefix-set PS-IPV4-BOGONS\n", "\nend-set\n", "\ninterface TenGigE0/0/0/0\n", "\ninterface HundredGigE0/0/1/3\n", "\n neighbor-group RR\n"},
		"junos": {"\nsystem {\n", "    domain-search [ lab.example.net ", "\n    ge-0/0/2 {\n", "inactive: ge-0/0/", "/* drop and count everything else */", "\n    ntp {\n", "\nvlans {\n"},
	}
	for _, s := range All() {
		for _, w := range want[s.Dir] {
			if !strings.Contains(s.Text, w) {
				t.Errorf("%s lacks %q", s.Path(), w)
			}
		}
	}
	if n := len(LargeIOS()); n < 400<<10 || n > 600<<10 {
		t.Errorf("LargeIOS is %d bytes, want about 480 KB", n)
	}
}
