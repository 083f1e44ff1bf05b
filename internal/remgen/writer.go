package remgen

import (
	"fmt"
	"strings"
)

// writer accumulates configuration text line by line.
type writer struct{ b strings.Builder }

// line writes one line: format and arguments as for fmt.Sprintf.
func (w *writer) line(format string, args ...any) {
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

func (w *writer) String() string { return w.b.String() }

// ifName names an interface in a dialect.
func ifName(dialect string, it iface) string {
	switch it.kind {
	case ifLoopback:
		switch dialect {
		case "nxos":
			return fmt.Sprintf("loopback%d", it.index)
		case "junos", "junos-set":
			return "lo0"
		}
		return fmt.Sprintf("Loopback%d", it.index)
	case ifSVI:
		switch dialect {
		case "nxos", "eos":
			return fmt.Sprintf("Vlan%d", it.index)
		case "junos", "junos-set":
			return "irb"
		}
		return fmt.Sprintf("Vlan%d", it.index)
	}
	switch dialect {
	case "ios":
		return fmt.Sprintf("GigabitEthernet1/0/%d", it.index)
	case "nxos":
		return fmt.Sprintf("Ethernet1/%d", it.index)
	case "eos":
		return fmt.Sprintf("Ethernet%d", it.index)
	case "iosxr":
		return fmt.Sprintf("TenGigE0/0/0/%d", it.index)
	}
	return fmt.Sprintf("ge-0/0/%d", it.index)
}

// cidrOrAny prints a network as a.b.c.d/len, "any" when empty.
func cidrOrAny(addr string, plen int) string {
	if addr == "" {
		return "any"
	}
	return fmt.Sprintf("%s/%d", addr, plen)
}

// wildcardOrAny prints a network as "host a.b.c.d", "a.b.c.d wildcard" or
// "any", the IOS and IOS-XR way.
func wildcardOrAny(addr string, plen int) string {
	switch {
	case addr == "":
		return "any"
	case plen == 32:
		return "host " + addr
	}
	return addr + " " + wildcard(plen)
}

// hostOrCIDR prints a network the EOS way: "host a.b.c.d" for a /32.
func hostOrCIDR(addr string, plen int) string {
	if addr != "" && plen == 32 {
		return "host " + addr
	}
	return cidrOrAny(addr, plen)
}

// aclRule prints an entry without its sequence number; net formats the
// addresses.
func aclRule(e aclEntry, net func(string, int) string) string {
	s := fmt.Sprintf("%s %s %s %s", e.action, e.proto, net(e.src, e.srcLen), net(e.dst, e.dstLen))
	if e.port != 0 {
		s += fmt.Sprintf(" eq %d", e.port)
	}
	return s
}
