package jinja

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// strMethod returns the bound method name of a str, or nil.
func strMethod(x, name string) *Func {
	switch name {
	case "upper", "lower", "title", "capitalize", "swapcase":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			if err := noArgs("str."+name, a); err != nil {
				return nil, err
			}
			return caseMap(s, name, x)
		})
	case "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "istitle", "isdecimal", "isnumeric":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			if err := noArgs("str."+name, a); err != nil {
				return nil, err
			}
			return strIs(name, x), nil
		})
	case "strip", "lstrip", "rstrip":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 0, "chars")
			if err != nil {
				return nil, err
			}
			return strStrip(name, x, p[0])
		})
	case "split", "rsplit":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 0, "sep", "maxsplit")
			if err != nil {
				return nil, err
			}
			return strSplit(s, name, x, p[0], p[1])
		})
	case "splitlines":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 0, "keepends")
			if err != nil {
				return nil, err
			}
			keep, err := intArgOr(p[0], 0)
			if err != nil {
				return nil, err
			}
			lines := splitLines(x, keep != 0)
			if err := s.CheckItems(name, len(lines)); err != nil {
				return nil, err
			}
			return NewList(lines), nil
		})
	case "join":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 1, "iterable")
			if err != nil {
				return nil, err
			}
			return strJoin(s, x, p[0])
		})
	case "replace":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 2, "old", "new", "count")
			if err != nil {
				return nil, err
			}
			return strReplace(s, x, p[0], p[1], p[2])
		})
	case "startswith", "endswith":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 1, "prefix", "start", "end")
			if err != nil {
				return nil, err
			}
			return strStartsEnds(name, x, p[0], p[1], p[2])
		})
	case "find", "rfind", "index", "rindex", "count":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 1, "sub", "start", "end")
			if err != nil {
				return nil, err
			}
			return strFind(name, x, p[0], p[1], p[2])
		})
	case "center", "ljust", "rjust":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 1, "width", "fillchar")
			if err != nil {
				return nil, err
			}
			return strJustify(s, name, x, p[0], p[1])
		})
	case "zfill":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 1, "width")
			if err != nil {
				return nil, err
			}
			return strZfill(s, x, p[0])
		})
	case "partition", "rpartition":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 1, "sep")
			if err != nil {
				return nil, err
			}
			return strPartition(name, x, p[0])
		})
	case "format":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			return StrFormat(s, x, a)
		})
	case "casefold":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			if err := noArgs("str."+name, a); err != nil {
				return nil, err
			}
			low, err := caseMap(s, "lower", x)
			if err != nil {
				return nil, err
			}
			return strings.ReplaceAll(low.(string), "ß", "ss"), nil
		})
	case "removeprefix", "removesuffix":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 1, "fix")
			if err != nil {
				return nil, err
			}
			fix, err := strArg(p[0], name+"() argument ")
			if err != nil {
				return nil, err
			}
			if name == "removeprefix" {
				return strings.TrimPrefix(x, fix), nil
			}
			return strings.TrimSuffix(x, fix), nil
		})
	case "expandtabs":
		return boundMethod(name, func(s *State, a Args) (Value, error) {
			p, err := a.Bind(name, 0, "tabsize")
			if err != nil {
				return nil, err
			}
			size, err := intArgOr(p[0], 8)
			if err != nil {
				return nil, err
			}
			return expandTabs(s, x, size)
		})
	}
	return nil
}

// strArg checks that a method argument is a str; what starts the error
// message ("replace() argument 1 ").
func strArg(v Value, what string) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case Undefined:
		return "", x.Error()
	}
	return "", fmt.Errorf("%smust be str, not %s", what, TypeName(v))
}

// isPySpace is Python's str.isspace for one character.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

func isCased(r rune) bool { return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) }

