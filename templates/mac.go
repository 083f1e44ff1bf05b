package templates

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// MACFormat parses a 48-bit MAC address in any common notation
// ("00:1A:2b:3c:4d:5e", "00-1a-2b-3c-4d-5e", "001a.2b3c.4d5e",
// "001a2b3c4d5e") and writes it in style: "colon" (or "ieee", "unix"),
// "hyphen" (or "windows"), "dot" (or "cisco"), "bare" (or "plain"). The
// output is lower case; pipe it through upper for upper case.
func MACFormat(value, style string) (string, error) {
	var b strings.Builder
	for _, r := range strings.TrimSpace(value) {
		switch {
		case r == ':' || r == '-' || r == '.':
		case (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F'):
			b.WriteRune(r)
		default:
			return "", fmt.Errorf("%q is not a MAC address", value)
		}
	}
	digits := strings.ToLower(b.String())
	if len(digits) != 12 {
		return "", fmt.Errorf("%q is not a MAC address (need 12 hex digits)", value)
	}
	if _, err := hex.DecodeString(digits); err != nil {
		return "", fmt.Errorf("%q is not a MAC address", value)
	}
	group := func(size int, sep string) string {
		var parts []string
		for i := 0; i < 12; i += size {
			parts = append(parts, digits[i:i+size])
		}
		return strings.Join(parts, sep)
	}
	switch strings.ToLower(style) {
	case "", "colon", "ieee", "unix":
		return group(2, ":"), nil
	case "hyphen", "windows", "dash":
		return group(2, "-"), nil
	case "dot", "cisco":
		return group(4, "."), nil
	case "bare", "plain":
		return digits, nil
	}
	return "", fmt.Errorf("unknown MAC style %q (colon, hyphen, dot, bare)", style)
}
