package service

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// metaFields change with every write and are left out of field diffs.
var metaFields = map[string]bool{"id": true, "version": true, "created_at": true, "updated_at": true}

// conflict is a Conflict with the current image of its object (what a
// rebase moves the base to).
type conflict struct {
	unet.Conflict
	current json.RawMessage
}

func conflictList(cs []conflict) []unet.Conflict {
	out := make([]unet.Conflict, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.Conflict)
	}
	return out
}

// createBase reports whether a base is the absence of an object (the
// operation creates it).
func createBase(b unet.OpBase) bool {
	return nullImage(b.Image)
}

// currentObject reads an object by ID through r: its image and version;
// found is false when it is gone.
func currentObject(ctx context.Context, r sqlstore.Reader, kind, id string) (img json.RawMessage, version int, found bool, err error) {
	var obj any
	switch kind {
	case unet.KindNode:
		var n *unet.Node
		if n, err = r.GetNode(ctx, id); err == nil {
			obj, version = n, n.Version
		}
	case unet.KindLink:
		var l *unet.Link
		if l, err = r.GetLink(ctx, id); err == nil {
			obj, version = l, l.Version
		}
	case unet.KindLocation:
		var l *unet.Location
		if l, err = r.FindLocation(ctx, id); err == nil {
			obj, version = l, l.Version
		}
	case unet.KindVendor:
		obj, err = r.GetVendor(ctx, id)
	default:
		return nil, 0, false, nil
	}
	if unet.ErrorCode(err) == unet.ENOTFOUND {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, err
	}
	return image(obj), version, true, nil
}

// objectByName finds an object a create would make, by its name (FQDN,
// path, link name or vendor name).
func objectByName(ctx context.Context, r sqlstore.Reader, kind, name string) (img json.RawMessage, version int, found bool, err error) {
	if name == "" {
		return nil, 0, false, nil
	}
	var id string
	switch kind {
	case unet.KindNode:
		n, e := r.NodeByFQDN(ctx, name)
		if e == nil {
			id = n.ID
		}
		err = e
	case unet.KindLink:
		// The name, or the A end of an unnamed link: taken means a conflict.
		l, e := r.FindLink(ctx, name)
		if e == nil {
			id = l.ID
		}
		err = e
	case unet.KindLocation, unet.KindVendor:
		id = name
	default:
		return nil, 0, false, nil
	}
	if unet.ErrorCode(err) == unet.ENOTFOUND {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, err
	}
	return currentObject(ctx, r, kind, id)
}

// findConflicts compares every base of cs with the current object. rows,
// when not nil, are the change rows of a dry run of the set against the
// current inventory: what the set itself changes, to tell overlapping
// conflicts from the others.
func (s *Service) findConflicts(ctx context.Context, r sqlstore.Reader, cs *unet.ChangeSet, rows [][]unet.Change) ([]conflict, error) {
	own := ownFields(rows)
	out := []conflict{}
	for _, op := range cs.Ops {
		for _, b := range op.Bases {
			if createBase(b) {
				img, version, found, err := objectByName(ctx, r, b.Kind, b.Name)
				if err != nil {
					return nil, err
				}
				if found {
					var meta struct {
						ID string `json:"id"`
					}
					_ = json.Unmarshal(img, &meta)
					out = append(out, conflict{Conflict: unet.Conflict{Seq: op.Seq, Kind: b.Kind, ID: meta.ID, Name: b.Name,
						CurrentVersion: version, Fields: diffImages(nil, img), Overlaps: true}, current: img})
				}
				continue
			}
			img, version, found, err := currentObject(ctx, r, b.Kind, b.ID)
			if err != nil {
				return nil, err
			}
			if found && (version == b.Version || b.Kind == unet.KindVendor) {
				continue
			}
			c := conflict{Conflict: unet.Conflict{Seq: op.Seq, Kind: b.Kind, ID: b.ID, Name: b.Name, StagedVersion: b.Version,
				CurrentVersion: version, Fields: []unet.FieldChange{}}, current: img}
			if !found {
				c.Overlaps = true
				out = append(out, c)
				continue
			}
			c.Fields = diffImages(b.Image, img)
			c.Overlaps = overlaps(c.Fields, own, rows == nil, b.Kind+"/"+b.ID, cs.Ops, op)
			out = append(out, c)
		}
	}
	return out, nil
}

// ownFields maps KIND/ID to the fields the set changes on that object.
func ownFields(rows [][]unet.Change) map[string][]string {
	out := map[string][]string{}
	for _, t := range touchedObjects(rows) {
		var names []string
		for _, f := range diffImages(t.Before, t.After) {
			names = append(names, f.Field)
		}
		out[t.Kind+"/"+t.ID] = names
	}
	return out
}

// overlaps reports whether fields that changed since staging are fields the
// set changes itself. Without a dry run (the set no longer runs) the
// fields its update operations patch are used; any other operation
// overlaps.
func overlaps(changed []unet.FieldChange, own map[string][]string, noRun bool, key string, ops []unet.ChangeOp, base unet.ChangeOp) bool {
	var mine []string
	if noRun {
		if base.Op != unet.OpUpdate {
			return true
		}
		for _, op := range ops {
			if op.Op == unet.OpUpdate && op.Kind == base.Kind && op.Ref == base.Ref {
				mine = append(mine, patchFields(op.Data)...)
			}
		}
	} else {
		mine = own[key]
	}
	for _, c := range changed {
		for _, f := range mine {
			if c.Field == f || strings.HasPrefix(c.Field, f+".") || strings.HasPrefix(f, c.Field+".") {
				return true
			}
		}
	}
	return false
}

