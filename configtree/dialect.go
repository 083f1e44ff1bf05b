package configtree

import (
	"fmt"
	"sort"
	"strings"
)

// Dialect names accepted by Parse, NewScanner and the slicing helpers.
const (
	DialectAuto     = "auto"
	DialectIOS      = "ios"
	DialectNXOS     = "nxos"
	DialectEOS      = "eos"
	DialectIOSXR    = "iosxr"
	DialectJunos    = "junos"
	DialectJunosSet = "junos-set"
	DialectFlat     = "flat"
)

// Dialect names of the FortiOS, SR OS, RAD ETX and Onyx parsers.
const (
	DialectFortiOS = "fortios" // Fortinet FortiOS: config/edit/next/end
	DialectSROS    = "sros"    // Nokia SR OS classic CLI
	DialectRADETX  = "rad-etx" // RAD ETX
	DialectOnyx    = "onyx"    // NVIDIA (Mellanox) Onyx
)

// Dialects of HP Comware, PAN-OS (set format), Extreme EXOS, MikroTik
// RouterOS and Extreme NetIron.
const (
	DialectComware  = "comware"
	DialectPANOS    = "panos"
	DialectEXOS     = "exos"
	DialectRouterOS = "routeros"
	DialectNetIron  = "netiron"
)

// aliases maps accepted alternative spellings to canonical dialect names.
var aliases = map[string]string{
	"iosxe":     DialectIOS,
	"ios-xe":    DialectIOS,
	"cisco_ios": DialectIOS,
	"asa":       DialectIOS,
	"nx-os":     DialectNXOS,
	"ios-xr":    DialectIOSXR,
	"xr":        DialectIOSXR,
	"arista":    DialectEOS,
	"junos_set": DialectJunosSet,
	"set":       DialectJunosSet,
	"generic":   DialectAuto,
	// netutils names of the FortiOS, SR OS, RAD ETX and Onyx dialects.
	"fortinet_fortios": DialectFortiOS,
	"fortinet":         DialectFortiOS,
	"nokia_sros":       DialectSROS,
	"rad_etx":          DialectRADETX,
	"radetx":           DialectRADETX,
	"nvidia_onyx":      DialectOnyx,
	"mellanox":         DialectOnyx,
	"":                 DialectAuto,

	// netutils network_os names of the Comware, PAN-OS, EXOS, RouterOS and
	// NetIron dialects.
	"hp_comware":        DialectComware,
	"paloalto_panos":    DialectPANOS,
	"extreme_exos":      DialectEXOS,
	"mikrotik_routeros": DialectRouterOS,
	"extreme_netiron":   DialectNetIron,
}

var canonical = sortedNames(
	DialectAuto, DialectEOS, DialectFlat, DialectIOS, DialectIOSXR, DialectJunos, DialectJunosSet, DialectNXOS,
	DialectFortiOS, DialectOnyx, DialectRADETX, DialectSROS,
	DialectComware, DialectEXOS, DialectNetIron, DialectPANOS, DialectRouterOS,
)

func sortedNames(names ...string) []string {
	sort.Strings(names)
	return names
}

// Dialects lists the canonical dialect names, sorted, "auto" included.
func Dialects() []string {
	return append([]string(nil), canonical...)
}

// DialectAliases lists the accepted alternative names and the dialect each
// one stands for.
func DialectAliases() map[string]string {
	out := make(map[string]string, len(aliases))
	for k, v := range aliases {
		if k != "" {
			out[k] = v
		}
	}
	return out
}

// NormalizeDialect returns the canonical name of a dialect or alias
// (case-insensitive), or an error listing the valid names.
func NormalizeDialect(name string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if a, ok := aliases[n]; ok {
		return a, nil
	}
	for _, c := range canonical {
		if c == n {
			return c, nil
		}
	}
	names := append(Dialects(), "iosxe", "generic")
	sort.Strings(names)
	return "", fmt.Errorf("unknown dialect %q (valid: %s)", name, strings.Join(names, ", "))
}

// usesWordPaths reports whether a dialect matches levels against groups of
// words of the statement path (JunOS) rather than against whole statements.
func usesWordPaths(dialect string) bool {
	return dialect == DialectJunos || dialect == DialectJunosSet
}
