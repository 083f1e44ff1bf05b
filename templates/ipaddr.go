package templates

import (
	"fmt"
	"math/big"
	"net/netip"
	"strconv"
	"strings"
)

// ipValue is an address with an optional prefix length, as written in
// device configuration: "10.0.0.1", "10.0.0.1/24", "10.0.0.1 255.255.255.0"
// or "10.0.0.1/255.255.255.0".
type ipValue struct {
	addr      netip.Addr
	bits      int  // prefix length; the full address length without prefix
	hasPrefix bool // a prefix or mask was given
}

// parseIP parses an address, a prefix, or an address with a dotted mask.
func parseIP(s string) (ipValue, error) {
	s = strings.TrimSpace(s)
	var addrPart, maskPart string
	switch {
	case strings.Contains(s, "/"):
		addrPart, maskPart, _ = strings.Cut(s, "/")
	case strings.Contains(s, " "):
		addrPart, maskPart, _ = strings.Cut(s, " ")
		maskPart = strings.TrimSpace(maskPart)
	default:
		addrPart = s
	}
	addr, err := netip.ParseAddr(addrPart)
	if err != nil || addr.Zone() != "" {
		return ipValue{}, fmt.Errorf("%q is not an IP address or prefix", s)
	}
	addr = addr.Unmap()
	v := ipValue{addr: addr, bits: addr.BitLen()}
	if maskPart == "" {
		if strings.Contains(s, "/") {
			return ipValue{}, fmt.Errorf("%q is not an IP address or prefix", s)
		}
		return v, nil
	}
	bits, err := parsePrefixLen(maskPart, addr.BitLen())
	if err != nil {
		return ipValue{}, fmt.Errorf("%q: %w", s, err)
	}
	v.bits, v.hasPrefix = bits, true
	return v, nil
}

// parsePrefixLen parses "24" or, for IPv4, a dotted netmask "255.255.255.0".
func parsePrefixLen(s string, maxBits int) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > maxBits {
			return 0, fmt.Errorf("prefix length %d out of range 0-%d", n, maxBits)
		}
		return n, nil
	}
	m, err := netip.ParseAddr(s)
	if err != nil || !m.Is4() || maxBits != 32 {
		return 0, fmt.Errorf("%q is not a prefix length or netmask", s)
	}
	b := m.As4()
	u := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n := 0
	for u&0x80000000 != 0 {
		n++
		u <<= 1
	}
	if u != 0 {
		return 0, fmt.Errorf("%q is not a contiguous netmask", s)
	}
	return n, nil
}

func (v ipValue) prefix() netip.Prefix {
	// Prefix fails only for bits out of range for the address family,
	// which every ipValue constructor rules out; it then returns the zero
	// Prefix, which is what an invalid value is.
	p, _ := v.addr.Prefix(v.bits)
	return p
}

// network is the first address of the prefix.
func (v ipValue) network() netip.Addr { return v.prefix().Addr() }

