package httpapi

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// schemaGen derives OpenAPI schemas from Go types (once, when the server is
// built), so the document describes exactly what encoding/json produces.
type schemaGen struct {
	comps map[string]any
}

func schemaName(t reflect.Type) string {
	name := t.Name()
	if i := strings.IndexByte(name, '['); i >= 0 {
		elem := name[i+1 : len(name)-1]
		if j := strings.LastIndexByte(elem, '.'); j >= 0 {
			elem = elem[j+1:]
		}
		return elem + name[:i]
	}
	return name
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// schema returns the schema of t, registering named structs as components.
func (g *schemaGen) schema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case rawType:
		return anyJSON()
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return map[string]any{"type": "integer"}
	case reflect.Int64, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		s := map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
		if t.Elem().Kind() == reflect.Interface {
			s["additionalProperties"] = true
		}
		if t.Name() != "" && t.PkgPath() != "" {
			name := schemaName(t)
			g.comps[name] = s
			return map[string]any{"$ref": "#/components/schemas/" + name}
		}
		return s
	case reflect.Struct:
		name := schemaName(t)
		if _, ok := g.comps[name]; !ok {
			g.comps[name] = map[string]any{} // placeholder against recursion
			props := map[string]any{}
			g.fields(t, props)
			g.comps[name] = map[string]any{"type": "object", "properties": props, "additionalProperties": false}
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	if t.Kind() == reflect.Interface {
		// any value, null included (a field change from or to nothing)
		return anyJSON()
	}
	return map[string]any{}
}

// fields adds the JSON properties of struct t, inlining embedded structs.
func (g *schemaGen) fields(t reflect.Type, props map[string]any) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			g.fields(f.Type, props)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.schema(f.Type)
	}
}

// anyJSON is the schema of any JSON value, null included. OpenAPI 3.0 allows
// null only through "nullable" beside a "type", so the value is one of the
// JSON types with the object branch nullable.
func anyJSON() map[string]any {
	return map[string]any{
		"description": "any JSON value (null when absent)",
		"anyOf": []any{
			map[string]any{"type": "object", "nullable": true, "additionalProperties": true},
			map[string]any{"type": "array", "items": map[string]any{}},
			map[string]any{"type": "string"},
			map[string]any{"type": "number"},
			map[string]any{"type": "boolean"},
		},
	}
}
