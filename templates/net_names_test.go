package templates

import (
	"testing"

	"github.com/unet-dev/unet/jinja"
)

func TestNetInterfaceNames(t *testing.T) {
	runNetCases(t, netEnv(jinja.Limits{}), []netCase{
		{filter: "canonical_interface_name", in: "Gi1/0/1", want: "GigabitEthernet1/0/1"},
		{filter: "canonical_interface_name", in: "te1/1", args: pos("ios"), want: "TenGigabitEthernet1/1"},
		{filter: "canonical_interface_name", in: "Po10", args: pos("eos"), want: "Port-Channel10"},
		{filter: "canonical_interface_name", in: "po10", args: pos("nxos"), want: "port-channel10"},
		{filter: "canonical_interface_name", in: "Eth1/1", args: pos("nxos"), want: "Ethernet1/1"},
		{filter: "canonical_interface_name", in: "BE100", args: pos("iosxr"), want: "Bundle-Ether100"},
		{filter: "canonical_interface_name", in: "ge-0/0/0.0", args: pos("junos"), want: "ge-0/0/0.0"},
		{filter: "canonical_interface_name", in: "Gigabit0/1", args: pos(nil), want: "GigabitEthernet0/1"},
		{filter: "abbreviated_interface_name", in: "GigabitEthernet0/0/0/1", args: pos("iosxr"), want: "Gi0/0/0/1"},
		{filter: "abbreviated_interface_name", in: "Ethernet1/1", args: pos("nxos"), want: "Eth1/1"},
		{filter: "abbreviated_interface_name", in: "Ethernet3", args: pos("eos"), want: "Et3"},
		{filter: "abbreviated_interface_name", in: "Management1", args: kw("platform", "eos"), want: "Ma1"},
		{filter: "abbreviated_interface_name", in: "Foo9", want: "Foo9"},
		{filter: "abbreviated_interface_name", in: "ethernet1/1", args: pos("generic"), want: "ethernet1/1"},
		{filter: "canonical_interface_name", in: "port1", args: pos("generic"), want: "port1"},
		{filter: "canonical_interface_name", in: "Gi1", args: pos("vyos"), err: `filter canonical_interface_name: unknown platform "vyos"`},
		{filter: "abbreviated_interface_name", in: nil, err: "input is undefined or none"},
	})
}

func TestNetMACFormat(t *testing.T) {
	mac := "00:1A:2b:3c:4D:5e"
	runNetCases(t, netEnv(jinja.Limits{}), []netCase{
		{filter: "mac_format", in: mac, want: "00:1a:2b:3c:4d:5e"},
		{filter: "mac_format", in: mac, args: pos("cisco"), want: "001a.2b3c.4d5e"},
		{filter: "mac_format", in: mac, args: pos("hyphen"), want: "00-1a-2b-3c-4d-5e"},
		{filter: "mac_format", in: "001a.2b3c.4d5e", args: pos("bare"), want: "001a2b3c4d5e"},
		{filter: "mac_format", in: "001a2b3c4d5e", args: kw("style", "windows"), want: "00-1a-2b-3c-4d-5e"},
		{filter: "mac_format", in: "zz:1a:2b:3c:4d:5e", err: "is not a MAC address"},
		{filter: "mac_format", in: "00:1a", err: "filter mac_format: \"00:1a\" is not a MAC address (need 12 hex digits)"},
		{filter: "mac_format", in: mac, args: pos("nope"), err: `unknown MAC style "nope"`},
	})
}
