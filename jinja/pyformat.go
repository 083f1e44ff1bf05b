package jinja

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// formatSpec is a parsed Python format specification (the part after ':'
// in str.format, and the argument of format()):
// [[fill]align][sign][z][#][0][width][grouping][.precision][type].
type formatSpec struct {
	fill     rune
	align    byte // 0 for the type's default
	sign     byte // 0, '+', '-' or ' '
	noNegZ   bool // 'z'
	alt      bool // '#'
	width    int
	grouping byte // 0, ',' or '_'
	prec     int  // -1 when absent
	typ      byte // 0 when absent
	zeroPad  bool // '0' set the alignment to '='
}

// maxFormatDigits bounds the width and precision digits read from a format.
const maxFormatDigits = 18

// parseSpec parses a format specification for a value of type tname.
func parseSpec(spec, tname string) (formatSpec, error) {
	f := formatSpec{fill: ' ', prec: -1}
	i, explicitFill := 0, false
	isAlign := func(c byte) bool { return c == '<' || c == '>' || c == '=' || c == '^' }
	if r, size := utf8.DecodeRuneInString(spec); size > 0 && size < len(spec) && isAlign(spec[size]) {
		f.fill, f.align = r, spec[size]
		i, explicitFill = size+1, true
	} else if len(spec) > 0 && isAlign(spec[0]) {
		f.align = spec[0]
		i = 1
	}
	if i < len(spec) && (spec[i] == '+' || spec[i] == '-' || spec[i] == ' ') {
		f.sign = spec[i]
		i++
	}
	if i < len(spec) && spec[i] == 'z' {
		f.noNegZ = true
		i++
	}
	if i < len(spec) && spec[i] == '#' {
		f.alt = true
		i++
	}
	if i < len(spec) && spec[i] == '0' {
		if !explicitFill {
			f.fill = '0'
		}
		if f.align == 0 {
			f.align, f.zeroPad = '=', true
		}
		i++
	}
	var err error
	f.width, i, err = readDigits(spec, i)
	if err != nil {
		return f, err
	}
	if i < len(spec) && (spec[i] == ',' || spec[i] == '_') {
		f.grouping = spec[i]
		i++
	}
	if i < len(spec) && spec[i] == '.' {
		start := i + 1
		f.prec, i, err = readDigits(spec, start)
		if err != nil {
			return f, err
		}
		if i == start {
			return f, pyError("Format specifier missing precision")
		}
	}
	if len(spec)-i > 1 {
		return f, pyError(fmt.Sprintf("Invalid format specifier '%s' for object of type '%s'", spec, tname))
	}
	if i < len(spec) {
		f.typ = spec[i]
	}
	if f.grouping != 0 {
		switch f.typ {
		case 0, 'd', 'e', 'E', 'f', 'F', 'g', 'G', '%':
		case 'b', 'o', 'x', 'X':
			if f.grouping == '_' {
				break
			}
			fallthrough
		default:
			return f, pyError(fmt.Sprintf("Cannot specify '%c' with '%c'.", f.grouping, f.typ))
		}
	}
	return f, nil
}

// readDigits reads a decimal number at spec[i:] (0 when there is none).
func readDigits(spec string, i int) (int, int, error) {
	n, start := 0, i
	for ; i < len(spec) && spec[i] >= '0' && spec[i] <= '9'; i++ {
		if i-start >= maxFormatDigits {
			return 0, i, pyError("Too many decimal digits in format string")
		}
		n = n*10 + int(spec[i]-'0')
	}
	return n, i, nil
}

