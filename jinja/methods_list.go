package jinja

import (
	"errors"
	"fmt"
	"slices"
)

// listMethod returns the bound method name of a list or tuple, or nil.
func listMethod(l *List, name string) *Func {
	switch name {
	case "index":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 1, "value", "start", "stop")
			if err != nil {
				return nil, err
			}
			n := int64(len(l.Items))
			lo, err := optIntArg(p[1], 0)
			if err != nil {
				return nil, err
			}
			hi, err := optIntArg(p[2], n)
			if err != nil {
				return nil, err
			}
			lo, hi = clampIndex(lo, n, 0, n), clampIndex(hi, n, 0, n)
			for i := lo; i < hi; i++ {
				if Equal(l.Items[i], p[0]) {
					return i, nil
				}
			}
			if l.Tuple {
				return nil, errors.New("tuple.index(x): x not in tuple")
			}
			return nil, fmt.Errorf("%s is not in list", Repr(p[0]))
		})
	case "count":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 1, "value")
			if err != nil {
				return nil, err
			}
			var c int64
			for _, it := range l.Items {
				if Equal(it, p[0]) {
					c++
				}
			}
			return c, nil
		})
	}
	if l.Tuple {
		return nil
	}
	switch name {
	case "append":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 1, "object")
			if err != nil {
				return nil, err
			}
			if err := s.CheckItems("list.append", len(l.Items)+1); err != nil {
				return nil, err
			}
			l.Items = append(l.Items, p[0])
			return nil, nil
		})
	case "extend":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 1, "iterable")
			if err != nil {
				return nil, err
			}
			items, err := Iterate(p[0])
			if err != nil {
				return nil, err
			}
			if err := s.CheckItems("list.extend", len(l.Items)+len(items)); err != nil {
				return nil, err
			}
			l.Items = append(l.Items, items...)
			return nil, nil
		})
	case "insert":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 2, "index", "object")
			if err != nil {
				return nil, err
			}
			i, err := intArg(p[0])
			if err != nil {
				return nil, err
			}
			if err := s.CheckItems("list.insert", len(l.Items)+1); err != nil {
				return nil, err
			}
			n := int64(len(l.Items))
			i = clampIndex(i, n, 0, n)
			l.Items = slices.Insert(l.Items, int(i), p[1])
			return nil, nil
		})
	case "pop":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 0, "index")
			if err != nil {
				return nil, err
			}
			i, err := intArgOr(p[0], -1)
			if err != nil {
				return nil, err
			}
			n := int64(len(l.Items))
			if n == 0 {
				return nil, errors.New("pop from empty list")
			}
			if i < 0 {
				i += n
			}
			if i < 0 || i >= n {
				return nil, errors.New("pop index out of range")
			}
			v := l.Items[i]
			l.Items = slices.Delete(l.Items, int(i), int(i)+1)
			return v, nil
		})
	case "remove":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 1, "value")
			if err != nil {
				return nil, err
			}
			for i, it := range l.Items {
				if Equal(it, p[0]) {
					l.Items = slices.Delete(l.Items, i, i+1)
					return nil, nil
				}
			}
			return nil, errors.New("list.remove(x): x not in list")
		})
	case "reverse":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			if err := noArgs("list."+name, a); err != nil {
				return nil, err
			}
			slices.Reverse(l.Items)
			return nil, nil
		})
	case "sort":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			if len(a.Pos) > 0 {
				return nil, errors.New("sort() takes no positional arguments")
			}
			p, err := a.Bind(name, 0, "reverse", "key")
			if err != nil {
				return nil, err
			}
			if !IsMissing(p[1]) && p[1] != nil {
				return nil, errors.New("sort(): key is not supported")
			}
			rev, err := Truth(Or(p[0], false))
			if err != nil {
				return nil, err
			}
			return nil, SortValues(l.Items, rev)
		})
	case "copy":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			if err := noArgs("list."+name, a); err != nil {
				return nil, err
			}
			return NewList(slices.Clone(l.Items)), nil
		})
	case "clear":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			if err := noArgs("list."+name, a); err != nil {
				return nil, err
			}
			l.Items = l.Items[:0]
			return nil, nil
		})
	}
	return nil
}

// SortValues sorts items in place with Python's ordering, stably, as
// list.sort does (reverse keeps equal items in their order). It fails for
// unorderable items, leaving items in an unspecified order.
func SortValues(items []Value, reverse bool) error {
	var sortErr error
	cmp := func(x, y Value) int {
		if sortErr != nil {
			return 0
		}
		lt, err := Less(x, y)
		if err != nil {
			sortErr = err
			return 0
		}
		if lt {
			return -1
		}
		if gt, err := Less(y, x); err == nil && gt {
			return 1
		}
		return 0
	}
	if reverse {
		slices.Reverse(items)
	}
	slices.SortStableFunc(items, cmp)
	if reverse {
		slices.Reverse(items)
	}
	return sortErr
}
