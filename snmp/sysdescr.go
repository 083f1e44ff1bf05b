package snmp

import (
	"regexp"
	"strconv"
	"strings"
)

// Platform is a network operating system recognised in sysDescr.
type Platform string

// Recognised platforms.
const (
	PlatformUnknown Platform = ""
	PlatformIOS     Platform = "ios"
	PlatformIOSXE   Platform = "ios-xe"
	PlatformIOSXR   Platform = "ios-xr"
	PlatformNXOS    Platform = "nx-os"
	PlatformEOS     Platform = "eos"
	PlatformJunOS   Platform = "junos"
)

// Software is the operating system and version parsed from a sysDescr.
type Software struct {
	Platform Platform `json:"platform"`
	Version  string   `json:"version"`
}

// descrParser recognises one platform and extracts its version.
type descrParser struct {
	platform Platform
	match    func(string) bool
	version  *regexp.Regexp
}

var (
	// Cisco IOS XE prints its own version line first on 16.x/17.x virtual
	// and router images: "Cisco IOS XE Software, Version 17.03.04a".
	reXEVersion  = regexp.MustCompile(`IOS[ -]XE Software,? Version ([0-9][^\s,]*)`)
	reVersion    = regexp.MustCompile(`Version:? ([0-9][^\s,\[]*)`)
	reEOSVersion = regexp.MustCompile(`EOS version ([0-9][^\s,-]*)`)
	reJunOS      = regexp.MustCompile(`JUNOS ([0-9][^\s,#\[]*)`)
	// Codenames of IOS XE trains shown in brackets: "Cisco IOS Software [Gibraltar]".
	reXECodename = regexp.MustCompile(`Cisco IOS Software \[[A-Z][a-z]+\]`)
)

var descrParsers = []descrParser{
	{PlatformIOSXR, func(s string) bool { return strings.Contains(s, "IOS XR") || strings.Contains(s, "IOS-XR") }, reVersion},
	{PlatformNXOS, func(s string) bool { return strings.Contains(s, "NX-OS") }, reVersion},
	{PlatformEOS, func(s string) bool {
		return strings.Contains(s, "EOS version") || strings.HasPrefix(s, "Arista Networks EOS")
	}, reEOSVersion},
	{PlatformJunOS, func(s string) bool { return strings.Contains(s, "JUNOS") }, reJunOS},
	{PlatformIOS, func(s string) bool {
		return strings.Contains(s, "Cisco IOS") || strings.Contains(s, "IOS (tm)") ||
			strings.Contains(s, "Cisco Internetwork Operating System")
	}, reVersion},
}

// ParseSysDescr recognises Cisco IOS, IOS XE, IOS XR, NX-OS, Arista EOS and
// Juniper JunOS in a sysDescr value and extracts the running software
// version as the device prints it ("15.2(7)E3", "17.9.4a", "7.0(8)N1(1)",
// "4.28.3M", "20.4R3-S4.8"). Anything else returns the zero Software.
func ParseSysDescr(descr string) Software {
	for _, p := range descrParsers {
		if !p.match(descr) {
			continue
		}
		sw := Software{Platform: p.platform}
		if p.platform == PlatformIOS {
			sw = parseIOS(descr)
		} else if m := p.version.FindStringSubmatch(descr); m != nil {
			sw.Version = strings.TrimRight(m[1], ".")
		}
		return sw
	}
	return Software{}
}

// parseIOS tells IOS XE from classic IOS: an explicit "IOS-XE"/"IOS XE",
// the IOSd image of ASR1000/ISR4000/CSR1000v, a train codename in brackets,
// or a version of 16 and above (classic IOS ended with 15.x).
func parseIOS(descr string) Software {
	sw := Software{Platform: PlatformIOS}
	if m := reXEVersion.FindStringSubmatch(descr); m != nil {
		return Software{Platform: PlatformIOSXE, Version: strings.TrimRight(m[1], ".")}
	}
	if m := reVersion.FindStringSubmatch(descr); m != nil {
		sw.Version = strings.TrimRight(m[1], ".")
	}
	switch {
	case strings.Contains(descr, "IOS-XE"), strings.Contains(descr, "IOS XE"),
		strings.Contains(descr, "IOSXE"), strings.Contains(descr, "_IOSD"),
		reXECodename.MatchString(descr):
		sw.Platform = PlatformIOSXE
	default:
		major, _, _ := strings.Cut(sw.Version, ".")
		if n, err := strconv.Atoi(major); err == nil && n >= 16 {
			sw.Platform = PlatformIOSXE
		}
	}
	return sw
}

// SameVersion reports whether two version strings name the same release,
// ignoring case and leading zeros of numeric parts, so "17.03.04a" (as IOS
// XE prints it) equals "17.3.4a" (as release notes write it).
func SameVersion(a, b string) bool {
	return normalizeVersion(a) == normalizeVersion(b)
}

func normalizeVersion(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	var b strings.Builder
	for i := 0; i < len(v); {
		if v[i] >= '0' && v[i] <= '9' {
			j := i
			for j < len(v) && v[j] >= '0' && v[j] <= '9' {
				j++
			}
			num := strings.TrimLeft(v[i:j], "0")
			if num == "" {
				num = "0"
			}
			b.WriteString(num)
			i = j
			continue
		}
		b.WriteByte(v[i])
		i++
	}
	return b.String()
}
