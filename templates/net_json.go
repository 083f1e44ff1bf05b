package templates

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/unet-dev/unet/jinja"
)

// maxDataDepth bounds the nesting of lists and dicts the data filters
// write, as Python's recursion limit does.
const maxDataDepth = 500

// netToJSON is to_json(indent=None, sort_keys=False): Python's json.dumps
// of the value, as Ansible's filter of that name writes it.
func netToJSON(s *jinja.State, v jinja.Value, a jinja.Args) (jinja.Value, error) {
	args, err := a.Bind("to_json", 0, "indent", "sort_keys")
	if err != nil {
		return nil, err
	}
	return dumpJSON(s, "to_json", v, args[0], args[1], false)
}

// netToNiceJSON is to_nice_json(indent=4, sort_keys=True).
func netToNiceJSON(s *jinja.State, v jinja.Value, a jinja.Args) (jinja.Value, error) {
	args, err := a.Bind("to_nice_json", 0, "indent", "sort_keys")
	if err != nil {
		return nil, err
	}
	return dumpJSON(s, "to_nice_json", v, jinja.Or(args[0], int64(4)), args[1], true)
}

// dumpJSON encodes v as json.dumps(v, indent=indent, sort_keys=sortKeys)
// does with ensure_ascii; Missing or None indent is the one-line form.
// defSort is sort_keys' default, true for to_nice_json alone.
func dumpJSON(s *jinja.State, what string, v, indent, sortKeys jinja.Value, defSort bool) (jinja.Value, error) {
	// to_nice_json passes separators=(',', ': '), which also holds when
	// its indent is None.
	e := jsonEncoder{s: s, what: what, niceSep: defSort}
	var err error
	if e.sortKeys, err = argBool(sortKeys, defSort); err != nil {
		return nil, err
	}
	switch x := indent.(type) {
	case string:
		e.pretty, e.indent = true, x
	case nil:
	default:
		if jinja.IsMissing(indent) {
			break
		}
		n, err := argInt("indent", indent, 0)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			if err := s.CheckBytes(what, int(min(n, math.MaxInt))); err != nil {
				return nil, err
			}
		}
		// Python repeats " " indent times: a negative indent is no indent.
		e.pretty, e.indent = true, strings.Repeat(" ", int(max(n, 0)))
	}
	if err := e.value(v, 0); err != nil {
		return nil, err
	}
	return string(e.buf), nil
}

// jsonEncoder writes JSON into buf, checking the render's value budget
// before every write.
type jsonEncoder struct {
	s        *jinja.State
	what     string
	buf      []byte
	pretty   bool   // indent given: one item per line
	indent   string // per level
	sortKeys bool
	niceSep  bool  // "," between items also on one line
	path     []any // the lists and dicts being written, to refuse cycles
}

// grow checks that n more bytes stay within the budget and makes room for
// them, doubling the buffer (up to the budget): a result that ends over the
// budget costs about twice the budget in allocations, not the sum of
// append's smaller steps.
func (e *jsonEncoder) grow(n int) error {
	need := len(e.buf) + n
	if err := e.s.CheckBytes(e.what, need); err != nil {
		return err
	}
	if need > cap(e.buf) {
		nb := make([]byte, len(e.buf), min(max(2*cap(e.buf), need, 512), e.s.Limits().MaxValueBytes))
		copy(nb, e.buf)
		e.buf = nb
	}
	return nil
}

// newline starts a line at the given level in the indented form.
func (e *jsonEncoder) newline(level int) error {
	if !e.pretty {
		return nil
	}
	if err := e.grow(1 + len(e.indent)*level); err != nil {
		return err
	}
	e.buf = append(e.buf, '\n')
	for range level {
		e.buf = append(e.buf, e.indent...)
	}
	return nil
}

// separator writes the separator between items.
func (e *jsonEncoder) separator() error {
	if err := e.grow(2); err != nil {
		return err
	}
	if e.pretty || e.niceSep {
		e.buf = append(e.buf, ',')
	} else {
		e.buf = append(e.buf, ", "...)
	}
	return nil
}

// enter marks container c as being written; it fails on a cycle or past the
// depth bound.
func (e *jsonEncoder) enter(c any) error {
	if slices.Contains(e.path, c) {
		return errors.New("circular reference detected")
	}
	if len(e.path) >= maxDataDepth {
		return fmt.Errorf("data nested deeper than %d levels", maxDataDepth)
	}
	e.path = append(e.path, c)
	return e.s.Tick()
}

func (e *jsonEncoder) leave() { e.path = e.path[:len(e.path)-1] }

func (e *jsonEncoder) value(v jinja.Value, level int) error {
	switch x := v.(type) {
	case nil:
		return e.raw("null")
	case bool:
		if x {
			return e.raw("true")
		}
		return e.raw("false")
	case int64:
		return e.raw(strconv.FormatInt(x, 10))
	case float64:
		return e.raw(jsonFloat(x))
	case string:
		return e.str(x)
	case *jinja.List:
		if x.View != "" {
			break
		}
		return e.list(x, level)
	case *jinja.Dict:
		return e.dict(x, level)
	case jinja.Undefined:
		return x.Error()
	}
	return fmt.Errorf("object of type %s is not JSON serializable", jinja.TypeName(v))
}

