package jinja

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FromJSONable converts v to the template value that decoding its JSON
// encoding would give (DecodeJSON(json.Marshal(v))), without the text:
// struct fields under their JSON names in declaration order (omitempty and
// "-" honoured, embedded structs inlined), maps with their keys sorted,
// integral floats as integers the way their JSON text reads back, and
// values with their own JSON or text encoding through it. Types it does
// not handle itself go through the JSON text, so the result is always the
// same as the round trip.
func FromJSONable(v any) (Value, error) {
	return jsonableAny(v, 0)
}

// jsonableAny converts the common dynamic types (those JSON decodes to, and
// strings) without reflection, and the others through jsonable.
func jsonableAny(v any, depth int) (Value, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return x, nil
	case bool:
		return x, nil
	case float64:
		return jsonReadBack(x, false)
	case int:
		return int64(x), nil
	case int64:
		return x, nil
	case []any:
		if x == nil {
			return nil, nil
		}
		items := make([]Value, len(x))
		for i, e := range x {
			v, err := jsonableAny(e, depth+1)
			if err != nil {
				return nil, err
			}
			items[i] = v
		}
		return NewList(items), nil
	case []string:
		if x == nil {
			return nil, nil
		}
		items := make([]Value, len(x))
		for i, e := range x {
			items[i] = e
		}
		return NewList(items), nil
	case map[string]any:
		if x == nil {
			return nil, nil
		}
		if depth > maxJSONDepth {
			return nil, errors.New("converting a value: nested too deeply")
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		d := NewDict(len(keys))
		for _, k := range keys {
			v, err := jsonableAny(x[k], depth+1)
			if err != nil {
				return nil, err
			}
			d.appendStr(k, v)
		}
		return d, nil
	}
	return jsonable(reflect.ValueOf(v), depth)
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	timeType      = reflect.TypeFor[time.Time]()
)

func jsonable(rv reflect.Value, depth int) (Value, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("converting %s: nested too deeply", rv.Type())
	}
	t := rv.Type()
	switch t.Kind() {
	case reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
		return jsonableAny(rv.Interface(), depth+1)
	case reflect.Map, reflect.Slice:
		switch x := rv.Interface().(type) {
		case map[string]any, []any, []string:
			return jsonableAny(x, depth)
		}
	}
	if t == timeType {
		// time.Time's JSON text, without building it: RFC 3339 with
		// nanoseconds, for the years it can encode.
		if tm := rv.Interface().(time.Time); tm.Year() >= 0 && tm.Year() <= 9999 {
			return tm.Format(time.RFC3339Nano), nil
		}
	}
	if m := marshalsItself(t); m == marshalsAlways || m == marshalsAddressable && rv.CanAddr() {
		return viaJSON(rv.Interface())
	}
	switch rv.Kind() {
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return float64(u), nil // its JSON text is read back as a float
		}
		return int64(u), nil
	case reflect.Float32, reflect.Float64:
		return jsonReadBack(rv.Float(), t.Kind() == reflect.Float32)
	case reflect.String:
		return rv.String(), nil
	case reflect.Interface, reflect.Pointer:
		if rv.IsNil() {
			return nil, nil
		}
		return jsonable(rv.Elem(), depth+1)
	case reflect.Slice:
		if rv.IsNil() {
			return nil, nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return viaJSON(rv.Interface()) // base64 text
		}
		fallthrough
	case reflect.Array:
		items := make([]Value, rv.Len())
		for i := range items {
			v, err := jsonable(rv.Index(i), depth+1)
			if err != nil {
				return nil, err
			}
			items[i] = v
		}
		return NewList(items), nil
	case reflect.Map:
		if rv.IsNil() {
			return nil, nil
		}
		if t.Key().Kind() != reflect.String {
			return viaJSON(rv.Interface())
		}
		keys := rv.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		d := NewDict(len(keys))
		for _, k := range keys {
			v, err := jsonable(rv.MapIndex(k), depth+1)
			if err != nil {
				return nil, err
			}
			d.appendStr(k.String(), v)
		}
		return d, nil
	case reflect.Struct:
		plan := structPlanOf(t)
		if plan == nil {
			return viaJSON(rv.Interface())
		}
		d := NewDict(len(plan))
		for _, f := range plan {
			fv, ok := fieldByIndex(rv, f.index)
			if !ok || f.omitEmpty && emptyJSON(fv) {
				continue
			}
			v, err := jsonable(fv, depth+1)
			if err != nil {
				return nil, err
			}
			d.appendStr(f.name, v)
		}
		return d, nil
	}
	return viaJSON(rv.Interface())
}

