package jinja

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// filterAbs is abs: Python's abs() of a number.
func filterAbs(s *State, v Value, a Args) (Value, error) {
	if err := noArgs("abs", a); err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case int64:
		if x == math.MinInt64 {
			return nil, fmt.Errorf("integer overflow in abs")
		}
		if x < 0 {
			return -x, nil
		}
		return x, nil
	case float64:
		return math.Abs(x), nil
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	}
	return nil, fmt.Errorf("bad operand type for abs(): '%s'", TypeName(v))
}

// removeUnderscores validates Python's digit-group underscores (single,
// between digits) and removes them; ok is false when they are misplaced.
func removeUnderscores(s string, isDigit func(byte) bool) (string, bool) {
	if strings.IndexByte(s, '_') < 0 {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '_' {
			if i == 0 || i == len(s)-1 || !isDigit(s[i-1]) || !isDigit(s[i+1]) {
				return "", false
			}
			continue
		}
		b = append(b, s[i])
	}
	return string(b), true
}

func digitOf(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'z':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// asciiDecimals replaces the decimal digits of any script in s by ASCII
// digits, as Python's int() and float() read them ('１２' is 12).
func asciiDecimals(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf || !unicode.Is(unicode.Nd, r) {
			return r
		}
		// Unicode keeps decimal digits in runs of ten from zero.
		for _, rg := range unicode.Nd.R16 {
			if lo, hi := rune(rg.Lo), rune(rg.Hi); lo <= r && r <= hi {
				return '0' + (r-lo)%10
			}
		}
		for _, rg := range unicode.Nd.R32 {
			if lo, hi := rune(rg.Lo), rune(rg.Hi); lo <= r && r <= hi {
				return '0' + (r-lo)%10
			}
		}
		return r
	}, s)
}

// errIntRange is an integer beyond int64.
var errIntRange = errors.New("integer out of range")

// parsePyInt is Python's int(str, base) for results within int64. It
// returns errIntRange for larger integers and another error for text that
// is not an integer.
func parsePyInt(str string, base int) (int64, error) {
	t := asciiDecimals(strings.TrimFunc(str, isPySpace))
	neg := false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	prefixBase := 0
	if len(t) >= 2 && t[0] == '0' {
		switch t[1] {
		case 'x', 'X':
			prefixBase = 16
		case 'o', 'O':
			prefixBase = 8
		case 'b', 'B':
			prefixBase = 2
		}
	}
	if prefixBase != 0 && (base == 0 || base == prefixBase) {
		base = prefixBase
		t = t[2:]
		t = strings.TrimPrefix(t, "_")
	} else if base == 0 {
		base = 10
		if len(strings.Trim(t, "0_")) > 0 && t != "" && t[0] == '0' {
			return 0, fmt.Errorf("invalid literal for int() with base 0: %s", Repr(str))
		}
	}
	isDigit := func(c byte) bool { return digitOf(c) < base }
	t, ok := removeUnderscores(t, isDigit)
	if !ok || t == "" {
		return 0, fmt.Errorf("invalid literal for int() with base %d: %s", base, Repr(str))
	}
	var n uint64
	for i := 0; i < len(t); i++ {
		d := digitOf(t[i])
		if d >= base {
			return 0, fmt.Errorf("invalid literal for int() with base %d: %s", base, Repr(str))
		}
		if n > (math.MaxUint64-uint64(d))/uint64(base) {
			return 0, errIntRange
		}
		n = n*uint64(base) + uint64(d)
	}
	if neg {
		if n > 1<<63 {
			return 0, errIntRange
		}
		return -int64(n), nil
	}
	if n > math.MaxInt64 {
		return 0, errIntRange
	}
	return int64(n), nil
}

// parsePyFloat is Python's float(str).
func parsePyFloat(str string) (float64, bool) {
	t := asciiDecimals(strings.TrimFunc(str, isPySpace))
	body := strings.TrimLeft(t, "+-")
	if len(t)-len(body) > 1 {
		return 0, false
	}
	switch strings.ToLower(body) {
	case "inf", "infinity", "nan":
		f, err := strconv.ParseFloat(t, 64)
		return f, err == nil
	}
	if body == "" || strings.ContainsAny(body, "xXpPiInN") {
		return 0, false
	}
	t, ok := removeUnderscores(t, func(c byte) bool { return '0' <= c && c <= '9' })
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// floatToInt is Python's int(float): truncation; NaN is a ValueError
// (ok false), infinities and values beyond int64 are errors.
func floatToInt(f float64) (int64, bool, error) {
	if math.IsNaN(f) {
		return 0, false, nil
	}
	if math.IsInf(f, 0) {
		return 0, false, fmt.Errorf("cannot convert float infinity to integer")
	}
	t := math.Trunc(f)
	if t >= 1<<63 || t < -(1<<63) {
		return 0, false, fmt.Errorf("integer %s out of range", FormatFloat(t))
	}
	return int64(t), true, nil
}

// filterInt is int(default=0, base=10).
func filterInt(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("do_int", 0, "default", "base")
	if err != nil {
		return nil, err
	}
	def := Or(p[0], int64(0))
	base, err := argIntOr(p[1], 10)
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case int64:
		return x, nil
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	case float64:
		n, ok, err := floatToInt(x)
		if err != nil {
			return nil, err
		}
		if !ok {
			return def, nil
		}
		return n, nil
	case string:
		if base != 0 && (base < 2 || base > 36) {
			return nil, fmt.Errorf("int() base must be >= 2 and <= 36, or 0")
		}
		n, err := parsePyInt(x, base)
		if err == nil {
			return n, nil
		}
		if err == errIntRange {
			return nil, fmt.Errorf("int() result %s is beyond the 64-bit integer range", Repr(x))
		}
		f, ok := parsePyFloat(x)
		if !ok {
			return def, nil
		}
		n, ok, err = floatToInt(f)
		if err != nil {
			return nil, err
		}
		if !ok {
			return def, nil
		}
		return n, nil
	}
	return def, nil
}

