package jinja

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// maxFormatNesting bounds nested replacement fields in format specs, as
// Python does (one level of nesting inside a spec).
const maxFormatNesting = 2

// StrFormat is Python's str.format: {} and {0} take positional arguments,
// {name} keyword arguments, followed by .attr and [key] lookups, a !r, !s
// or !a conversion and a :spec format specification.
func StrFormat(s *State, format string, a Args) (string, error) {
	auto := 0 // next automatic index; -1 once manual numbering is used
	return strFormat(s, format, a, &auto, maxFormatNesting)
}

func strFormat(s *State, format string, a Args, auto *int, depth int) (string, error) {
	if depth < 0 {
		return "", pyError("Max string recursion exceeded")
	}
	var b strings.Builder
	for i := 0; i < len(format); {
		c := format[i]
		if c == '}' {
			if i+1 < len(format) && format[i+1] == '}' {
				b.WriteByte('}')
				i += 2
				continue
			}
			return "", pyError("Single '}' encountered in format string")
		}
		if c != '{' {
			j := strings.IndexAny(format[i:], "{}")
			if j < 0 {
				j = len(format) - i
			}
			b.WriteString(format[i : i+j])
			i += j
			continue
		}
		if i+1 < len(format) && format[i+1] == '{' {
			b.WriteByte('{')
			i += 2
			continue
		}
		if i+1 == len(format) {
			return "", pyError("Single '{' encountered in format string")
		}
		name, conv, spec, k, err := parseField(format, i+1)
		if err != nil {
			return "", err
		}
		out, err := formatField(s, name, conv, spec, a, auto, depth)
		if err != nil {
			return "", err
		}
		if err := s.CheckBytes("format", b.Len()+len(out)); err != nil {
			return "", err
		}
		b.WriteString(out)
		i = k
	}
	return b.String(), nil
}

// parseField parses the replacement field that starts at format[i] (just
// after its '{') as Python does: the field name up to '!', ':' or '}'
// (brackets may hold anything), a conversion character, and a format spec
// with balanced braces. It returns the index just past the closing '}'.
func parseField(format string, i int) (name string, conv byte, spec string, end int, err error) {
	start := i
	for ; i < len(format); i++ {
		c := format[i]
		if c == '[' {
			j := strings.IndexByte(format[i:], ']')
			if j < 0 {
				return "", 0, "", 0, errors.New("expected '}' before end of string")
			}
			i += j
			continue
		}
		if c == '{' {
			return "", 0, "", 0, errors.New("unexpected '{' in field name")
		}
		if c == '}' || c == ':' || c == '!' {
			break
		}
	}
	if i >= len(format) {
		return "", 0, "", 0, errors.New("expected '}' before end of string")
	}
	name = format[start:i]
	if format[i] == '!' {
		i++
		if i >= len(format) {
			return "", 0, "", 0, errors.New("end of string while looking for conversion specifier")
		}
		conv = format[i]
		i++
		if i >= len(format) {
			return "", 0, "", 0, errors.New("unmatched '{' in format spec")
		}
		if format[i] != ':' && format[i] != '}' {
			return "", 0, "", 0, errors.New("expected ':' after conversion specifier")
		}
	}
	if format[i] == '}' {
		return name, conv, "", i + 1, nil
	}
	// A format spec: up to the '}' that balances the field's '{'.
	i++
	specStart, level := i, 1
	for ; i < len(format); i++ {
		switch format[i] {
		case '{':
			level++
		case '}':
			level--
			if level == 0 {
				return name, conv, format[specStart:i], i + 1, nil
			}
		}
	}
	return "", 0, "", 0, errors.New("unmatched '{' in format spec")
}

// formatField formats one replacement field.
func formatField(s *State, name string, conv byte, spec string, a Args, auto *int, depth int) (string, error) {
	v, err := fieldValue(s, name, a, auto)
	if err != nil {
		return "", err
	}
	switch conv {
	case 0:
	case 's':
		str, err := boundedStr(s, "format", v)
		if err != nil {
			return "", err
		}
		v = str
	case 'r', 'a':
		r, err := boundedRepr(s, "format", v)
		if err != nil {
			return "", err
		}
		if conv == 'a' {
			r = asciiRepr(r)
		}
		v = r
	default:
		return "", pyError(fmt.Sprintf("Unknown conversion specifier %c", conv))
	}
	if strings.ContainsAny(spec, "{}") {
		spec, err = strFormat(s, spec, a, auto, depth-1)
		if err != nil {
			return "", err
		}
	}
	return formatValue(s, v, spec)
}

