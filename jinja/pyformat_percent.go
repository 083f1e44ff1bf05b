package jinja

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// PercentFormat is Python's format % args: args is a tuple for several
// values, a dict for %(name)s fields, else the one value.
func PercentFormat(s *State, format string, args Value) (string, error) {
	if u, ok := args.(Undefined); ok {
		return "", u.Error()
	}
	var items []Value
	mapping, _ := args.(*Dict)
	if l, ok := args.(*List); ok && l.Tuple {
		items = l.Items
	} else {
		items = []Value{args}
	}
	next := 0
	usedMapping := false
	nextArg := func() (Value, error) {
		if next >= len(items) || usedMapping {
			return nil, errors.New("not enough arguments for format string")
		}
		next++
		return items[next-1], nil
	}
	var b strings.Builder
	for i := 0; i < len(format); {
		j := strings.IndexByte(format[i:], '%')
		if j < 0 {
			b.WriteString(format[i:])
			break
		}
		b.WriteString(format[i : i+j])
		start := i + j
		i = start + 1
		if i >= len(format) {
			return "", errors.New("incomplete format")
		}
		var arg Value
		haveArg := false
		if format[i] == '(' {
			if mapping == nil {
				return "", errors.New("format requires a mapping")
			}
			depth, k := 1, i+1
			for ; k < len(format) && depth > 0; k++ {
				switch format[k] {
				case '(':
					depth++
				case ')':
					depth--
				}
			}
			if depth > 0 {
				return "", errors.New("incomplete format key")
			}
			key := format[i+1 : k-1]
			v, ok := mapping.GetStr(key)
			if !ok {
				return "", pyError(fmt.Sprintf("KeyError: %s", Repr(key)))
			}
			arg, haveArg, usedMapping = v, true, true
			i = k
		}
		f := formatSpec{fill: ' ', align: '>', prec: -1}
		zero := false
	flags:
		for ; i < len(format); i++ {
			switch format[i] {
			case '-':
				f.align = '<'
			case '+':
				f.sign = '+'
			case ' ':
				if f.sign == 0 {
					f.sign = ' '
				}
			case '#':
				f.alt = true
			case '0':
				zero = true
			default:
				break flags
			}
		}
		if i < len(format) && format[i] == '*' {
			v, err := nextArg()
			if err != nil {
				return "", err
			}
			w, ok := seqCount(v)
			if !ok {
				return "", errors.New("* wants int")
			}
			if w < 0 {
				f.align = '<'
				w = -w
			}
			if w > math.MaxInt32 {
				return "", s.CheckBytes("%-format", -1)
			}
			f.width = int(w)
			i++
		} else {
			var err error
			if f.width, i, err = readDigits(format, i); err != nil {
				return "", err
			}
		}
		if i < len(format) && format[i] == '.' {
			i++
			if i < len(format) && format[i] == '*' {
				v, err := nextArg()
				if err != nil {
					return "", err
				}
				p, ok := seqCount(v)
				if !ok {
					return "", errors.New("* wants int")
				}
				if p < 0 {
					p = 0
				}
				if p > math.MaxInt32 {
					return "", s.CheckBytes("%-format", -1)
				}
				f.prec = int(p)
				i++
			} else {
				var err error
				if f.prec, i, err = readDigits(format, i); err != nil {
					return "", err
				}
			}
		}
		for i < len(format) && (format[i] == 'h' || format[i] == 'l' || format[i] == 'L') {
			i++
		}
		if i >= len(format) {
			return "", errors.New("incomplete format")
		}
		c := format[i]
		i++
		if c == '%' && i == start+2 {
			b.WriteByte('%')
			continue
		}
		if !haveArg {
			v, err := nextArg()
			if err != nil {
				return "", err
			}
			arg = v
		}
		if u, ok := arg.(Undefined); ok && c != 'r' && c != 'a' {
			return "", u.Error()
		}
		if zero && f.align == '>' {
			f.fill, f.align = '0', '='
		}
		out, err := percentOne(s, c, arg, f)
		if err == errBadConversion {
			r, _ := utf8.DecodeRuneInString(format[i-1:])
			shown := r
			if r < 32 || r > 126 {
				shown = '?'
			}
			return "", fmt.Errorf("unsupported format character '%c' (0x%x) at index %d", shown, r, utf8.RuneCountInString(format[:i-1]))
		}
		if err != nil {
			return "", err
		}
		if err := s.CheckBytes("%-format", b.Len()+len(out)); err != nil {
			return "", err
		}
		b.WriteString(out)
	}
	// Like CPython, a dict or list argument (a "mapping") may go unused.
	if l, isList := args.(*List); next < len(items) && mapping == nil && (!isList || l.Tuple) {
		return "", errors.New("not all arguments converted during string formatting")
	}
	return b.String(), nil
}