// filterFloat is float(default=0.0).
func filterFloat(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("do_float", 0, "default")
	if err != nil {
		return nil, err
	}
	def := Or(p[0], 0.0)
	switch x := v.(type) {
	case float64:
		return x, nil
	case int64:
		return float64(x), nil
	case bool:
		if x {
			return 1.0, nil
		}
		return 0.0, nil
	case string:
		if f, ok := parsePyFloat(x); ok {
			return f, nil
		}
	}
	return def, nil
}

// pyRound is Python's round(x, n) of a float: the correctly rounded
// decimal, ties to even.
func pyRound(x float64, n int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
		return x
	}
	if n > 308 {
		return x
	}
	if n >= 0 {
		r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', n, 64), 64)
		if err != nil {
			return x
		}
		return r
	}
	if n < -308 {
		return math.Copysign(0, x)
	}
	p := math.Pow(10, float64(-n))
	return math.RoundToEven(x/p) * p
}

// roundInt is Python's round(int, n): n >= 0 leaves it, a negative n rounds
// to a multiple of 10**-n, ties to even.
func roundInt(x int64, n int) int64 {
	if n >= 0 {
		return x
	}
	if n < -18 {
		return 0
	}
	p := int64(1)
	for i := 0; i < -n; i++ {
		p *= 10
	}
	q, r := x/p, x%p
	if r < 0 {
		q, r = q-1, r+p
	}
	if 2*r > p || (2*r == p && q%2 != 0) {
		q++
	}
	return q * p
}

// filterRound is round(precision=0, method='common').
func filterRound(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("do_round", 0, "precision", "method")
	if err != nil {
		return nil, err
	}
	prec, err := argIntOr(p[0], 0)
	if err != nil {
		return nil, err
	}
	method := "common"
	if !IsMissing(p[1]) {
		m, ok := p[1].(string)
		if !ok || (m != "common" && m != "ceil" && m != "floor") {
			return nil, fmt.Errorf("method must be common, ceil or floor")
		}
		method = m
	}
	if b, ok := v.(bool); ok {
		v = int64(0)
		if b {
			v = int64(1)
		}
	}
	if method == "common" {
		switch x := v.(type) {
		case int64:
			return roundInt(x, prec), nil
		case float64:
			return pyRound(x, prec), nil
		}
		return nil, fmt.Errorf("type %s doesn't define __round__ method", TypeName(v))
	}
	var f float64
	switch x := v.(type) {
	case int64:
		f = float64(x)
	case float64:
		f = x
	default:
		return nil, fmt.Errorf("unsupported operand type(s) for *: '%s' and 'int'", TypeName(v))
	}
	scale := math.Pow(10, float64(prec))
	y := f * scale
	if method == "ceil" {
		y = math.Ceil(y)
	} else {
		y = math.Floor(y)
	}
	if math.IsInf(y, 0) || math.IsNaN(y) {
		return nil, fmt.Errorf("cannot convert float %s to integer", FormatFloat(y))
	}
	if y == 0 {
		y = 0 // math.ceil and math.floor return an int: no negative zero
	}
	return y / scale, nil
}

// filterFilesizeformat is filesizeformat(binary=False).
func filterFilesizeformat(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("do_filesizeformat", 0, "binary")
	if err != nil {
		return nil, err
	}
	binary, err := argBool(p[0], false)
	if err != nil {
		return nil, err
	}
	var bytes float64
	switch x := v.(type) {
	case float64:
		bytes = x
	case int64:
		bytes = float64(x)
	case bool:
		if x {
			bytes = 1
		}
	case string:
		f, ok := parsePyFloat(x)
		if !ok {
			return nil, fmt.Errorf("could not convert string to float: %s", Repr(x))
		}
		bytes = f
	default:
		return nil, fmt.Errorf("float() argument must be a string or a real number, not '%s'", TypeName(v))
	}
	base := 1000.0
	prefixes := []string{"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"}
	if binary {
		base = 1024
		prefixes = []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"}
	}
	switch {
	case bytes == 1:
		return "1 Byte", nil
	case bytes < base:
		n, _, err := floatToInt(bytes)
		if err != nil {
			return nil, err
		}
		if math.IsNaN(bytes) {
			return nil, fmt.Errorf("cannot convert float NaN to integer")
		}
		return strconv.FormatInt(n, 10) + " Bytes", nil
	}
	unit := 0.0
	prefix := ""
	for i, pr := range prefixes {
		unit = math.Pow(base, float64(i+2))
		prefix = pr
		if bytes < unit {
			break
		}
	}
	return pyFormatFixed(base*bytes/unit, 1) + " " + prefix, nil
}

// pyFormatFixed is Python's f"{x:.Nf}".
func pyFormatFixed(x float64, n int) string {
	switch {
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	case math.IsNaN(x):
		return "nan"
	}
	return strconv.FormatFloat(x, 'f', n, 64)
}
