package snmp

import (
	"encoding/asn1"
	"testing"

	"github.com/gosnmp/gosnmp"
)

func marshalResponse(t testing.TB, id uint32, community string, vars int) []byte {
	t.Helper()
	pkt := &gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: community, PDUType: gosnmp.GetResponse, RequestID: id}
	for i := range vars {
		pkt.Variables = append(pkt.Variables, gosnmp.SnmpPDU{Name: ".1.3.6.1.2.1.2.2.1.2." + string(rune('1'+i%9)),
			Type: gosnmp.OctetString, Value: []byte("GigabitEthernet1/0/1 with a long description")})
	}
	b, err := pkt.MarshalMsg()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestResponseRequestID(t *testing.T) {
	for _, id := range []uint32{1, 127, 128, 255, 256, 65535, 1 << 23, 0x7FFFFFFF} {
		// 40 variables make the message longer than 255 bytes: a
		// multi-byte length.
		for _, vars := range []int{0, 1, 40} {
			b := marshalResponse(t, id, "public", vars)
			got, ok := responseRequestID(b)
			if !ok || got != id {
				t.Errorf("id %d, %d variables: got %d, %v", id, vars, got, ok)
			}
			// Every truncation is refused, never misread.
			for n := range len(b) {
				if got, ok := responseRequestID(b[:n]); ok {
					t.Fatalf("id %d: %d of %d bytes read as request %d", id, n, len(b), got)
				}
			}
		}
	}
	bad := map[string][]byte{
		"empty":          nil,
		"not a sequence": {0x02, 0x01, 0x01},
		"version 3":      {0x30, 0x05, 0x02, 0x01, 0x03, 0x04, 0x00},
		"no PDU":         {0x30, 0x05, 0x02, 0x01, 0x01, 0x04, 0x00},
		"negative id":    {0x30, 0x0b, 0x02, 0x01, 0x01, 0x04, 0x00, 0xa2, 0x04, 0x02, 0x02, 0x80, 0x01},
		"indefinite":     {0x30, 0x80, 0x02, 0x01, 0x01},
		"length too big": {0x30, 0x85, 0x01, 0x01, 0x01, 0x01, 0x01},
	}
	for name, b := range bad {
		if got, ok := responseRequestID(b); ok {
			t.Errorf("%s: read as request %d", name, got)
		}
	}
}

// FuzzResponseRequestID checks that any input is either refused or read as
// the ID that encoding/asn1 decodes from it (when it is DER, which
// encoding/asn1 requires), without panicking. (gosnmp's decoder is not the
// reference: some inputs keep it busy for a long time.)
func FuzzResponseRequestID(f *testing.F) {
	f.Add(marshalResponse(f, 1, "public", 0))
	f.Add(marshalResponse(f, 0x7FFFFFFF, "dev00001", 3))
	f.Add(marshalResponse(f, 300, "c", 40))
	f.Add([]byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		id, ok := responseRequestID(b)
		if !ok {
			return
		}
		var msg struct {
			Version   int
			Community []byte
			PDU       asn1.RawValue
		}
		if rest, err := asn1.Unmarshal(b, &msg); err != nil || len(rest) != 0 {
			return
		}
		var reqID int64
		if _, err := asn1.Unmarshal(msg.PDU.Bytes, &reqID); err != nil {
			return
		}
		if reqID != int64(id) {
			t.Fatalf("read request %d, encoding/asn1 decodes %d", id, reqID)
		}
	})
}
