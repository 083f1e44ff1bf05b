package jinja

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// filterTojson is tojson(indent=None): json.dumps with sorted keys, made
// safe for HTML (<, >, & and ' written as \u escapes), as Jinja2's
// htmlsafe_json_dumps.
func filterTojson(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("do_tojson", 0, "indent")
	if err != nil {
		return nil, err
	}
	j := jsonWriter{s: s}
	switch ind := Or(p[0], nil).(type) {
	case nil:
	case string:
		j.indent, j.pretty = ind, true
	default:
		n, err := argInt(ind)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			n = 0
		}
		if err := s.CheckBytes("tojson", n); err != nil {
			return nil, err
		}
		j.indent, j.pretty = strings.Repeat(" ", n), true
	}
	if err := j.value(v, 0); err != nil {
		return nil, err
	}
	return j.b.String(), nil
}

// jsonWriter writes json.dumps(v, sort_keys=True, indent=...) output
// escaped for HTML, checking the size as it grows.
type jsonWriter struct {
	s      *State
	b      strings.Builder
	indent string
	pretty bool
}

func (j *jsonWriter) check(extra int) error {
	return j.s.CheckBytes("tojson", j.b.Len()+extra)
}

func (j *jsonWriter) newline(depth int) error {
	if len(j.indent) > 0 && depth > j.s.limits.MaxValueBytes/len(j.indent) {
		return j.s.CheckBytes("tojson", -1)
	}
	if err := j.check(1 + depth*len(j.indent)); err != nil {
		return err
	}
	j.b.WriteByte('\n')
	for i := 0; i < depth; i++ {
		j.b.WriteString(j.indent)
	}
	return nil
}

func (j *jsonWriter) value(v Value, depth int) error {
	if depth > j.s.limits.MaxDepth*10 {
		return fmt.Errorf("maximum recursion depth exceeded while encoding a JSON object")
	}
	switch x := v.(type) {
	case nil:
		j.b.WriteString("null")
	case bool:
		if x {
			j.b.WriteString("true")
		} else {
			j.b.WriteString("false")
		}
	case int64:
		j.b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		j.b.WriteString(jsonFloat(x))
	case string:
		if err := j.check(len(x)*6 + 2); err != nil {
			if err := j.check(len(x) + 2); err != nil {
				return err
			}
		}
		j.str(x)
	case *Group:
		return j.value(x.Tuple(), depth)
	case *List:
		return j.list(x.Items, depth)
	case *Dict:
		return j.dict(x, depth)
	case Undefined:
		return x.Error()
	default:
		return fmt.Errorf("Object of type %s is not JSON serializable", TypeName(v))
	}
	return j.check(0)
}

func (j *jsonWriter) list(items []Value, depth int) error {
	if len(items) == 0 {
		j.b.WriteString("[]")
		return nil
	}
	j.b.WriteByte('[')
	for i, it := range items {
		if err := j.item(i, depth); err != nil {
			return err
		}
		if err := j.value(it, depth+1); err != nil {
			return err
		}
	}
	return j.close(depth, ']')
}

// item starts the i-th item of a list or dict at depth: the separator
// after the previous item, and when pretty, the indented new line.
func (j *jsonWriter) item(i, depth int) error {
	if i > 0 {
		if j.pretty {
			j.b.WriteByte(',')
		} else {
			j.b.WriteString(", ")
		}
	}
	if j.pretty {
		return j.newline(depth + 1)
	}
	return nil
}

// close ends a non-empty list or dict at depth with the bracket c.
func (j *jsonWriter) close(depth int, c byte) error {
	if j.pretty {
		if err := j.newline(depth); err != nil {
			return err
		}
	}
	j.b.WriteByte(c)
	return nil
}

func (j *jsonWriter) dict(d *Dict, depth int) error {
	if d.Len() == 0 {
		j.b.WriteString("{}")
		return nil
	}
	keys := d.Keys()
	vals := d.Values()
	if err := sortKeys(vals, keys, false); err != nil {
		return err
	}
	j.b.WriteByte('{')
	for i, k := range keys {
		if err := j.item(i, depth); err != nil {
			return err
		}
		var ks string
		switch x := k.(type) {
		case string:
			ks = x
		case int64:
			ks = strconv.FormatInt(x, 10)
		case float64:
			ks = jsonFloat(x)
		case bool:
			ks = "false"
			if x {
				ks = "true"
			}
		case nil:
			ks = "null"
		default:
			return fmt.Errorf("keys must be str, int, float, bool or None, not %s", TypeName(k))
		}
		j.str(ks)
		j.b.WriteString(": ")
		if err := j.value(vals[i], depth+1); err != nil {
			return err
		}
	}
	return j.close(depth, '}')
}

