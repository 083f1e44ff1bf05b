package jinja

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Str returns Python's str(v): what {{ v }} prints. Using an undefined
// value is an error, and so is a text longer than DefaultMaxOutput bytes
// (ErrValueLimit); State.Str applies the render's own limit.
func Str(v Value) (string, error) {
	return strBounded(v, DefaultMaxOutput)
}

// Str returns Python's str(v), failing with ErrValueLimit when the text
// would be longer than the render's MaxValueBytes.
func (s *State) Str(v Value) (string, error) {
	return strBounded(v, s.limits.MaxValueBytes)
}

func strBounded(v Value, max int) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case Undefined:
		return "", x.Error()
	}
	b := reprBuilder{max: max}
	if err := b.write(v, true); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Repr returns Python's repr(v). An undefined value is written as
// Undefined (as Jinja2 does); a text longer than DefaultMaxOutput bytes is cut, ending
// with "...".
func Repr(v Value) string {
	b := reprBuilder{max: DefaultMaxOutput}
	if err := b.write(v, false); err != nil {
		return b.String() + "..."
	}
	return b.String()
}

// reprBuilder writes reprs up to max bytes and prints a container that
// contains itself as Python does ([...], {...}).
type reprBuilder struct {
	strings.Builder
	max  int
	open []any // containers being written
}

var errReprTooLong = &limitError{err: ErrValueLimit, msg: "the text of a value is longer than the value size limit"}

// write writes repr(v), or str(v) at the top level when str is set.
func (b *reprBuilder) write(v Value, str bool) error {
	if err := writeRepr(b, v, str); err != nil {
		return err
	}
	if b.Len() > b.max {
		return errReprTooLong
	}
	return nil
}

// enter reports whether container c is already being written (a cycle),
// and records it otherwise.
func (b *reprBuilder) enter(c any) bool {
	for _, o := range b.open {
		if o == c {
			return false
		}
	}
	b.open = append(b.open, c)
	return true
}

func (b *reprBuilder) leave() { b.open = b.open[:len(b.open)-1] }

// AppendStr appends Python's str(v) to b.
func AppendStr(b []byte, v Value) ([]byte, error) {
	switch x := v.(type) {
	case string:
		return append(b, x...), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		return appendFloat(b, x), nil
	case bool:
		if x {
			return append(b, "True"...), nil
		}
		return append(b, "False"...), nil
	case nil:
		return append(b, "None"...), nil
	}
	s, err := Str(v)
	return append(b, s...), err
}

// writeRepr writes repr(v), or str(v) at the top level when str is set.
func writeRepr(b *reprBuilder, v Value, str bool) error {
	if b.Len() > b.max {
		return errReprTooLong
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("None")
	case bool:
		if x {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.Write(appendFloat(nil, x))
	case string:
		if str {
			b.WriteString(x)
		} else {
			writeQuoted(b, x)
		}
	case *List:
		if !b.enter(x) {
			if x.Tuple {
				b.WriteString("(...)")
			} else {
				b.WriteString("[...]")
			}
			return nil
		}
		defer b.leave()
		if x.View != "" {
			b.WriteString(x.View)
			b.WriteString("([")
		} else if x.Tuple {
			b.WriteByte('(')
		} else {
			b.WriteByte('[')
		}
		for i, it := range x.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := writeRepr(b, it, false); err != nil {
				return err
			}
		}
		switch {
		case x.View != "":
			b.WriteString("])")
		case x.Tuple:
			if len(x.Items) == 1 {
				b.WriteByte(',')
			}
			b.WriteByte(')')
		default:
			b.WriteByte(']')
		}
	case *Dict:
		if !b.enter(x) {
			b.WriteString("{...}")
			return nil
		}
		defer b.leave()
		b.WriteByte('{')
		for i := range x.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := writeRepr(b, x.keys[i], false); err != nil {
				return err
			}
			b.WriteString(": ")
			if err := writeRepr(b, x.vals[i], false); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case Undefined:
		if str {
			return x.Error()
		}
		b.WriteString("Undefined")
	case *Namespace:
		b.WriteString("<Namespace ")
		_ = writeRepr(b, x.Attrs, false)
		b.WriteByte('>')
	case *Func:
		if x.Macro != nil {
			b.WriteString("<Macro '" + x.Name + "'>")
		} else {
			b.WriteString("<function " + x.Name + ">")
		}
	case interface{ Repr() string }:
		b.WriteString(x.Repr())
	case Object:
		b.WriteString("<" + x.TypeName() + " object>")
	default:
		b.WriteString("<" + TypeName(v) + ">")
	}
	return nil
}

