package jinja

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeJSONFast: the one-pass decoder accepts exactly the JSON that
// encoding/json accepts and gives the same values, keys in the same order.
func FuzzDecodeJSONFast(f *testing.F) {
	for _, s := range []string{`{"b": 1, "a": [1.5, -0, 1e400, 12345678901234567890, "x\u00e9\ud83d\ude00\"", true, null]}`,
		`[]`, `{}`, ` "\ud800" `, `"\ud83d\u0041"`, `[1,]`, `{"a" 1}`, `01`, `-`, `1.`, `1e`, "\"\xff\"", `[[[[]]]]`, `{"a":1,"a":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ferr := decodeJSONFast(data)
		ref, rerr := decodeJSONTokens(data)
		if (ferr == nil) != (rerr == nil) || (ferr == nil) != json.Valid(data) {
			t.Fatalf("%q: fast error %v, token error %v, valid %v", data, ferr, rerr, json.Valid(data))
		}
		if ferr == nil && Repr(fast) != Repr(ref) {
			t.Fatalf("%q: fast %s, token %s", data, Repr(fast), Repr(ref))
		}
	})
}

// BenchmarkDecodeJSON decodes a node-like object.
func BenchmarkDecodeJSON(b *testing.B) {
	data := []byte(`{"id": "5b7c", "name": "leaf0001", "domain": "example.net", "fqdn": "leaf0001.example.net", "vendor": "arista",
		"platform": "eos", "role": "leaf", "lifecycle": "live", "software_version": "4.31.2F", "management_ip": "192.0.2.1",
		"custom_data": {"ntp_servers": ["192.0.2.10", "192.0.2.11"], "syslog_servers": ["192.0.2.30"],
		"snmp": {"location": "DC", "contact": "noc@example.net"}, "aaa": {"tacacs_servers": ["192.0.2.20"]}}, "version": 3}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}
