package configtree

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// lineClass tells how blockSource treats a line before parsing it.
type lineClass uint8

const (
	lineStatement lineClass = iota
	lineComment             // skipped
	lineSection             // closes every open block (Comware "#")
)

// blockSource parses the indentation-based dialects modelled on netutils'
// space parsers: comware, routeros and netiron. A statement indented deeper
// than the one before it is its child; a statement is a sibling of the
// nearest earlier one indented as far as it. What a comment is, whether a
// separator line closes the open blocks (Comware "#", reported as the
// closing line of the last top-level statement before it), multi-line
// "header" banners (Comware) and menu-qualified keys (RouterOS) depend on
// the dialect.
type blockSource struct {
	lr        *lineReader
	readAhead // an event produced ahead (banner body), a line given back
	dialect   string
	classify  func(content []byte, ind int) lineClass
	stack     []int // indentation of the open statement path
	fresh     bool  // the next statement starts a section: it is top-level
	body      []byte
	section   []byte // RouterOS: the current "/path" menu
	key       []byte
}

// newVendorSource returns the parser of the comware, panos, exos, routeros
// or netiron dialect.
func newVendorSource(lr *lineReader, dialect string) source {
	switch dialect {
	case DialectPANOS:
		return &panosSource{lr: lr}
	case DialectEXOS:
		return &exosSource{lr: lr}
	case DialectComware:
		return &blockSource{lr: lr, dialect: dialect, classify: comwareLine}
	case DialectRouterOS:
		return &blockSource{lr: lr, dialect: dialect, classify: routerosLine}
	default:
		return &blockSource{lr: lr, dialect: dialect, classify: netironLine}
	}
}

// comwareLine: "#" in column 0 separates sections and closes every block; an
// indented "#" line is a comment.
func comwareLine(content []byte, ind int) lineClass {
	if content[0] != '#' {
		return lineStatement
	}
	if ind == 0 {
		return lineSection
	}
	return lineComment
}

func (s *blockSource) next() (Event, error) {
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
		if len(content) == 0 {
			continue
		}
		switch s.classify(content, ind) {
		case lineComment:
			continue
		case lineSection:
			open := len(s.stack) > 0 && !s.fresh
			s.stack, s.fresh = s.stack[:0], true
			if open {
				// The separator is kept as the closing line of the
				// section's last top-level statement, so that emitted
				// text separates sections as the input did.
				return Event{Kind: EventClose, Text: line, Key: content, Line: s.lr.line}, nil
			}
			continue
		}
		if s.fresh {
			s.stack, s.fresh = s.stack[:0], false
		}
		for len(s.stack) > 0 && s.stack[len(s.stack)-1] >= ind {
			s.stack = s.stack[:len(s.stack)-1]
		}
		depth := len(s.stack)
		if depth >= MaxDepth {
			return Event{}, fmt.Errorf("line %d: statements nested deeper than %d", s.lr.line, MaxDepth)
		}
		s.stack = append(s.stack, ind)
		ev := Event{Kind: EventStatement, Text: line, Key: content, Line: s.lr.line, Depth: depth}
		switch s.dialect {
		case DialectRouterOS:
			s.routerosKey(&ev)
		case DialectComware:
			if content[0] == 'h' && bytes.HasPrefix(content, []byte("header ")) {
				if err := s.header(&ev); err != nil {
					return Event{}, err
				}
			}
		}
		return ev, nil
	}
}

// header reads the body of a multi-line Comware banner ("header motd %",
// body, a line holding the closing "%") and queues it as one child
// statement, closing line included. A header whose text closes on its own
// line, or that names no delimiter, is an ordinary statement.
func (s *blockSource) header(ev *Event) error {
	// Skip "header" and the banner type: the delimiter is the first
	// character after them.
	rest := ev.Key
	for range 2 {
		rest = bytes.TrimLeft(rest, " \t")
		if i := bytes.IndexAny(rest, " \t"); i >= 0 {
			rest = rest[i:]
		} else {
			rest = nil
		}
	}
	rest = bytes.TrimLeft(rest, " \t")
	if len(rest) == 0 {
		return nil
	}
	delim := rest[:1]
	if bytes.HasPrefix(rest, []byte("^C")) {
		delim = rest[:2]
	}
	if bytes.Contains(rest[len(delim):], delim) {
		return nil
	}
	start := ev.Line
	s.body = append(s.body[:0], ev.Text...)
	opener := len(s.body)
	delim = append([]byte(nil), delim...)
	bodyStart := 0
	for {
		line, err := s.lr.next()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("line %d: header is not terminated (expected a line with %q)", start, delim)
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
			return fmt.Errorf("line %d: header is longer than %d bytes (is its closing delimiter missing?)", start, MaxLineLength)
		}
		if bytes.Contains(line, delim) {
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
// and comments. It stops before anything else: a separator, a statement
// that is not deeper, and a Comware header (its body may start in column 0
// and must be parsed).
func (s *blockSource) skipDescendants() error {
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
		switch s.classify(c, ind) {
		case lineComment:
			continue
		case lineStatement:
			if ind > base && !(s.dialect == DialectComware && bytes.HasPrefix(c, []byte("header "))) {
				continue
			}
		}
		s.saved, s.hasLine = line, true
		return nil
	}
}