// jsonFloat is float.__repr__ with JSON's names for the specials.
func jsonFloat(f float64) string {
	switch s := FormatFloat(f); s {
	case "nan":
		return "NaN"
	case "inf":
		return "Infinity"
	case "-inf":
		return "-Infinity"
	default:
		return s
	}
}

// str writes a JSON string with ensure_ascii, then the HTML-safe escapes.
func (j *jsonWriter) str(x string) {
	const hex = "0123456789abcdef"
	b := &j.b
	b.WriteByte('"')
	u := func(r rune) {
		b.WriteString(`\u`)
		b.WriteByte(hex[r>>12&15])
		b.WriteByte(hex[r>>8&15])
		b.WriteByte(hex[r>>4&15])
		b.WriteByte(hex[r&15])
	}
	for i := 0; i < len(x); {
		r, n := utf8.DecodeRuneInString(x[i:])
		i += n
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '<', '>', '&', '\'':
			u(r)
		default:
			switch {
			case r >= 0x20 && r < 0x7f:
				b.WriteRune(r)
			case r > 0xffff:
				r -= 0x10000
				u(0xd800 + (r>>10)&0x3ff)
				u(0xdc00 + r&0x3ff)
			default:
				u(r)
			}
		}
	}
	b.WriteByte('"')
}

// filterPprint is pprint: Python's pprint.pformat — the repr with dict
// keys sorted, wrapped over several lines when longer than 80 columns.
func filterPprint(s *State, v Value, a Args) (Value, error) {
	if err := noArgs("do_pprint", a); err != nil {
		return nil, err
	}
	if _, ok := v.(Undefined); ok {
		return "Undefined", nil // repr of an undefined value does not fail
	}
	if err := s.CheckBytes("pprint", reprBound(v, s.limits.MaxValueBytes)); err != nil {
		return nil, err
	}
	var b strings.Builder
	if err := pformat(s, &b, v, 0, 0, 0); err != nil {
		return nil, err
	}
	return b.String(), nil
}

// writePyRepr writes repr(v) with dicts' keys sorted, as pprint prints
// it, and reports false as soon as the text passes max bytes.
func writePyRepr(b *strings.Builder, v Value, max int) bool {
	switch x := v.(type) {
	case *Dict:
		keys, vals := sortedItems(x)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			if !writePyRepr(b, k, max) {
				return false
			}
			b.WriteString(": ")
			if !writePyRepr(b, vals[i], max) {
				return false
			}
		}
		b.WriteByte('}')
	case *List:
		if x.View != "" {
			b.WriteString(Repr(x))
			break
		}
		open, closing := listBrackets(x)
		b.WriteString(open)
		for i, it := range x.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			if !writePyRepr(b, it, max) {
				return false
			}
		}
		b.WriteString(closing)
	case *Group:
		return writePyRepr(b, x.Tuple(), max)
	default:
		b.WriteString(Repr(v))
	}
	return b.Len() <= max
}

// listBrackets is how Python's repr opens and closes a list or tuple; a
// one-item tuple closes with ",)".
func listBrackets(x *List) (open, closing string) {
	switch {
	case !x.Tuple:
		return "[", "]"
	case len(x.Items) == 1:
		return "(", ",)"
	}
	return "(", ")"
}

// pyRepr is repr(v) as pprint prints it.
func pyRepr(v Value) string {
	var b strings.Builder
	writePyRepr(&b, v, maxInt)
	return b.String()
}

// sortedItems returns a dict's items sorted by key (pprint's order).
func sortedItems(d *Dict) ([]Value, []Value) {
	keys, vals := d.Keys(), d.Values()
	if err := sortKeys(vals, keys, false); err != nil {
		// pprint falls back to ordering by type name then value; keep
		// insertion order for keys that do not compare.
		return d.Keys(), d.Values()
	}
	return keys, vals
}

