package jinja

import (
	"errors"
	"fmt"
)

// dictMethod returns the bound method name of a dict, or nil.
func dictMethod(d *Dict, name string) *Func {
	switch name {
	case "items":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			if err := noArgs("dict."+name, a); err != nil {
				return nil, err
			}
			items := make([]Value, d.Len())
			for i := range items {
				items[i] = NewTuple(d.keys[i], d.vals[i])
			}
			return &List{Items: items, View: "dict_items"}, nil
		})
	case "keys":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			if err := noArgs("dict."+name, a); err != nil {
				return nil, err
			}
			return &List{Items: d.Keys(), View: "dict_keys"}, nil
		})
	case "values":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			if err := noArgs("dict."+name, a); err != nil {
				return nil, err
			}
			return &List{Items: d.Values(), View: "dict_values"}, nil
		})
	case "get":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := keyDefaultArgs(name, a)
			if err != nil {
				return nil, err
			}
			if v, ok := d.Get(p[0]); ok {
				return v, nil
			}
			return Or(p[1], nil), nil
		})
	case "pop":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := keyDefaultArgs(name, a)
			if err != nil {
				return nil, err
			}
			if v, ok := d.Get(p[0]); ok {
				d.Delete(p[0])
				return v, nil
			}
			if !IsMissing(p[1]) {
				return p[1], nil
			}
			return nil, pyError(fmt.Sprintf("KeyError: %s", Repr(p[0])))
		})
	case "setdefault":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 1, "key", "default")
			if err != nil {
				return nil, err
			}
			if v, ok := d.Get(p[0]); ok {
				return v, nil
			}
			if err := s.CheckItems("dict.setdefault", d.Len()+1); err != nil {
				return nil, err
			}
			v := Or(p[1], nil)
			return v, d.Set(p[0], v)
		})
	case "update":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			if len(a.Pos) > 1 {
				return nil, fmt.Errorf("update expected at most 1 argument, got %d", len(a.Pos))
			}
			if len(a.Pos) == 1 {
				if err := dictUpdate(s, d, a.Pos[0]); err != nil {
					return nil, err
				}
			}
			if err := s.CheckItems("dict.update", d.Len()+len(a.Kw)); err != nil {
				return nil, err
			}
			for _, kw := range a.Kw {
				d.SetStr(kw.Name, kw.Value)
			}
			return nil, nil
		})
	case "clear":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			if err := noArgs("dict."+name, a); err != nil {
				return nil, err
			}
			*d = *NewDict(0)
			return nil, nil
		})
	case "popitem":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			if err := noArgs("dict."+name, a); err != nil {
				return nil, err
			}
			n := d.Len()
			if n == 0 {
				return nil, errors.New("KeyError: 'popitem(): dictionary is empty'")
			}
			k, v := d.keys[n-1], d.vals[n-1]
			d.Delete(k)
			return NewTuple(k, v), nil
		})
	case "copy":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			if err := noArgs("dict."+name, a); err != nil {
				return nil, err
			}
			return d.Copy(), nil
		})
	}
	return nil
}

// hashable reports Python's TypeError for an unhashable key.
func hashable(k Value) error {
	if u, ok := k.(Undefined); ok {
		return u.Error()
	}
	_, err := hashKey(k)
	return err
}

// dictUpdate is d.update(other): a dict, or an iterable of key/value pairs.
func dictUpdate(s *State, d *Dict, other Value) error {
	if o, ok := other.(*Dict); ok {
		if err := s.CheckItems("dict.update", d.Len()+o.Len()); err != nil {
			return err
		}
		for i := range o.keys {
			if err := d.Set(o.keys[i], o.vals[i]); err != nil {
				return err
			}
		}
		return nil
	}
	items, err := Iterate(other)
	if err != nil {
		return err
	}
	if err := s.CheckItems("dict.update", d.Len()+len(items)); err != nil {
		return err
	}
	for i, it := range items {
		pair, err := Iterate(it)
		if err != nil {
			return fmt.Errorf("cannot convert dictionary update sequence element #%d to a sequence", i)
		}
		if len(pair) != 2 {
			return fmt.Errorf("dictionary update sequence element #%d has length %d; 2 is required", i, len(pair))
		}
		if err := d.Set(pair[0], pair[1]); err != nil {
			return err
		}
	}
	return nil
}

// keyDefaultArgs binds the positional (key, default=missing) arguments of
// dict.get and dict.pop, which take no keywords and need a hashable key.
func keyDefaultArgs(name string, a Args) ([]Value, error) {
	if len(a.Kw) > 0 {
		return nil, errors.New(name + "() takes no keyword arguments")
	}
	p, err := a.Bind(name, 1, "key", "default")
	if err != nil {
		return nil, err
	}
	if err := hashable(p[0]); err != nil {
		return nil, err
	}
	return p, nil
}
