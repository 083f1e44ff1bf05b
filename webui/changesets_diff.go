package webui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"

	"github.com/unet-dev/unet"
)

// csMaxLoggedObjects bounds the objects of an applied set whose change-log
// rows the review page reads.
const csMaxLoggedObjects = 200

// csFieldLines is the field-level diff of one object: "- field: before" and
// "+ field: after" lines (a created object has only the added lines, a
// deleted one only the removed ones). Values are shown as JSON, so that an
// empty string and a missing value differ.
func csFieldLines(fields []unet.FieldChange, op string) []diffLine {
	out := make([]diffLine, 0, 2*len(fields))
	for _, f := range fields {
		if op != unet.OpCreate {
			out = append(out, diffLine{Kind: "del", Text: f.Field + ": " + csJSONValue(f.Before)})
		}
		if op != unet.OpDelete {
			out = append(out, diffLine{Kind: "add", Text: f.Field + ": " + csJSONValue(f.After)})
		}
	}
	return out
}

// csJSONValue writes a decoded value as compact JSON.
func csJSONValue(v any) string {
	if v == nil {
		return "null"
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// csOpSummary is one line describing an operation, as the command line
// shows it: "update node leaf1 {"role":"spine"}".
func csOpSummary(op unet.ChangeOp) string {
	switch op.Op {
	case unet.OpCreate:
		return fmt.Sprintf("create %s %s", op.Kind, csCompactJSON(op.Data))
	case unet.OpDelete:
		if op.Cascade {
			return fmt.Sprintf("delete %s %s (cascade)", op.Kind, op.Ref)
		}
		return fmt.Sprintf("delete %s %s", op.Kind, op.Ref)
	case unet.OpImport:
		var b unet.Bundle
		if err := json.Unmarshal(op.Data, &b); err != nil {
			return "import (unreadable bundle)"
		}
		return fmt.Sprintf("import %s, %s, %s, %s", csPlural(len(b.Vendors), "vendor"), csPlural(len(b.Locations), "location"),
			csPlural(len(b.Nodes), "node"), csPlural(len(b.Links), "link"))
	}
	return fmt.Sprintf("%s %s %s %s", op.Op, op.Kind, op.Ref, csCompactJSON(op.Data))
}

// csCompactJSON is raw JSON on one line; the zero fields of a created object
// are left out.
func csCompactJSON(raw json.RawMessage) string {
	var m map[string]any
	if json.Unmarshal(raw, &m) == nil {
		for k, v := range m {
			if unet.EmptyJSON(v) {
				delete(m, k)
			}
		}
		return csJSONValue(m)
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

// appliedObjects is the before/after of the objects an applied set wrote,
// read from the change log: for each object its operations staged, the
// rows of the set's apply (the first row's before, the last row's after).
func (u *UI) appliedObjects(ctx context.Context, cs *unet.ChangeSet) []csObject {
	type key struct{ kind, name string }
	seen := map[key]bool{}
	var out []csObject
	for _, op := range cs.Ops {
		for _, b := range op.Bases {
			k := key{b.Kind, b.Name}
			if seen[k] || b.Name == "" {
				continue
			}
			seen[k] = true
			if len(seen) > csMaxLoggedObjects {
				return out
			}
			l, err := u.svc.ListChanges(ctx, unet.ChangeFilter{Object: b.Kind + "/" + b.Name, Page: unet.Page{Limit: 100}})
			if err != nil {
				continue
			}
			// Newest first: the last matching row is the first written.
			var first, last *unet.Change
			for i := range l.Items {
				c := &l.Items[i]
				if c.ChangeSet != cs.ID {
					continue
				}
				if last == nil {
					last = c
				}
				first = c
			}
			if first == nil {
				continue
			}
			o := csObject{Kind: b.Kind, Name: b.Name, Op: unet.OpUpdate}
			switch {
			case csNullJSON(first.Before) && csNullJSON(last.After):
				continue
			case csNullJSON(first.Before):
				o.Op = unet.OpCreate
			case csNullJSON(last.After):
				o.Op = unet.OpDelete
			}
			o.URL = csObjectURL(o.Kind, o.Name, o.Op)
			o.Lines = csFieldLines(csImageFields(first.Before, last.After), o.Op)
			out = append(out, o)
		}
	}
	return out
}

func csNullJSON(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// csImageFields are the fields that differ between two object images, the
// keys of custom_data as dotted paths; the version and timestamps are left
// out.
func csImageFields(before, after json.RawMessage) []unet.FieldChange {
	var b, a map[string]any
	if !csNullJSON(before) {
		_ = json.Unmarshal(before, &b) // an unreadable image shows as empty
	}
	if !csNullJSON(after) {
		_ = json.Unmarshal(after, &a)
	}
	fb, fa := map[string]any{}, map[string]any{}
	csFlatten("", b, fb)
	csFlatten("", a, fa)
	keys := map[string]bool{}
	for k := range fb {
		keys[k] = true
	}
	for k := range fa {
		keys[k] = true
	}
	var out []unet.FieldChange
	for k := range keys {
		switch k {
		case "version", "created_at", "updated_at":
			continue
		}
		if !reflect.DeepEqual(fb[k], fa[k]) {
			out = append(out, unet.FieldChange{Field: k, Before: fb[k], After: fa[k]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// csFlatten copies m into out, the keys of custom_data (at any depth) as
// dotted paths.
func csFlatten(prefix string, m map[string]any, out map[string]any) {
	for k, v := range m {
		name := prefix + k
		if sub, ok := v.(map[string]any); ok && (prefix != "" || k == "custom_data") && len(sub) > 0 {
			csFlatten(name+".", sub, out)
			continue
		}
		out[name] = v
	}
}
