package jinja

import "fmt"

// argList is a compiled argument list.
type argList struct {
	pos      []exprFn
	kwNames  []string
	kw       []exprFn
	star     exprFn
	starStar exprFn
}

func (c *compiler) args(pos []Expr, kws []Kwarg, star, starStar Expr) (*argList, error) {
	a := &argList{}
	var err error
	if a.pos, err = c.exprs(pos); err != nil {
		return nil, err
	}
	for _, kw := range kws {
		fn, err := c.expr(kw.Value)
		if err != nil {
			return nil, err
		}
		a.kwNames = append(a.kwNames, kw.Name)
		a.kw = append(a.kw, fn)
	}
	if star != nil {
		if a.star, err = c.expr(star); err != nil {
			return nil, err
		}
	}
	if starStar != nil {
		if a.starStar, err = c.expr(starStar); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func (a *argList) empty() bool {
	return a == nil || len(a.pos) == 0 && len(a.kw) == 0 && a.star == nil && a.starStar == nil
}

// eval evaluates the arguments.
func (a *argList) eval(f *frame) (Args, error) {
	var out Args
	if a.empty() {
		return out, nil
	}
	if len(a.pos) > 0 {
		var err error
		if out.Pos, err = evalAll(f, a.pos); err != nil {
			return out, err
		}
	}
	if a.star != nil {
		v, err := a.star(f)
		if err != nil {
			return out, err
		}
		items, err := Iterate(v)
		if err != nil {
			return out, err
		}
		out.Pos = append(out.Pos, items...)
	}
	for i, fn := range a.kw {
		v, err := fn(f)
		if err != nil {
			return out, err
		}
		out.Kw = append(out.Kw, KwArg{Name: a.kwNames[i], Value: v})
	}
	if a.starStar != nil {
		v, err := a.starStar(f)
		if err != nil {
			return out, err
		}
		d, ok := v.(*Dict)
		if !ok {
			return out, fmt.Errorf("argument after ** must be a mapping, not %s", TypeName(v))
		}
		for i := range d.Len() {
			k, ok := d.Key(i).(string)
			if !ok {
				return out, fmt.Errorf("keywords must be strings")
			}
			out.Kw = append(out.Kw, KwArg{Name: k, Value: d.Val(i)})
		}
	}
	return out, nil
}

func (c *compiler) filter(n *Filter, x exprFn) (exprFn, error) {
	fn, ok := c.env.filters[n.Name]
	if !ok {
		if !c.soft {
			return nil, c.errorf(n.Pos, ErrUnknownFilter, "No filter named '%s'.", n.Name)
		}
		err := c.errorf(n.Pos, ErrUnknownFilter, "No filter named '%s' found.", n.Name)
		return func(*frame) (Value, error) { return nil, err }, nil
	}
	a, err := c.args(n.Args, n.Kwargs, n.Star, n.StarStar)
	if err != nil {
		return nil, err
	}
	if x == nil {
		return nil, c.errorf(n.Pos, ErrSyntax, "filter '%s' has no input", n.Name)
	}
	tn, pos := c.name_, n.Pos
	if a.empty() {
		return func(f *frame) (Value, error) {
			v, err := x(f)
			if err != nil {
				return nil, err
			}
			r, err := fn(f.r.s, v, Args{})
			if err != nil {
				return nil, posError(tn, pos, err)
			}
			return r, nil
		}, nil
	}
	return func(f *frame) (Value, error) {
		v, err := x(f)
		if err != nil {
			return nil, err
		}
		args, err := a.eval(f)
		if err != nil {
			return nil, posError(tn, pos, err)
		}
		r, err := fn(f.r.s, v, args)
		if err != nil {
			return nil, posError(tn, pos, err)
		}
		return r, nil
	}, nil
}

func (c *compiler) test(n *Test) (exprFn, error) {
	fn, ok := c.env.tests[n.Name]
	if !ok {
		if !c.soft {
			return nil, c.errorf(n.Pos, ErrUnknownFilter, "No test named '%s'.", n.Name)
		}
		err := c.errorf(n.Pos, ErrUnknownFilter, "No test named '%s' found.", n.Name)
		return func(*frame) (Value, error) { return nil, err }, nil
	}
	x, err := c.expr(n.X)
	if err != nil {
		return nil, err
	}
	a, err := c.args(n.Args, n.Kwargs, nil, nil)
	if err != nil {
		return nil, err
	}
	tn, pos, neg := c.name_, n.Pos, n.Negated
	return func(f *frame) (Value, error) {
		v, err := x(f)
		if err != nil {
			return nil, err
		}
		args, err := a.eval(f)
		if err != nil {
			return nil, posError(tn, pos, err)
		}
		ok, err := fn(f.r.s, v, args)
		if err != nil {
			return nil, posError(tn, pos, err)
		}
		return ok != neg, nil
	}, nil
}
