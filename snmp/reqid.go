package snmp

// responseRequestID reads the request ID of an SNMPv1/v2c message without
// decoding the rest of it:
//
//	SEQUENCE { INTEGER version, OCTET STRING community,
//	           PDU (context tag) { INTEGER request-id, ... } }
//
// It reports false for anything else (SNMPv3, truncated or malformed
// input), never panicking on bad input.
func responseRequestID(b []byte) (uint32, bool) {
	body, _, ok := berTLV(b, 0x30)
	if !ok {
		return 0, false
	}
	version, rest, ok := berTLV(body, 0x02)
	if !ok || len(version) != 1 || version[0] > 1 {
		return 0, false
	}
	if _, rest, ok = berTLV(rest, 0x04); !ok {
		return 0, false
	}
	if len(rest) == 0 || rest[0]&0xE0 != 0xA0 {
		return 0, false
	}
	pdu, _, ok := berTLV(rest, rest[0])
	if !ok {
		return 0, false
	}
	id, _, ok := berTLV(pdu, 0x02)
	if !ok || len(id) == 0 || len(id) > 5 || id[0]&0x80 != 0 {
		return 0, false
	}
	if len(id) == 5 {
		if id[0] != 0 {
			return 0, false
		}
		id = id[1:]
	}
	var v uint32
	for _, c := range id {
		v = v<<8 | uint32(c)
	}
	return v, true
}

// berTLV splits one BER element with the given tag off the front of b,
// returning its contents and what follows. Only definite lengths of up to
// four bytes are accepted.
func berTLV(b []byte, tag byte) (contents, rest []byte, ok bool) {
	if len(b) < 2 || b[0] != tag {
		return nil, nil, false
	}
	n := int(b[1])
	hdr := 2
	if n&0x80 != 0 {
		k := n & 0x7F
		if k == 0 || k > 4 || len(b) < 2+k {
			return nil, nil, false
		}
		n = 0
		for _, c := range b[2 : 2+k] {
			n = n<<8 | int(c)
		}
		hdr += k
	}
	if n < 0 || n > len(b)-hdr {
		return nil, nil, false
	}
	return b[hdr : hdr+n], b[hdr+n:], true
}
