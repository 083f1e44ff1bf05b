package jinja

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
)

// filterLength is length/count: Python's len().
func filterLength(s *State, v Value, a Args) (Value, error) {
	if err := noArgs("len", a); err != nil {
		return nil, err
	}
	if g, ok := v.(*Group); ok {
		v = g.Tuple()
	}
	n, err := Length(v)
	return int64(n), err
}

// filterList is list: a new list of the items (a string's characters, a
// dict's keys).
func filterList(s *State, v Value, a Args) (Value, error) {
	if err := noArgs("list", a); err != nil {
		return nil, err
	}
	if str, ok := v.(string); ok {
		if err := s.CheckItems("list", runeLen(str)); err != nil {
			return nil, err
		}
	}
	items, err := iterItems(s, v)
	if err != nil {
		return nil, err
	}
	if err := s.CheckItems("list", len(items)); err != nil {
		return nil, err
	}
	if l, ok := v.(*List); ok && len(l.Items) > 0 {
		items = append([]Value(nil), l.Items...)
	}
	return NewList(items), nil
}

// filterFirst is first: the first item, undefined for an empty sequence.
func filterFirst(s *State, v Value, a Args) (Value, error) {
	if err := noArgs("first", a); err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case string:
		for _, r := range x {
			return string(r), nil
		}
		return Undefined{Hint: "No first item, sequence was empty."}, nil
	case *Dict:
		if x.Len() == 0 {
			return Undefined{Hint: "No first item, sequence was empty."}, nil
		}
		return x.Key(0), nil
	}
	items, err := iterItems(s, v)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return Undefined{Hint: "No first item, sequence was empty."}, nil
	}
	return items[0], nil
}

// filterLast is last: the last item, undefined for an empty sequence.
func filterLast(s *State, v Value, a Args) (Value, error) {
	if err := noArgs("last", a); err != nil {
		return nil, err
	}
	switch x := asTuple(v).(type) {
	case string:
		if x == "" {
			return Undefined{Hint: "No last item, sequence was empty."}, nil
		}
		r := []rune(x)
		return string(r[len(r)-1]), nil
	case *Dict:
		if x.Len() == 0 {
			return Undefined{Hint: "No last item, sequence was empty."}, nil
		}
		return x.Key(x.Len() - 1), nil
	case *List:
		if len(x.Items) == 0 {
			return Undefined{Hint: "No last item, sequence was empty."}, nil
		}
		return x.Items[len(x.Items)-1], nil
	}
	return nil, fmt.Errorf("'%s' object is not reversible", TypeName(v))
}

// filterRandom is random: a random item. It is not deterministic (as in
// Jinja2); templates that must render reproducibly should not use it.
func filterRandom(s *State, v Value, a Args) (Value, error) {
	if err := noArgs("random", a); err != nil {
		return nil, err
	}
	var items []Value
	switch x := v.(type) {
	case string:
		items, _ = iterItems(s, x)
	case *List:
		items = x.Items
	default:
		return nil, fmt.Errorf("object of type '%s' has no len()", TypeName(v))
	}
	if len(items) == 0 {
		return Undefined{Hint: "No random item, sequence was empty."}, nil
	}
	return items[rand.IntN(len(items))], nil
}

// filterJoin is join(d=”, attribute=None).
func filterJoin(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("join", 0, "d", "attribute")
	if err != nil {
		return nil, err
	}
	sep := ""
	if !IsMissing(p[0]) {
		if sep, err = boundedStr(s, "join", p[0]); err != nil {
			return nil, err
		}
	}
	items, err := iterItems(s, v)
	if err != nil {
		return nil, err
	}
	var path attrPath
	if !IsMissing(p[1]) && p[1] != nil {
		if path, err = parseAttr(p[1]); err != nil {
			return nil, err
		}
	}
	if len(items) == 0 {
		return "", nil
	}
	if len(sep) > 0 && len(items)-1 > s.limits.MaxValueBytes/len(sep) {
		return nil, s.CheckBytes("join", -1)
	}
	size := (len(items) - 1) * len(sep)
	if err := s.CheckBytes("join", size); err != nil {
		return nil, err
	}
	strs := make([]string, len(items))
	for i, it := range items {
		if path != nil {
			if it, err = path.get(s, it, nil); err != nil {
				return nil, err
			}
		}
		str, err := boundedStr(s, "join", it)
		if err != nil {
			return nil, err
		}
		size += len(str)
		if err := s.CheckBytes("join", size); err != nil {
			return nil, err
		}
		strs[i] = str
	}
	return strings.Join(strs, sep), nil
}