// Full case mappings Python applies that Go's one-rune mappings lack
// (Unicode SpecialCasing: ß, the Latin ligatures, dotted capital I).
var (
	specialUpper = map[rune]string{'ß': "SS", 'ﬀ': "FF", 'ﬁ': "FI", 'ﬂ': "FL", 'ﬃ': "FFI", 'ﬄ': "FFL", 'ﬅ': "ST", 'ﬆ': "ST", 'ŉ': "ʼN"}
	specialTitle = map[rune]string{'ß': "Ss", 'ﬀ': "Ff", 'ﬁ': "Fi", 'ﬂ': "Fl", 'ﬃ': "Ffi", 'ﬄ': "Ffl", 'ﬅ': "St", 'ﬆ': "St", 'ŉ': "ʼN"}
	specialLower = map[rune]string{'İ': "i\u0307"}
)

// caseMap applies upper, lower, title, capitalize or swapcase.
func caseMap(s *State, name, x string) (Value, error) {
	var b strings.Builder
	b.Grow(len(x))
	write := func(r rune, special map[rune]string, simple func(rune) rune) {
		if r >= 0xdf {
			if t, ok := special[r]; ok {
				b.WriteString(t)
				return
			}
		}
		b.WriteRune(simple(r))
	}
	prevCased := false
	for i, r := range x {
		switch name {
		case "upper":
			write(r, specialUpper, unicode.ToUpper)
		case "lower":
			write(r, specialLower, unicode.ToLower)
		case "swapcase":
			switch {
			case unicode.IsUpper(r):
				write(r, specialLower, unicode.ToLower)
			case unicode.IsLower(r):
				write(r, specialUpper, unicode.ToUpper)
			default:
				b.WriteRune(r)
			}
		case "title":
			if prevCased {
				write(r, specialLower, unicode.ToLower)
			} else {
				write(r, specialTitle, unicode.ToTitle)
			}
			prevCased = isCased(r)
		default: // capitalize
			if i == 0 {
				write(r, specialTitle, unicode.ToTitle)
			} else {
				write(r, specialLower, unicode.ToLower)
			}
		}
		if b.Len() > len(x)+64 {
			if err := s.CheckBytes(name, b.Len()); err != nil {
				return nil, err
			}
		}
	}
	return b.String(), nil
}

// strIs is a character class test (isdigit, isupper...).
func strIs(name, x string) bool {
	if x == "" {
		return false
	}
	switch name {
	case "isupper", "islower":
		cased := false
		for _, r := range x {
			if unicode.IsLower(r) && name == "isupper" || (unicode.IsUpper(r) || unicode.IsTitle(r)) && name == "islower" {
				return false
			}
			cased = cased || isCased(r)
		}
		return cased
	case "istitle":
		cased, prevCased := false, false
		for _, r := range x {
			switch {
			case unicode.IsUpper(r) || unicode.IsTitle(r):
				if prevCased {
					return false
				}
				prevCased, cased = true, true
			case unicode.IsLower(r):
				if !prevCased {
					return false
				}
				prevCased, cased = true, true
			default:
				prevCased = false
			}
		}
		return cased
	}
	for _, r := range x {
		var ok bool
		switch name {
		case "isdigit":
			ok = unicode.IsDigit(r) || strings.ContainsRune("¹²³⁰⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉", r)
		case "isdecimal":
			ok = unicode.IsDigit(r)
		case "isnumeric":
			ok = unicode.IsNumber(r)
		case "isalpha":
			ok = unicode.IsLetter(r)
		case "isalnum":
			ok = unicode.IsLetter(r) || unicode.IsNumber(r)
		case "isspace":
			ok = isPySpace(r)
		}
		if !ok {
			return false
		}
	}
	return true
}

func strStrip(name, x string, chars Value) (Value, error) {
	cut := isPySpace
	if !IsMissing(chars) && chars != nil {
		cs, ok := chars.(string)
		if !ok {
			if u, isU := chars.(Undefined); isU {
				return nil, u.Error()
			}
			return nil, fmt.Errorf("%s arg must be None or str", name)
		}
		cut = func(r rune) bool { return strings.ContainsRune(cs, r) }
	}
	switch name {
	case "lstrip":
		return strings.TrimLeftFunc(x, cut), nil
	case "rstrip":
		return strings.TrimRightFunc(x, cut), nil
	}
	return strings.TrimFunc(x, cut), nil
}

