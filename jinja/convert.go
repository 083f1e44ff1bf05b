package jinja

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// FromGo converts a host value to a template value: nil, bool, every int
// and uint kind (to int64), float32 and float64, string, []byte (as a str),
// slices and arrays (to lists), maps with string keys (to dicts, keys
// sorted for a stable order), json.Number, and the engine's own values
// unchanged. Structs, pointers and every other type go through
// encoding/json, so json tags apply and struct fields keep their order.
func FromGo(v any) (Value, error) {
	switch x := v.(type) {
	case nil, bool, int64, float64, string, *List, *Dict, Undefined, *Func, *Namespace:
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case float32:
		return float64(x), nil
	case json.Number:
		return jsonNumber(string(x))
	case []byte:
		return string(x), nil
	case []any:
		items := make([]Value, len(x))
		for i, it := range x {
			c, err := FromGo(it)
			if err != nil {
				return nil, err
			}
			items[i] = c
		}
		return NewList(items), nil
	case []string:
		items := make([]Value, len(x))
		for i, it := range x {
			items[i] = it
		}
		return NewList(items), nil
	case map[string]any:
		d := NewDict(len(x))
		for _, k := range sortedKeys(x) {
			c, err := FromGo(x[k])
			if err != nil {
				return nil, err
			}
			d.SetStr(k, c)
		}
		return d, nil
	case Object:
		return x, nil
	case json.Marshaler:
		return viaJSON(v)
	}
	return fromReflect(reflect.ValueOf(v))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// fromReflect converts the kinds FromGo does not list by type.
func fromReflect(rv reflect.Value) (Value, error) {
	switch rv.Kind() {
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return nil, fmt.Errorf("%d: %w", u, errIntOverflow)
		}
		return int64(u), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return NewList([]Value{}), nil
		}
		if rv.Type().Elem().Kind() == reflect.Uint8 && rv.Kind() == reflect.Slice {
			return string(rv.Bytes()), nil
		}
		items := make([]Value, rv.Len())
		for i := range items {
			c, err := fromInterface(rv.Index(i))
			if err != nil {
				return nil, err
			}
			items[i] = c
		}
		return NewList(items), nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			break
		}
		keys := rv.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		d := NewDict(len(keys))
		for _, k := range keys {
			c, err := fromInterface(rv.MapIndex(k))
			if err != nil {
				return nil, err
			}
			d.SetStr(k.String(), c)
		}
		return d, nil
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
		if rv.Kind() == reflect.Interface {
			return fromInterface(rv.Elem())
		}
	case reflect.Invalid:
		return nil, nil
	}
	if !rv.CanInterface() {
		return nil, fmt.Errorf("cannot convert %s to a template value", rv.Type())
	}
	return viaJSON(rv.Interface())
}

// fromInterface converts an element found through reflection.
func fromInterface(rv reflect.Value) (Value, error) {
	if !rv.IsValid() {
		return nil, nil
	}
	if rv.CanInterface() {
		return FromGo(rv.Interface())
	}
	return fromReflect(rv)
}

// viaJSON converts v by encoding it as JSON and decoding the result.
func viaJSON(v any) (Value, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("converting %T to a template value: %w", v, err)
	}
	return DecodeJSON(data)
}

// maxJSONDepth bounds the nesting of decoded JSON.
const maxJSONDepth = 10000

// DecodeJSON decodes JSON as Python's json.loads does, keeping the order of
// object keys: integers become int64 (float64 when out of range), other
// numbers float64, objects *Dict and arrays *List.
func DecodeJSON(data []byte) (Value, error) {
	return decodeJSONFast(data)
}

// decodeJSONTokens is DecodeJSON through encoding/json's token stream: the
// reference the fast decoder is tested against.
func decodeJSONTokens(data []byte) (Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeJSONValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: extra data after the value")
	}
	return v, nil
}

func decodeJSONValue(dec *json.Decoder, depth int) (Value, error) {
	if depth > maxJSONDepth {
		return nil, errors.New("invalid JSON: nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			items := []Value{}
			for dec.More() {
				v, err := decodeJSONValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				items = append(items, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("invalid JSON: %w", err)
			}
			return NewList(items), nil
		case '{':
			d := NewDict(4)
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("invalid JSON: %w", err)
				}
				k, ok := kt.(string)
				if !ok {
					return nil, errors.New("invalid JSON: object key is not a string")
				}
				v, err := decodeJSONValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				d.SetStr(k, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("invalid JSON: %w", err)
			}
			return d, nil
		}
		return nil, fmt.Errorf("invalid JSON: unexpected %v", t)
	case json.Number:
		return jsonNumber(string(t))
	case string, bool, nil:
		return t, nil
	}
	return nil, fmt.Errorf("invalid JSON: unexpected token %v", tok)
}

// jsonNumber converts a JSON number: an int64 when it is an integer in
// range, else a float64.
func jsonNumber(s string) (Value, error) {
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, fmt.Errorf("invalid number %q", s)
	}
	return f, nil
}
