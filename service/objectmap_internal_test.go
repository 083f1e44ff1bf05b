package service

import (
	"reflect"
	"testing"
	"time"

	"github.com/unet-dev/unet"
)

// TestObjectMapsMatch: the maps built field by field for links and
// locations are those objectMap builds through the JSON form, for objects
// with every field set, none set, and times and custom data of every kind.
func TestObjectMapsMatch(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 890, time.FixedZone("x", 3600))
	metas := []unet.Meta{
		{},
		{ID: "01J", CreatedAt: at, UpdatedAt: at.Add(time.Hour), Version: 7, Tags: []string{"a", ""},
			CustomData: map[string]any{"n": 1.5, "i": 3, "big": int64(1) << 60, "s": "", "l": []any{1, "x", nil, map[string]any{"k": true}},
				"m": map[string]any{"deep": []string{"y"}}, "t": at}},
		{ID: "x", CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Tags: []string{}, CustomData: map[string]any{}},
	}
	for i, meta := range metas {
		links := []unet.Link{
			{Meta: meta},
			{Meta: meta, Name: "l", ANodeID: "a", AInterface: "et1", ZNodeID: "z", ZInterface: "et2", Role: "backbone",
				BandwidthBPS: 100e9, CircuitID: "c", Provider: "p", Description: "d", Lifecycle: "live", ANode: "a.example", ZNode: "z.example"},
			{Meta: meta, BandwidthBPS: -1},
		}
		for j := range links {
			if got, want := linkMap(&links[j]), reflectedObjectMap(&links[j]); !reflect.DeepEqual(got, want) {
				t.Errorf("link %d/%d:\n got %#v\nwant %#v", i, j, got, want)
			}
		}
		locs := []unet.Location{
			{Meta: meta},
			{Meta: meta, Name: "r1", Type: "rack", ParentID: "p", Path: "DC/r1", Description: "d", Address: "a", Lifecycle: "live", SNMPProfile: "s"},
		}
		for j := range locs {
			if got, want := locationObjectMap(&locs[j]), reflectedObjectMap(&locs[j]); !reflect.DeepEqual(got, want) {
				t.Errorf("location %d/%d:\n got %#v\nwant %#v", i, j, got, want)
			}
		}
	}
}

// BenchmarkLinkMap compares the link map built field by field with the one
// built through the JSON form.
func BenchmarkLinkMap(b *testing.B) {
	l := unet.Link{Meta: unet.Meta{ID: "01J", CreatedAt: time.Now(), UpdatedAt: time.Now(), Version: 3,
		CustomData: map[string]any{"k": "v"}, Tags: []string{"t"}}, Name: "l", ANodeID: "a", AInterface: "et1",
		ZNodeID: "z", ZInterface: "et2", Role: "backbone", BandwidthBPS: 100e9, Lifecycle: "live", ANode: "a.example", ZNode: "z.example"}
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			linkMap(&l)
		}
	})
	b.Run("reflected", func(b *testing.B) {
		for b.Loop() {
			reflectedObjectMap(&l)
		}
	})
}
