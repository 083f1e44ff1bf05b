package service

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/unet-dev/unet"
)

// fullMap gives exactly what decoding an object's JSON text gives.
func TestFullMapMatchesJSON(t *testing.T) {
	n := &unet.Node{Meta: unet.Meta{ID: "n1", CreatedAt: time.Date(2026, 12, 6, 1, 2, 3, 4, time.UTC), Version: 3,
		CustomData: map[string]any{"asn": 65001.0, "ratio": 1.5, "big": 123456789012345678.0, "l": []any{1.0, "x", nil, map[string]any{"k": true}}},
		Tags:       []string{"a"}}, Name: "r1", Domain: "example.net", MgmtIP: "192.0.2.1"}
	l := &unet.Link{Meta: unet.Meta{ID: "l1"}, ANodeID: "n1", BandwidthBPS: 100e9, Description: "uplink"}
	for _, v := range []any{n, l, &unet.Location{Name: "DC"}} {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		if got := fullMap(v); !reflect.DeepEqual(got, want) {
			t.Errorf("%T:\n got %#v\nwant %#v", v, got, want)
		}
	}
}