// percentOne formats one conversion c of a %-format.
func percentOne(s *State, c byte, arg Value, f formatSpec) (string, error) {
	switch c {
	case 's', 'r', 'a':
		var str string
		var err error
		switch c {
		case 's':
			str, err = boundedStr(s, "%-format", arg)
		case 'r':
			str, err = boundedRepr(s, "%-format", arg)
		default:
			str, err = boundedRepr(s, "%-format", arg)
			str = asciiRepr(str)
		}
		if err != nil {
			return "", err
		}
		if f.prec >= 0 {
			str = truncateRunes(str, f.prec)
		}
		if f.fill == '0' {
			f.fill, f.align = ' ', '>'
		}
		f.sign = 0
		return pad(s, "", str, f)
	case 'd', 'i', 'u':
		var x int64
		switch v := arg.(type) {
		case int64:
			x = v
		case bool:
			x, _ = seqCount(v)
		case float64:
			switch {
			case math.IsInf(v, 0):
				return "", errors.New("cannot convert float infinity to integer")
			case math.IsNaN(v):
				return "", errors.New("cannot convert float NaN to integer")
			case v >= 9223372036854775808.0 || v < -9223372036854775808.0:
				// Python prints the float's exact integer value.
				digits := strconv.FormatFloat(math.Abs(math.Trunc(v)), 'f', 0, 64)
				return percentDigits(s, v < 0, "", digits, f)
			}
			x = int64(v)
		default:
			return "", fmt.Errorf("%%%c format: a real number is required, not %s", c, TypeName(arg))
		}
		return percentInt(s, x, 'd', f)
	case 'o', 'x', 'X':
		x, ok := seqCount(arg)
		if !ok {
			return "", fmt.Errorf("%%%c format: an integer is required, not %s", c, TypeName(arg))
		}
		return percentInt(s, x, c, f)
	case 'e', 'E', 'f', 'F', 'g', 'G':
		xf, xi, isInt, ok := asNumber(arg)
		if !ok {
			return "", fmt.Errorf("must be real number, not %s", TypeName(arg))
		}
		if isInt {
			xf = float64(xi)
		}
		if f.prec > 0 {
			if err := s.CheckBytes("%-format", f.prec); err != nil {
				return "", err
			}
		}
		body := floatBody(math.Abs(xf), c, precOr(f.prec, 6), f.alt)
		neg := math.Signbit(xf) && !math.IsNaN(xf)
		return pad(s, signOf(neg, f.sign), body, f)
	case 'c':
		var r string
		if b, ok := arg.(bool); ok {
			arg, _ = seqCount(b)
		}
		switch v := arg.(type) {
		case int64:
			if v < 0 || v > 0x10ffff {
				return "", pyError("%c arg not in range(0x110000)")
			}
			r = string(rune(v))
		case string:
			if utf8.RuneCountInString(v) != 1 {
				return "", pyError("%c requires int or char")
			}
			r = v
		default:
			return "", pyError("%c requires int or char")
		}
		if f.fill == '0' {
			f.fill, f.align = ' ', '>'
		}
		return pad(s, "", r, f)
	}
	return "", errBadConversion
}

// errBadConversion marks an unknown conversion character; the caller
// words the error with its position.
var errBadConversion = errors.New("unsupported format character")

// percentInt formats an integer conversion of a %-format.
func percentInt(s *State, x int64, c byte, f formatSpec) (string, error) {
	prefix, digits := intDigits(x, c, f.alt)
	return percentDigits(s, x < 0, prefix, digits, f)
}

// percentDigits lays out the digits of an integer conversion: the
// precision pads with zeros, then the width.
func percentDigits(s *State, neg bool, prefix, digits string, f formatSpec) (string, error) {
	if f.prec > len(digits) {
		if err := s.CheckBytes("%-format", f.prec); err != nil {
			return "", err
		}
		digits = strings.Repeat("0", f.prec-len(digits)) + digits
	}
	return pad(s, signOf(neg, f.sign)+prefix, digits, f)
}

// asciiRepr is Python's ascii() applied to a repr: characters outside ASCII
// are escaped as \xhh, \uhhhh or \Uhhhhhhhh.
func asciiRepr(repr string) string {
	if isASCII(repr) {
		return repr
	}
	var b strings.Builder
	for _, r := range repr {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case r <= 0xff:
			b.WriteString(`\x` + hex2(byte(r)))
		case r <= 0xffff:
			b.WriteString(`\u` + hex2(byte(r>>8)) + hex2(byte(r)))
		default:
			b.WriteString(`\U00` + hex2(byte(r>>16)) + hex2(byte(r>>8)) + hex2(byte(r)))
		}
	}
	return b.String()
}
