package jinja

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// digits returns the end of `(\d+_)*\d+` at off, or off when there is no
// digit there.
func digits(s string, off int, isDigit func(byte) bool) int {
	end := off
	for end < len(s) && isDigit(s[end]) {
		end++
		if end+1 < len(s) && s[end] == '_' && isDigit(s[end+1]) {
			end++
		}
	}
	return end
}

func isDec(c byte) bool { return c >= '0' && c <= '9' }
func isOct(c byte) bool { return c >= '0' && c <= '7' }
func isBin(c byte) bool { return c == '0' || c == '1' }
func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// number lexes a float or an integer literal at off (a digit), with
// Jinja2's rules: underscores between digits, 0b/0o/0x prefixes, no float
// right after a dot (so that x.0.1 is two item lookups).
func (l *lexer) number(off int) int {
	src := l.src
	if off == 0 || src[off-1] != '.' {
		if end := floatEnd(src, off); end > off {
			text := strings.ReplaceAll(src[off:end], "_", "")
			f, err := strconv.ParseFloat(text, 64)
			if err != nil && !isRangeErr(err) {
				l.fail(off, "invalid float literal")
				return len(src)
			}
			l.emit(tokFloat, src[off:end], off).fval = f
			return end
		}
	}
	end, base := intEnd(src, off)
	text := strings.ReplaceAll(src[off:end], "_", "")
	if base != 10 {
		text = text[2:]
	}
	n, err := strconv.ParseInt(text, base, 64)
	if err != nil {
		l.fail(off, "integer literal too large: "+src[off:end])
		return len(src)
	}
	l.emit(tokInteger, src[off:end], off).ival = n
	return end
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// floatEnd returns the end of a float literal at off, or off.
func floatEnd(s string, off int) int {
	m := digits(s, off, isDec)
	if m == off {
		return off
	}
	frac := -1
	if m+1 < len(s) && s[m] == '.' && isDec(s[m+1]) {
		frac = digits(s, m+1, isDec)
	}
	exp := func(at int) int {
		if at < len(s) && (s[at] == 'e' || s[at] == 'E') {
			at++
			if at < len(s) && (s[at] == '+' || s[at] == '-') {
				at++
			}
			if e := digits(s, at, isDec); e > at {
				return e
			}
		}
		return -1
	}
	if frac >= 0 {
		if e := exp(frac); e >= 0 {
			return e
		}
		return frac
	}
	if e := exp(m); e >= 0 {
		return e
	}
	return off
}

// intEnd returns the end and the base of an integer literal at off.
func intEnd(s string, off int) (int, int) {
	if s[off] == '0' && off+1 < len(s) {
		var isD func(byte) bool
		base := 0
		switch s[off+1] {
		case 'b', 'B':
			isD, base = isBin, 2
		case 'o', 'O':
			isD, base = isOct, 8
		case 'x', 'X':
			isD, base = isHex, 16
		}
		if isD != nil {
			// (_?digit)+
			end := off + 2
			for {
				if end < len(s) && isD(s[end]) {
					end++
				} else if end+1 < len(s) && s[end] == '_' && isD(s[end+1]) {
					end += 2
				} else {
					break
				}
			}
			if end > off+2 {
				return end, base
			}
		}
	}
	if s[off] == '0' {
		// 0(_?0)*
		end := off + 1
		for {
			if end < len(s) && s[end] == '0' {
				end++
			} else if end+1 < len(s) && s[end] == '_' && s[end+1] == '0' {
				end += 2
			} else {
				return end, 10
			}
		}
	}
	end := off + 1
	for {
		if end < len(s) && isDec(s[end]) {
			end++
		} else if end+1 < len(s) && s[end] == '_' && isDec(s[end+1]) {
			end += 2
		} else {
			return end, 10
		}
	}
}

// str lexes a string literal at off and returns its end, or -1 when the
// quote is not closed.
func (l *lexer) str(off int) int {
	src := l.src
	q := src[off]
	i := off + 1
	plain := true
	for i < len(src) {
		c := src[i]
		switch {
		case c == q:
			raw := src[off+1 : i]
			val := raw
			if !plain {
				var msg string
				val, msg = unescape(raw)
				if msg != "" {
					l.fail(off, msg)
					return len(src)
				}
			}
			l.emit(tokString, val, off)
			return i + 1
		case c == '\\':
			plain = false
			if i+1 >= len(src) {
				return -1
			}
			_, size := utf8.DecodeRuneInString(src[i+1:])
			i += 1 + size
		default:
			i++
		}
	}
	return -1
}

// unescape decodes the backslash escapes of a string literal as Jinja2
// does (Python's unicode-escape codec applied to the ASCII-escaped text).
// It returns a message on a malformed escape.
func unescape(s string) (string, string) {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		i++
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch r {
		case '\n':
		case '\\', '\'', '"':
			b.WriteRune(r)
		case 'a':
			b.WriteByte(7)
		case 'b':
			b.WriteByte(8)
		case 'f':
			b.WriteByte(12)
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte(11)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := r - '0'
			for k := 0; k < 2 && i < len(s) && isOct(s[i]); k++ {
				v = v*8 + rune(s[i]-'0')
				i++
			}
			b.WriteRune(v)
		case 'x', 'u', 'U':
			n, msg := 2, `truncated \xXX escape`
			if r == 'u' {
				n, msg = 4, `truncated \uXXXX escape`
			} else if r == 'U' {
				n, msg = 8, `truncated \UXXXXXXXX escape`
			}
			if i+n > len(s) {
				return "", msg
			}
			for k := 0; k < n; k++ {
				if !isHex(s[i+k]) {
					return "", msg
				}
			}
			v, _ := strconv.ParseUint(s[i:i+n], 16, 32)
			if v > utf8.MaxRune {
				return "", "illegal Unicode character"
			}
			b.WriteRune(rune(v))
			i += n
		case 'N':
			return "", `\N{...} escapes are not supported`
		default:
			b.WriteByte('\\')
			switch {
			case r < utf8.RuneSelf:
				b.WriteRune(r)
			case r <= 0xff:
				b.WriteString(`x` + hex2(byte(r)))
			case r <= 0xffff:
				b.WriteString(`u` + hex2(byte(r>>8)) + hex2(byte(r)))
			default:
				b.WriteString(`U00` + hex2(byte(r>>16)) + hex2(byte(r>>8)) + hex2(byte(r)))
			}
		}
	}
	return b.String(), ""
}