// pformat writes pprint.pformat(v) (width 80) at the given indent, with
// allowance columns reserved after it; level is the nesting level (0 at the
// top), as in Python's PrettyPrinter._format.
func pformat(s *State, b *strings.Builder, v Value, indent, allowance, level int) error {
	if err := s.CheckBytes("pprint", b.Len()); err != nil {
		return err
	}
	// Only a repr of at most 4 bytes per column can fit: stop building it
	// past that.
	width := 80 - indent - allowance
	var rb strings.Builder
	if writePyRepr(&rb, v, 4*max(width, 0)) && runeLen(rb.String()) <= width {
		b.WriteString(rb.String())
		return nil
	}
	if g, ok := v.(*Group); ok {
		v = g.Tuple()
	}
	level++
	switch x := v.(type) {
	case *Dict:
		b.WriteByte('{')
		if x.Len() > 0 {
			keys, vals := sortedItems(x)
			indent++
			for i, k := range keys {
				kr := pyRepr(k)
				b.WriteString(kr + ": ")
				last := 1
				if i == len(keys)-1 {
					last = allowance + 1
				}
				if err := pformat(s, b, vals[i], indent+runeLen(kr)+2, last, level); err != nil {
					return err
				}
				if i < len(keys)-1 {
					b.WriteString(",\n" + strings.Repeat(" ", indent))
				}
			}
		}
		b.WriteByte('}')
		return nil
	case *List:
		if x.View != "" {
			break
		}
		open, closing := listBrackets(x)
		b.WriteString(open)
		indent++
		for i, it := range x.Items {
			if i > 0 {
				b.WriteString(",\n" + strings.Repeat(" ", indent))
			}
			last := 1
			if i == len(x.Items)-1 {
				last = allowance + len(closing)
			}
			if err := pformat(s, b, it, indent, last, level); err != nil {
				return err
			}
		}
		b.WriteString(closing)
		return nil
	case string:
		pformatString(b, x, indent, allowance, level)
		return nil
	}
	b.WriteString(pyRepr(v))
	return nil
}

// pformatString is PrettyPrinter._pprint_str: a long string split into
// adjacent literals at line ends and after whitespace, in parentheses at
// the top level.
func pformatString(b *strings.Builder, str string, indent, allowance, level int) {
	if str == "" {
		b.WriteString("''")
		return
	}
	if level == 1 {
		indent++
		allowance++
	}
	maxWidth := 80 - indent
	maxWidth1 := maxWidth
	var chunks []string
	lines := splitLinesKeep(str)
	rep := ""
	for i, line := range lines {
		rep = Repr(line)
		if i == len(lines)-1 {
			maxWidth1 -= allowance
		}
		if runeLen(rep) <= maxWidth1 {
			chunks = append(chunks, rep)
			continue
		}
		parts := spaceParts(line)
		maxWidth2 := maxWidth
		current := ""
		for j, part := range parts {
			candidate := current + part
			if j == len(parts)-1 && i == len(lines)-1 {
				maxWidth2 -= allowance
			}
			if runeLen(Repr(candidate)) > maxWidth2 {
				if current != "" {
					chunks = append(chunks, Repr(current))
				}
				current = part
			} else {
				current = candidate
			}
		}
		if current != "" {
			chunks = append(chunks, Repr(current))
		}
	}
	if len(chunks) == 1 {
		b.WriteString(rep)
		return
	}
	if level == 1 {
		b.WriteByte('(')
	}
	for i, c := range chunks {
		if i > 0 {
			b.WriteString("\n" + strings.Repeat(" ", indent))
		}
		b.WriteString(c)
	}
	if level == 1 {
		b.WriteByte(')')
	}
}

// splitLinesKeep is str.splitlines(True).
func splitLinesKeep(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch r {
		case '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
		default:
			continue
		}
		out = append(out, s[start:i])
		start = i
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// spaceParts is re.findall(r'\S*\s*', line) without the final empty match:
// runs of non-space characters each followed by its spaces.
func spaceParts(line string) []string {
	var out []string
	i := 0
	for i < len(line) {
		j := i
		for j < len(line) {
			r, n := utf8.DecodeRuneInString(line[j:])
			if isPySpace(r) {
				break
			}
			j += n
		}
		for j < len(line) {
			r, n := utf8.DecodeRuneInString(line[j:])
			if !isPySpace(r) {
				break
			}
			j += n
		}
		out = append(out, line[i:j])
		i = j
	}
	return out
}
