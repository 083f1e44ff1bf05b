package policy

import (
	"regexp"
	"strings"
)

// cond is a compiled condition.
type cond interface {
	eval(e *env) bool
}

type andCond struct{ a, b cond }

func (c *andCond) eval(e *env) bool {
	e.depth++
	r := c.a.eval(e) && c.b.eval(e)
	e.depth--
	return r
}

type orCond struct{ a, b cond }

func (c *orCond) eval(e *env) bool {
	e.depth++
	r := c.a.eval(e) || c.b.eval(e)
	e.depth--
	return r
}

type notCond struct{ x cond }

func (c *notCond) eval(e *env) bool {
	e.depth++
	r := !c.x.eval(e)
	e.depth--
	return r
}

// nullCond is IS NULL / IS NOT NULL: a missing field counts as null.
type nullCond struct {
	x    operand
	not  bool
	text string
}

func (c *nullCond) eval(e *env) bool {
	v, ok := c.x.value(e)
	isNull := !ok || v == nil
	r := isNull != c.not
	if e.explain {
		e.step(c.text, r, v)
	}
	return r
}

// truthCond holds when its operand is the boolean true.
type truthCond struct {
	x    operand
	text string
}

func (c *truthCond) eval(e *env) bool {
	v, ok := c.x.value(e)
	r := false
	if ok && v != nil {
		b, isBool := v.(bool)
		if !isBool {
			e.warn("type mismatch: " + c.text + " is " + typeName(v) + ", expected boolean")
		}
		r = isBool && b
	}
	if e.explain {
		e.step(c.text, r, v)
	}
	return r
}

// cmpCond is a binary comparison.
type cmpCond struct {
	op           CompareOp
	x, y         operand
	re           *regexp.Regexp
	strSet       map[string]struct{} // IN / NOT IN over a constant string list
	text         string
	xText, yText string
}

func (c *cmpCond) eval(e *env) bool {
	r, xv := c.test(e)
	if e.explain {
		e.step(c.text, r, xv)
	}
	return r
}

func (c *cmpCond) mismatch(e *env, xv, yv any) {
	e.warn("type mismatch: " + c.xText + " (" + typeName(xv) + ") " + c.op.String() + " " + c.yText + " (" + typeName(yv) + ")")
}

func (c *cmpCond) test(e *env) (bool, any) {
	xv, ok := c.x.value(e)
	if !ok {
		return false, nil
	}
	switch c.op {
	case OpMatches, OpRegex, OpNRegex:
		if xv == nil {
			return false, nil
		}
		s, isStr := xv.(string)
		if !isStr {
			e.warn("type mismatch: " + c.xText + " (" + typeName(xv) + ") " + c.op.String() + " needs a string")
			return false, xv
		}
		return c.re.MatchString(s) != (c.op == OpNRegex), xv
	}
	if c.strSet != nil {
		if s, isStr := xv.(string); isStr {
			_, in := c.strSet[s]
			return in == (c.op == OpIn), xv
		}
	}
	yv, ok := c.y.value(e)
	if !ok {
		return false, xv
	}
	switch c.op {
	case OpEq, OpIs, OpNeq, OpIsNot:
		eq, comparable := equalValues(xv, yv)
		if !comparable {
			c.mismatch(e, xv, yv)
			return false, xv
		}
		return eq == (c.op == OpEq || c.op == OpIs), xv
	}
	if xv == nil || yv == nil {
		return false, xv
	}
	switch c.op {
	case OpLt, OpLe, OpGt, OpGe:
		n, comparable := orderValues(xv, yv)
		if !comparable {
			c.mismatch(e, xv, yv)
			return false, xv
		}
		switch c.op {
		case OpLt:
			return n < 0, xv
		case OpLe:
			return n <= 0, xv
		case OpGt:
			return n > 0, xv
		}
		return n >= 0, xv
	case OpContains:
		switch x := xv.(type) {
		case string:
			s, isStr := yv.(string)
			if !isStr {
				c.mismatch(e, xv, yv)
				return false, xv
			}
			return strings.Contains(x, s), xv
		case map[string]any, map[string]string:
			s, isStr := yv.(string)
			if !isStr {
				c.mismatch(e, xv, yv)
				return false, xv
			}
			m, _ := asMap(x)
			_, has := m[s]
			return has, xv
		}
		l, isList := listElems(xv)
		if !isList {
			c.mismatch(e, xv, yv)
			return false, xv
		}
		return member(yv, l), xv
	case OpIn, OpNotIn:
		l, isList := listElems(yv)
		if !isList {
			e.warn("type mismatch: " + c.yText + " (" + typeName(yv) + ") after " + c.op.String() + " is not a list")
			return false, xv
		}
		return member(xv, l) == (c.op == OpIn), xv
	}
	return false, xv
}

func member(v any, l []any) bool {
	for _, el := range l {
		if eq, _ := equalValues(v, el); eq {
			return true
		}
	}
	return false
}
