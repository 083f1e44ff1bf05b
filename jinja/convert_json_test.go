package jinja

import (
	"encoding/json"
	"math"
	"net/netip"
	"testing"
	"time"
)

type jsMeta struct {
	ID         string         `json:"id"`
	CreatedAt  time.Time      `json:"created_at"`
	CustomData map[string]any `json:"custom_data"`
	Tags       []string       `json:"tags"`
}

type jsNode struct {
	jsMeta
	Name     string            `json:"name"`
	Count    int               `json:"count,omitempty"`
	Ratio    float64           `json:"ratio"`
	Small    float32           `json:"small"`
	Big      uint64            `json:"big"`
	Ptr      *int              `json:"ptr"`
	Raw      []byte            `json:"raw"`
	Addr     netip.Addr        `json:"addr"`
	Skip     string            `json:"-"`
	NoTag    bool              // no tag: the field name is the key
	Any      any               `json:"any"`
	Arr      [2]int8           `json:"arr"`
	ByNum    map[int]string    `json:"by_num"`
	Nested   *jsNode           `json:"nested,omitempty"`
	Strs     map[string]string `json:"strs,omitempty"`
	internal int
}

type jsInner struct {
	A int `json:"a"`
}

type jsOuter struct {
	jsInner
	*jsMeta
	B     string `json:"b,string"`
	Dup   int    `json:"a"`
	Iface any
}

// FromJSONable gives what decoding the JSON text of a value gives.
func TestFromJSONableMatchesJSONRoundTrip(t *testing.T) {
	seven := 7
	n := jsNode{
		jsMeta: jsMeta{ID: "x", CreatedAt: time.Date(2026, 12, 6, 17, 0, 0, 123456789, time.FixedZone("", 3600)),
			CustomData: map[string]any{"b": 1.0, "a": []any{2.5, 1e21, 1e20, math.Copysign(0, -1), 9007199254740993.0, 1e-7, "s", nil, true},
				"m": map[string]any{"z": float64(1 << 62), "y": 123456789012345678.0}}},
		Name: "r1", Ratio: 3, Small: 0.1, Big: math.MaxUint64, Ptr: &seven, Raw: []byte("hi"),
		Addr: netip.MustParseAddr("192.0.2.1"), Skip: "no", NoTag: true, Any: map[string]any{"k": float32(2)},
		ByNum: map[int]string{2: "b", 10: "a"}, Nested: &jsNode{Name: "inner"}, internal: 1,
	}
	for _, v := range []any{n, &n, jsNode{}, []any{1.5, "x"}, map[string]any{}, []int(nil), 42, "s", 1e300, float32(3.25),
		jsOuter{jsInner: jsInner{A: 1}, jsMeta: &jsMeta{ID: "m"}, B: "x", Dup: 2, Iface: []string{"p"}}, jsOuter{}} {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		want, err := DecodeJSON(data)
		if err != nil {
			t.Fatal(err)
		}
		got, err := FromJSONable(v)
		if err != nil {
			t.Fatalf("%T: %v", v, err)
		}
		if Repr(got) != Repr(want) {
			t.Errorf("%T:\n got %s\nwant %s", v, Repr(got), Repr(want))
		}
	}
	if _, err := FromJSONable(math.NaN()); err == nil {
		t.Error("NaN converted; json.Marshal refuses it")
	}
}

// BenchmarkFromJSONable converts a node-like struct.
func BenchmarkFromJSONable(b *testing.B) {
	n := jsNode{jsMeta: jsMeta{ID: "5b7c", CreatedAt: time.Now(), CustomData: map[string]any{"ntp_servers": []any{"192.0.2.10", "192.0.2.11"},
		"snmp": map[string]any{"location": "DC", "contact": "noc@example.net"}}}, Name: "leaf0001"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromJSONable(&n); err != nil {
			b.Fatal(err)
		}
	}
}
