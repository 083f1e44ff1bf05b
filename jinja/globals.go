package jinja

import (
	"errors"
	"fmt"
	"math"
)

// addBuiltinGlobals adds range, dict, namespace, cycler, joiner and lipsum.
func (e *Env) addBuiltinGlobals() {
	e.globals["range"] = &Func{Name: "range", Call: rangeFunc}
	e.globals["dict"] = &Func{Name: "dict", Call: dictFunc}
	e.globals["namespace"] = &Func{Name: "namespace", Call: namespaceFunc}
	e.globals["cycler"] = &Func{Name: "cycler", Call: cyclerFunc}
	e.globals["joiner"] = &Func{Name: "joiner", Call: joinerFunc}
	e.globals["lipsum"] = &Func{Name: "lipsum", Call: lipsumFunc}
}

// rangeFunc is Python's range(stop) / range(start, stop[, step]), as a list.
func rangeFunc(s *State, a Args) (Value, error) {
	if len(a.Kw) > 0 {
		return nil, errors.New("range() takes no keyword arguments")
	}
	ints := make([]int64, len(a.Pos))
	for i, v := range a.Pos {
		switch x := v.(type) {
		case int64:
			ints[i] = x
		case bool:
			if x {
				ints[i] = 1
			}
		case Undefined:
			return nil, x.Error()
		default:
			return nil, fmt.Errorf("'%s' object cannot be interpreted as an integer", TypeName(v))
		}
	}
	var start, stop, step int64 = 0, 0, 1
	switch len(ints) {
	case 1:
		stop = ints[0]
	case 2:
		start, stop = ints[0], ints[1]
	case 3:
		start, stop, step = ints[0], ints[1], ints[2]
	case 0:
		return nil, errors.New("range expected at least 1 argument, got 0")
	default:
		return nil, fmt.Errorf("range expected at most 3 arguments, got %d", len(ints))
	}
	if step == 0 {
		return nil, errors.New("range() arg 3 must not be zero")
	}
	var n uint64
	switch {
	case step > 0 && stop > start:
		n = (uint64(stop-start) + uint64(step) - 1) / uint64(step)
	case step < 0 && start > stop:
		n = (uint64(start-stop) + uint64(-step) - 1) / uint64(-step)
	}
	if n > uint64(s.limits.MaxValueItems) {
		return nil, s.CheckItems("range", int(min(n, math.MaxInt64)))
	}
	if err := s.CheckItems("range", int(n)); err != nil {
		return nil, err
	}
	items := make([]Value, n)
	v := start
	for i := range items {
		items[i] = v
		v += step
	}
	return NewList(items), nil
}

// dictFunc is dict(mapping or pairs, **kw).
func dictFunc(s *State, a Args) (Value, error) {
	if len(a.Pos) > 1 {
		return nil, fmt.Errorf("dict expected at most 1 argument, got %d", len(a.Pos))
	}
	d := NewDict(len(a.Kw))
	if len(a.Pos) == 1 {
		if err := mergeInto(d, a.Pos[0]); err != nil {
			return nil, err
		}
	}
	for _, kw := range a.Kw {
		d.SetStr(kw.Name, kw.Value)
	}
	return d, nil
}

// mergeInto adds the entries of a dict or a sequence of pairs to d.
func mergeInto(d *Dict, v Value) error {
	if src, ok := v.(*Dict); ok {
		for i := range src.Len() {
			if err := d.Set(src.Key(i), src.Val(i)); err != nil {
				return err
			}
		}
		return nil
	}
	items, err := Iterate(v)
	if err != nil {
		return err
	}
	for i, it := range items {
		pair, ok := it.(*List)
		if !ok || len(pair.Items) != 2 {
			return fmt.Errorf("dictionary update sequence element #%d has the wrong length or type", i)
		}
		if err := d.Set(pair.Items[0], pair.Items[1]); err != nil {
			return err
		}
	}
	return nil
}

// namespaceFunc is namespace(mapping, **kw).
func namespaceFunc(s *State, a Args) (Value, error) {
	d := NewDict(len(a.Kw))
	for _, p := range a.Pos {
		if err := mergeInto(d, p); err != nil {
			return nil, err
		}
	}
	for _, kw := range a.Kw {
		d.SetStr(kw.Name, kw.Value)
	}
	return &Namespace{Attrs: d}, nil
}

// cycler cycles through its items: next(), current, reset().
type cycler struct {
	items []Value
	pos   int
}

// TypeName is "Cycler".
func (c *cycler) TypeName() string { return "Cycler" }

// Attr returns next, reset and current.
func (c *cycler) Attr(name string) (Value, bool) {
	switch name {
	case "current":
		return c.items[c.pos], true
	case "next":
		return &Func{Name: "next", Call: func(*State, Args) (Value, error) {
			v := c.items[c.pos]
			c.pos = (c.pos + 1) % len(c.items)
			return v, nil
		}}, true
	case "reset":
		return &Func{Name: "reset", Call: func(*State, Args) (Value, error) {
			c.pos = 0
			return nil, nil
		}}, true
	case "items":
		return NewList(c.items), true
	}
	return nil, false
}

func cyclerFunc(s *State, a Args) (Value, error) {
	if len(a.Pos) == 0 {
		return nil, errors.New("at least one item has to be provided")
	}
	return &cycler{items: append([]Value(nil), a.Pos...)}, nil
}

// joinerFunc is joiner(sep=", "): a callable returning "" the first time
// and sep afterwards.
func joinerFunc(s *State, a Args) (Value, error) {
	args, err := a.Bind("joiner", 0, "sep")
	if err != nil {
		return nil, err
	}
	sep, err := Str(Or(args[0], ", "))
	if err != nil {
		return nil, err
	}
	used := false
	return &Func{Name: "joiner", Call: func(*State, Args) (Value, error) {
		if !used {
			used = true
			return "", nil
		}
		return sep, nil
	}}, nil
}
