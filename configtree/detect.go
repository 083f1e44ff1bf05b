package configtree

import (
	"bytes"
	"fmt"
)

// Detection reports which dialect "auto" chose and why.
type Detection struct {
	Dialect string `json:"dialect"`
	Reason  string `json:"reason"`
}

// DetectSampleSize is how many leading bytes of a configuration Detect looks
// at when parsing with dialect "auto".
const DetectSampleSize = 64 << 10

// Names of dialects that detection recognises; Detect returns one only when
// this build parses it (NormalizeDialect accepts it).
const (
	detectFortiOS = "fortios"
	detectSROS    = "sros"
	detectRADETX  = "rad-etx"
	detectOnyx    = "onyx"
)

// Detect guesses the dialect of a configuration from its leading bytes. The
// rules are checked in order; the first that fires for a dialect this build
// parses wins:
//
//  1. "config system|firewall|router ..." in column 0 and an "end" line →
//     fortios
//  2. two "/menu" lines in column 0, or a "by RouterOS" header → routeros
//  3. most statements are set commands and one of them starts with a PAN-OS
//     top-level word (deviceconfig, mgt-config, rulebase, vsys, ...) → panos
//  4. most statements start with set/delete/deactivate → junos-set
//  5. lines ending in "{" and lines that are "}" → junos
//  6. an "!! IOS XR" header, "end-policy"/"end-set", or IOS-XR style
//     four-part interface names → iosxr
//  7. "!Command:"/"!Time:" headers, "feature " statements or "version N.N(N)"
//     with "Bios" → nxos
//  8. "! device:" header, "daemon TerminAttr", "management api" → eos
//  9. "## Running database"/"## Product release" headers or "no cli default
//     prefix-modes" → onyx
//  10. a "configure" or "exit all" line with a "# TiMOS" header, "#---"
//     rulers or echo statements → sros
//  11. "configure" and "exit all" lines and ETX words (port, ethernet) →
//     rad-etx
//  12. "#" separator lines in column 0 with "sysname", "return" or
//     "version N, Release" → comware
//  13. "ver V...", "interface ve N", "router-interface ve N" or NetIron
//     module lines → netiron
//  14. no indentation and most statements start with configure (not
//     "configure terminal"), create, enable, disable or unconfigure → exos
//  15. any indented statement → ios
//  16. otherwise → flat
func Detect(sample []byte) Detection {
	for _, d := range detectCandidates(sample) {
		if _, err := NormalizeDialect(d.Dialect); err == nil && d.Dialect != DialectAuto {
			return d
		}
	}
	return Detection{DialectFlat, "no indentation, braces or set commands: flat list of statements"}
}

// detectCounts gathers the evidence Detect decides on.
type detectCounts struct {
	lines, set, open, close, xr, nx, eos, indented int
	firstXR, firstNX, firstEOS                     string

	fortiConfig, fortiEnd, rosMenus, rosHeader, panos int
	onyx, sros, echo, configure, exitAll, etx         int
	comwareSep, comware, netiron, exos                int
	firstPANOS, firstOnyx, firstSROS, firstComware    string
	firstNetIron, firstROS                            string
}

func hasPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == p
}

// first records the first marker of a kind.
func first(dst *string, c []byte) {
	if *dst == "" {
		*dst = string(c)
	}
}

// panosWords are PAN-OS top-level configuration words ("set WORD ...");
// none of them is a JunOS top-level statement.
var panosWords = []string{"deviceconfig ", "mgt-config ", "rulebase ", "vsys ", "shared ", "zone ", "address ",
	"address-group ", "service ", "service-group ", "tag ", "network ", "import ", "profiles ", "application "}

func countDetect(sample []byte) *detectCounts {
	k := &detectCounts{}
	for len(sample) > 0 {
		var line []byte
		if i := bytes.IndexByte(sample, '\n'); i >= 0 {
			line, sample = sample[:i], sample[i+1:]
		} else {
			line, sample = sample, nil
		}
		line = trimRight(line)
		ind := indentOf(line)
		c := line[ind:]
		if len(c) == 0 {
			continue
		}
		switch {
		case bytes.HasPrefix(c, []byte("!! IOS XR")), bytes.Equal(c, []byte("end-policy")), bytes.Equal(c, []byte("end-set")),
			bytes.HasPrefix(c, []byte("interface Bundle-Ether")), bytes.HasPrefix(c, []byte("interface TenGigE")),
			bytes.HasPrefix(c, []byte("interface HundredGigE")), bytes.HasPrefix(c, []byte("interface MgmtEth")):
			k.xr++
			first(&k.firstXR, c)
		case bytes.HasPrefix(c, []byte("!Command:")), bytes.HasPrefix(c, []byte("!Time:")), ind == 0 && bytes.HasPrefix(c, []byte("feature ")),
			bytes.HasPrefix(c, []byte("version ")) && bytes.Contains(c, []byte("Bios")):
			k.nx++
			first(&k.firstNX, c)
		case bytes.HasPrefix(c, []byte("! device:")), bytes.HasPrefix(c, []byte("daemon TerminAttr")), bytes.HasPrefix(c, []byte("management api")):
			k.eos++
			first(&k.firstEOS, c)
		}
		k.vendor(line, ind, c)
		if c[0] == '!' || c[0] == '#' {
			continue
		}
		k.lines++
		if len(setKey(c)) != len(c) {
			k.set++
		}
		if c[len(c)-1] == '{' {
			k.open++
		}
		if bytes.Equal(c, []byte("}")) {
			k.close++
		}
		if ind > 0 {
			k.indented++
		}
	}
	return k
}

