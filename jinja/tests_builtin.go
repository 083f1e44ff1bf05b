package jinja

import "unicode"

// testOne binds the single required parameter of a test.
func testOne(name string, a Args, param string) (Value, error) {
	p, err := a.Bind(name, 1, param)
	if err != nil {
		return nil, err
	}
	return p[0], nil
}

// typeTest is a test of the value's type alone; it holds for no undefined
// value and takes no argument.
func typeTest(name string, f func(Value) bool) TestFunc {
	return func(s *State, v Value, a Args) (bool, error) {
		if err := noArgs(name, a); err != nil {
			return false, err
		}
		return f(v), nil
	}
}

func parityTest(name string, want int64) TestFunc {
	return func(s *State, v Value, a Args) (bool, error) {
		if err := noArgs(name, a); err != nil {
			return false, err
		}
		r, err := BinaryOp(s, "%", v, int64(2))
		if err != nil {
			return false, err
		}
		return Equal(r, want), nil
	}
}

func testDivisibleby(s *State, v Value, a Args) (bool, error) {
	num, err := testOne("test_divisibleby", a, "num")
	if err != nil {
		return false, err
	}
	r, err := BinaryOp(s, "%", v, num)
	if err != nil {
		return false, err
	}
	return Equal(r, int64(0)), nil
}

func testDefined(s *State, v Value, a Args) (bool, error) {
	if err := noArgs("test_defined", a); err != nil {
		return false, err
	}
	_, u := v.(Undefined)
	return !u, nil
}

func testUndefined(s *State, v Value, a Args) (bool, error) {
	d, err := testDefined(s, v, a)
	return !d, err
}

// nameTest is the filter and test tests: whether a filter or test of that
// name exists.
func nameTest(filter bool) TestFunc {
	return func(s *State, v Value, a Args) (bool, error) {
		if err := noArgs("test_filter", a); err != nil {
			return false, err
		}
		switch x := v.(type) {
		case Undefined:
			return false, x.Error()
		case string:
			if filter {
				_, ok := s.Env().Filter(x)
				return ok, nil
			}
			_, ok := s.Env().Test(x)
			return ok, nil
		}
		if _, err := hashKey(v); err != nil {
			return false, err
		}
		return false, nil
	}
}

// caseTest is lower and upper: str.islower / str.isupper.
func caseTest(name string, upper bool) TestFunc {
	return func(s *State, v Value, a Args) (bool, error) {
		if err := noArgs(name, a); err != nil {
			return false, err
		}
		str, err := Str(v)
		if err != nil {
			return false, err
		}
		cased := false
		for _, r := range str {
			switch {
			case unicode.IsUpper(r) || unicode.IsTitle(r):
				if !upper || unicode.IsTitle(r) {
					return false, nil
				}
				cased = true
			case unicode.IsLower(r):
				if upper {
					return false, nil
				}
				cased = true
			}
		}
		return cased, nil
	}
}

// isSequence is Jinja2's sequence test: len() and item access work (a dict
// view has a length but no items by index).
func isSequence(v Value) bool {
	switch x := v.(type) {
	case string, *Dict, *Group:
		return true
	case *List:
		return x.View == ""
	}
	return false
}

func testIterable(s *State, v Value, a Args) (bool, error) {
	if err := noArgs("test_iterable", a); err != nil {
		return false, err
	}
	switch x := v.(type) {
	case Undefined:
		return false, x.Error()
	case string, *List, *Dict, *Group:
		return true, nil
	}
	return false, nil
}

func testCallable(s *State, v Value, a Args) (bool, error) {
	if err := noArgs("callable", a); err != nil {
		return false, err
	}
	switch v.(type) {
	case *Func, Undefined:
		// An undefined value is callable in Jinja2 (calling it fails).
		return true, nil
	}
	return false, nil
}

// testSameas is Python's "is": identity of references, equality of
// scalars of the same type.
func testSameas(s *State, v Value, a Args) (bool, error) {
	other, err := testOne("test_sameas", a, "other")
	if err != nil {
		return false, err
	}
	switch x := v.(type) {
	case nil:
		return other == nil, nil
	case bool, int64, float64, string:
		return v == other, nil
	case *List:
		y, ok := other.(*List)
		return ok && x == y, nil
	case *Dict:
		y, ok := other.(*Dict)
		return ok && x == y, nil
	case *Func:
		y, ok := other.(*Func)
		return ok && x == y, nil
	case *Namespace:
		y, ok := other.(*Namespace)
		return ok && x == y, nil
	case *Group:
		y, ok := other.(*Group)
		return ok && x == y, nil
	}
	return false, nil
}

// testIn is "in": value in seq.
func testIn(s *State, v Value, a Args) (bool, error) {
	seq, err := testOne("test_in", a, "seq")
	if err != nil {
		return false, err
	}
	if g, ok := seq.(*Group); ok {
		seq = g.Tuple()
	}
	return CompareOp("in", v, seq)
}

// compareTest is a comparison test (eq, ne, lt, le, gt, ge and aliases).
func compareTest(op string) TestFunc {
	return func(s *State, v Value, a Args) (bool, error) {
		other, err := testOne(op, a, "b")
		if err != nil {
			return false, err
		}
		if u, ok := v.(Undefined); ok {
			return false, u.Error()
		}
		if u, ok := other.(Undefined); ok {
			return false, u.Error()
		}
		return CompareOp(op, v, other)
	}
}
