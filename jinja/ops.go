package jinja

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Integers are int64. Python's int is unbounded, so where Python would go on
// with a big integer (2 ** 64, 9223372036854775807 + 1) μNet stops with an
// "integer overflow" error instead of printing a different number: device
// configurations never need such values, and a wrong number is worse than
// an error.

// errIntOverflow is the error of an int64 result out of range.
var errIntOverflow = errors.New("integer overflow")

// BinaryOp applies a binary operator: "+", "-", "*", "/", "//", "%", "**", "~".
func BinaryOp(s *State, op string, a, b Value) (Value, error) {
	// Fast path: two ints.
	if x, ok := a.(int64); ok {
		if y, ok := b.(int64); ok {
			return intOp(op, x, y)
		}
	}
	if u, ok := a.(Undefined); ok {
		return nil, u.Error()
	}
	if u, ok := b.(Undefined); ok {
		return nil, u.Error()
	}
	if op != "~" {
		a, b = asTuple(a), asTuple(b)
	}
	switch op {
	case "~":
		return concat(s, a, b)
	case "+":
		return add(s, a, b)
	case "*":
		return mul(s, a, b)
	case "%":
		if f, ok := a.(string); ok {
			return PercentFormat(s, f, b)
		}
	}
	xf, xi, xInt, ok1 := asNumber(a)
	yf, yi, yInt, ok2 := asNumber(b)
	if !ok1 || !ok2 {
		if op != "-" && op != "/" && op != "//" && op != "%" && op != "**" {
			return nil, fmt.Errorf("unknown operator %q", op)
		}
		return nil, unsupported(op, a, b)
	}
	if xInt && yInt {
		return intOp(op, xi, yi)
	}
	if xInt {
		xf = float64(xi)
	}
	if yInt {
		yf = float64(yi)
	}
	return floatOp(op, xf, yf)
}

// unsupported is Python's TypeError for an operator between two types.
func unsupported(op string, a, b Value) error {
	if op == "**" {
		op = "** or pow()"
	}
	return fmt.Errorf("unsupported operand type(s) for %s: '%s' and '%s'", op, TypeName(a), TypeName(b))
}

// intOp applies op to two ints.
func intOp(op string, x, y int64) (Value, error) {
	switch op {
	case "+":
		r := x + y
		if (r > x) != (y > 0) {
			return nil, errIntOverflow
		}
		return r, nil
	case "-":
		r := x - y
		if (r < x) != (y > 0) {
			return nil, errIntOverflow
		}
		return r, nil
	case "*":
		return mulInt(x, y)
	case "/":
		if y == 0 {
			return nil, errors.New("division by zero")
		}
		return trueDivInt(x, y), nil
	case "//":
		if y == 0 {
			return nil, errors.New("integer division or modulo by zero")
		}
		if x == math.MinInt64 && y == -1 {
			return nil, errIntOverflow
		}
		q := x / y
		if (x%y != 0) && ((x < 0) != (y < 0)) {
			q--
		}
		return q, nil
	case "%":
		if y == 0 {
			return nil, errors.New("integer modulo by zero")
		}
		if y == -1 {
			return int64(0), nil
		}
		m := x % y
		if m != 0 && ((m < 0) != (y < 0)) {
			m += y
		}
		return m, nil
	case "**":
		return powInt(x, y)
	case "~":
		return concatStrings(nil, formatInt(x), formatInt(y))
	}
	return nil, fmt.Errorf("unknown operator %q", op)
}

func mulInt(x, y int64) (Value, error) {
	if x == 0 || y == 0 {
		return int64(0), nil
	}
	r := x * y
	if r/y != x || (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) {
		return nil, errIntOverflow
	}
	return r, nil
}

// powInt is x ** y: an int for y >= 0, a float for y < 0.
func powInt(x, y int64) (Value, error) {
	if y < 0 {
		if x == 0 {
			return nil, errors.New("0.0 cannot be raised to a negative power")
		}
		return floatOp("**", float64(x), float64(y))
	}
	r := int64(1)
	base := x
	for e := y; ; {
		if e&1 == 1 {
			v, err := mulInt(r, base)
			if err != nil {
				return nil, err
			}
			r = v.(int64)
		}
		e >>= 1
		if e == 0 {
			break
		}
		if base == 0 || base == 1 {
			continue
		}
		if base == -1 {
			base = 1
			continue
		}
		v, err := mulInt(base, base)
		if err != nil {
			return nil, err
		}
		base = v.(int64)
	}
	return r, nil
}