// patchFields names the fields a merge patch sets (custom_data keys as
// dotted paths).
func patchFields(data json.RawMessage) []string {
	var p map[string]any
	if json.Unmarshal(data, &p) != nil {
		return nil
	}
	var out []string
	for k, v := range p {
		if k == "location" {
			k = "location_id"
		}
		if sub, ok := v.(map[string]any); ok && k == "custom_data" {
			for sk := range sub {
				out = append(out, k+"."+sk)
			}
			continue
		}
		out = append(out, k)
	}
	return out
}

// diffImages lists the fields that differ from image a to image b: the
// top-level fields, and custom_data key by key as dotted paths; the fields
// every write changes (id, version, times) are left out. A null image has
// no fields.
func diffImages(a, b json.RawMessage) []unet.FieldChange {
	ma, mb := imageMap(a), imageMap(b)
	keys := map[string]bool{}
	for k := range ma {
		keys[k] = true
	}
	for k := range mb {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		if !metaFields[k] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	out := []unet.FieldChange{}
	for _, k := range names {
		va, vb := ma[k], mb[k]
		if k == "custom_data" {
			ca, _ := va.(map[string]any)
			cb, _ := vb.(map[string]any)
			if ca != nil || cb != nil {
				out = append(out, diffCustom(ca, cb)...)
				continue
			}
		}
		if !reflect.DeepEqual(va, vb) {
			out = append(out, unet.FieldChange{Field: k, Before: va, After: vb})
		}
	}
	return out
}

func diffCustom(a, b map[string]any) []unet.FieldChange {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []unet.FieldChange
	for _, k := range keys {
		if !reflect.DeepEqual(a[k], b[k]) {
			out = append(out, unet.FieldChange{Field: "custom_data." + k, Before: a[k], After: b[k]})
		}
	}
	return out
}

// imageMap decodes an object image (nil for null or not an object).
func imageMap(img json.RawMessage) map[string]any {
	var m map[string]any
	if len(img) == 0 || json.Unmarshal(img, &m) != nil {
		return nil
	}
	return m
}

// conflictError is the ECONFLICT of applying cs with conflicts: the
// message names the objects and fields, a field error per changed field.
func conflictError(cs *unet.ChangeSet, conflicts []conflict) error {
	var parts []string
	var fe []unet.FieldError
	for _, c := range conflicts {
		label := c.Kind + "/" + c.Name
		where := fmt.Sprintf("%s operation %d", cs.ID, c.Seq)
		switch {
		case c.StagedVersion == 0:
			parts = append(parts, label+" (created since staging)")
			fe = append(fe, unet.FieldError{Field: label, Message: fmt.Sprintf("exists already: created since staging (%s)", where)})
		case c.CurrentVersion == 0:
			parts = append(parts, label+" (deleted)")
			fe = append(fe, unet.FieldError{Field: label, Message: fmt.Sprintf("deleted since staging (%s)", where)})
		default:
			names := make([]string, 0, len(c.Fields))
			for _, f := range c.Fields {
				names = append(names, f.Field)
				fe = append(fe, unet.FieldError{Field: label + "." + f.Field,
					Message: fmt.Sprintf("changed from %s to %s since staging (%s)", showValue(f.Before), showValue(f.After), where)})
			}
			if len(names) == 0 {
				fe = append(fe, unet.FieldError{Field: label, Message: fmt.Sprintf("changed since staging: version %d, now %d (%s)",
					c.StagedVersion, c.CurrentVersion, where)})
				names = append(names, fmt.Sprintf("version %d → %d", c.StagedVersion, c.CurrentVersion))
			}
			parts = append(parts, fmt.Sprintf("%s (%s)", label, strings.Join(names, ", ")))
		}
	}
	slices.Sort(parts)
	parts = slices.Compact(parts)
	return &unet.Error{Code: unet.ECONFLICT, Fields: fe, Message: fmt.Sprintf(
		"%s conflicts with changes made since it was staged: %s; rebase it (changes rebase %s) or stage it again",
		cs.ID, strings.Join(parts, "; "), cs.ID)}
}

// showValue prints a field value in a message, as JSON.
func showValue(v any) string {
	if v == nil {
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// conflictsNow dry-runs the set's operations as m and lists its conflicts
// with the current inventory. Operations that no longer run (a conflict can
// be why) still have their conflicts found, from the staged patches: the
// dry run's own failure comes back as runErr, and only an internal failure
// of it is err.
func (s *Service) conflictsNow(ctx context.Context, r sqlstore.Reader, cs *unet.ChangeSet, m mutation) (found []conflict, runErr, err error) {
	rows, runErr := s.dryRunOps(ctx, cs.Ops, m, nil)
	if runErr != nil && unet.ErrorCode(runErr) == unet.EINTERNAL {
		return nil, nil, runErr
	}
	if runErr != nil {
		rows = nil
	}
	found, err = s.findConflicts(ctx, r, cs, rows)
	return found, runErr, err
}
