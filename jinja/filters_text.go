package jinja

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// filterWordwrap is wordwrap(width=79, break_long_words=True,
// wrapstring=None, break_on_hyphens=True): each line of the input wrapped
// separately with Python's textwrap.wrap (expand_tabs and
// replace_whitespace off), the lines joined by wrapstring ("\n").
func filterWordwrap(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("do_wordwrap", 0, "width", "break_long_words", "wrapstring", "break_on_hyphens")
	if err != nil {
		return nil, err
	}
	if err := pyStrOnly(v, func(t string) string { return "'" + t + "' object has no attribute 'splitlines'" }); err != nil {
		return nil, err
	}
	str, err := boundedStr(s, "wordwrap", v)
	if err != nil {
		return nil, err
	}
	width, err := argIntOr(p[0], 79)
	if err != nil {
		return nil, err
	}
	breakLong, err := argBool(p[1], true)
	if err != nil {
		return nil, err
	}
	wrapstring := "\n"
	if !IsMissing(p[2]) && p[2] != nil {
		if wrapstring, err = argStr("join", p[2]); err != nil {
			return nil, err
		}
	}
	hyphens, err := argBool(p[3], true)
	if err != nil {
		return nil, err
	}
	if breakLong && width > 0 {
		// Lines hold at most width characters and keep every
		// non-space one: the result has at least this many bytes,
		// checked before any work.
		chars := 0
		for _, r := range str {
			if !unicode.IsSpace(r) {
				chars++
			}
		}
		lines := (chars + width - 1) / width
		if lines > 1 && len(wrapstring) > 0 && lines-1 > (maxInt-chars)/len(wrapstring) {
			return nil, s.CheckBytes("wordwrap", -1)
		}
		if lines > 1 {
			if err := s.CheckBytes("wordwrap", chars+(lines-1)*len(wrapstring)); err != nil {
				return nil, err
			}
		}
	}
	var out strings.Builder
	w := textWrapper{width: width, breakLong: breakLong, hyphens: hyphens}
	err = eachLine(str, func(i int, line string) error {
		if err := s.Tick(); err != nil {
			return err
		}
		if i > 0 {
			if len(wrapstring) > maxInt-out.Len() {
				return s.CheckBytes("wordwrap", -1)
			}
			if err := s.CheckBytes("wordwrap", out.Len()+len(wrapstring)); err != nil {
				return err
			}
			out.WriteString(wrapstring)
		}
		first := true
		return w.wrap([]rune(line), func(l []rune) error {
			n := utf8Len(l)
			if !first {
				n += len(wrapstring)
			}
			if n > maxInt-out.Len() {
				return s.CheckBytes("wordwrap", -1)
			}
			if err := s.CheckBytes("wordwrap", out.Len()+n); err != nil {
				return err
			}
			if out.Cap()-out.Len() < n {
				out.Grow(n) // doubles the buffer: growth costs twice the result at most
			}
			if !first {
				out.WriteString(wrapstring)
			}
			first = false
			for _, r := range l {
				out.WriteRune(r)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out.String(), nil
}

// textWrapper is Python's textwrap.TextWrapper with expand_tabs=False,
// replace_whitespace=False, drop_whitespace=True, no indents.
type textWrapper struct {
	width     int
	breakLong bool
	hyphens   bool
}

// isWrapSpace is textwrap's whitespace set, '\t\n\x0b\x0c\r '.
func isWrapSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ':
		return true
	}
	return false
}

// isLetter is [^\d\W]: a word character that is not a digit.
func isLetter(r rune) bool { return isWordChar(r) && !unicode.IsDigit(r) }

// isWordPunct is [\w!"'&.,?].
func isWordPunct(r rune) bool {
	switch r {
	case '!', '"', '\'', '&', '.', ',', '?':
		return true
	}
	return isWordChar(r)
}

// nextChunk returns the chunk of t starting at i, as textwrap's
// wordsep_re (or wordsep_simple_re when hyphens is off) splits text.
func (w *textWrapper) nextChunk(t []rune, i int) []rune {
	j := i
	if isWrapSpace(t[i]) {
		for j < len(t) && isWrapSpace(t[j]) {
			j++
		}
		return t[i:j]
	}
	if !w.hyphens {
		for j < len(t) && !isWrapSpace(t[j]) {
			j++
		}
		return t[i:j]
	}
	// Em-dash between words: (?<=wp) -{2,} (?=\w)
	if i > 0 && isWordPunct(t[i-1]) && t[i] == '-' {
		k := i
		for k < len(t) && t[k] == '-' {
			k++
		}
		if k-i >= 2 && k < len(t) && isWordChar(t[k]) {
			return t[i:k]
		}
	}
	// A word, possibly hyphenated: the shortest run of non-space
	// characters (at least one) followed by one of the endings.
	for j = i + 1; j < len(t) && !isWrapSpace(t[j]); j++ {
		c := t[j-1]
		if c == '-' && w.hyphenBreak(t, j-1) {
			break
		}
		// em-dash: (?<=wp)(?=-{2,}\w)
		if isWordPunct(c) && t[j] == '-' {
			k := j
			for k < len(t) && t[k] == '-' {
				k++
			}
			if k-j >= 2 && k < len(t) && isWordChar(t[k]) {
				break
			}
		}
	}
	return t[i:j]
}

// chunker yields the chunks of a text one at a time; the head chunk can be
// cut (a long word broken across lines).
type chunker struct {
	w    *textWrapper
	t    []rune
	next int    // start of the chunk after head
	head []rune // nil when the text is exhausted
}

func (c *chunker) pop() {
	c.head = nil
	if c.next < len(c.t) {
		c.head = c.w.nextChunk(c.t, c.next)
		c.next += len(c.head)
	}
}

// hyphenBreak reports whether the hyphen at h ends a chunk:
// -(?: (?<=lt{2}-) | (?<=lt-lt-)) (?= lt -? lt).
func (w *textWrapper) hyphenBreak(t []rune, h int) bool {
	behind := (h >= 2 && isLetter(t[h-1]) && isLetter(t[h-2])) ||
		(h >= 3 && isLetter(t[h-1]) && t[h-2] == '-' && isLetter(t[h-3]))
	if !behind || h+1 >= len(t) || !isLetter(t[h+1]) {
		return false
	}
	if h+2 < len(t) && isLetter(t[h+2]) {
		return true
	}
	return h+3 < len(t) && t[h+2] == '-' && isLetter(t[h+3])
}

func isBlank(c []rune) bool {
	for _, r := range c {
		if !isPySpace(r) {
			return false
		}
	}
	return true
}

// wrap is TextWrapper.wrap, handing each line to emit as it is made.
func (w *textWrapper) wrap(text []rune, emit func([]rune) error) error {
	if w.width <= 0 {
		return fmt.Errorf("invalid width %d (must be > 0)", w.width)
	}
	c := chunker{w: w, t: text}
	c.pop()
	var cur [][]rune
	var line []rune
	lines := 0
	for c.head != nil {
		cur = cur[:0]
		curLen := 0
		if isBlank(c.head) && lines > 0 {
			c.pop()
		}
		for c.head != nil && curLen+len(c.head) <= w.width {
			cur = append(cur, c.head)
			curLen += len(c.head)
			c.pop()
		}
		if c.head != nil && len(c.head) > w.width {
			spaceLeft := w.width - curLen
			if w.width < 1 {
				spaceLeft = 1
			}
			if w.breakLong {
				end := spaceLeft
				chunk := c.head
				if w.hyphens && len(chunk) > spaceLeft {
					hy := -1
					for k := spaceLeft - 1; k >= 0; k-- {
						if chunk[k] == '-' {
							hy = k
							break
						}
					}
					if hy > 0 {
						for _, r := range chunk[:hy] {
							if r != '-' {
								end = hy + 1
								break
							}
						}
					}
				}
				cur = append(cur, chunk[:end])
				c.head = chunk[end:]
			} else if len(cur) == 0 {
				cur = append(cur, c.head)
				c.pop()
			}
		}
		if len(cur) > 0 && isBlank(cur[len(cur)-1]) {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			line = line[:0]
			for _, ch := range cur {
				line = append(line, ch...)
			}
			if err := emit(line); err != nil {
				return err
			}
			lines++
		}
	}
	return nil
}

// urlQuote is Jinja2's url_quote: percent-encoding of the UTF-8 bytes,
// keeping letters, digits and _.-~ (and / unless forQS); for a query
// string, spaces become +.
func urlQuote(str string, forQS bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(str); i++ {
		c := str[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '_', c == '.', c == '-', c == '~', c == '/' && !forQS:
			b.WriteByte(c)
		case c == ' ' && forQS:
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// quotedLen is len(urlQuote(str, forQS)).
func quotedLen(str string, forQS bool) int {
	n := len(str)
	for i := 0; i < len(str); i++ {
		c := str[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '_', c == '.', c == '-', c == '~', c == '/' && !forQS, c == ' ' && forQS:
		default:
			n += 2
		}
	}
	return n
}

// filterURLEncode is urlencode: a string quoted for a URL path, or a dict
// or iterable of pairs as a query string.
func filterURLEncode(s *State, v Value, a Args) (Value, error) {
	if err := noArgs("urlencode", a); err != nil {
		return nil, err
	}
	var pairs [][2]Value
	switch x := v.(type) {
	case string:
		if err := s.CheckBytes("urlencode", quotedLen(x, false)); err != nil {
			return nil, err
		}
		return urlQuote(x, false), nil
	case *Dict:
		for i := 0; i < x.Len(); i++ {
			pairs = append(pairs, [2]Value{x.Key(i), x.Val(i)})
		}
	case *List:
		for _, it := range x.Items {
			p, ok := it.(*List)
			if !ok || len(p.Items) != 2 {
				return nil, fmt.Errorf("cannot unpack %s into a key and a value", TypeName(it))
			}
			pairs = append(pairs, [2]Value{p.Items[0], p.Items[1]})
		}
	default:
		str, err := boundedStr(s, "urlencode", v)
		if err != nil {
			return nil, err
		}
		if err := s.CheckBytes("urlencode", quotedLen(str, false)); err != nil {
			return nil, err
		}
		return urlQuote(str, false), nil
	}
	var b strings.Builder
	for i, p := range pairs {
		k, err := boundedStr(s, "urlencode", p[0])
		if err != nil {
			return nil, err
		}
		val, err := boundedStr(s, "urlencode", p[1])
		if err != nil {
			return nil, err
		}
		if err := s.CheckBytes("urlencode", b.Len()+quotedLen(k, true)+quotedLen(val, true)+2); err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(urlQuote(k, true))
		b.WriteByte('=')
		b.WriteString(urlQuote(val, true))
	}
	return b.String(), nil
}

var (
	urlizeHTTP   = regexp.MustCompile(`(?i)^((https?://|www\.)(([\pL\pN_%-]+\.)+)?([a-z]{2,63}|xn--[\pL\pN_%]{2,59})|([\pL\pN_%-]{2,63}\.)+(com|net|int|edu|gov|org|info|mil)|(https?://)((([\d]{1,3})(\.[\d]{1,3}){3})|(\[([\da-f]{0,4}:){2}([\da-f]{0,4}:?){1,6}])))(?::[\d]{1,5})?(?:[/?#]\S*)?$`)
	urlizeEmail  = regexp.MustCompile(`^\S+@[\pL\pN_][\pL\pN_.-]*\.[\pL\pN_]+$`)
	urlizeLead   = regexp.MustCompile(`^([(<]|&lt;)+`)
	urlizeTrail  = regexp.MustCompile(`([)>.,\n]|&gt;)+$`)
	urlizeSpace  = regexp.MustCompile(`\s+`)
	urlizeScheme = regexp.MustCompile(`^([\w.+-]{2,}:(/){0,2})$`)
)

// filterUrlize is urlize(trim_url_limit=None, nofollow=False, target=None,
// rel=None, extra_schemes=None): links for http(s)://, www., mailto: and
// email addresses in the escaped text (Jinja2's rules).
func filterUrlize(s *State, v Value, a Args) (Value, error) {
	p, err := a.Bind("do_urlize", 0, "trim_url_limit", "nofollow", "target", "rel", "extra_schemes")
	if err != nil {
		return nil, err
	}
	str, err := boundedStr(s, "urlize", v)
	if err != nil {
		return nil, err
	}
	trim := -1
	if !IsMissing(p[0]) && p[0] != nil {
		if trim, err = argInt(p[0]); err != nil {
			return nil, err
		}
	}
	nofollow, err := argBool(p[1], false)
	if err != nil {
		return nil, err
	}
	rels := map[string]bool{"noopener": true}
	if !IsMissing(p[3]) && p[3] != nil {
		r, err := Str(p[3])
		if err != nil {
			return nil, err
		}
		for _, f := range strings.Fields(r) {
			rels[f] = true
		}
	}
	if nofollow {
		rels["nofollow"] = true
	}
	relList := make([]string, 0, len(rels))
	for r := range rels {
		relList = append(relList, r)
	}
	sort.Strings(relList)
	relAttr := ` rel="` + escapeHTML(strings.Join(relList, " ")) + `"`
	targetAttr := ""
	if !IsMissing(p[2]) && p[2] != nil {
		t, err := Str(p[2])
		if err != nil {
			return nil, err
		}
		if t != "" {
			targetAttr = ` target="` + escapeHTML(t) + `"`
		}
	}
	var schemes []string
	if !IsMissing(p[4]) && p[4] != nil {
		items, err := iterItems(s, p[4])
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			sc, err := Str(it)
			if err != nil {
				return nil, err
			}
			if !urlizeScheme.MatchString(sc) {
				return nil, fmt.Errorf("%s is not a valid URI scheme prefix", Repr(sc))
			}
			schemes = append(schemes, sc)
		}
	}
	trimURL := func(x string) string {
		if trim >= 0 && runeLen(x) > trim {
			return runePrefix(x, trim) + "..."
		}
		return x
	}
	text := escapeHTML(str)
	var b strings.Builder
	last := 0
	emit := func(word string) {
		head, middle, tail := "", word, ""
		if m := urlizeLead.FindString(middle); m != "" {
			head, middle = m, middle[len(m):]
		}
		if loc := urlizeTrail.FindStringIndex(middle); loc != nil {
			tail, middle = middle[loc[0]:], middle[:loc[0]]
		}
		for _, pr := range [][2]string{{"(", ")"}, {"<", ">"}, {"&lt;", "&gt;"}} {
			sc := strings.Count(middle, pr[0])
			if sc <= strings.Count(middle, pr[1]) {
				continue
			}
			for n := min(sc, strings.Count(tail, pr[1])); n > 0; n-- {
				e := strings.Index(tail, pr[1]) + len(pr[1])
				middle += tail[:e]
				tail = tail[e:]
			}
		}
		switch {
		case urlizeHTTP.MatchString(middle):
			if strings.HasPrefix(middle, "https://") || strings.HasPrefix(middle, "http://") {
				middle = `<a href="` + middle + `"` + relAttr + targetAttr + `>` + trimURL(middle) + `</a>`
			} else {
				middle = `<a href="https://` + middle + `"` + relAttr + targetAttr + `>` + trimURL(middle) + `</a>`
			}
		case strings.HasPrefix(middle, "mailto:") && urlizeEmail.MatchString(middle[7:]):
			middle = `<a href="` + middle + `">` + middle[7:] + `</a>`
		case strings.Contains(middle, "@") && !strings.HasPrefix(middle, "www.") && !strings.Contains(middle, ":") && urlizeEmail.MatchString(middle):
			middle = `<a href="mailto:` + middle + `">` + middle + `</a>`
		default:
			for _, sc := range schemes {
				if middle != sc && strings.HasPrefix(middle, sc) {
					middle = `<a href="` + middle + `"` + relAttr + targetAttr + `>` + middle + `</a>`
				}
			}
		}
		b.WriteString(head)
		b.WriteString(middle)
		b.WriteString(tail)
	}
	for _, loc := range urlizeSpace.FindAllStringIndex(text, -1) {
		emit(text[last:loc[0]])
		b.WriteString(text[loc[0]:loc[1]])
		last = loc[1]
		if err := s.CheckBytes("urlize", b.Len()); err != nil {
			return nil, err
		}
	}
	emit(text[last:])
	return b.String(), nil
}

// utf8Len returns the length in bytes of the UTF-8 encoding of runes.
func utf8Len(runes []rune) int {
	n := 0
	for _, r := range runes {
		if l := utf8.RuneLen(r); l > 0 {
			n += l
		} else {
			n += utf8.RuneLen(utf8.RuneError)
		}
	}
	return n
}