// formatValue is Python's format(v, spec).
func formatValue(s *State, v Value, spec string) (string, error) {
	if u, ok := v.(Undefined); ok {
		return "", u.Error()
	}
	if spec == "" {
		return boundedStr(s, "format", v)
	}
	switch x := v.(type) {
	case string:
		return formatString(s, x, spec)
	case bool:
		i, _ := seqCount(x)
		return formatIntSpec(s, i, spec, "bool")
	case int64:
		return formatIntSpec(s, x, spec, "int")
	case float64:
		f, err := parseSpec(spec, "float")
		if err != nil {
			return "", err
		}
		return formatFloatSpec(s, x, f)
	}
	return "", fmt.Errorf("unsupported format string passed to %s.__format__", TypeName(v))
}

func formatString(s *State, x, spec string) (string, error) {
	f, err := parseSpec(spec, "str")
	if err != nil {
		return "", err
	}
	switch {
	case f.typ != 0 && f.typ != 's':
		return "", pyError(fmt.Sprintf("Unknown format code '%c' for object of type 'str'", f.typ))
	case f.grouping != 0:
		return "", pyError(fmt.Sprintf("Cannot specify '%c' with 's'.", f.grouping))
	case f.sign == ' ':
		return "", pyError("Space not allowed in string format specifier")
	case f.sign != 0:
		return "", pyError("Sign not allowed in string format specifier")
	case f.noNegZ:
		return "", pyError("Negative zero coercion (z) not allowed in string format specifier")
	case f.alt:
		return "", pyError("Alternate form (#) not allowed in string format specifier")
	case f.align == '=' && !f.zeroPad:
		return "", errors.New("'=' alignment not allowed in string format specifier")
	}
	if f.zeroPad {
		f.align = 0
	}
	if f.prec >= 0 {
		x = truncateRunes(x, f.prec)
	}
	if f.align == 0 {
		f.align = '<'
	}
	return pad(s, "", x, f)
}

// truncateRunes keeps the first n code points of x.
func truncateRunes(x string, n int) string {
	for i := range x {
		if n == 0 {
			return x[:i]
		}
		n--
	}
	return x
}

func formatIntSpec(s *State, x int64, spec, tname string) (string, error) {
	f, err := parseSpec(spec, tname)
	if err != nil {
		return "", err
	}
	switch f.typ {
	case 'e', 'E', 'f', 'F', 'g', 'G', '%':
		return formatFloatSpec(s, float64(x), f)
	case 0, 'd', 'n', 'b', 'o', 'x', 'X', 'c':
	default:
		return "", pyError(fmt.Sprintf("Unknown format code '%c' for object of type '%s'", f.typ, tname))
	}
	if f.prec >= 0 {
		return "", pyError("Precision not allowed in integer format specifier")
	}
	if f.noNegZ {
		return "", pyError("Negative zero coercion (z) not allowed in integer format specifier")
	}
	if f.typ == 'c' {
		if f.sign != 0 {
			return "", pyError("Sign not allowed with integer format specifier 'c'")
		}
		if f.alt {
			return "", pyError("Alternate form (#) not allowed with integer format specifier 'c'")
		}
		if x < 0 || x > 0x10ffff {
			return "", pyError("%c arg not in range(0x110000)")
		}
		if f.align == 0 {
			f.align = '>'
		}
		return pad(s, "", string(rune(x)), f)
	}
	if f.align == 0 {
		f.align = '>'
	}
	prefix, digits := intDigits(x, f.typ, f.alt)
	prefix = signOf(x < 0, f.sign) + prefix
	if f.grouping != 0 {
		n := 3
		if f.typ == 'b' || f.typ == 'o' || f.typ == 'x' || f.typ == 'X' {
			n = 4
		}
		digits = groupDigits(s, digits, f, n, len(prefix))
	}
	return pad(s, prefix, digits, f)
}

