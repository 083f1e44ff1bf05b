package jinja

import (
	"fmt"
	"strings"
)

// filterDefault is default/d(default_value=”, boolean=False): the default
// for an undefined value, or for any false value when boolean is set.
func filterDefault(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("do_default", 0, "default_value", "boolean")
	if err != nil {
		return nil, err
	}
	def := Or(p[0], "")
	if _, ok := v.(Undefined); ok {
		return def, nil
	}
	boolean, err := argBool(p[1], false)
	if err != nil {
		return nil, err
	}
	if boolean {
		t, err := Truth(v)
		if err != nil {
			return nil, err
		}
		if !t {
			return def, nil
		}
	}
	return v, nil
}

// filterAttr is attr(name): the attribute name of the value, without the
// fallback to item lookup that obj.name has.
func filterAttr(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("do_attr", 1, "name")
	if err != nil {
		return nil, err
	}
	name, err := argStr("attr", p[0])
	if err != nil {
		return nil, err
	}
	missing := Undefined{Hint: fmt.Sprintf("'%s object' has no attribute '%s'", TypeName(v), name)}
	switch x := v.(type) {
	case *Namespace:
		if val, ok := x.Attrs.GetStr(name); ok {
			return val, nil
		}
		return missing, nil
	case Object:
		if val, ok := x.Attr(name); ok {
			return val, nil
		}
		return missing, nil
	}
	val, err := GetAttr(s, v, name)
	if err != nil {
		return nil, err
	}
	// Only methods are attributes of the builtin types; an item found by
	// the fallback is not.
	if _, ok := val.(*Func); ok {
		return val, nil
	}
	return missing, nil
}

// filterDictsort is dictsort(case_sensitive=False, by='key',
// reverse=False): the (key, value) pairs sorted.
func filterDictsort(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("do_dictsort", 0, "case_sensitive", "by", "reverse")
	if err != nil {
		return nil, err
	}
	cs, err := argBool(p[0], false)
	if err != nil {
		return nil, err
	}
	pos := 0
	switch Or(p[1], "key") {
	case "key":
	case "value":
		pos = 1
	default:
		return nil, fmt.Errorf(`you can only sort by either "key" or "value"`)
	}
	reverse, err := argBool(p[2], false)
	if err != nil {
		return nil, err
	}
	d, ok := v.(*Dict)
	if !ok {
		return nil, fmt.Errorf("'%s' object has no attribute 'items'", TypeName(v))
	}
	items := make([]Value, d.Len())
	keys := make([]Value, d.Len())
	for i := range items {
		items[i] = NewTuple(d.Key(i), d.Val(i))
		k := d.Key(i)
		if pos == 1 {
			k = d.Val(i)
		}
		if !cs {
			k = ignoreCase(k)
		}
		keys[i] = k
	}
	if err := sortKeys(items, keys, reverse); err != nil {
		return nil, err
	}
	return NewList(items), nil
}

// filterItems is items: the (key, value) pairs of a mapping; an undefined
// value has none.
func filterItems(s *State, v Value, a Args) (Value, error) {
	if err := noArgs("do_items", a); err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case Undefined:
		return NewList(nil), nil
	case *Dict:
		out := make([]Value, x.Len())
		for i := range out {
			out[i] = NewTuple(x.Key(i), x.Val(i))
		}
		return NewList(out), nil
	}
	return nil, fmt.Errorf("can only get item pairs from a mapping")
}

// filterXMLAttr is xmlattr(autospace=True).
func filterXMLAttr(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("do_xmlattr", 0, "autospace")
	if err != nil {
		return nil, err
	}
	autospace, err := argBool(p[0], true)
	if err != nil {
		return nil, err
	}
	d, ok := v.(*Dict)
	if !ok {
		return nil, fmt.Errorf("'%s' object has no attribute 'items'", TypeName(v))
	}
	var b strings.Builder
	for i := 0; i < d.Len(); i++ {
		val := d.Val(i)
		if val == nil {
			continue
		}
		if _, ok := val.(Undefined); ok {
			continue
		}
		key, ok := d.Key(i).(string)
		if !ok {
			return nil, fmt.Errorf("expected string or bytes-like object, got '%s'", TypeName(d.Key(i)))
		}
		if strings.ContainsFunc(key, func(r rune) bool {
			// [\s/>=] with re.ASCII: ASCII whitespace only.
			return strings.ContainsRune("/>= \t\n\r\f\v", r)
		}) {
			return nil, fmt.Errorf("invalid character in attribute name: %s", Repr(key))
		}
		str, err := boundedStr(s, "xmlattr", val)
		if err != nil {
			return nil, err
		}
		if err := s.CheckBytes("xmlattr", b.Len()+6*(len(key)+len(str))+4); err != nil {
			return nil, err
		}
		if b.Len() > 0 || autospace {
			b.WriteByte(' ')
		}
		b.WriteString(escapeHTML(key))
		b.WriteString(`="`)
		b.WriteString(escapeHTML(str))
		b.WriteByte('"')
	}
	return b.String(), nil
}