// filterReverse is reverse: a reversed string, or the items in reverse
// order (a list, where Jinja2 returns an iterator).
func filterReverse(s *State, v Value, a Args) (Value, error) {
	if err := noArgs("reverse", a); err != nil {
		return nil, err
	}
	if str, ok := v.(string); ok {
		r := []rune(str)
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return string(r), nil
	}
	items, err := iterItems(s, v)
	if err != nil {
		return nil, fmt.Errorf("argument must be iterable")
	}
	out := make([]Value, len(items))
	for i, it := range items {
		out[len(items)-1-i] = it
	}
	return NewList(out), nil
}

// sortKeys sorts items by keys with Python's sorted (stable; reverse keeps
// equal items in their order), reporting the first comparison error.
func sortKeys(items, keys []Value, reverse bool) error {
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	var cerr error
	sort.SliceStable(idx, func(i, j int) bool {
		if cerr != nil {
			return false
		}
		a, b := keys[idx[i]], keys[idx[j]]
		if reverse {
			a, b = b, a
		}
		lt, err := Less(a, b)
		if err != nil {
			cerr = err
		}
		return lt
	})
	if cerr != nil {
		return cerr
	}
	sorted := make([]Value, len(items))
	sortedKeys := make([]Value, len(items))
	for i, k := range idx {
		sorted[i] = items[k]
		sortedKeys[i] = keys[k]
	}
	copy(items, sorted)
	copy(keys, sortedKeys)
	return nil
}

// filterSort is sort(reverse=False, case_sensitive=False, attribute=None);
// attribute may name several comma-separated dotted paths.
func filterSort(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("do_sort", 0, "reverse", "case_sensitive", "attribute")
	if err != nil {
		return nil, err
	}
	reverse, err := argBool(p[0], false)
	if err != nil {
		return nil, err
	}
	cs, err := argBool(p[1], false)
	if err != nil {
		return nil, err
	}
	var paths []attrPath
	switch attr := Or(p[2], nil).(type) {
	case string:
		for _, part := range strings.Split(attr, ",") {
			path, _ := parseAttr(part)
			paths = append(paths, path)
		}
	default:
		path, err := parseAttr(attr)
		if err != nil {
			return nil, err
		}
		paths = []attrPath{path}
	}
	src, err := iterItems(s, v)
	if err != nil {
		return nil, err
	}
	items := append([]Value(nil), src...)
	keys := make([]Value, len(items))
	for i, it := range items {
		k := make([]Value, len(paths))
		for j, path := range paths {
			kv, err := path.get(s, it, nil)
			if err != nil {
				return nil, err
			}
			if !cs {
				kv = ignoreCase(kv)
			}
			k[j] = kv
		}
		keys[i] = NewList(k)
	}
	if err := sortKeys(items, keys, reverse); err != nil {
		return nil, err
	}
	return NewList(items), nil
}

// filterUnique is unique(case_sensitive=False, attribute=None): the items
// in first-seen order, one per key.
func filterUnique(s *State, v Value, a Args) (Value, error) {
	cs, path, items, err := caseAttrArgs(s, v, a, "do_unique")
	if err != nil {
		return nil, err
	}
	seen := make(map[any]bool, len(items))
	var out []Value
	for _, it := range items {
		k, err := path.get(s, it, nil)
		if err != nil {
			return nil, err
		}
		if !cs {
			k = ignoreCase(k)
		}
		h, err := hashKey(k)
		if err != nil {
			return nil, err
		}
		if !seen[h] {
			seen[h] = true
			out = append(out, it)
		}
	}
	return NewList(out), nil
}

// minMax is min and max(case_sensitive=False, attribute=None).
func minMax(name string, max bool) FilterFunc {
	return func(s *State, v Value, a Args) (Value, error) {
		cs, path, items, err := caseAttrArgs(s, v, a, "do_"+name)
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return Undefined{Hint: "No aggregated item, sequence was empty."}, nil
		}
		key := func(it Value) (Value, error) {
			k, err := path.get(s, it, nil)
			if err == nil && !cs {
				k = ignoreCase(k)
			}
			return k, err
		}
		best := items[0]
		bestKey, err := key(best)
		if err != nil {
			return nil, err
		}
		for _, it := range items[1:] {
			k, err := key(it)
			if err != nil {
				return nil, err
			}
			var better bool
			if max {
				better, err = Less(bestKey, k)
			} else {
				better, err = Less(k, bestKey)
			}
			if err != nil {
				return nil, err
			}
			if better {
				best, bestKey = it, k
			}
		}
		return best, nil
	}
}