func (e *jsonEncoder) raw(text string) error {
	if err := e.grow(len(text)); err != nil {
		return err
	}
	e.buf = append(e.buf, text...)
	return nil
}

func (e *jsonEncoder) list(l *jinja.List, level int) error {
	if len(l.Items) == 0 {
		return e.raw("[]")
	}
	if err := e.enter(l); err != nil {
		return err
	}
	defer e.leave()
	if err := e.raw("["); err != nil {
		return err
	}
	for i, item := range l.Items {
		if i > 0 {
			if err := e.separator(); err != nil {
				return err
			}
		}
		if err := e.newline(level + 1); err != nil {
			return err
		}
		if err := e.value(item, level+1); err != nil {
			return err
		}
	}
	if err := e.newline(level); err != nil {
		return err
	}
	return e.raw("]")
}

func (e *jsonEncoder) dict(d *jinja.Dict, level int) error {
	if d.Len() == 0 {
		return e.raw("{}")
	}
	if err := e.enter(d); err != nil {
		return err
	}
	defer e.leave()
	order, err := e.keyOrder(d)
	if err != nil {
		return err
	}
	if err := e.raw("{"); err != nil {
		return err
	}
	for n, i := range order {
		if n > 0 {
			if err := e.separator(); err != nil {
				return err
			}
		}
		if err := e.newline(level + 1); err != nil {
			return err
		}
		key, err := jsonKey(d.Key(i))
		if err != nil {
			return err
		}
		if err := e.str(key); err != nil {
			return err
		}
		if err := e.raw(": "); err != nil {
			return err
		}
		if err := e.value(d.Val(i), level+1); err != nil {
			return err
		}
	}
	if err := e.newline(level); err != nil {
		return err
	}
	return e.raw("}")
}

// keyOrder returns the indexes of d's entries in the order they are
// written: insertion order, or sorted by key with sort_keys (all strings,
// or all numbers; Python refuses to compare other mixes).
func (e *jsonEncoder) keyOrder(d *jinja.Dict) ([]int, error) {
	order := make([]int, d.Len())
	for i := range order {
		order[i] = i
	}
	if !e.sortKeys || len(order) < 2 {
		return order, nil
	}
	allStr, allNum := true, true
	for i := range order {
		switch d.Key(i).(type) {
		case string:
			allNum = false
		case int64, float64, bool:
			allStr = false
		default:
			allStr, allNum = false, false
		}
	}
	switch {
	case allStr:
		slices.SortStableFunc(order, func(i, j int) int {
			return strings.Compare(d.Key(i).(string), d.Key(j).(string))
		})
	case allNum:
		slices.SortStableFunc(order, func(i, j int) int {
			x, y := keyNumber(d.Key(i)), keyNumber(d.Key(j))
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		})
	default:
		a, b := jinja.TypeName(d.Key(0)), jinja.TypeName(d.Key(1))
		for i := 1; i < len(order) && a == b; i++ {
			b = jinja.TypeName(d.Key(i))
		}
		return nil, fmt.Errorf("'<' not supported between instances of '%s' and '%s'", b, a)
	}
	return order, nil
}

// keyNumber is a numeric dict key as a float, for sorting.
func keyNumber(k jinja.Value) float64 {
	switch x := k.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	case bool:
		if x {
			return 1
		}
	}
	return 0
}

// jsonKey is the text of a dict key as json.dumps writes it.
func jsonKey(k jinja.Value) (string, error) {
	switch x := k.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return jsonFloat(x), nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case nil:
		return "null", nil
	}
	return "", fmt.Errorf("keys must be str, int, float, bool or None, not %s", jinja.TypeName(k))
}

// jsonFloat writes a float as json.dumps does: repr, and NaN, Infinity,
// -Infinity for the values JSON has no number for.
func jsonFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return jinja.FormatFloat(f)
}

// str writes s quoted as Python's json module does with ensure_ascii:
// everything outside printable ASCII as \uXXXX (surrogate pairs beyond the
// BMP). The size is computed first, so the budget is checked once.
func (e *jsonEncoder) str(s string) error {
	n := 2
	for _, r := range s {
		switch {
		case r == '"' || r == '\\' || r == '\n' || r == '\r' || r == '\t' || r == '\b' || r == '\f':
			n += 2
		case r >= 0x20 && r < 0x7f:
			n++
		case r > 0xffff:
			n += 12
		default:
			n += 6
		}
	}
	if err := e.grow(n); err != nil {
		return err
	}
	e.buf = appendJSONString(e.buf, s)
	return nil
}

// appendJSONString appends s quoted with ensure_ascii.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	u := func(b []byte, r rune) []byte {
		return append(b, '\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15])
	}
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case '"':
				b = append(b, '\\', '"')
			case '\\':
				b = append(b, '\\', '\\')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				if c < 0x20 || c == 0x7f {
					b = u(b, rune(c))
				} else {
					b = append(b, c)
				}
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			b = u(u(b, r1), r2)
		} else {
			b = u(b, r)
		}
	}
	return append(b, '"')
}
