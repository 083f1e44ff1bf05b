package configtree

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// fortiosSource parses Fortinet FortiOS configurations. The structure comes
// from the keywords, not from the indentation: "config X" opens a block that
// "end" closes, "edit X" opens a table entry that "next" closes ("end" also
// closes an entry left open). Every other non-blank line is a statement of
// the innermost open block: set/unset/append/select lines, and the "#..."
// header lines of a configuration file. A double-quoted value may span
// several lines (certificates, replacement messages); the statement then
// holds all of them. Blank lines are not statements.
type fortiosSource struct {
	lr    *lineReader
	stack []fortiosBlock
	buf   []byte // a statement whose quoted value continues on the next lines
	start int    // line number where buf starts
	ind   int    // indentation of buf's first line
	open  bool   // buf holds an unterminated quoted value
}

type fortiosBlock struct {
	edit bool // "edit" entry (closed by "next"), else "config" (closed by "end")
	line int
}

func (s *fortiosSource) next() (Event, error) {
	for {
		line, err := s.lr.next()
		if errors.Is(err, io.EOF) {
			return Event{}, s.finish()
		}
		if err != nil {
			return Event{}, err
		}
		if s.open {
			s.buf = append(append(s.buf, '\n'), line...)
			if len(s.buf) > MaxLineLength {
				return Event{}, fmt.Errorf("line %d: quoted value is longer than %d bytes (is a closing quote missing?)", s.start, MaxLineLength)
			}
			if fortiosQuoteOpen(line, true) {
				continue
			}
			s.open = false
			return Event{Kind: EventStatement, Text: s.buf, Key: s.buf[s.ind:], Line: s.start, Depth: len(s.stack)}, nil
		}
		ind := indentOf(line)
		content := line[ind:]
		if len(content) == 0 {
			continue
		}
		switch string(content) {
		case "next":
			n := len(s.stack)
			if n == 0 || !s.stack[n-1].edit {
				return Event{}, fmt.Errorf("line %d: \"next\" without an open \"edit\" entry", s.lr.line)
			}
			s.stack = s.stack[:n-1]
			return Event{Kind: EventClose, Text: line, Key: content, Line: s.lr.line, Depth: n - 1}, nil
		case "end":
			i := len(s.stack) - 1
			for i >= 0 && s.stack[i].edit {
				i--
			}
			if i < 0 {
				return Event{}, fmt.Errorf("line %d: \"end\" without an open \"config\" block", s.lr.line)
			}
			s.stack = s.stack[:i]
			return Event{Kind: EventClose, Text: line, Key: content, Line: s.lr.line, Depth: i}, nil
		}
		depth := len(s.stack)
		if depth >= MaxDepth {
			return Event{}, fmt.Errorf("line %d: blocks nested deeper than %d", s.lr.line, MaxDepth)
		}
		switch {
		case beginsWithWord(content, "config"):
			s.stack = append(s.stack, fortiosBlock{line: s.lr.line})
		case beginsWithWord(content, "edit"):
			s.stack = append(s.stack, fortiosBlock{edit: true, line: s.lr.line})
		case fortiosQuoteOpen(content, false):
			s.buf = append(s.buf[:0], line...)
			s.start, s.ind, s.open = s.lr.line, ind, true
			continue
		}
		return Event{Kind: EventStatement, Text: line, Key: content, Line: s.lr.line, Depth: depth}, nil
	}
}

// finish reports what is left open at the end of the input.
func (s *fortiosSource) finish() error {
	if s.open {
		return fmt.Errorf("line %d: quoted value is not terminated", s.start)
	}
	if n := len(s.stack); n > 0 {
		b := s.stack[n-1]
		if b.edit {
			return fmt.Errorf("line %d: \"edit\" entry is not closed (missing \"next\" or \"end\")", b.line)
		}
		return fmt.Errorf("line %d: \"config\" block is not closed (missing \"end\")", b.line)
	}
	return io.EOF
}

// beginsWithWord reports whether content is word followed by a blank (and
// more text).
func beginsWithWord(content []byte, word string) bool {
	if !bytes.HasPrefix(content, []byte(word)) {
		return false
	}
	rest := content[len(word):]
	return len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t')
}

// fortiosQuoteOpen reports whether a double-quoted string is still open at
// the end of b, given whether one was open at its start. A backslash escapes
// the next character inside quotes.
func fortiosQuoteOpen(b []byte, open bool) bool {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\\':
			if open {
				i++
			}
		case '"':
			open = !open
		}
	}
	return open
}
