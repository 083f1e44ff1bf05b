package service

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/unet-dev/unet"
)

// TestFieldChanges: top-level fields that differ, custom data key by key as
// dotted paths, bookkeeping left out; a create and a delete list what the
// object holds.
func TestFieldChanges(t *testing.T) {
	for _, tc := range []struct {
		name, before, after string
		want                []string
	}{
		{"update", `{"id":"1","version":3,"updated_at":"a","role":"core","tags":["x"],"custom_data":{"snmp":{"location":"A","contact":"c"},"n":1}}`,
			`{"id":"1","version":4,"updated_at":"b","role":"edge","tags":["x"],"custom_data":{"snmp":{"location":"B","contact":"c"},"m":[1]}}`,
			[]string{"custom_data.m: <nil> → [1]", "custom_data.n: 1 → <nil>", "custom_data.snmp.location: A → B", "role: core → edge"}},
		{"custom data appears (a new subtree as one value)", `{"custom_data":{}}`, `{"custom_data":{"a":{"b":true}}}`, []string{"custom_data.a: <nil> → map[b:true]"}},
		{"custom data goes", `{"custom_data":{"a":"x"}}`, `{"custom_data":null}`, []string{"custom_data.a: x → <nil>"}},
		{"custom data value becomes an object", `{"custom_data":{"a":"x"}}`, `{"custom_data":{"a":{"b":1}}}`, []string{"custom_data.a: x → map[b:1]"}},
		{"create", `null`, `{"id":"1","version":1,"name":"r1","model":"","tags":[],"custom_data":{}}`, []string{"id: <nil> → 1", "name: <nil> → r1"}},
		{"delete", `{"id":"1","name":"r1","custom_data":{"k":"v"}}`, `null`, []string{"custom_data.k: v → <nil>", "id: 1 → <nil>", "name: r1 → <nil>"}},
		{"no change", `{"version":1,"name":"r1"}`, `{"version":2,"name":"r1"}`, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := []string{}
			for _, f := range fieldChanges(json.RawMessage(tc.before), json.RawMessage(tc.after)) {
				got = append(got, fmt.Sprintf("%s: %v → %v", f.Field, f.Before, f.After))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestObjectImpacts: the operation of each touched object over the whole
// set; an object created and deleted by the same set, or updated back to
// what it was, is left out.
func TestObjectImpacts(t *testing.T) {
	objs := []touched{
		{Kind: unet.KindNode, ID: "1", Name: "a", Before: json.RawMessage("null"), After: json.RawMessage(`{"name":"a"}`)},
		{Kind: unet.KindNode, ID: "2", Name: "b", Before: json.RawMessage(`{"name":"b","version":1}`), After: json.RawMessage("null")},
		{Kind: unet.KindNode, ID: "3", Name: "c", Before: json.RawMessage(`{"name":"c","version":1}`), After: json.RawMessage(`{"name":"c2","version":2}`)},
		{Kind: unet.KindNode, ID: "4", Name: "d", Before: json.RawMessage("null"), After: json.RawMessage("null")},
		{Kind: unet.KindNode, ID: "5", Name: "e", Before: json.RawMessage(`{"name":"e","version":1}`), After: json.RawMessage(`{"name":"e","version":3}`)},
	}
	got := []string{}
	for _, o := range objectImpacts(objs) {
		got = append(got, o.ID+":"+o.Op)
	}
	if fmt.Sprint(got) != "[1:create 2:delete 3:update]" {
		t.Fatalf("got %v", got)
	}
}
