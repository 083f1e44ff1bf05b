package templates

import (
	"fmt"
	"strings"
)

// ifType is one interface type of a platform: its canonical spelling, its
// short form, and the abbreviations that mean it.
type ifType struct {
	long, short string
	aliases     []string
}

// Interface types per platform, read only.
var (
	iosInterfaces = []ifType{
		{"FastEthernet", "Fa", []string{"fa", "fast", "fastethernet"}},
		{"GigabitEthernet", "Gi", []string{"gi", "ge", "gig", "gigabit", "gigabitethernet"}},
		{"TenGigabitEthernet", "Te", []string{"te", "ten", "tengig", "tengige", "tengigabitethernet"}},
		{"TwentyFiveGigE", "Twe", []string{"twe", "twentyfivegige", "twentyfivegigabitethernet"}},
		{"FortyGigabitEthernet", "Fo", []string{"fo", "fortygige", "fortygigabitethernet"}},
		{"HundredGigE", "Hu", []string{"hu", "hundredgige", "hundredgigabitethernet"}},
		{"AppGigabitEthernet", "Ap", []string{"ap", "appgigabitethernet"}},
		{"Ethernet", "Et", []string{"et", "eth", "ethernet"}},
		{"Port-channel", "Po", []string{"po", "port-channel", "portchannel"}},
		{"Loopback", "Lo", []string{"lo", "loop", "loopback"}},
		{"Vlan", "Vl", []string{"vl", "vlan"}},
		{"Tunnel", "Tu", []string{"tu", "tunnel"}},
		{"Serial", "Se", []string{"se", "serial"}},
		{"Management", "Ma", []string{"ma", "mgmt", "management"}},
		{"BDI", "BD", []string{"bd", "bdi"}},
		{"Null", "Nu", []string{"nu", "null"}},
	}
	nxosInterfaces = []ifType{
		{"Ethernet", "Eth", []string{"e", "et", "eth", "ethernet"}},
		{"port-channel", "Po", []string{"po", "port-channel", "portchannel"}},
		{"loopback", "Lo", []string{"lo", "loop", "loopback"}},
		{"Vlan", "Vlan", []string{"vl", "vlan"}},
		{"mgmt", "mgmt", []string{"mgmt", "management"}},
		{"Tunnel", "Tu", []string{"tu", "tunnel"}},
		{"nve", "nve", []string{"nve"}},
	}
	eosInterfaces = []ifType{
		{"Ethernet", "Et", []string{"e", "et", "eth", "ethernet"}},
		{"Port-Channel", "Po", []string{"po", "port-channel", "portchannel"}},
		{"Loopback", "Lo", []string{"lo", "loop", "loopback"}},
		{"Vlan", "Vl", []string{"vl", "vlan"}},
		{"Management", "Ma", []string{"ma", "mgmt", "management"}},
		{"Tunnel", "Tu", []string{"tu", "tunnel"}},
		{"Vxlan", "Vx", []string{"vx", "vxlan"}},
	}
	iosxrInterfaces = []ifType{
		{"GigabitEthernet", "Gi", []string{"gi", "ge", "gig", "gigabitethernet"}},
		{"TenGigE", "Te", []string{"te", "tengige", "tengigabitethernet"}},
		{"TwentyFiveGigE", "TF", []string{"tf", "twentyfivegige"}},
		{"FortyGigE", "Fo", []string{"fo", "fortygige"}},
		{"HundredGigE", "Hu", []string{"hu", "hundredgige"}},
		{"FourHundredGigE", "FH", []string{"fh", "fourhundredgige"}},
		{"Bundle-Ether", "BE", []string{"be", "bundle-ether"}},
		{"Loopback", "Lo", []string{"lo", "loopback"}},
		{"MgmtEth", "Mg", []string{"mg", "mgmteth"}},
		{"BVI", "BV", []string{"bv", "bvi"}},
		{"tunnel-ip", "ti", []string{"ti", "tunnel-ip"}},
	}
)

// ifTable returns the interface types of a platform; an empty platform
// uses the ios table.
func ifTable(platform string) ([]ifType, bool) {
	switch platform {
	case "", "ios", "iosxe", "cisco_ios", "cisco_xe":
		return iosInterfaces, true
	case "nxos", "cisco_nxos":
		return nxosInterfaces, true
	case "eos", "arista_eos":
		return eosInterfaces, true
	case "iosxr", "cisco_xr":
		return iosxrInterfaces, true
	}
	return nil, false
}

// splitIfName splits "GigabitEthernet1/0/1" into "GigabitEthernet" and
// "1/0/1": the type is everything before the first digit.
func splitIfName(name string) (string, string) {
	i := strings.IndexFunc(name, func(r rune) bool { return r >= '0' && r <= '9' })
	if i < 0 {
		return name, ""
	}
	return strings.TrimRight(name[:i], " "), name[i:]
}

// lookupIfType finds the interface type of a name on a platform.
func lookupIfType(platform, name string) (ifType, string, bool, error) {
	p := strings.ToLower(platform)
	// JunOS names have one form; "generic" devices (firewalls, load balancers,
	// servers) follow no vendor convention: names are kept as written.
	if p == "junos" || p == "juniper_junos" || p == "generic" {
		return ifType{}, "", false, nil
	}
	table, ok := ifTable(p)
	if !ok {
		return ifType{}, "", false, fmt.Errorf("unknown platform %q (known: eos, generic, ios, iosxe, iosxr, junos, nxos)", platform)
	}
	typ, rest := splitIfName(name)
	key := strings.ToLower(typ)
	for _, t := range table {
		for _, a := range t.aliases {
			if a == key {
				return t, rest, true, nil
			}
		}
	}
	// A unique prefix of a canonical name ("Gigabit" -> GigabitEthernet).
	var found []ifType
	for _, t := range table {
		if len(key) >= 2 && strings.HasPrefix(strings.ToLower(t.long), key) {
			found = append(found, t)
		}
	}
	if len(found) == 1 {
		return found[0], rest, true, nil
	}
	return ifType{}, rest, false, nil
}

// InterfaceCanonical returns the canonical (long) spelling of an interface
// name on a platform: "Gi1/0/1" -> "GigabitEthernet1/0/1" on ios,
// "Po10" -> "Port-Channel10" on eos. Unknown interface types are returned
// unchanged; junos names are always canonical.
func InterfaceCanonical(name, platform string) (string, error) {
	t, rest, ok, err := lookupIfType(platform, strings.TrimSpace(name))
	if err != nil || !ok {
		return name, err
	}
	return t.long + rest, nil
}

// InterfaceShort returns the short spelling of an interface name on a
// platform: "GigabitEthernet1/0/1" -> "Gi1/0/1".
func InterfaceShort(name, platform string) (string, error) {
	t, rest, ok, err := lookupIfType(platform, strings.TrimSpace(name))
	if err != nil || !ok {
		return name, err
	}
	return t.short + rest, nil
}
