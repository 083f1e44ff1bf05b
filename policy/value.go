package policy

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Values seen by the evaluator are nil, bool, string, numbers (every Go
// integer and float kind and json.Number), []any, []string,
// map[string]any, map[string]string and Version. Anything else is treated
// as an opaque value that only IS NULL / IS NOT NULL can test.

// pathSeg is one pre-split segment of a field path.
type pathSeg struct {
	key string
	idx int // list index when the segment is a non-negative integer, else -1
}

func splitPath(path []string) []pathSeg {
	segs := make([]pathSeg, len(path))
	for i, k := range path {
		segs[i] = pathSeg{key: k, idx: -1}
		if n, err := strconv.Atoi(k); err == nil && n >= 0 {
			segs[i].idx = n
		}
	}
	return segs
}

// lookup walks path from v. ok is false when the field is missing.
func lookup(v any, path []pathSeg) (any, bool) {
	for _, s := range path {
		switch m := v.(type) {
		case map[string]any:
			x, ok := m[s.key]
			if !ok {
				return nil, false
			}
			v = x
		case map[string]string:
			x, ok := m[s.key]
			if !ok {
				return nil, false
			}
			v = x
		case []any:
			if s.idx < 0 || s.idx >= len(m) {
				return nil, false
			}
			v = m[s.idx]
		case []string:
			if s.idx < 0 || s.idx >= len(m) {
				return nil, false
			}
			v = m[s.idx]
		case []map[string]any:
			if s.idx < 0 || s.idx >= len(m) {
				return nil, false
			}
			v = m[s.idx]
		default:
			return nil, false
		}
	}
	return v, true
}

// toNumber converts any numeric Go value to float64.
func toNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	case float32:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint64:
		return float64(n), true
	case uint32:
		return float64(n), true
	case int16:
		return float64(n), true
	case int8:
		return float64(n), true
	case uint16:
		return float64(n), true
	case uint8:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// timeText turns a time.Time into its RFC 3339 UTC text, the form in
// which timestamps (created_at, updated_at, last poll) compare with string
// literals; other values are returned unchanged.
func timeText(v any) any {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format(time.RFC3339Nano)
	}
	return v
}

// typeName names the type of a value for warnings.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case time.Time:
		return "string"
	case bool:
		return "boolean"
	case string:
		return "string"
	case Version:
		return "version"
	case []any, []string, []map[string]any:
		return "list"
	case map[string]any, map[string]string:
		return "object"
	}
	if _, ok := toNumber(v); ok {
		return "number"
	}
	return "unknown"
}

// listElems returns the elements of a list value.
func listElems(v any) ([]any, bool) {
	switch l := v.(type) {
	case []any:
		return l, true
	case []string:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out, true
	case []map[string]any:
		out := make([]any, len(l))
		for i, m := range l {
			out[i] = m
		}
		return out, true
	}
	return nil, false
}

// equalValues reports whether a and b are equal. comparable is false when
// the two values have different types (a type mismatch). null equals only
// null and is comparable with everything.
func equalValues(a, b any) (equal, comparable bool) {
	a, b = timeText(a), timeText(b)
	if a == nil || b == nil {
		return a == nil && b == nil, true
	}
	switch x := a.(type) {
	case string:
		switch y := b.(type) {
		case string:
			return x == y, true
		case Version:
			return ParseVersion(x).Compare(y) == 0, true
		}
		return false, false
	case bool:
		y, ok := b.(bool)
		return ok && x == y, ok
	case Version:
		switch y := b.(type) {
		case Version:
			return x.Compare(y) == 0, true
		case string:
			return x.Compare(ParseVersion(y)) == 0, true
		}
		return false, false
	}
	if x, ok := toNumber(a); ok {
		y, ok := toNumber(b)
		return ok && x == y, ok
	}
	if xl, ok := listElems(a); ok {
		yl, ok := listElems(b)
		if !ok {
			return false, false
		}
		if len(xl) != len(yl) {
			return false, true
		}
		for i := range xl {
			if eq, _ := equalValues(xl[i], yl[i]); !eq {
				return false, true
			}
		}
		return true, true
	}
	if xm, ok := asMap(a); ok {
		ym, ok := asMap(b)
		if !ok {
			return false, false
		}
		if len(xm) != len(ym) {
			return false, true
		}
		for k, xv := range xm {
			yv, present := ym[k]
			if !present {
				return false, true
			}
			if eq, _ := equalValues(xv, yv); !eq {
				return false, true
			}
		}
		return true, true
	}
	return false, false
}

func asMap(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case map[string]string:
		out := make(map[string]any, len(m))
		for k, s := range m {
			out[k] = s
		}
		return out, true
	}
	return nil, false
}

// orderValues compares two non-null values for <, <=, >, >=. ok is false
// on a type mismatch. Numbers compare numerically, strings byte-wise,
// versions component-wise; a string compared with a version is parsed as
// a version.
func orderValues(a, b any) (c int, ok bool) {
	a, b = timeText(a), timeText(b)
	switch x := a.(type) {
	case string:
		switch y := b.(type) {
		case string:
			return strings.Compare(x, y), true
		case Version:
			return ParseVersion(x).Compare(y), true
		}
		return 0, false
	case Version:
		switch y := b.(type) {
		case Version:
			return x.Compare(y), true
		case string:
			return x.Compare(ParseVersion(y)), true
		}
		return 0, false
	}
	x, ok := toNumber(a)
	if !ok {
		return 0, false
	}
	y, ok := toNumber(b)
	if !ok || math.IsNaN(x) || math.IsNaN(y) {
		return 0, false
	}
	switch {
	case x < y:
		return -1, true
	case x > y:
		return 1, true
	}
	return 0, true
}

// valueText renders a value for messages and explanations.
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return quoteString(x)
	case Version:
		return "version(" + quoteString(x.Raw) + ")"
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	if f, ok := toNumber(v); ok {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "<" + typeName(v) + ">"
	}
	return string(b)
}

// plainText renders a value for expected texts: strings and versions
// without quotes.
func plainText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case Version:
		return x.Raw
	}
	return valueText(v)
}

// strLen counts characters.
func strLen(s string) int { return utf8.RuneCountInString(s) }

// deepCopy copies maps and lists so that SET never changes the caller's
// data. map[string]string and []string become their generic forms.
// MaxSetValues bounds the elements (scalars, list items, map entries, at
// every level) that the SETs of one object's evaluation may copy; a SET past
// it is an error of its rule.
const MaxSetValues = 100_000

// valueSize counts the elements of v as deepCopy would copy them: one per
// scalar, plus one per list item and map entry at every level. It stops
// counting once the count is past limit.
func valueSize(v any, limit int) int {
	n := 1
	add := func(e any) bool {
		n += valueSize(e, limit-n)
		return n <= limit
	}
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			if !add(e) {
				return n
			}
		}
	case map[string]string:
		n += len(x)
	case []any:
		for _, e := range x {
			if !add(e) {
				return n
			}
		}
	case []string:
		n += len(x)
	}
	return n
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = e
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	case []string:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = e
		}
		return l
	case []map[string]any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// exportValue converts evaluator values to plain JSON-friendly values.
func exportValue(v any) any {
	switch x := v.(type) {
	case Version:
		return x.Raw
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = exportValue(e)
		}
		return out
	}
	return v
}