// intDigits returns the base prefix and digits of |x| for an integer type.
func intDigits(x int64, typ byte, alt bool) (prefix, digits string) {
	u := uint64(x)
	if x < 0 {
		u = -u
	}
	switch typ {
	case 'b':
		digits = strconv.FormatUint(u, 2)
		prefix = "0b"
	case 'o':
		digits = strconv.FormatUint(u, 8)
		prefix = "0o"
	case 'x':
		digits = strconv.FormatUint(u, 16)
		prefix = "0x"
	case 'X':
		digits = strings.ToUpper(strconv.FormatUint(u, 16))
		prefix = "0X"
	default:
		return "", strconv.FormatUint(u, 10)
	}
	if !alt {
		prefix = ""
	}
	return prefix, digits
}

// signOf is the sign to print for a number.
func signOf(neg bool, sign byte) string {
	switch {
	case neg:
		return "-"
	case sign == '+':
		return "+"
	case sign == ' ':
		return " "
	}
	return ""
}

// groupDigits inserts the grouping character into the integer part of a
// digit string; with zero padding ('=' and '0') the padding zeros are
// grouped too, as Python does.
func groupDigits(s *State, digits string, f formatSpec, n, prefixLen int) string {
	intEnd := len(digits)
	if f.typ != 'x' && f.typ != 'X' {
		for i := 0; i < len(digits); i++ {
			if digits[i] < '0' || digits[i] > '9' {
				intEnd = i
				break
			}
		}
	}
	intPart, rest := digits[:intEnd], digits[intEnd:]
	if f.align == '=' && f.fill == '0' {
		// Pad the integer part with zeros to the width, grouped.
		want := f.width - prefixLen - len(rest)
		if s.CheckBytes("format", want) == nil {
			l := len(intPart)
			for l+(l-1)/n < want {
				l++
			}
			intPart = strings.Repeat("0", l-len(intPart)) + intPart
		}
	}
	var b strings.Builder
	for i := 0; i < len(intPart); i++ {
		if i > 0 && (len(intPart)-i)%n == 0 {
			b.WriteByte(f.grouping)
		}
		b.WriteByte(intPart[i])
	}
	if f.align == '=' && f.fill == '0' && b.Len() > 0 && b.String()[0] == f.grouping {
		return b.String()[1:] + rest
	}
	return b.String() + rest
}

func formatFloatSpec(s *State, x float64, f formatSpec) (string, error) {
	switch f.typ {
	case 0, 'e', 'E', 'f', 'F', 'g', 'G', 'n', '%':
	default:
		return "", pyError(fmt.Sprintf("Unknown format code '%c' for object of type 'float'", f.typ))
	}
	if f.prec > 0 {
		if err := s.CheckBytes("format", f.prec); err != nil {
			return "", err
		}
	}
	if f.align == 0 {
		f.align = '>'
	}
	neg := math.Signbit(x)
	a := math.Abs(x)
	var body string
	switch f.typ {
	case 0:
		if f.prec < 0 {
			body = FormatFloat(a)
			if f.alt && !strings.Contains(body, ".") && !math.IsInf(a, 0) && !math.IsNaN(a) {
				m, e, _ := strings.Cut(body, "e")
				body = m + ".e" + e
			}
		} else {
			body = floatG(a, f.prec, f.alt, true)
		}
	case 'n':
		body = floatG(a, precOr(f.prec, 6), f.alt, false)
	case '%':
		body = floatBody(a*100, 'f', precOr(f.prec, 6), f.alt) + "%"
	default:
		body = floatBody(a, f.typ, precOr(f.prec, 6), f.alt)
	}
	if f.noNegZ && neg && !math.IsInf(x, 0) && isZeroText(body) {
		neg = false
	}
	if math.IsNaN(x) {
		neg = false
	}
	if f.grouping != 0 && !math.IsInf(x, 0) && !math.IsNaN(x) {
		body = groupDigits(s, body, f, 3, len(signOf(neg, f.sign)))
	}
	return pad(s, signOf(neg, f.sign), body, f)
}

// isZeroText reports whether a formatted number is all zeros.
func isZeroText(b string) bool {
	for i := 0; i < len(b); i++ {
		if c := b[i]; c >= '1' && c <= '9' {
			return false
		}
		if c := b[i]; c == 'e' || c == 'E' {
			break
		}
	}
	return true
}