// trueDivInt is x / y correctly rounded, as Python divides ints: exact
// through float64 when both fit in 53 bits, else through a rational.
func trueDivInt(x, y int64) float64 {
	const exact = 1 << 53
	if x <= exact && x >= -exact && y <= exact && y >= -exact {
		return float64(x) / float64(y)
	}
	f, _ := new(big.Rat).SetFrac(big.NewInt(x), big.NewInt(y)).Float64()
	return f
}

// floatOp applies op to two floats (either operand may have been an int).
func floatOp(op string, x, y float64) (Value, error) {
	switch op {
	case "+":
		return x + y, nil
	case "-":
		return x - y, nil
	case "*":
		return x * y, nil
	case "/":
		if y == 0 {
			return nil, errors.New("float division by zero")
		}
		return x / y, nil
	case "//":
		if y == 0 {
			return nil, errors.New("float floor division by zero")
		}
		d, _ := floatDivmod(x, y)
		return d, nil
	case "%":
		if y == 0 {
			return nil, errors.New("float modulo")
		}
		_, m := floatDivmod(x, y)
		return m, nil
	case "**":
		return powFloat(x, y)
	}
	return nil, fmt.Errorf("unknown operator %q", op)
}

// floatDivmod is CPython's float divmod: floor quotient and a remainder
// with the sign of y.
func floatDivmod(x, y float64) (float64, float64) {
	mod := math.Mod(x, y)
	div := (x - mod) / y
	if mod != 0 {
		if (y < 0) != (mod < 0) {
			mod += y
			div -= 1
		}
	} else {
		mod = math.Copysign(0, y)
	}
	var floordiv float64
	if div != 0 {
		floordiv = math.Floor(div)
		if div-floordiv > 0.5 {
			floordiv += 1
		}
	} else {
		floordiv = math.Copysign(0, x/y)
	}
	return floordiv, mod
}

// powFloat is Python's float.__pow__.
func powFloat(x, y float64) (Value, error) {
	if x == 0 && y < 0 && !math.IsInf(y, 0) {
		return nil, errors.New("0.0 cannot be raised to a negative power")
	}
	if x < 0 && !math.IsInf(x, 0) && y != math.Trunc(y) && !math.IsInf(y, 0) && !math.IsNaN(y) {
		// Python returns a complex number, which templates have no use for.
		return nil, errors.New("complex numbers are not supported (negative number raised to a fractional power)")
	}
	r := math.Pow(x, y)
	if e := powExact(x, y); e != 0 {
		r = e
	}
	if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
		return nil, errors.New("(34, 'Numerical result out of range')")
	}
	return r, nil
}

// powExact returns x ** y correctly rounded when y is a whole or half
// number of moderate size (computed with 256-bit floats), so that results
// match Python's C library pow to the last digit; 0 means "not handled"
// (math.Pow then stands, which can differ from Python in the last digit).
func powExact(x, y float64) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) || math.IsNaN(y) || math.Abs(y) > 1024 || x == 0 || x == 1 {
		return 0
	}
	y2 := y * 2
	if y2 != math.Trunc(y2) || (x < 0 && y != math.Trunc(y)) {
		return 0
	}
	const prec = 256
	base := new(big.Float).SetPrec(prec).SetFloat64(math.Abs(x))
	n := int64(y2)
	if n%2 != 0 {
		base.Sqrt(base) // a half power: sqrt(x) ** (2y)
	} else {
		n /= 2
	}
	neg := n < 0
	if neg {
		n = -n
	}
	r := new(big.Float).SetPrec(prec).SetInt64(1)
	for ; n > 0; n >>= 1 {
		if n&1 == 1 {
			r.Mul(r, base)
		}
		base.Mul(base, base)
	}
	if neg {
		r.Quo(new(big.Float).SetPrec(prec).SetInt64(1), r)
	}
	f, _ := r.Float64()
	if x < 0 && math.Mod(y, 2) != 0 {
		f = -f
	}
	if f == 0 || math.IsInf(f, 0) {
		return 0 // underflow and overflow keep math.Pow's answer
	}
	return f
}

func formatInt(x int64) string { return strconv.FormatInt(x, 10) }

// concat is a ~ b: str(a) + str(b).
func concat(s *State, a, b Value) (Value, error) {
	x, err := boundedStr(s, "~", a)
	if err != nil {
		return nil, err
	}
	y, err := boundedStr(s, "~", b)
	if err != nil {
		return nil, err
	}
	return concatStrings(s, x, y)
}

// concatStrings joins two strings after checking the budget.
func concatStrings(s *State, x, y string) (Value, error) {
	if x == "" {
		return y, nil
	}
	if y == "" {
		return x, nil
	}
	if s != nil {
		if err := s.CheckBytes("string concatenation", len(x)+len(y)); err != nil {
			return nil, err
		}
	}
	return x + y, nil
}

