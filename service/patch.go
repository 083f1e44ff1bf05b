package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// readOnlyFields may not be patched: they are assigned or computed by μNet.
var readOnlyFields = map[string]bool{
	"id": true, "created_at": true, "updated_at": true, "version": true,
	"fqdn": true, "path": true, "a_node": true, "z_node": true,
}

// applyPatch merges p (RFC 7396) into the JSON form of cur and decodes the result
// strictly into a new value: unknown fields, read-only fields and type mismatches
// are field errors.
func applyPatch[T any](cur *T, p unet.Patch, kind string) (*T, error) {
	var fe []unet.FieldError
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if readOnlyFields[k] {
			fe = append(fe, unet.FieldError{Field: k, Message: "is read-only"})
		}
	}
	if len(fe) > 0 {
		return nil, unet.Invalid("invalid "+kind+" update", fe...)
	}
	raw, err := json.Marshal(cur)
	if err != nil {
		return nil, unet.Internal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, unet.Internal(err)
	}
	for _, k := range keys {
		if _, known := doc[k]; !known {
			fe = append(fe, unet.FieldError{Field: k, Message: "unknown field"})
			continue
		}
		doc[k] = mergeValue(doc[k], p[k])
	}
	if len(fe) > 0 {
		return nil, unet.Invalid("invalid "+kind+" update", fe...)
	}
	// Clearing a collection means an empty one, not null.
	if v, ok := doc["custom_data"]; ok && v == nil {
		doc["custom_data"] = map[string]any{}
	}
	if v, ok := doc["tags"]; ok && v == nil {
		doc["tags"] = []any{}
	}
	merged, err := json.Marshal(doc)
	if err != nil {
		return nil, unet.Internal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(merged))
	dec.DisallowUnknownFields()
	out := new(T)
	if err := dec.Decode(out); err != nil {
		var te *json.UnmarshalTypeError
		if ok := asTypeError(err, &te); ok {
			return nil, unet.Invalid("invalid "+kind+" update", unet.FieldError{Field: te.Field, Message: fmt.Sprintf("must be a %s, not %s", jsonKind(te.Type.Kind().String()), te.Value)})
		}
		return nil, unet.Invalid("invalid "+kind+" update", unet.FieldError{Message: err.Error()})
	}
	return out, nil
}

func asTypeError(err error, target **json.UnmarshalTypeError) bool {
	te, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*target = te
	}
	return ok
}

func jsonKind(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"), strings.HasPrefix(goKind, "float"):
		return "number"
	case goKind == "map", goKind == "struct":
		return "object"
	case goKind == "slice":
		return "list"
	}
	return goKind
}

// mergeValue is RFC 7396 merge of patch into target.
func mergeValue(target, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	tm, ok := target.(map[string]any)
	if !ok {
		tm = map[string]any{}
	} else {
		cp := make(map[string]any, len(tm))
		for k, v := range tm {
			cp[k] = v
		}
		tm = cp
	}
	for k, v := range pm {
		if v == nil {
			delete(tm, k)
			continue
		}
		tm[k] = mergeValue(tm[k], v)
	}
	return tm
}

// raceAttempts bounds the runs of an unconditional write that lost a
// version race (see unconditional).
const raceAttempts = 3

// unconditional runs a read-modify-write transaction, write(lock). A write
// that names no version (no If-Match) is unconditional by the API's contract:
// when its transaction lost a race to a concurrent writer of the same row
// (possible under PostgreSQL's read committed isolation), it is run again
// with lock set, reading the row under a row lock so that the next run cannot
// lose. A write that names a version reports the conflict instead.
func unconditional(ifVersion int, write func(lock bool) error) error {
	err := write(false)
	for attempt := 1; attempt < raceAttempts && ifVersion == 0 && sqlstore.IsVersionRace(err); attempt++ {
		err = write(true)
	}
	return err
}

// readForWrite reads the object ref with find; with lock, it then locks the
// object's row in table and reads it again, now current and stable until the
// transaction ends.
func readForWrite[T any](ctx context.Context, tx *sqlstore.Tx, lock bool, table, ref string,
	find func(context.Context, string) (*T, error), id func(*T) string) (*T, error) {
	cur, err := find(ctx, ref)
	if err != nil || !lock {
		return cur, err
	}
	if err := tx.LockRow(ctx, table, id(cur)); err != nil {
		return nil, err
	}
	return find(ctx, id(cur))
}
