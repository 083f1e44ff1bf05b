package configtree

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// indentSource parses indentation-based dialects: ios, nxos, eos and iosxr.
// Blank lines and comment lines ("!", and ":" for ASA-style headers in ios)
// are not statements. Multi-line banners become one child statement holding
// the banner body, closing delimiter included.
type indentSource struct {
	lr        *lineReader
	readAhead // an event produced ahead (banner body), a line given back
	dialect   string
	xr        bool  // IOS-XR block ends
	stack     []int // indentation of the open statement path
	body      []byte
}

func newIndentSource(lr *lineReader, dialect string) *indentSource {
	return &indentSource{lr: lr, dialect: dialect, xr: dialect == DialectIOSXR}
}

func (s *indentSource) isComment(content []byte) bool {
	if len(content) == 0 {
		return true
	}
	switch content[0] {
	case '!':
		return true
	case ':':
		return s.dialect == DialectIOS
	}
	return false
}

func (s *indentSource) next() (Event, error) {
	if ev, ok := s.takePending(); ok {
		return ev, nil
	}
	for {
		line, err := s.nextLine(s.lr)
		if err != nil {
			return Event{}, err
		}
		ind := indentOf(line)
		content := line[ind:]
		if s.isComment(content) {
			continue
		}
		if s.xr && ind == 0 && len(s.stack) > 0 && content[0] == 'e' && isXRBlockEnd(content) {
			s.stack = s.stack[:0]
			return Event{Kind: EventClose, Text: line, Key: content, Line: s.lr.line, Depth: 0}, nil
		}
		// "exit-address-family" and friends end the block opened by the
		// sibling just before them: they are its last child.
		exit := content[0] == 'e' && bytes.HasPrefix(content, []byte("exit-"))
		for len(s.stack) > 0 && (s.stack[len(s.stack)-1] > ind || !exit && s.stack[len(s.stack)-1] == ind) {
			s.stack = s.stack[:len(s.stack)-1]
		}
		depth := len(s.stack)
		if depth >= MaxDepth {
			return Event{}, fmt.Errorf("line %d: statements nested deeper than %d", s.lr.line, MaxDepth)
		}
		s.stack = append(s.stack, ind)
		ev := Event{Kind: EventStatement, Text: line, Key: content, Line: s.lr.line, Depth: depth}
		if c := content[0]; (c == 'b' || c == 'v') && (bytes.HasPrefix(content, []byte("banner ")) || bytes.HasPrefix(content, []byte("vacant-message"))) {
			if err := s.banner(&ev); err != nil {
				return Event{}, err
			}
		}
		return ev, nil
	}
}

// isXRBlockEnd reports IOS-XR lines that close a route-policy, a set or a
// group block.
func isXRBlockEnd(content []byte) bool {
	switch string(content) {
	case "end-policy", "end-set", "end-group", "end-route-policy":
		return true
	}
	return false
}

// banner reads a multi-line banner body when ev opens one, and queues the
// body as a child statement.
func (s *indentSource) banner(ev *Event) error {
	content := ev.Key
	var delim []byte
	if s.dialect == DialectEOS {
		// EOS: "banner login" / "banner motd" alone, body ends with "EOF".
		f := bytes.Fields(content)
		if len(f) != 2 || !bytes.Equal(f[0], []byte("banner")) {
			return nil
		}
	} else {
		var rest []byte
		if bytes.HasPrefix(content, []byte("vacant-message")) {
			rest = bytes.TrimLeft(content[len("vacant-message"):], " \t")
		} else {
			f := bytes.TrimLeft(content[len("banner "):], " \t")
			sp := bytes.IndexAny(f, " \t")
			if sp < 0 {
				return nil
			}
			rest = bytes.TrimLeft(f[sp:], " \t")
		}
		if len(rest) == 0 {
			return nil
		}
		var after []byte
		if bytes.HasPrefix(rest, []byte("^C")) {
			delim, after = []byte("^C"), rest[2:]
		} else {
			c := rest[0]
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80 {
				return nil // text, not a delimiter: a one-line statement (ASA style)
			}
			delim, after = rest[:1], rest[1:]
		}
		if bytes.Contains(after, delim) {
			return nil // opened and closed on the same line
		}
		delim = append([]byte(nil), delim...)
	}
	// The opening line is returned now; keep a private copy because reading
	// the body reuses the line buffer.
	start := ev.Line
	s.body = append(s.body[:0], ev.Text...)
	opener := len(s.body)
	bodyStart := 0
	for {
		line, err := s.lr.next()
		if errors.Is(err, io.EOF) {
			what := "EOF"
			if delim != nil {
				what = fmt.Sprintf("%q", delim)
			}
			return fmt.Errorf("line %d: banner is not terminated (expected a line with %s)", start, what)
		}
		if err != nil {
			return err
		}
		if bodyStart == 0 {
			bodyStart = s.lr.line
		}
		s.body = append(s.body, '\n')
		s.body = append(s.body, line...)
		if len(s.body) > MaxLineLength {
			return fmt.Errorf("line %d: banner is longer than %d bytes (is its closing delimiter missing?)", start, MaxLineLength)
		}
		if delim == nil && string(bytes.TrimSpace(line)) == "EOF" || delim != nil && bytes.Contains(line, delim) {
			break
		}
	}
	ev.Text = s.body[:opener]
	ev.Key = ev.Text[indentOf(ev.Text):]
	body := s.body[opener+1:]
	s.held = Event{Kind: EventStatement, Text: body, Key: body, Line: bodyStart, Depth: ev.Depth + 1}
	s.pending = &s.held
	return nil
}

// skipDescendants consumes, without producing events, the lines that belong
// to the statement returned last: lines indented deeper than it, blank lines
// and comments. It stops before anything else, and before a nested banner
// (its body may start in column 0 and must be parsed).
func (s *indentSource) skipDescendants() error {
	if s.heldLast || s.pending != nil || s.hasLine || len(s.stack) == 0 {
		return nil
	}
	base := s.stack[len(s.stack)-1]
	for {
		line, err := s.lr.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		ind := indentOf(line)
		if ind == len(line) {
			continue
		}
		c := line[ind:]
		if c[0] == '!' {
			continue
		}
		if ind > base && !(c[0] == 'b' && bytes.HasPrefix(c, []byte("banner ")) || c[0] == 'v' && bytes.HasPrefix(c, []byte("vacant-message"))) {
			continue
		}
		s.saved, s.hasLine = line, true
		return nil
	}
}
