package jinja

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pyLower is Python's str.lower.
func pyLower(s string) string {
	if isASCIIString(s) {
		return strings.ToLower(s)
	}
	out := caseString(s, lowerSpecial, unicode.ToLower)
	if strings.ContainsRune(s, 'Σ') {
		out = finalSigma(s, out)
	}
	return out
}

// finalSigma applies Python's Final_Sigma rule to lower, the lower case of
// s: a capital sigma after a cased letter and not before one becomes ς.
func finalSigma(s, lower string) string {
	src := []rune(s)
	dst := []rune(lower)
	if len(src) != len(dst) {
		return lower // a special mapping changed the length: leave it
	}
	for i, r := range src {
		if r != 'Σ' {
			continue
		}
		before := false
		for j := i - 1; j >= 0; j-- {
			if !isCaseIgnorable(src[j]) {
				before = isCasedRune(src[j])
				break
			}
		}
		after := false
		for j := i + 1; j < len(src); j++ {
			if !isCaseIgnorable(src[j]) {
				after = isCasedRune(src[j])
				break
			}
		}
		if before && !after {
			dst[i] = 'ς'
		}
	}
	return string(dst)
}

func isCasedRune(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r)
}

// isCaseIgnorable approximates Unicode's Case_Ignorable property.
func isCaseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', '^', '`', 0xb7, 0x2019:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// pyUpper is Python's str.upper.
func pyUpper(s string) string {
	if isASCIIString(s) {
		return strings.ToUpper(s)
	}
	return caseString(s, upperSpecial, unicode.ToUpper)
}

// pyTitleRune is the title case of one character, as Python's str.title
// gives it.
func pyTitleRune(r rune) string {
	if m, ok := titleSpecial[r]; ok {
		return m
	}
	return string(unicode.ToTitle(r))
}

// isASCIIString reports whether s holds only ASCII characters.
func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// strFilter adapts a str -> str function into a filter without parameters.
func strFilter(name string, f func(string) string) FilterFunc {
	return func(s *State, v Value, a Args) (Value, error) {
		if err := noArgs(name, a); err != nil {
			return nil, err
		}
		str, err := boundedStr(s, name, v)
		if err != nil {
			return nil, err
		}
		out := f(str)
		// Full case mappings grow a string at most threefold (e.g. ΐ).
		if len(out) > len(str) {
			if err := s.CheckBytes(name, len(out)); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
}

// capitalize is str.capitalize: the first character in title case, the
// rest lower case.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return pyTitleRune(r) + pyLower(s[n:])
}

// isTitleSep reports the characters of Jinja2's _word_beginning_split_re,
// [-\s({\[<]: a word starts after one of them.
func isTitleSep(r rune) bool {
	switch r {
	case '-', '(', '{', '[', '<':
		return true
	}
	return isPySpace(r)
}

// title is Jinja2's title filter: each word's first character upper case,
// the rest lower case, words starting after -, whitespace, (, {, [ or <.
func title(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	// Split as _word_beginning_split_re.split does: separator runs and the
	// words between them; each word is item[0].upper() + item[1:].lower().
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if isTitleSep(r) {
			b.WriteRune(r)
			i += n
			continue
		}
		j := i + n
		for j < len(s) {
			r2, n2 := utf8.DecodeRuneInString(s[j:])
			if isTitleSep(r2) {
				break
			}
			j += n2
		}
		b.WriteString(pyUpper(s[i : i+n]))
		b.WriteString(pyLower(s[i+n : j]))
		i = j
	}
	return b.String()
}

// filterCenter is center(width=80): str.center.
func filterCenter(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("center", 0, "width")
	if err != nil {
		return nil, err
	}
	width, err := argIntOr(p[0], 80)
	if err != nil {
		return nil, err
	}
	str, err := boundedStr(s, "center", v)
	if err != nil {
		return nil, err
	}
	n := runeLen(str)
	if width <= n {
		return str, nil
	}
	marg := width - n
	if err := s.CheckBytes("center", len(str)+marg); err != nil {
		return nil, err
	}
	left := marg/2 + (marg & width & 1)
	return strings.Repeat(" ", left) + str + strings.Repeat(" ", marg-left), nil
}

// filterTrim is trim(chars=None): str.strip.
func filterTrim(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("trim", 0, "chars")
	if err != nil {
		return nil, err
	}
	str, err := boundedStr(s, "trim", v)
	if err != nil {
		return nil, err
	}
	if IsMissing(p[0]) || p[0] == nil {
		return strings.TrimFunc(str, isPySpace), nil
	}
	chars, err := argStr("strip", p[0])
	if err != nil {
		return nil, fmt.Errorf("strip arg must be None or str")
	}
	return strings.Trim(str, chars), nil
}

// filterReplace is replace(old, new, count=None): str.replace.
func filterReplace(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("replace", 2, "old", "new", "count")
	if err != nil {
		return nil, err
	}
	str, err := boundedStr(s, "replace", v)
	if err != nil {
		return nil, err
	}
	// Jinja2 converts old and new with str() too.
	old, err := boundedStr(s, "replace", p[0])
	if err != nil {
		return nil, err
	}
	repl, err := boundedStr(s, "replace", p[1])
	if err != nil {
		return nil, err
	}
	count := -1
	if !IsMissing(p[2]) && p[2] != nil {
		if count, err = argInt(p[2]); err != nil {
			return nil, err
		}
	}
	// Occurrences: an empty old matches between every character.
	n := 0
	if old == "" {
		n = runeLen(str) + 1
	} else {
		n = strings.Count(str, old)
	}
	if count >= 0 && count < n {
		n = count
	}
	if n == 0 {
		return str, nil
	}
	if d := len(repl) - len(old); d > 0 {
		if n > (maxInt-len(str))/d {
			return nil, s.CheckBytes("replace", -1)
		}
		if err := s.CheckBytes("replace", len(str)+n*d); err != nil {
			return nil, err
		}
	}
	return strings.Replace(str, old, repl, n), nil
}

// eachLine calls fn with each line of Python's s.splitlines() (without
// keepends), in order, without building the list.
func eachLine(s string, fn func(i int, line string) error) error {
	start, n := 0, 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		end := i
		switch r {
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			i += size
		case '\r':
			i += size
			if i < len(s) && s[i] == '\n' {
				i++
			}
		default:
			i += size
			continue
		}
		if err := fn(n, s[start:end]); err != nil {
			return err
		}
		n++
		start = i
	}
	if start < len(s) {
		return fn(n, s[start:])
	}
	return nil
}

// filterIndent is indent(width=4, first=False, blank=False).
func filterIndent(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("indent", 0, "width", "first", "blank")
	if err != nil {
		return nil, err
	}
	if err := pyStrOnly(v, func(t string) string {
		if t == "list" {
			return "'list' object has no attribute 'splitlines'"
		}
		return "unsupported operand type(s) for +=: '" + t + "' and 'str'"
	}); err != nil {
		return nil, err
	}
	str, err := boundedStr(s, "indent", v)
	if err != nil {
		return nil, err
	}
	var ind string
	switch w := p[0].(type) {
	case string:
		ind = w
	default:
		n, err := argIntOr(p[0], 4)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			n = 0
		}
		if err := s.CheckBytes("indent", n); err != nil {
			return nil, err
		}
		ind = strings.Repeat(" ", n)
	}
	first, err := argBool(p[1], false)
	if err != nil {
		return nil, err
	}
	blank, err := argBool(p[2], false)
	if err != nil {
		return nil, err
	}
	text := str + "\n" // Jinja2's quirk for splitlines
	// The exact size of the result first: blank lines are not indented
	// unless blank is set, the first line only when first is.
	size := 0
	if first {
		size = len(ind)
	}
	_ = eachLine(text, func(i int, line string) error {
		size += len(line)
		if i > 0 {
			size++
			if blank || line != "" {
				size += len(ind)
			}
		}
		return nil
	})
	if err := s.CheckBytes("indent", size); err != nil {
		return nil, err
	}
	var b strings.Builder
	b.Grow(size)
	if first {
		b.WriteString(ind)
	}
	_ = eachLine(text, func(i int, line string) error {
		if i > 0 {
			b.WriteByte('\n')
			if blank || line != "" {
				b.WriteString(ind)
			}
		}
		b.WriteString(line)
		return nil
	})
	return b.String(), nil
}

// filterTruncate is truncate(length=255, killwords=False, end='...',
// leeway=None); the default leeway is 5 (Jinja2's truncate.leeway policy).
func filterTruncate(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("do_truncate", 0, "length", "killwords", "end", "leeway")
	if err != nil {
		return nil, err
	}
	length, err := argIntOr(p[0], 255)
	if err != nil {
		return nil, err
	}
	killwords, err := argBool(p[1], false)
	if err != nil {
		return nil, err
	}
	end := "..."
	if !IsMissing(p[2]) {
		if end, err = argStr("truncate", p[2]); err != nil {
			return nil, err
		}
	}
	leeway := 5
	if !IsMissing(p[3]) && p[3] != nil {
		if leeway, err = argInt(p[3]); err != nil {
			return nil, err
		}
	}
	endLen := runeLen(end)
	if length < endLen {
		return nil, fmt.Errorf("expected length >= %d, got %d", endLen, length)
	}
	if leeway < 0 {
		return nil, fmt.Errorf("expected leeway >= 0, got %d", leeway)
	}
	if _, ok := v.(string); !ok {
		if _, ok := v.(Undefined); !ok {
			// Jinja2 measures any sequence and returns a short one as it
			// is; only a string can be cut.
			n, err := Length(v)
			if err != nil {
				return nil, err
			}
			if n <= length+leeway {
				return v, nil
			}
			return nil, fmt.Errorf("'%s' object has no attribute 'rsplit'", TypeName(v))
		}
	}
	str, err := boundedStr(s, "truncate", v)
	if err != nil {
		return nil, err
	}
	if runeLen(str) <= length+leeway {
		return str, nil
	}
	head := runePrefix(str, length-endLen)
	if killwords {
		return head + end, nil
	}
	if i := strings.LastIndexByte(head, ' '); i >= 0 {
		head = head[:i]
	}
	return head + end, nil
}

// isWordChar is \w of Python's re for str patterns: _ and the characters
// str.isalnum accepts (letters and numbers, not combining marks).
func isWordChar(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.Is(unicode.N, r)
}

// wordcount counts the \w+ runs of s.
func wordcount(s string) int64 {
	n := int64(0)
	in := false
	for _, r := range s {
		w := isWordChar(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// filterWordcount is wordcount.
func filterWordcount(s *State, v Value, a Args) (Value, error) {
	str, err := noArgsStr(s, "wordcount", v, a)
	if err != nil {
		return nil, err
	}
	return wordcount(str), nil
}

// escapeHTML is markupsafe.escape of a string.
func escapeHTML(str string) string {
	if !strings.ContainsAny(str, `&<>"'`) {
		return str
	}
	var b strings.Builder
	b.Grow(len(str) + 16)
	for i := 0; i < len(str); i++ {
		switch c := str[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// filterEscape is escape/e and forceescape: the HTML-escaped string (there
// is no Markup type; autoescape is off). None escapes to "None".
func filterEscape(s *State, v Value, a Args) (Value, error) {
	str, err := noArgsStr(s, "escape", v, a)
	if err != nil {
		return nil, err
	}
	grow := 4*strings.Count(str, "&") + 3*(strings.Count(str, "<")+strings.Count(str, ">")) + 4*(strings.Count(str, `"`)+strings.Count(str, "'"))
	if err := s.CheckBytes("escape", len(str)+grow); err != nil {
		return nil, err
	}
	return escapeHTML(str), nil
}

// filterString is string: str(value).
func filterString(s *State, v Value, a Args) (Value, error) {
	return noArgsStr(s, "string", v, a)
}

// filterFormat is format(*args, **kwargs): value % args.
func filterFormat(s *State, v Value, a Args) (Value, error) {
	str, err := boundedStr(s, "format", v)
	if err != nil {
		return nil, err
	}
	if len(a.Pos) > 0 && len(a.Kw) > 0 {
		return nil, fmt.Errorf("can't handle positional and keyword arguments at the same time")
	}
	if len(a.Kw) > 0 {
		d := NewDict(len(a.Kw))
		for _, kw := range a.Kw {
			d.SetStr(kw.Name, kw.Value)
		}
		return PercentFormat(s, str, d)
	}
	return PercentFormat(s, str, NewTuple(a.Pos...))
}

// filterStriptags is striptags: markupsafe's Markup.striptags — comments
// and tags removed, entities unescaped, whitespace runs collapsed.
func filterStriptags(s *State, v Value, a Args) (Value, error) {
	str, err := noArgsStr(s, "striptags", v, a)
	if err != nil {
		return nil, err
	}
	return striptags(str), nil
}

func striptags(str string) string {
	// Remove comments first, then tags, as markupsafe does.
	var b strings.Builder
	for {
		i := strings.Index(str, "<!--")
		if i < 0 {
			b.WriteString(str)
			break
		}
		j := strings.Index(str[i+4:], "-->")
		if j < 0 {
			b.WriteString(str)
			break
		}
		b.WriteString(str[:i])
		str = str[i+4+j+3:]
	}
	str = b.String()
	b.Reset()
	for {
		i := strings.IndexByte(str, '<')
		if i < 0 {
			b.WriteString(str)
			break
		}
		j := strings.IndexByte(str[i+1:], '>')
		if j < 0 {
			b.WriteString(str)
			break
		}
		b.WriteString(str[:i])
		str = str[i+1+j+1:]
	}
	return strings.Join(strings.FieldsFunc(unescapeHTML(b.String()), isPySpace), " ")
}

// unescapeHTML resolves the common character references (Python's
// html.unescape for named entities of everyday HTML and numeric ones).
func unescapeHTML(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '&' {
			b.WriteByte(s[i])
			continue
		}
		j := strings.IndexByte(s[i:], ';')
		if j < 0 || j > 12 {
			b.WriteByte('&')
			continue
		}
		ent := s[i+1 : i+j]
		if r, ok := htmlEntity(ent); ok {
			b.WriteRune(r)
			i += j
			continue
		}
		b.WriteByte('&')
	}
	return b.String()
}

func htmlEntity(ent string) (rune, bool) {
	switch ent {
	case "amp":
		return '&', true
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	case "nbsp":
		return 0xa0, true
	}
	if len(ent) > 1 && ent[0] == '#' {
		var r rune
		var err error
		if ent[1] == 'x' || ent[1] == 'X' {
			_, err = fmt.Sscanf(ent[2:], "%x", &r)
		} else {
			_, err = fmt.Sscanf(ent[1:], "%d", &r)
		}
		if err == nil && r > 0 && r <= unicode.MaxRune {
			return r, true
		}
	}
	return 0, false
}

// pyStrOnly refuses a value that is neither a string nor undefined (whose
// use the filter reports itself), with the error Python raises on it, as
// msg words it for the value's type name.
func pyStrOnly(v Value, msg func(typeName string) string) error {
	switch v.(type) {
	case string, Undefined:
		return nil
	}
	return pyErr(msg(TypeName(v)))
}

// noArgsStr is the string of the filtered value v for a filter name that
// takes no arguments, checked against the budget.
func noArgsStr(s *State, name string, v Value, a Args) (string, error) {
	if err := noArgs(name, a); err != nil {
		return "", err
	}
	return boundedStr(s, name, v)
}