func precOr(p, def int) int {
	if p < 0 {
		return def
	}
	return p
}

// floatBody formats a non-negative float with a type of 'e', 'E', 'f', 'F',
// 'g' or 'G' and a precision, as Python's % and format do.
func floatBody(a float64, typ byte, prec int, alt bool) string {
	upper := typ == 'E' || typ == 'F' || typ == 'G'
	if math.IsInf(a, 0) || math.IsNaN(a) {
		t := "inf"
		if math.IsNaN(a) {
			t = "nan"
		}
		if upper {
			t = strings.ToUpper(t)
		}
		return t
	}
	var out string
	switch typ {
	case 'f', 'F':
		out = strconv.FormatFloat(a, 'f', prec, 64)
		if alt && prec == 0 {
			out += "."
		}
	case 'e', 'E':
		out = strconv.FormatFloat(a, 'e', prec, 64)
		if alt && prec == 0 {
			m, e, _ := strings.Cut(out, "e")
			out = m + ".e" + e
		}
	default:
		out = floatG(a, prec, alt, false)
	}
	if upper {
		out = strings.ToUpper(out)
	}
	return out
}

// floatG is the 'g' presentation of a non-negative finite float; with
// addDot0 (format's type-less form with a precision) an integral result
// keeps ".0" and scientific notation starts at exponent prec-1.
func floatG(a float64, prec int, alt, addDot0 bool) string {
	if math.IsInf(a, 0) || math.IsNaN(a) {
		return floatBody(a, 'f', 0, false)
	}
	if prec == 0 {
		prec = 1
	}
	e := strconv.FormatFloat(a, 'e', prec-1, 64)
	_, exps, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(exps)
	limit := prec
	if addDot0 {
		limit = prec - 1
	}
	var out string
	if exp >= -4 && exp < limit {
		out = strconv.FormatFloat(a, 'f', prec-1-exp, 64)
		switch {
		case alt && !strings.Contains(out, "."):
			out += "."
		case !alt:
			out = trimZeros(out)
		}
		if addDot0 && !strings.Contains(out, ".") {
			out += ".0"
		}
		return out
	}
	m, x, _ := strings.Cut(e, "e")
	switch {
	case alt && !strings.Contains(m, "."):
		m += "."
	case !alt:
		m = trimZeros(m)
	}
	return m + "e" + x
}

// trimZeros drops trailing zeros after a decimal point, and the point.
func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// pad lays out prefix (sign and base prefix) and body in f's width with
// f's fill and alignment, checking the budget first.
func pad(s *State, prefix, body string, f formatSpec) (string, error) {
	n := utf8.RuneCountInString(prefix) + utf8.RuneCountInString(body)
	if f.width <= n {
		return prefix + body, nil
	}
	fill := f.width - n
	if err := s.CheckBytes("format", len(prefix)+len(body)+fill*utf8.RuneLen(f.fill)); err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(len(prefix) + len(body) + fill*utf8.RuneLen(f.fill))
	writeFill := func(k int) {
		for ; k > 0; k-- {
			b.WriteRune(f.fill)
		}
	}
	switch f.align {
	case '<':
		b.WriteString(prefix)
		b.WriteString(body)
		writeFill(fill)
	case '^':
		writeFill(fill / 2)
		b.WriteString(prefix)
		b.WriteString(body)
		writeFill(fill - fill/2)
	case '=':
		b.WriteString(prefix)
		writeFill(fill)
		b.WriteString(body)
	default:
		writeFill(fill)
		b.WriteString(prefix)
		b.WriteString(body)
	}
	return b.String(), nil
}

// pyError is an error worded exactly as Python words it, capital letter
// and all, so that messages match what Jinja2 users see.
func pyError(msg string) error { return errors.New(msg) }