// jsonReadBack returns what the JSON text of f reads back as: an integer when
// the text has no fraction or exponent and fits in int64, else the float.
func jsonReadBack(f float64, is32 bool) (Value, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, 64))
	}
	bits := 64
	if is32 {
		bits = 32
	}
	// encoding/json writes positional notation for 1e-6 <= |f| < 1e21.
	if f != math.Trunc(f) || math.Abs(f) >= 1e21 {
		if is32 {
			f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', -1, 32), 64)
		}
		return f, nil
	}
	s := strconv.FormatFloat(f, 'f', -1, bits)
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, nil
	}
	g, _ := strconv.ParseFloat(s, 64)
	return g, nil
}

// jsonField is one field of a struct's JSON form.
type jsonField struct {
	name      string
	index     []int
	omitEmpty bool
}

var structPlans sync.Map // reflect.Type → []jsonField (nil: use the JSON text)

// structPlanOf returns the JSON fields of struct type t in encoding order,
// or nil when t needs encoding/json's full rules (a name defined twice, the
// string option, an embedded pointer or unexported type). Every field of a
// plan can be read with Interface.
func structPlanOf(t reflect.Type) []jsonField {
	if p, ok := structPlans.Load(t); ok {
		return p.([]jsonField)
	}
	plan, ok := buildPlan(t, nil, map[string]bool{})
	if !ok {
		plan = nil
	}
	structPlans.Store(t, plan)
	return plan
}

func buildPlan(t reflect.Type, prefix []int, seen map[string]bool) ([]jsonField, bool) {
	var plan []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		tag, hasTag := f.Tag.Lookup("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		index := append(slices.Clone(prefix), i)
		if f.Anonymous && !hasTag {
			if f.Type.Kind() != reflect.Struct || !f.IsExported() {
				// An embedded pointer or unexported type: encoding/json's
				// full rules, through the text.
				return nil, false
			}
			sub, ok := buildPlan(f.Type, index, seen)
			if !ok {
				return nil, false
			}
			plan = append(plan, sub...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if strings.Contains(","+opts+",", ",string,") {
			return nil, false
		}
		if name == "" {
			name = f.Name
		}
		if seen[name] {
			return nil, false
		}
		seen[name] = true
		plan = append(plan, jsonField{name: name, index: index, omitEmpty: strings.Contains(","+opts+",", ",omitempty,")})
	}
	return plan, true
}

func fieldByIndex(rv reflect.Value, index []int) (reflect.Value, bool) {
	for _, i := range index {
		rv = rv.Field(i)
	}
	return rv, true
}

// emptyJSON is encoding/json's omitempty test.
func emptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// How a type encodes itself to JSON: not at all, through a method of the
// type, or through a method of its pointer (used only when addressable).
const (
	marshalsNot = iota
	marshalsAlways
	marshalsAddressable
)

var marshalers sync.Map // reflect.Type → int

// marshalsItself reports whether t has its own JSON or text encoding.
func marshalsItself(t reflect.Type) int {
	if m, ok := marshalers.Load(t); ok {
		return m.(int)
	}
	m := marshalsNot
	switch {
	case t.Implements(jsonMarshaler) || t.Implements(textMarshaler):
		m = marshalsAlways
	case t.Kind() != reflect.Pointer && (reflect.PointerTo(t).Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(textMarshaler)):
		m = marshalsAddressable
	}
	marshalers.Store(t, m)
	return m
}
