package service

import (
	"encoding/json"
	"reflect"
	"sort"

	"github.com/unet-dev/unet"
)

// bookkeeping fields are left out of an object's field changes.
var bookkeeping = map[string]bool{"version": true, "created_at": true, "updated_at": true}

// objectImpacts turns the touched objects into their impact: the operation
// the whole set makes on each (create, update, delete) and the fields that
// differ. An object the set creates and deletes again is left out.
func objectImpacts(objs []touched) []unet.ObjectImpact {
	out := []unet.ObjectImpact{}
	for _, o := range objs {
		before, after := nullImage(o.Before), nullImage(o.After)
		if before && after {
			continue
		}
		oi := unet.ObjectImpact{Kind: o.Kind, ID: o.ID, Name: o.Name, Op: unet.OpUpdate,
			Before: imageOrNull(o.Before), After: imageOrNull(o.After)}
		switch {
		case before:
			oi.Op = unet.OpCreate
		case after:
			oi.Op = unet.OpDelete
		}
		oi.Fields = fieldChanges(o.Before, o.After)
		if oi.Op == unet.OpUpdate && len(oi.Fields) == 0 {
			continue
		}
		out = append(out, oi)
	}
	return out
}

func imageOrNull(img json.RawMessage) json.RawMessage {
	if nullImage(img) {
		return json.RawMessage("null")
	}
	return img
}

// decodeImage decodes an object image into a map (nil for null or not an
// object).
func decodeImage(img json.RawMessage) map[string]any {
	if nullImage(img) {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(img, &m) != nil {
		return nil
	}
	return m
}

// fieldChanges lists the top-level fields that differ between two images,
// custom_data keys as dotted paths (custom_data.snmp.location), sorted by
// field; version and timestamps are left out.
func fieldChanges(before, after json.RawMessage) []unet.FieldChange {
	b, a := decodeImage(before), decodeImage(after)
	out := []unet.FieldChange{}
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	for k := range keys {
		if bookkeeping[k] {
			continue
		}
		bv, av := b[k], a[k]
		if k == "custom_data" {
			diffNested(k, bv, av, &out)
			continue
		}
		// A field empty on both sides (missing, "", [] or {}) does not
		// change: a created object lists the fields it sets.
		if !reflect.DeepEqual(bv, av) && !(isEmptyValue(bv) && isEmptyValue(av)) {
			out = append(out, unet.FieldChange{Field: k, Before: bv, After: av})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// diffNested adds the differences of two values under path: objects on both
// sides are compared key by key (dotted paths); anything else as a whole.
func diffNested(path string, b, a any, out *[]unet.FieldChange) {
	bm, bok := b.(map[string]any)
	am, aok := a.(map[string]any)
	if bok && aok {
		keys := map[string]bool{}
		for k := range bm {
			keys[k] = true
		}
		for k := range am {
			keys[k] = true
		}
		for k := range keys {
			diffNested(path+"."+k, bm[k], am[k], out)
		}
		return
	}
	// An empty object and no object are the same custom data.
	if isEmptyMap(b) && isEmptyMap(a) {
		return
	}
	if path == "custom_data" && (bok || aok) {
		// One side has no custom data at all: compare its keys with none.
		if !bok {
			bm = map[string]any{}
		}
		if !aok {
			am = map[string]any{}
		}
		diffNested(path, bm, am, out)
		return
	}
	if !reflect.DeepEqual(b, a) {
		*out = append(*out, unet.FieldChange{Field: path, Before: b, After: a})
	}
}

func isEmptyMap(v any) bool {
	if v == nil {
		return true
	}
	m, ok := v.(map[string]any)
	return ok && len(m) == 0
}

// isEmptyValue reports whether a decoded JSON value is missing or empty.
func isEmptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}