func strSplit(s *State, name, x string, sepV, maxV Value) (Value, error) {
	max, err := intArgOr(maxV, -1)
	if err != nil {
		return nil, err
	}
	if IsMissing(sepV) || sepV == nil {
		var parts []Value
		if name == "rsplit" {
			parts = rsplitSpace(x, max)
		} else {
			parts = splitSpace(x, max)
		}
		if err := s.CheckItems(name, len(parts)); err != nil {
			return nil, err
		}
		return NewList(parts), nil
	}
	sep, ok := sepV.(string)
	if !ok {
		if u, isU := sepV.(Undefined); isU {
			return nil, u.Error()
		}
		return nil, fmt.Errorf("must be str or None, not %s", TypeName(sepV))
	}
	if sep == "" {
		return nil, errors.New("empty separator")
	}
	n := strings.Count(x, sep) + 1
	if max >= 0 && int64(n) > max+1 {
		n = int(max + 1)
	}
	if err := s.CheckItems(name, n); err != nil {
		return nil, err
	}
	var parts []string
	if name == "split" {
		parts = strings.SplitN(x, sep, n)
	} else {
		parts = make([]string, n)
		for i := n - 1; i > 0; i-- {
			j := strings.LastIndex(x, sep)
			parts[i] = x[j+len(sep):]
			x = x[:j]
		}
		parts[0] = x
	}
	out := make([]Value, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return NewList(out), nil
}

// splitSpace is Python's str.split() without a separator.
func splitSpace(x string, max int64) []Value {
	out := []Value{}
	for {
		x = strings.TrimLeftFunc(x, isPySpace)
		if x == "" {
			return out
		}
		if max >= 0 && int64(len(out)) >= max {
			return append(out, x)
		}
		i := strings.IndexFunc(x, isPySpace)
		if i < 0 {
			return append(out, x)
		}
		out = append(out, x[:i])
		x = x[i:]
	}
}

// rsplitSpace is Python's str.rsplit() without a separator.
func rsplitSpace(x string, max int64) []Value {
	var rev []Value
	for {
		x = strings.TrimRightFunc(x, isPySpace)
		if x == "" {
			break
		}
		if max >= 0 && int64(len(rev)) >= max {
			rev = append(rev, x)
			break
		}
		i := strings.LastIndexFunc(x, isPySpace)
		if i < 0 {
			rev = append(rev, x)
			break
		}
		_, size := utf8.DecodeRuneInString(x[i:])
		rev = append(rev, x[i+size:])
		x = x[:i]
	}
	out := make([]Value, len(rev))
	for i, v := range rev {
		out[len(rev)-1-i] = v
	}
	return out
}

// splitLines is Python's str.splitlines.
func splitLines(x string, keep bool) []Value {
	out := []Value{}
	start := 0
	for i := 0; i < len(x); {
		r, size := utf8.DecodeRuneInString(x[i:])
		end := i + size
		switch r {
		case '\r':
			if end < len(x) && x[end] == '\n' {
				end++
			}
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
		default:
			i = end
			continue
		}
		if keep {
			out = append(out, x[start:end])
		} else {
			out = append(out, x[start:i])
		}
		start, i = end, end
	}
	if start < len(x) {
		out = append(out, x[start:])
	}
	return out
}

func strJoin(s *State, sep string, iterable Value) (Value, error) {
	items, err := Iterate(iterable)
	if err != nil {
		if _, ok := iterable.(Undefined); ok {
			return nil, err
		}
		return nil, errors.New("can only join an iterable")
	}
	n := 0
	for i, it := range items {
		str, ok := it.(string)
		if !ok {
			if u, isU := it.(Undefined); isU {
				return nil, u.Error()
			}
			return nil, fmt.Errorf("sequence item %d: expected str instance, %s found", i, TypeName(it))
		}
		n += len(str)
		if i > 0 {
			n += len(sep)
		}
		if n > s.limits.MaxValueBytes {
			break
		}
	}
	if err := s.CheckBytes("join", n); err != nil {
		return nil, err
	}
	var b strings.Builder
	b.Grow(n)
	for i, it := range items {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(it.(string))
	}
	return b.String(), nil
}

func strReplace(s *State, x string, oldV, newV, countV Value) (Value, error) {
	old, err := strArg(oldV, "replace() argument 1 ")
	if err != nil {
		return nil, err
	}
	repl, err := strArg(newV, "replace() argument 2 ")
	if err != nil {
		return nil, err
	}
	count, err := intArgOr(countV, -1)
	if err != nil {
		return nil, err
	}
	var n int
	if old == "" {
		n = utf8.RuneCountInString(x) + 1
	} else {
		n = strings.Count(x, old)
	}
	if count >= 0 && int64(n) > count {
		n = int(count)
	}
	if n == 0 {
		return x, nil
	}
	size := int64(len(x)) + int64(n)*(int64(len(repl))-int64(len(old)))
	if size > int64(s.limits.MaxValueBytes) {
		return nil, s.CheckBytes("replace", -1)
	}
	if err := s.CheckBytes("replace", int(size)); err != nil {
		return nil, err
	}
	return strings.Replace(x, old, repl, n), nil
}

// runeSpan resolves Python start/end code point arguments over x to byte
// offsets; ok is false when start lies beyond the string.
func runeSpan(x string, startV, endV Value) (lo, hi int, cpLo int64, ok bool, err error) {
	n := int64(utf8.RuneCountInString(x))
	start, err := optIntArg(startV, 0)
	if err != nil {
		return 0, 0, 0, false, err
	}
	end, err := optIntArg(endV, n)
	if err != nil {
		return 0, 0, 0, false, err
	}
	if start < 0 {
		start = max(start+n, 0)
	}
	if end < 0 {
		end = max(end+n, 0)
	} else if end > n {
		end = n
	}
	if start > n {
		return 0, 0, start, false, nil
	}
	lo, hi = runeOffset(x, start), runeOffset(x, end)
	if hi < lo {
		return lo, lo, start, start <= end, nil
	}
	return lo, hi, start, true, nil
}

// runeOffset is the byte offset of code point i of x (i within range).
func runeOffset(x string, i int64) int {
	if isASCII(x) {
		return int(i)
	}
	var k int64
	for j := range x {
		if k == i {
			return j
		}
		k++
	}
	return len(x)
}

func strStartsEnds(name, x string, prefix, startV, endV Value) (Value, error) {
	var cands []string
	switch p := prefix.(type) {
	case string:
		cands = []string{p}
	case *List:
		if !p.Tuple {
			return nil, fmt.Errorf("%s first arg must be str or a tuple of str, not list", name)
		}
		for _, it := range p.Items {
			str, ok := it.(string)
			if !ok {
				return nil, fmt.Errorf("tuple for %s must only contain str, not %s", name, TypeName(it))
			}
			cands = append(cands, str)
		}
	case Undefined:
		return nil, p.Error()
	default:
		return nil, fmt.Errorf("%s first arg must be str or a tuple of str, not %s", name, TypeName(prefix))
	}
	lo, hi, _, ok, err := runeSpan(x, startV, endV)
	if err != nil || !ok {
		return false, err
	}
	sub := x[lo:hi]
	for _, c := range cands {
		if name == "startswith" && strings.HasPrefix(sub, c) || name == "endswith" && strings.HasSuffix(sub, c) {
			return true, nil
		}
	}
	return false, nil
}

func strFind(name, x string, subV, startV, endV Value) (Value, error) {
	sub, err := strArg(subV, "")
	if err != nil {
		return nil, err
	}
	lo, hi, cpLo, ok, err := runeSpan(x, startV, endV)
	if err != nil {
		return nil, err
	}
	hay := x[lo:hi]
	if name == "count" {
		if !ok {
			return int64(0), nil
		}
		if sub == "" {
			return int64(utf8.RuneCountInString(hay) + 1), nil
		}
		return int64(strings.Count(hay, sub)), nil
	}
	i := -1
	if ok {
		if name == "find" || name == "index" {
			i = strings.Index(hay, sub)
		} else {
			i = strings.LastIndex(hay, sub)
		}
	}
	if i < 0 {
		if name == "index" || name == "rindex" {
			return nil, errors.New("substring not found")
		}
		return int64(-1), nil
	}
	return cpLo + int64(utf8.RuneCountInString(hay[:i])), nil
}

// fillArg checks a fill character argument.
func fillArg(v Value) (rune, error) {
	if IsMissing(v) {
		return ' ', nil
	}
	str, ok := v.(string)
	if !ok {
		if u, isU := v.(Undefined); isU {
			return 0, u.Error()
		}
		return 0, pyError(fmt.Sprintf("The fill character must be a unicode character, not %s", TypeName(v)))
	}
	r, size := utf8.DecodeRuneInString(str)
	if size == 0 || size != len(str) {
		return 0, pyError("The fill character must be exactly one character long")
	}
	return r, nil
}

func strJustify(s *State, name, x string, widthV, fillV Value) (Value, error) {
	width, err := intArg(widthV)
	if err != nil {
		return nil, err
	}
	fill, err := fillArg(fillV)
	if err != nil {
		return nil, err
	}
	n := int64(utf8.RuneCountInString(x))
	if width <= n {
		return x, nil
	}
	marg := width - n
	fl := int64(utf8.RuneLen(fill))
	if marg > int64(s.limits.MaxValueBytes) || int64(len(x))+marg*fl > int64(s.limits.MaxValueBytes) {
		return nil, s.CheckBytes(name, -1)
	}
	var left int64
	switch name {
	case "center":
		left = marg/2 + (marg & width & 1)
	case "rjust":
		left = marg
	}
	f := string(fill)
	return strings.Repeat(f, int(left)) + x + strings.Repeat(f, int(marg-left)), nil
}

func strZfill(s *State, x string, widthV Value) (Value, error) {
	width, err := intArg(widthV)
	if err != nil {
		return nil, err
	}
	n := int64(utf8.RuneCountInString(x))
	if width <= n {
		return x, nil
	}
	if width-n > int64(s.limits.MaxValueBytes) {
		return nil, s.CheckBytes("zfill", -1)
	}
	if err := s.CheckBytes("zfill", len(x)+int(width-n)); err != nil {
		return nil, err
	}
	zeros := strings.Repeat("0", int(width-n))
	if x != "" && (x[0] == '+' || x[0] == '-') {
		return x[:1] + zeros + x[1:], nil
	}
	return zeros + x, nil
}

func strPartition(name, x string, sepV Value) (Value, error) {
	sep, err := strArg(sepV, "")
	if err != nil {
		return nil, err
	}
	if sep == "" {
		return nil, errors.New("empty separator")
	}
	if name == "partition" {
		if i := strings.Index(x, sep); i >= 0 {
			return NewTuple(x[:i], sep, x[i+len(sep):]), nil
		}
		return NewTuple(x, "", ""), nil
	}
	if i := strings.LastIndex(x, sep); i >= 0 {
		return NewTuple(x[:i], sep, x[i+len(sep):]), nil
	}
	return NewTuple("", "", x), nil
}

// expandTabs is Python's str.expandtabs: each tab becomes the spaces up to
// the next multiple of size columns; newlines reset the column. The size
// of the result is computed, and checked, before it is built.
func expandTabs(s *State, x string, size int64) (Value, error) {
	if strings.IndexByte(x, '\t') < 0 {
		return x, nil
	}
	var total, col int64
	for _, r := range x {
		switch r {
		case '\t':
			if size > 0 {
				n := size - col%size
				total += n
				col += n
			}
		case '\n', '\r':
			total++
			col = 0
		default:
			total += int64(utf8.RuneLen(r))
			col++
		}
		if total > int64(s.limits.MaxValueBytes) {
			return nil, s.CheckBytes("expandtabs", -1)
		}
	}
	if err := s.CheckBytes("expandtabs", int(total)); err != nil {
		return nil, err
	}
	var b strings.Builder
	b.Grow(int(total))
	col = 0
	for _, r := range x {
		switch r {
		case '\t':
			if size > 0 {
				n := size - col%size
				b.WriteString(strings.Repeat(" ", int(n)))
				col += n
			}
		case '\n', '\r':
			b.WriteRune(r)
			col = 0
		default:
			b.WriteRune(r)
			col++
		}
	}
	return b.String(), nil
}