// filterSum is sum(attribute=None, start=0).
func filterSum(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("do_sum", 0, "attribute", "start")
	if err != nil {
		return nil, err
	}
	path, err := parseAttr(Or(p[0], nil))
	if err != nil {
		return nil, err
	}
	total := Or(p[1], int64(0))
	if _, ok := total.(string); ok {
		return nil, fmt.Errorf("sum() can't sum strings [use ''.join(seq) instead]")
	}
	items, err := iterItems(s, v)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		x, err := path.get(s, it, nil)
		if err != nil {
			return nil, err
		}
		if total, err = BinaryOp(s, "+", total, x); err != nil {
			return nil, err
		}
	}
	return total, nil
}

// unknownName is a filter or test that does not exist, named at run time
// by map, select or reject.
type unknownName struct{ msg string }

func (e *unknownName) Error() string { return e.msg }
func (e *unknownName) Unwrap() error { return ErrUnknownFilter }

// filterMap is map(name, *args, **kwargs) or map(attribute=, default=).
func filterMap(s *State, v Value, a Args) (Value, error) {
	truth, err := Truth(v)
	if err != nil {
		return nil, err
	}
	if !truth {
		return NewList(nil), nil
	}
	var fn func(Value) (Value, error)
	if attr, ok := kwGet(a, "attribute"); ok && len(a.Pos) == 0 {
		var def Value
		for _, kw := range a.Kw {
			switch kw.Name {
			case "attribute":
			case "default":
				def = kw.Value
			default:
				return nil, fmt.Errorf("unexpected keyword argument '%s'", kw.Name)
			}
		}
		path, err := parseAttr(attr)
		if err != nil {
			return nil, err
		}
		fn = func(it Value) (Value, error) { return path.get(s, it, def) }
	} else {
		if len(a.Pos) == 0 {
			return nil, fmt.Errorf("map requires a filter argument")
		}
		name, err := Str(a.Pos[0])
		if err != nil {
			return nil, err
		}
		f, ok := s.Env().Filter(name)
		if !ok {
			return nil, &unknownName{msg: fmt.Sprintf("No filter named '%s'.", name)}
		}
		rest := Args{Pos: a.Pos[1:], Kw: a.Kw}
		fn = func(it Value) (Value, error) { return f(s, it, rest) }
	}
	items, err := iterItems(s, v)
	if err != nil {
		return nil, err
	}
	if err := s.CheckItems("map", len(items)); err != nil {
		return nil, err
	}
	out := make([]Value, len(items))
	for i, it := range items {
		if err := s.Tick(); err != nil {
			return nil, err
		}
		if out[i], err = fn(it); err != nil {
			return nil, err
		}
	}
	return NewList(out), nil
}

// selectFilter is select, reject, selectattr and rejectattr.
func selectFilter(keep, attr bool) FilterFunc {
	return func(s *State, v Value, a Args) (Value, error) {
		truth, err := Truth(v)
		if err != nil {
			return nil, err
		}
		if !truth {
			return NewList(nil), nil
		}
		pos := a.Pos
		var path attrPath
		if attr {
			if len(pos) == 0 {
				return nil, fmt.Errorf("missing parameter for attribute name")
			}
			if path, err = parseAttr(pos[0]); err != nil {
				return nil, err
			}
			pos = pos[1:]
		}
		test := func(x Value) (bool, error) { return Truth(x) }
		if len(pos) > 0 {
			name, err := Str(pos[0])
			if err != nil {
				return nil, err
			}
			t, ok := s.Env().Test(name)
			if !ok {
				return nil, &unknownName{msg: fmt.Sprintf("No test named '%s'.", name)}
			}
			rest := Args{Pos: pos[1:], Kw: a.Kw}
			test = func(x Value) (bool, error) { return t(s, x, rest) }
		}
		items, err := iterItems(s, v)
		if err != nil {
			return nil, err
		}
		var out []Value
		for _, it := range items {
			if err := s.Tick(); err != nil {
				return nil, err
			}
			x := it
			if attr {
				if x, err = path.get(s, it, nil); err != nil {
					return nil, err
				}
			}
			ok, err := test(x)
			if err != nil {
				return nil, err
			}
			if ok == keep {
				out = append(out, it)
			}
		}
		return NewList(out), nil
	}
}

// filterBatch is batch(linecount, fill_with=None).
func filterBatch(s *State, v Value, a Args) (Value, error) {
	n, fill, items, err := countFillArgs(s, v, a, "do_batch", "linecount")
	if err != nil {
		return nil, err
	}
	var out []Value
	var tmp []Value
	for _, it := range items {
		if len(tmp) == n {
			out = append(out, NewList(tmp))
			tmp = nil
		}
		tmp = append(tmp, it)
	}
	if len(tmp) > 0 {
		if fill != nil && len(tmp) < n {
			if err := s.CheckItems("batch", n); err != nil {
				return nil, err
			}
			for len(tmp) < n {
				tmp = append(tmp, fill)
			}
		}
		out = append(out, NewList(tmp))
	}
	return NewList(out), nil
}

