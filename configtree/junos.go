package configtree

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// junosSource parses JunOS curly-brace configurations: statements end with
// ";" (leaves) or "{" (blocks), "}" closes a block; "#" starts a comment at a
// token boundary, "/* ... */" comments (annotations) may span lines, quoted
// strings may contain any of these characters.
type junosSource struct {
	lr      *lineReader
	queue   []Event
	qi      int
	buf     []byte // text of the statement being collected
	bufLine int
	depth   int
	opened  []int // line numbers of open blocks, for errors
	inBlock bool  // inside /* */
	inQuote bool
	arena   []byte // backing store for queued event texts of one line
	eof     bool
}

func newJunosSource(lr *lineReader) *junosSource {
	return &junosSource{lr: lr}
}

func (s *junosSource) next() (Event, error) {
	for s.qi >= len(s.queue) {
		if s.eof {
			return Event{}, io.EOF
		}
		s.queue, s.qi = s.queue[:0], 0
		s.arena = s.arena[:0]
		line, err := s.lr.next()
		if errors.Is(err, io.EOF) {
			s.eof = true
			if err := s.finish(); err != nil {
				return Event{}, err
			}
			continue
		}
		if err != nil {
			return Event{}, err
		}
		if err := s.scanLine(line); err != nil {
			return Event{}, err
		}
	}
	ev := s.queue[s.qi]
	s.qi++
	return ev, nil
}

func (s *junosSource) finish() error {
	if s.inQuote {
		return fmt.Errorf("line %d: quoted string is not terminated", s.bufLine)
	}
	if len(bytes.TrimSpace(s.buf)) > 0 {
		s.emitLeaf(s.buf, s.bufLine)
		s.buf = s.buf[:0]
	}
	if s.depth > 0 {
		return fmt.Errorf("line %d: block is not closed (missing \"}\")", s.opened[len(s.opened)-1])
	}
	return nil
}

// push queues an event whose text is copied into the per-line arena.
func (s *junosSource) push(kind EventKind, text []byte, line, depth int) {
	start := len(s.arena)
	s.arena = append(s.arena, text...)
	t := s.arena[start:len(s.arena):len(s.arena)]
	var key []byte
	if kind == EventStatement {
		ks := len(s.arena)
		s.arena = append(s.arena, junosKey(t)...)
		key = s.arena[ks:len(s.arena):len(s.arena)]
	} else {
		key = bytes.TrimSpace(t)
	}
	s.queue = append(s.queue, Event{Kind: kind, Text: t, Key: key, Line: line, Depth: depth})
}

func (s *junosSource) emitLeaf(text []byte, line int) {
	s.push(EventStatement, text, line, s.depth)
}

func (s *junosSource) scanLine(line []byte) error {
	lineNo := s.lr.line
	if len(s.buf) > 0 {
		s.buf = append(s.buf, '\n')
	}
	i := 0
	for i < len(line) {
		c := line[i]
		if s.inBlock {
			end := bytes.Index(line[i:], []byte("*/"))
			if end < 0 {
				return nil
			}
			s.inBlock = false
			i += end + 2
			continue
		}
		if s.inQuote {
			switch c {
			case '\\':
				s.buf = append(s.buf, c)
				if i+1 < len(line) {
					s.buf = append(s.buf, line[i+1])
					i++
				}
			case '"':
				s.inQuote = false
				s.buf = append(s.buf, c)
			default:
				s.buf = append(s.buf, c)
			}
			i++
			continue
		}
		empty := len(bytes.TrimSpace(s.buf)) == 0
		boundary := empty || i == 0 || line[i-1] == ' ' || line[i-1] == '\t'
		switch {
		case c == ' ' || c == '\t':
			if !empty {
				s.buf = append(s.buf, c)
			}
			i++
		case c == '#' && boundary:
			i = len(line)
		case c == '/' && i+1 < len(line) && line[i+1] == '*' && boundary:
			s.inBlock = true
			i += 2
		case c == '"':
			s.start(line, i, lineNo)
			s.inQuote = true
			s.buf = append(s.buf, c)
			i++
		case c == ';':
			s.start(line, i, lineNo)
			s.buf = append(s.buf, c)
			s.emitLeaf(s.buf, s.bufLine)
			s.buf = s.buf[:0]
			i++
		case c == '{':
			s.start(line, i, lineNo)
			s.buf = append(s.buf, c)
			s.push(EventStatement, s.buf, s.bufLine, s.depth)
			s.buf = s.buf[:0]
			s.depth++
			if s.depth > MaxDepth {
				return fmt.Errorf("line %d: blocks nested deeper than %d", lineNo, MaxDepth)
			}
			s.opened = append(s.opened, s.bufLine)
			i++
		case c == '}':
			if !empty {
				s.emitLeaf(trimRight(s.buf), s.bufLine)
			}
			s.buf = s.buf[:0]
			if s.depth == 0 {
				return fmt.Errorf("line %d: unexpected \"}\" without an open block", lineNo)
			}
			s.depth--
			s.opened = s.opened[:len(s.opened)-1]
			s.start(line, i, lineNo)
			s.buf = append(s.buf, c)
			s.push(EventClose, s.buf, lineNo, s.depth)
			s.buf = s.buf[:0]
			i++
		default:
			s.start(line, i, lineNo)
			s.buf = append(s.buf, c)
			i++
		}
	}
	if len(s.buf) > MaxLineLength {
		return fmt.Errorf("line %d: statement is longer than %d bytes (is a \";\" or a quote missing?)", s.bufLine, MaxLineLength)
	}
	if s.inQuote {
		return nil
	}
	if len(bytes.TrimSpace(s.buf)) == 0 {
		s.buf = s.buf[:0]
	}
	return nil
}

// start begins a new statement at line[i] when none is being collected; the
// statement keeps the line's indentation when it is the first on its line.
func (s *junosSource) start(line []byte, i, lineNo int) {
	if len(bytes.TrimSpace(s.buf)) > 0 {
		return
	}
	s.buf = s.buf[:0]
	s.bufLine = lineNo
	if ind := indentOf(line); ind == i {
		s.buf = append(s.buf, line[:i]...)
	}
}

// junosKey turns a JunOS statement as written into its match key: the
// terminator, the "inactive:"/"protect:"/"replace:" markers and repeated
// blanks are removed.
func junosKey(text []byte) []byte {
	t := bytes.TrimSpace(text)
	if n := len(t); n > 0 && (t[n-1] == ';' || t[n-1] == '{') {
		t = bytes.TrimSpace(t[:n-1])
	}
	if n := len(t); n > 0 && t[n-1] == '}' && n == 1 {
		return t
	}
	for {
		trimmed := false
		for _, p := range []string{"inactive:", "protect:", "replace:"} {
			if bytes.HasPrefix(t, []byte(p)) {
				t = bytes.TrimSpace(t[len(p):])
				trimmed = true
			}
		}
		if !trimmed {
			break
		}
	}
	return t
}
