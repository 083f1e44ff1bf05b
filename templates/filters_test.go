package templates

import (
	"context"
	"strings"
	"testing"
)

// renderString renders one template source with vars through a fresh
// environment.
func renderString(t *testing.T, src string, vars map[string]any) (string, error) {
	t.Helper()
	env := New(mapFS(map[string]string{"t.j2": src}), Options{})
	return env.Render(context.Background(), "t.j2", vars)
}

func TestNetworkFilters(t *testing.T) {
	vars := map[string]any{
		"ip":    "10.1.0.1/31",
		"v6":    "2001:db8::1/64",
		"mac":   "00:1A:2b:3c:4D:5e",
		"vlans": []any{7, 1, 3, 2, 2, 10, 11},
		"data":  map[string]any{"b": []any{1, "x"}, "a": map[string]any{"k": true, "n": nil}, "f": 1.5},
	}
	tests := []struct{ src, want string }{
		{"{{ ip | ipaddr }}", "10.1.0.1/31"},
		{"{{ 'bogus' | ipaddr }}", "False"},
		{"{{ ip | ipaddr('address') }}", "10.1.0.1"},
		{"{{ ip | address }}", "10.1.0.1"},
		{"{{ '192.0.2.77/26' | network }}", "192.0.2.64"},
		{"{{ '192.0.2.77/26' | ipaddr('net') }}", "192.0.2.64/26"},
		{"{{ '192.0.2.77/26' | netmask }}", "255.255.255.192"},
		{"{{ '192.0.2.77/26' | hostmask }}", "0.0.0.63"},
		{"{{ '192.0.2.77/26' | wildcard }}", "0.0.0.63"},
		{"{{ '192.0.2.77/26' | prefixlen }}", "26"},
		{"{{ '192.0.2.77 255.255.255.0' | prefixlen }}", "24"},
		{"{{ '192.0.2.77/255.255.255.0' | ipaddr('net') }}", "192.0.2.0/24"},
		{"{{ '192.0.2.77/26' | broadcast }}", "192.0.2.127"},
		{"{{ '192.0.2.77/26' | ipaddr('size') }}", "64"},
		{"{{ '192.0.2.0/24' | nthhost(5) }}", "192.0.2.5"},
		{"{{ '192.0.2.0/24' | nthhost(-2) }}", "192.0.2.254"},
		{"{{ '192.0.2.0/24' | ipaddr(1) }}", "192.0.2.1/24"},
		{"{{ v6 | network }}", "2001:db8::"},
		{"{{ v6 | prefixlen }}", "64"},
		{"{{ v6 | netmask }}", "ffff:ffff:ffff:ffff::"},
		{"{{ v6 | nthhost(1) }}", "2001:db8::1"},
		{"{{ v6 | ipaddr('version') }}", "6"},
		{"{{ ip | is_ip }} {{ 'x.y' | is_ip }} {{ '::1' | is_ip }}", "True False True"},
		{"{{ ip | ipv4 }} {{ ip | ipv6 }}", "10.1.0.1/31 False"},
		{"{{ 24 | cidr_mask }} {{ '/30' | cidr_mask }} {{ '10.0.0.0/8' | cidr_mask }}", "255.255.255.0 255.255.255.252 255.0.0.0"},
		{"{{ 'Gi1/0/1' | canonical_interface_name }}", "GigabitEthernet1/0/1"},
		{"{{ 'te1/1' | canonical_interface_name('ios') }}", "TenGigabitEthernet1/1"},
		{"{{ 'Po10' | canonical_interface_name('eos') }}", "Port-Channel10"},
		{"{{ 'po10' | canonical_interface_name('nxos') }}", "port-channel10"},
		{"{{ 'Eth1/1' | canonical_interface_name('nxos') }}", "Ethernet1/1"},
		{"{{ 'BE100' | canonical_interface_name('iosxr') }}", "Bundle-Ether100"},
		{"{{ 'ge-0/0/0.0' | canonical_interface_name('junos') }}", "ge-0/0/0.0"},
		{"{{ 'GigabitEthernet0/0/0/1' | abbreviated_interface_name('iosxr') }}", "Gi0/0/0/1"},
		{"{{ 'Ethernet1/1' | abbreviated_interface_name('nxos') }}", "Eth1/1"},
		{"{{ 'Ethernet3' | abbreviated_interface_name('eos') }}", "Et3"},
		{"{{ 'Management1' | abbreviated_interface_name(platform='eos') }}", "Ma1"},
		{"{{ 'Foo9' | abbreviated_interface_name }}", "Foo9"},
		{"{{ mac | mac_format }}", "00:1a:2b:3c:4d:5e"},
		{"{{ mac | mac_format('cisco') }}", "001a.2b3c.4d5e"},
		{"{{ mac | mac_format('hyphen') | upper }}", "00-1A-2B-3C-4D-5E"},
		{"{{ '001a.2b3c.4d5e' | mac_format('bare') }}", "001a2b3c4d5e"},
		{"{{ vlans | vlan_compress }}", "1-3,7,10,11"},
		{"{{ '1-3,7, 5' | vlan_compress }}", "1-3,5,7"},
		{"{{ '1-3,7' | vlan_expand | join(' ') }}", "1 2 3 7"},
		{"{{ 'a\nb\n\nc' | indent(2) }}", "a\n  b\n\n  c"},
		{"{{ 'a\nb' | indent(3, true) }}", "   a\n   b"},
		{"{{ data | to_json }}", `{"a": {"k": true, "n": null}, "b": [1, "x"], "f": 1.5}`},
		{"{{ {'z': 1, 'a': 'é<'} | to_json }}", `{"z": 1, "a": "\u00e9<"}`},
		{"{{ {'z': 1, 'a': 2} | to_json(sort_keys=true) }}", `{"a": 2, "z": 1}`},
		{"{{ [1, {'a': 2}] | to_json(indent=2) }}", "[\n  1,\n  {\n    \"a\": 2\n  }\n]"},
		{"{{ {'a': '<b>'} | tojson }}", `{"a": "\u003cb\u003e"}`},
		{"{{ data | to_yaml }}", "a:\n  k: true\n  \"n\": null\nb:\n  - 1\n  - x\nf: 1.5\n"},
		{"{{ [1e20, 0.1, 100.0] | to_json }}", "[1e+20, 0.1, 100.0]"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, err := renderString(t, tt.src, vars)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNetworkFilterErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"{{ 'x' | network }}", `filter network: "x" is not an IP address or prefix`},
		{"{{ '10.0.0.0/33' | network }}", "prefix length 33 out of range 0-32"},
		{"{{ '10.0.0.1/255.0.255.0' | network }}", "not a contiguous netmask"},
		{"{{ '10.0.0.0/30' | nthhost(4) }}", "host 4 is outside 10.0.0.0/30 (4 addresses)"},
		{"{{ 33 | cidr_mask }}", "prefix length 33 out of range"},
		{"{{ '10.0.0.1' | cidr_mask }}", "has no prefix length"},
		{"{{ 'Gi1' | canonical_interface_name('vyos') }}", `unknown platform "vyos"`},
		{"{{ 'zz:1a:2b:3c:4d:5e' | mac_format }}", "is not a MAC address"},
		{"{{ '00:1a' | mac_format }}", "need 12 hex digits"},
		{"{{ '00:1a:2b:3c:4d:5e' | mac_format('nope') }}", `unknown MAC style "nope"`},
		{"{{ '1-5000' | vlan_expand }}", `"5000" is not a VLAN ID (1-4094)`},
		{"{{ '7-3' | vlan_expand }}", `VLAN range "7-3" is reversed`},
		{"{{ [0] | vlan_compress }}", `"0" is not a VLAN ID`},
		{"{{ missing | network }}", `'missing' is undefined`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			out, err := renderString(t, tt.src, nil)
			if err == nil {
				t.Fatalf("rendered %q, want error containing %q", out, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "t.j2:1:") {
				t.Errorf("error %q, want t.j2:1:COL: ... %q", err, tt.want)
			}
		})
	}
}

func TestVLANCompressRoundTrip(t *testing.T) {
	for _, list := range []string{"1", "1,2", "1-3", "1-3,7", "1,3,5-9,4094", "10-20,22,24-30"} {
		ids, err := VLANExpand(list)
		if err != nil {
			t.Fatal(err)
		}
		got, err := VLANCompress(ids)
		if err != nil || got != list {
			t.Errorf("%s: round trip gave %q, %v", list, got, err)
		}
	}
}
