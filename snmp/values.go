package snmp

import (
	"strings"
	"unicode/utf8"

	"github.com/gosnmp/gosnmp"
)

// asString decodes an OCTET STRING as text, dropping trailing NULs and
// replacing invalid UTF-8.
func asString(v gosnmp.SnmpPDU) string {
	var s string
	switch x := v.Value.(type) {
	case []byte:
		s = string(x)
	case string:
		s = x
	default:
		return ""
	}
	s = strings.TrimRight(s, "\x00")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// asUint64 decodes any SNMP integer type; ok is false for other types and
// negative values.
func asUint64(v gosnmp.SnmpPDU) (uint64, bool) {
	switch x := v.Value.(type) {
	case uint:
		return uint64(x), true
	case uint32:
		return uint64(x), true
	case uint64:
		return x, true
	case int:
		if x < 0 {
			return 0, false
		}
		return uint64(x), true
	case int64:
		if x < 0 {
			return 0, false
		}
		return uint64(x), true
	case int32:
		if x < 0 {
			return 0, false
		}
		return uint64(x), true
	}
	return 0, false
}

// asInt decodes any SNMP integer type that fits an int.
func asInt(v gosnmp.SnmpPDU) (int, bool) {
	switch x := v.Value.(type) {
	case int:
		return x, true
	case int32:
		return int(x), true
	case int64:
		return int(x), true
	}
	u, ok := asUint64(v)
	if !ok || u > uint64(^uint(0)>>1) {
		return 0, false
	}
	return int(u), true
}

// asMAC formats ifPhysAddress as colon-separated lower-case hex.
func asMAC(v gosnmp.SnmpPDU) string {
	b, ok := v.Value.([]byte)
	if !ok || len(b) == 0 {
		return ""
	}
	const hexdigits = "0123456789abcdef"
	out := make([]byte, 0, len(b)*3-1)
	for i, c := range b {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, hexdigits[c>>4], hexdigits[c&0xf])
	}
	return string(out)
}

// asOID decodes an OBJECT IDENTIFIER value without its leading dot.
func asOID(v gosnmp.SnmpPDU) string {
	s, ok := v.Value.(string)
	if !ok {
		return ""
	}
	return strings.TrimPrefix(s, ".")
}
