package templates

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/nikolalohinski/gonja/v2/exec"
	"gopkg.in/yaml.v3"
)

// orderedMap is a mapping with an explicit key order (a Jinja dict literal
// keeps its order; Go maps are sorted by key).
type orderedMap struct {
	keys   []string
	values map[string]any
}

// plain converts template values (gonja values, dict literals, Go maps,
// slices and scalars) to plain data: orderedMap, []any, string, bool, int64,
// float64 or nil. Go map keys are sorted so output is deterministic.
func plain(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case *exec.Value:
		if x == nil || x.IsNil() {
			return nil
		}
		return plain(x.Interface())
	case *exec.Dict:
		m := orderedMap{values: map[string]any{}}
		for _, p := range x.Pairs {
			k := p.Key.String()
			if _, dup := m.values[k]; !dup {
				m.keys = append(m.keys, k)
			}
			m.values[k] = plain(p.Value)
		}
		return m
	case string, bool:
		return x
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil
		}
		return plain(rv.Elem().Interface())
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = plain(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		m := orderedMap{values: map[string]any{}}
		for _, k := range rv.MapKeys() {
			ks := fmt.Sprint(k.Interface())
			m.keys = append(m.keys, ks)
			m.values[ks] = plain(rv.MapIndex(k).Interface())
		}
		slices.Sort(m.keys)
		return m
	}
	return fmt.Sprint(v)
}

// jsonOptions are the options of the JSON filters, named as in Python's
// json.dumps.
type jsonOptions struct {
	indent   int  // <0: single line with ", " and ": " separators
	sortKeys bool // sort keys of dict literals too (Go maps always are)
	htmlSafe bool // escape <, >, & and ' as Jinja2's tojson does
}

// ToJSON encodes v like Python's json.dumps with ensure_ascii: the output of
// to_json and tojson matches what the same data gives in Python.
func ToJSON(v any, indent int, sortKeys bool) (string, error) {
	var b bytes.Buffer
	if err := writeJSON(&b, plain(v), jsonOptions{indent: indent, sortKeys: sortKeys}, 0); err != nil {
		return "", err
	}
	return b.String(), nil
}

func writeJSON(b *bytes.Buffer, v any, o jsonOptions, level int) error {
	newline := func(l int) {
		if o.indent >= 0 {
			b.WriteByte('\n')
			b.WriteString(strings.Repeat(" ", o.indent*l))
		}
	}
	sep := ", "
	if o.indent >= 0 {
		sep = ","
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("cannot encode %v as JSON", x)
		}
		b.WriteString(pyFloat(x))
	case string:
		writeJSONString(b, x, o.htmlSafe)
	case []any:
		if len(x) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(sep)
			}
			newline(level + 1)
			if err := writeJSON(b, e, o, level+1); err != nil {
				return err
			}
		}
		newline(level)
		b.WriteByte(']')
	case orderedMap:
		if len(x.keys) == 0 {
			b.WriteString("{}")
			return nil
		}
		keys := x.keys
		if o.sortKeys {
			keys = slices.Clone(keys)
			slices.Sort(keys)
		}
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(sep)
			}
			newline(level + 1)
			writeJSONString(b, k, o.htmlSafe)
			b.WriteString(": ")
			if err := writeJSON(b, x.values[k], o, level+1); err != nil {
				return err
			}
		}
		newline(level)
		b.WriteByte('}')
	default:
		return fmt.Errorf("cannot encode %T as JSON", v)
	}
	return nil
}

// writeJSONString writes s as Python's json module does with ensure_ascii.
func writeJSONString(b *bytes.Buffer, s string, htmlSafe bool) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case htmlSafe && (r == '<' || r == '>' || r == '&' || r == '\''):
			fmt.Fprintf(b, `\u%04x`, r)
		case r < 0x20 || (r >= 0x7f && r <= 0xffff):
			fmt.Fprintf(b, `\u%04x`, r)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(b, `\u%04x\u%04x`, r1, r2)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// pyFloat formats f as Python's repr does.
func pyFloat(f float64) string {
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	exp := int(math.Floor(math.Log10(math.Abs(f))))
	if exp < -4 || exp >= 16 {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mant, e, _ := strings.Cut(s, "e")
		sign := e[0]
		digits := strings.TrimLeft(e[1:], "0")
		if len(digits) < 2 {
			digits = strings.Repeat("0", 2-len(digits)) + digits
		}
		return mant + "e" + string(sign) + digits
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// ToYAML encodes v as block-style YAML with the given indent (2 when <= 0).
// Keys of Go maps are sorted; dict literals keep their order.
func ToYAML(v any, indent int) (string, error) {
	if indent <= 0 {
		indent = 2
	}
	node, err := yamlNode(plain(v))
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(indent)
	if err := enc.Encode(node); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

func yamlNode(v any) (*yaml.Node, error) {
	switch x := v.(type) {
	case orderedMap:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range x.keys {
			val, err := yamlNode(x.values[k])
			if err != nil {
				return nil, err
			}
			key := &yaml.Node{}
			if err := key.Encode(k); err != nil {
				return nil, err
			}
			n.Content = append(n.Content, key, val)
		}
		return n, nil
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range x {
			val, err := yamlNode(e)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, val)
		}
		return n, nil
	}
	n := &yaml.Node{}
	if err := n.Encode(v); err != nil {
		return nil, err
	}
	return n, nil
}