// filterSlice is slice(slices, fill_with=None).
func filterSlice(s *State, v Value, a Args) (Value, error) {
	slices, fill, items, err := countFillArgs(s, v, a, "do_slice", "slices")
	if err != nil {
		return nil, err
	}
	if slices == 0 {
		return nil, fmt.Errorf("integer division or modulo by zero")
	}
	if slices < 0 {
		return NewList(nil), nil
	}
	if err := s.CheckItems("slice", slices); err != nil {
		return nil, err
	}
	length := len(items)
	per := length / slices
	extra := length % slices
	out := make([]Value, 0, slices)
	offset := 0
	for i := 0; i < slices; i++ {
		start := offset + i*per
		if i < extra {
			offset++
		}
		end := offset + (i+1)*per
		tmp := append([]Value(nil), items[start:end]...)
		if fill != nil && i >= extra {
			tmp = append(tmp, fill)
		}
		out = append(out, NewList(tmp))
	}
	return NewList(out), nil
}

// Group is one item of groupby's result: the tuple (grouper, list) whose
// fields are also attributes, like Jinja2's _GroupTuple namedtuple.
type Group struct {
	Grouper Value
	List    *List
}

// Attr returns the grouper and list attributes.
func (g *Group) Attr(name string) (Value, bool) {
	switch name {
	case "grouper":
		return g.Grouper, true
	case "list":
		return g.List, true
	}
	return nil, false
}

// TypeName is "tuple": a group behaves as a 2-tuple.
func (g *Group) TypeName() string { return "tuple" }

// Tuple returns the group as the 2-tuple (grouper, list), for unpacking,
// indexing and iteration.
func (g *Group) Tuple() *List { return NewTuple(g.Grouper, g.List) }

// Repr prints the group as a tuple.
func (g *Group) Repr() string { return Repr(g.Tuple()) }

// filterGroupby is groupby(attribute, default=None, case_sensitive=False).
func filterGroupby(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("do_groupby", 1, "attribute", "default", "case_sensitive")
	if err != nil {
		return nil, err
	}
	path, err := parseAttr(p[0])
	if err != nil {
		return nil, err
	}
	def := Or(p[1], nil)
	cs, err := argBool(p[2], false)
	if err != nil {
		return nil, err
	}
	src, err := iterItems(s, v)
	if err != nil {
		return nil, err
	}
	items := append([]Value(nil), src...)
	keys := make([]Value, len(items))
	for i, it := range items {
		k, err := path.get(s, it, def)
		if err != nil {
			return nil, err
		}
		if !cs {
			k = ignoreCase(k)
		}
		keys[i] = k
	}
	if err := sortKeys(items, keys, false); err != nil {
		return nil, err
	}
	var out []Value
	for i := 0; i < len(items); {
		j := i + 1
		for j < len(items) && Equal(keys[j], keys[i]) {
			j++
		}
		grouper := keys[i]
		if !cs {
			if grouper, err = path.get(s, items[i], def); err != nil {
				return nil, err
			}
		}
		out = append(out, &Group{Grouper: grouper, List: NewList(append([]Value(nil), items[i:j]...))})
		i = j
	}
	return NewList(out), nil
}

// countFillArgs binds the (count, fill_with=None) arguments batch and slice
// share, under Jinja2's function name py and argument name count, and
// returns the items of the filtered value v.
func countFillArgs(s *State, v Value, a Args, py, count string) (int, Value, []Value, error) {
	p, err := a.Bind(py, 1, count, "fill_with")
	if err != nil {
		return 0, nil, nil, err
	}
	n, err := argInt(p[0])
	if err != nil {
		return 0, nil, nil, err
	}
	items, err := iterItems(s, v)
	if err != nil {
		return 0, nil, nil, err
	}
	return n, Or(p[1], nil), items, nil
}

// caseAttrArgs binds the (case_sensitive=False, attribute=None) arguments
// unique, min and max share, under Jinja2's function name py, and returns
// the items of the filtered value v.
func caseAttrArgs(s *State, v Value, a Args, py string) (bool, attrPath, []Value, error) {
	p, err := a.Bind(py, 0, "case_sensitive", "attribute")
	if err != nil {
		return false, nil, nil, err
	}
	cs, err := argBool(p[0], false)
	if err != nil {
		return false, nil, nil, err
	}
	path, err := parseAttr(Or(p[1], nil))
	if err != nil {
		return false, nil, nil, err
	}
	items, err := iterItems(s, v)
	if err != nil {
		return false, nil, nil, err
	}
	return cs, path, items, nil
}
