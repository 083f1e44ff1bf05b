package templates

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// DecodeJSONContext decodes a JSON object into a render context the way
// Python's json module does: integers stay integers (so 10 renders as "10",
// not "10.0") and other numbers become float64.
func DecodeJSONContext(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode JSON context: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("decode JSON context: unexpected data after the top-level object")
	}
	m, ok := normalizeJSON(v).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("decode JSON context: the top level must be an object, not %T", v)
	}
	return m, nil
}

// normalizeJSON replaces json.Number values by int or float64.
func normalizeJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeJSON(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalizeJSON(e)
		}
		return x
	case json.Number:
		s := x.String()
		if !strings.ContainsAny(s, ".eE") {
			if i, err := strconv.Atoi(s); err == nil {
				return i
			}
		}
		f, err := x.Float64()
		if err != nil {
			return s
		}
		return f
	}
	return v
}