// maskAddr returns the netmask of n bits (or its inverse, the hostmask).
func maskAddr(bits, n int, inverse bool) netip.Addr {
	b := make([]byte, bits/8)
	for i := range b {
		for j := 0; j < 8; j++ {
			set := i*8+j < n
			if set != inverse {
				b[i] |= 0x80 >> j
			}
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

func (v ipValue) netmask() netip.Addr  { return maskAddr(v.addr.BitLen(), v.bits, false) }
func (v ipValue) hostmask() netip.Addr { return maskAddr(v.addr.BitLen(), v.bits, true) }

// size is the number of addresses in the prefix.
func (v ipValue) size() *big.Int {
	return new(big.Int).Lsh(big.NewInt(1), uint(v.addr.BitLen()-v.bits))
}

// broadcast is the last address of the prefix.
func (v ipValue) broadcast() netip.Addr {
	n := v.network().As16()
	h := v.hostmask()
	var hb [16]byte
	if h.Is4() {
		h4 := h.As4()
		copy(hb[12:], h4[:])
	} else {
		hb = h.As16()
	}
	for i := range n {
		n[i] |= hb[i]
	}
	a := netip.AddrFrom16(n)
	if v.addr.Is4() {
		return a.Unmap()
	}
	return a
}

// nth returns the n-th address of the prefix (0 is the network address,
// -1 the last address).
func (v ipValue) nth(n int64) (netip.Addr, error) {
	size := v.size()
	idx := big.NewInt(n)
	if n < 0 {
		idx.Add(idx, size)
	}
	if idx.Sign() < 0 || idx.Cmp(size) >= 0 {
		return netip.Addr{}, fmt.Errorf("host %d is outside %s (%s addresses)", n, v.prefix(), size)
	}
	base := v.network().AsSlice()
	sum := new(big.Int).Add(new(big.Int).SetBytes(base), idx)
	out := sum.FillBytes(make([]byte, len(base)))
	a, _ := netip.AddrFromSlice(out)
	return a, nil
}

// IPAddr implements the ipaddr filter. With an empty query it returns the
// value (normalised) when it is an IP address or prefix, and false
// otherwise, so it doubles as a test. Queries: address, network, netmask,
// hostmask, wildcard, prefix (the length), net / network/prefix / cidr,
// host / address/prefix, broadcast, size, version, or an integer n for the
// n-th address of the prefix (with its prefix length).
func IPAddr(value string, query string) (any, error) {
	v, err := parseIP(value)
	if err != nil {
		if query == "" {
			return false, nil
		}
		return nil, err
	}
	withPrefix := func(a netip.Addr) string {
		if !v.hasPrefix {
			return a.String()
		}
		return a.String() + "/" + strconv.Itoa(v.bits)
	}
	switch query {
	case "":
		return withPrefix(v.addr), nil
	case "address", "ip":
		return v.addr.String(), nil
	case "network":
		return v.network().String(), nil
	case "netmask":
		return v.netmask().String(), nil
	case "hostmask", "wildcard":
		return v.hostmask().String(), nil
	case "prefix", "prefixlen":
		return v.bits, nil
	case "net", "network/prefix", "cidr", "subnet":
		return v.prefix().String(), nil
	case "host", "address/prefix":
		return v.addr.String() + "/" + strconv.Itoa(v.bits), nil
	case "broadcast":
		return v.broadcast().String(), nil
	case "size":
		s := v.size()
		if s.IsInt64() {
			return int(s.Int64()), nil
		}
		return s.String(), nil
	case "version":
		if v.addr.Is4() {
			return 4, nil
		}
		return 6, nil
	}
	if n, err := strconv.ParseInt(query, 10, 64); err == nil {
		a, err := v.nth(n)
		if err != nil {
			return nil, err
		}
		return a.String() + "/" + strconv.Itoa(v.bits), nil
	}
	return nil, fmt.Errorf("unknown query %q", query)
}

// NthHost returns the n-th address of the prefix value (0 is the network
// address, negative values count from the end), without prefix length.
func NthHost(value string, n int64) (string, error) {
	v, err := parseIP(value)
	if err != nil {
		return "", err
	}
	a, err := v.nth(n)
	if err != nil {
		return "", err
	}
	return a.String(), nil
}

// IsIP reports whether value is an IP address (with or without a prefix
// length or netmask).
func IsIP(value string) bool {
	_, err := parseIP(value)
	return err == nil
}

// CIDRMask converts a prefix length ("24", 24, "/24" or a prefix such as
// "10.0.0.0/24") to a dotted IPv4 netmask; IPv6 prefixes give an IPv6 mask.
func CIDRMask(value string) (string, error) {
	s := strings.TrimPrefix(strings.TrimSpace(value), "/")
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > 32 {
			return "", fmt.Errorf("prefix length %d out of range 0-32", n)
		}
		return maskAddr(32, n, false).String(), nil
	}
	v, err := parseIP(value)
	if err != nil {
		return "", err
	}
	if !v.hasPrefix {
		return "", fmt.Errorf("%q has no prefix length", value)
	}
	return v.netmask().String(), nil
}