// appendFloat appends Python's repr of a float: the shortest digits that
// read back as f, in positional notation when the decimal exponent is in
// [-4, 16), else in scientific notation with a two-digit exponent at least.
func appendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case math.IsNaN(f):
		return append(b, "nan"...)
	}
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64)
	// e is [-]d[.ddd]e±XX
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	mant, exps, _ := strings.Cut(string(e), "e")
	exp, _ := strconv.Atoi(exps)
	digits := strings.Replace(mant, ".", "", 1)
	if neg {
		b = append(b, '-')
	}
	if exp < -4 || exp >= 16 {
		b = append(b, digits[0])
		if len(digits) > 1 {
			b = append(b, '.')
			b = append(b, digits[1:]...)
		}
		b = append(b, 'e')
		if exp < 0 {
			b = append(b, '-')
			exp = -exp
		} else {
			b = append(b, '+')
		}
		if exp < 10 {
			b = append(b, '0')
		}
		return strconv.AppendInt(b, int64(exp), 10)
	}
	if exp < 0 {
		b = append(b, "0."...)
		for i := -1; i > exp; i-- {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	if len(digits) <= exp+1 {
		b = append(b, digits...)
		for i := len(digits); i <= exp; i++ {
			b = append(b, '0')
		}
		return append(b, ".0"...)
	}
	b = append(b, digits[:exp+1]...)
	b = append(b, '.')
	return append(b, digits[exp+1:]...)
}

// FormatFloat returns Python's repr of a float (1.0, 0.1, 1e+16, inf).
func FormatFloat(f float64) string { return string(appendFloat(nil, f)) }

// writeQuoted writes Python's repr of a string: single quotes unless the
// string holds a single quote and no double quote.
func writeQuoted(b *reprBuilder, s string) {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	b.WriteByte(q)
	for i := 0; i < len(s); {
		// Copy the run of printable ASCII that needs no escape at once.
		j := i
		for j < len(s) && s[j] >= 0x20 && s[j] < 0x7f && s[j] != q && s[j] != '\\' {
			j++
		}
		if j > i {
			b.WriteString(s[i:j])
			i = j
			if b.Len() > b.max {
				return
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			// Not valid UTF-8: Python strings cannot hold it; show the byte.
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
			i++
			continue
		}
		i += size
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x`)
			b.WriteString(hex2(byte(r)))
		case r < 0x7f || isPrintable(r):
			b.WriteRune(r)
		case r <= 0xff:
			b.WriteString(`\x`)
			b.WriteString(hex2(byte(r)))
		case r <= 0xffff:
			b.WriteString(`\u`)
			b.WriteString(hex2(byte(r>>8)) + hex2(byte(r)))
		default:
			b.WriteString(`\U`)
			b.WriteString("00" + hex2(byte(r>>16)) + hex2(byte(r>>8)) + hex2(byte(r)))
		}
	}
	b.WriteByte(q)
}

// isPrintable is Python's str.isprintable for one character.
func isPrintable(r rune) bool {
	return unicode.IsPrint(r) && !unicode.Is(unicode.Cf, r)
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// Truth returns Python's bool(v). Testing an undefined value is an error.
func Truth(v Value) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case nil:
		return false, nil
	case int64:
		return x != 0, nil
	case float64:
		return x != 0, nil
	case string:
		return x != "", nil
	case *List:
		return len(x.Items) > 0, nil
	case *Dict:
		return x.Len() > 0, nil
	case Undefined:
		return false, x.Error()
	}
	return true, nil
}

// Equal is Python's ==: numbers compare by value across int, float and
// bool; lists equal lists and tuples equal tuples item by item; dicts
// compare as mappings. An undefined value equals nothing.
func Equal(a, b Value) bool {
	a, b = asTuple(a), asTuple(b)
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case int64, float64, bool:
		xf, xi, xisInt := number(x)
		yf, yi, yisInt, ok := asNumber(b)
		if !ok {
			return false
		}
		switch {
		case xisInt && yisInt:
			return xi == yi
		case xisInt:
			return intEqualsFloat(xi, yf)
		case yisInt:
			return intEqualsFloat(yi, xf)
		}
		return xf == yf
	case nil:
		return b == nil
	case *List:
		y, ok := b.(*List)
		if !ok || x.Tuple != y.Tuple || len(x.Items) != len(y.Items) {
			return false
		}
		for i := range x.Items {
			if !Equal(x.Items[i], y.Items[i]) {
				return false
			}
		}
		return true
	case *Dict:
		y, ok := b.(*Dict)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i, k := range x.keys {
			yv, ok := y.Get(k)
			if !ok || !Equal(x.vals[i], yv) {
				return false
			}
		}
		return true
	case Undefined:
		return false
	}
	return a == b
}

// intEqualsFloat compares an int and a float exactly, as Python does (not
// through a rounding conversion of the int to float).
func intEqualsFloat(i int64, f float64) bool {
	if f != math.Trunc(f) || f < -(1<<63) || f >= 1<<63 {
		return false
	}
	return int64(f) == i
}

// number splits a known numeric value.
func number(v Value) (f float64, i int64, isInt bool) {
	switch x := v.(type) {
	case int64:
		return 0, x, true
	case bool:
		if x {
			return 0, 1, true
		}
		return 0, 0, true
	case float64:
		return x, 0, false
	}
	return 0, 0, false
}

// asNumber reports whether v is a number (int, float or bool) and splits it.
func asNumber(v Value) (f float64, i int64, isInt, ok bool) {
	switch v.(type) {
	case int64, float64, bool:
		f, i, isInt = number(v)
		return f, i, isInt, true
	}
	return 0, 0, false, false
}