// vendor counts the markers of the dialects that have no indentation-free
// signature in the rules above: FortiOS, RouterOS, PAN-OS, Onyx, SR OS,
// RAD ETX, Comware, NetIron and EXOS.
func (k *detectCounts) vendor(line []byte, ind int, c []byte) {
	switch {
	case ind == 0 && (hasPrefix(c, "config system ") || hasPrefix(c, "config firewall ") || hasPrefix(c, "config router ")):
		k.fortiConfig++
	case bytes.Equal(c, []byte("end")) || bytes.Equal(c, []byte("next")):
		k.fortiEnd++
	case ind == 0 && len(c) > 1 && c[0] == '/' && c[1] >= 'a' && c[1] <= 'z':
		k.rosMenus++
		first(&k.firstROS, c)
	case c[0] == '#' && bytes.Contains(c, []byte("by RouterOS")):
		k.rosHeader++
		first(&k.firstROS, c)
	case hasPrefix(c, "## Running database"), hasPrefix(c, "## Product release"), hasPrefix(c, "no cli default prefix-modes"):
		k.onyx++
		first(&k.firstOnyx, c)
	case hasPrefix(c, "# TiMOS"), hasPrefix(c, "#-----"):
		k.sros++
		first(&k.firstSROS, c)
	case hasPrefix(c, "echo \""):
		// Both SR OS and RAD ETX print section titles with echo.
		k.echo++
		first(&k.firstSROS, c)
	case bytes.Equal(c, []byte("configure")):
		k.configure++
	case bytes.Equal(c, []byte("exit all")):
		k.exitAll++
	case hasPrefix(c, "port") || hasPrefix(c, "ethernet "):
		k.etx++
	case ind == 0 && bytes.Equal(c, []byte("#")):
		k.comwareSep++
	case hasPrefix(c, "sysname "), ind == 0 && bytes.Equal(c, []byte("return")),
		hasPrefix(c, "version ") && bytes.Contains(c, []byte(", Release ")):
		k.comware++
		first(&k.firstComware, c)
	case ind == 0 && hasPrefix(c, "ver V"), hasPrefix(c, "interface ve "), hasPrefix(c, "router-interface ve "),
		ind == 0 && hasPrefix(c, "module ") && (bytes.Contains(c, []byte(" ni-")) || bytes.Contains(c, []byte(" br-"))):
		k.netiron++
		first(&k.firstNetIron, c)
	case ind == 0 && (hasPrefix(c, "configure ") && !hasPrefix(c, "configure terminal") || hasPrefix(c, "create ") || hasPrefix(c, "enable ") ||
		hasPrefix(c, "disable ") || hasPrefix(c, "unconfigure ")):
		k.exos++
	}
	if hasPrefix(c, "set ") {
		for _, w := range panosWords {
			if hasPrefix(c[4:], w) {
				k.panos++
				first(&k.firstPANOS, c)
				break
			}
		}
	}
}

// detectCandidates lists, in rule order, every dialect whose rule fires,
// whether or not this build parses it; the list ends with ios or flat.
func detectCandidates(sample []byte) []Detection {
	k := countDetect(sample)
	var out []Detection
	add := func(ok bool, dialect, format string, args ...any) {
		if ok {
			out = append(out, Detection{dialect, fmt.Sprintf(format, args...)})
		}
	}
	add(k.fortiConfig > 0 && k.fortiEnd > 0, detectFortiOS, "%d FortiOS \"config system|firewall|router\" blocks closed by \"end\"", k.fortiConfig)
	add(k.rosMenus >= 2 || k.rosHeader > 0, DialectRouterOS, "RouterOS marker %q (%d \"/menu\" lines)", k.firstROS, k.rosMenus)
	add(k.lines > 0 && k.set*2 > k.lines && k.panos > 0, DialectPANOS, "%d of %d statements are set commands; PAN-OS statement %q", k.set, k.lines, k.firstPANOS)
	add(k.lines > 0 && k.set*2 > k.lines, DialectJunosSet, "%d of %d statements are set/delete/deactivate commands", k.set, k.lines)
	add(k.open > 0 && k.close > 0, DialectJunos, "%d lines open a block with \"{\" and %d close one with \"}\"", k.open, k.close)
	add(k.xr > 0, DialectIOSXR, "IOS-XR marker %q", k.firstXR)
	add(k.nx > 0, DialectNXOS, "NX-OS marker %q", k.firstNX)
	add(k.eos > 0, DialectEOS, "EOS marker %q", k.firstEOS)
	add(k.onyx > 0, detectOnyx, "Onyx marker %q", k.firstOnyx)
	// SR OS: its TiMOS header or "#-----" rulers; echo titles alone only
	// when no ETX port/ethernet statement says RAD.
	add((k.sros > 0 || k.echo > 0 && k.etx == 0) && k.configure+k.exitAll > 0, detectSROS, "SR OS marker %q with configure/exit all", k.firstSROS)
	add(k.configure > 0 && k.exitAll > 0 && k.etx > 0, detectRADETX, "\"configure\" and \"exit all\" lines with %d ETX port/ethernet statements", k.etx)
	add(k.comwareSep > 0 && k.comware > 0, DialectComware, "Comware marker %q with %d \"#\" separator lines", k.firstComware, k.comwareSep)
	add(k.netiron > 0, DialectNetIron, "NetIron marker %q", k.firstNetIron)
	add(k.indented == 0 && k.lines > 0 && k.exos*2 > k.lines, DialectEXOS, "%d of %d statements are EXOS configure/create/enable/disable commands", k.exos, k.lines)
	add(k.indented > 0, DialectIOS, "%d indented statements and no vendor-specific marker: IOS-style hierarchy", k.indented)
	add(true, DialectFlat, "no indentation, braces or set commands: flat list of statements")
	return out
}