// fieldValue resolves a field name: an argument, then .attr and [key]
// lookups.
func fieldValue(s *State, name string, a Args, auto *int) (Value, error) {
	end := strings.IndexAny(name, ".[")
	if end < 0 {
		end = len(name)
	}
	first := name[:end]
	var v Value
	if first == "" || isDigits(first) {
		var idx int
		if first == "" {
			if *auto < 0 {
				return nil, errors.New("cannot switch from manual field specification to automatic field numbering")
			}
			idx = *auto
			*auto++
		} else {
			if *auto > 0 {
				return nil, errors.New("cannot switch from automatic field numbering to manual field specification")
			}
			*auto = -1
			n, err := strconv.Atoi(first)
			if err != nil {
				return nil, pyError("Too many decimal digits in format string")
			}
			idx = n
		}
		if idx >= len(a.Pos) {
			return nil, pyError(fmt.Sprintf("Replacement index %d out of range for positional args tuple", idx))
		}
		v = a.Pos[idx]
	} else {
		found := false
		for _, kw := range a.Kw {
			if kw.Name == first {
				v, found = kw.Value, true
			}
		}
		if !found {
			return nil, pyError(fmt.Sprintf("KeyError: %s", Repr(first)))
		}
	}
	rest := name[end:]
	for rest != "" {
		if rest[0] == '.' {
			j := strings.IndexAny(rest[1:], ".[")
			if j < 0 {
				j = len(rest) - 1
			}
			attr := rest[1 : 1+j]
			if attr == "" {
				return nil, pyError("Empty attribute in format string")
			}
			rest = rest[1+j:]
			if u, ok := v.(Undefined); ok {
				return nil, u.Error()
			}
			r, err := GetAttr(s, v, attr)
			if err != nil {
				return nil, err
			}
			// Python's getattr: a dict's keys are not attributes.
			_, isDict := v.(*Dict)
			if _, isFunc := r.(*Func); isDict && !isFunc {
				r = Undefined{}
			}
			if _, ok := r.(Undefined); ok {
				return nil, fmt.Errorf("'%s' object has no attribute '%s'", TypeName(v), attr)
			}
			v = r
			continue
		}
		if rest[0] != '[' {
			return nil, pyError("Only '.' or '[' may follow ']' in format field specifier")
		}
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return nil, pyError("Missing ']' in format string")
		}
		keyText := rest[1:j]
		if keyText == "" {
			return nil, pyError("Empty attribute in format string")
		}
		rest = rest[j+1:]
		var key Value = keyText
		if isDigits(keyText) {
			n, err := strconv.ParseInt(keyText, 10, 64)
			if err == nil {
				key = n
			}
		}
		r, err := itemForFormat(v, key)
		if err != nil {
			return nil, err
		}
		v = r
	}
	return v, nil
}

// itemForFormat is Python's v[key] inside a format field, with Python's
// errors.
func itemForFormat(v, key Value) (Value, error) {
	switch x := v.(type) {
	case Undefined:
		return nil, x.Error()
	case *Dict:
		if r, ok := x.Get(key); ok {
			return r, nil
		}
		return nil, pyError(fmt.Sprintf("KeyError: %s", Repr(key)))
	case *List, string:
		i, ok := key.(int64)
		if !ok {
			return nil, fmt.Errorf("%s indices must be integers or slices, not str", TypeName(v))
		}
		r, _ := GetItem(nil, v, i)
		if _, bad := r.(Undefined); bad {
			t := TypeName(v)
			if t == "str" {
				t = "string"
			}
			return nil, fmt.Errorf("%s index out of range", t)
		}
		return r, nil
	}
	return nil, fmt.Errorf("'%s' object is not subscriptable", TypeName(v))
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