// isSeq reports whether v is a list or tuple proper (not a dict view).
func isSeq(v Value) (*List, bool) {
	l, ok := v.(*List)
	if !ok || l.View != "" {
		return nil, false
	}
	return l, true
}

func add(s *State, a, b Value) (Value, error) {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		if !ok {
			return nil, fmt.Errorf("can only concatenate str (not \"%s\") to str", TypeName(b))
		}
		return concatStrings(s, x, y)
	case *List:
		if x.View == "" {
			y, ok := isSeq(b)
			if !ok || y.Tuple != x.Tuple {
				return nil, fmt.Errorf("can only concatenate %s (not \"%s\") to %s", TypeName(a), TypeName(b), TypeName(a))
			}
			n := len(x.Items) + len(y.Items)
			if err := s.CheckItems("list concatenation", n); err != nil {
				return nil, err
			}
			items := make([]Value, 0, n)
			items = append(append(items, x.Items...), y.Items...)
			return &List{Items: items, Tuple: x.Tuple}, nil
		}
	}
	xf, xi, xInt, ok1 := asNumber(a)
	yf, yi, yInt, ok2 := asNumber(b)
	if !ok1 || !ok2 {
		return nil, unsupported("+", a, b)
	}
	if xInt && yInt {
		return intOp("+", xi, yi)
	}
	if xInt {
		xf = float64(xi)
	}
	if yInt {
		yf = float64(yi)
	}
	return xf + yf, nil
}

// seqCount is the int operand of a sequence repetition.
func seqCount(v Value) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

func mul(s *State, a, b Value) (Value, error) {
	seq, cnt := a, b
	switch b.(type) {
	case string, *List:
		if _, isStr := a.(string); !isStr {
			if l, ok := a.(*List); !ok || l.View != "" {
				seq, cnt = b, a
			}
		}
	}
	switch x := seq.(type) {
	case string:
		n, ok := seqCount(cnt)
		if !ok {
			return nil, fmt.Errorf("can't multiply sequence by non-int of type '%s'", TypeName(cnt))
		}
		return repeatString(s, x, n)
	case *List:
		if x.View == "" {
			n, ok := seqCount(cnt)
			if !ok {
				return nil, fmt.Errorf("can't multiply sequence by non-int of type '%s'", TypeName(cnt))
			}
			if n <= 0 || len(x.Items) == 0 {
				return &List{Items: []Value{}, Tuple: x.Tuple}, nil
			}
			if n > math.MaxInt32 || int64(len(x.Items))*n > math.MaxInt32 {
				return nil, s.CheckItems("list repetition", -1)
			}
			total := len(x.Items) * int(n)
			if err := s.CheckItems("list repetition", total); err != nil {
				return nil, err
			}
			items := make([]Value, 0, total)
			for i := int64(0); i < n; i++ {
				items = append(items, x.Items...)
			}
			return &List{Items: items, Tuple: x.Tuple}, nil
		}
	}
	xf, xi, xInt, ok1 := asNumber(a)
	yf, yi, yInt, ok2 := asNumber(b)
	if !ok1 || !ok2 {
		return nil, unsupported("*", a, b)
	}
	if xInt && yInt {
		return mulInt(xi, yi)
	}
	if xInt {
		xf = float64(xi)
	}
	if yInt {
		yf = float64(yi)
	}
	return xf * yf, nil
}

// repeatString is x * n, checked against the budget first.
func repeatString(s *State, x string, n int64) (Value, error) {
	if n <= 0 || x == "" {
		return "", nil
	}
	if n > math.MaxInt32 || int64(len(x))*n > math.MaxInt32 {
		return nil, s.CheckBytes("string repetition", -1)
	}
	if err := s.CheckBytes("string repetition", len(x)*int(n)); err != nil {
		return nil, err
	}
	return strings.Repeat(x, int(n)), nil
}

// UnaryOp applies "-", "+" or "not".
func UnaryOp(op string, v Value) (Value, error) {
	if op == "not" {
		t, err := Truth(v)
		return !t, err
	}
	if u, ok := v.(Undefined); ok {
		return nil, u.Error()
	}
	switch x := v.(type) {
	case int64:
		if op == "-" {
			if x == math.MinInt64 {
				return nil, errIntOverflow
			}
			return -x, nil
		}
		if op == "+" {
			return x, nil
		}
	case bool:
		i, _ := seqCount(x)
		if op == "-" {
			return -i, nil
		}
		if op == "+" {
			return i, nil
		}
	case float64:
		if op == "-" {
			return -x, nil
		}
		if op == "+" {
			return x, nil
		}
	}
	if op != "-" && op != "+" {
		return nil, fmt.Errorf("unknown operator %q", op)
	}
	return nil, fmt.Errorf("bad operand type for unary %s: '%s'", op, TypeName(v))
}
