package configtree

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// panosSource parses PAN-OS configurations in set format ("set cli
// config-output-format set"): every command is a top-level statement, as in
// netutils. A login banner that spans lines ("set deviceconfig system
// login-banner" and the lines up to the next "set " command) is the opener
// with its continuation lines as one child statement. The brace format is
// refused with a positioned error.
type panosSource struct {
	lr        *lineReader
	readAhead // an event produced ahead (banner body), a line given back
	body      []byte
	opener    []byte
}

var panosBanners = [][]byte{[]byte("set system login-banner"), []byte("set deviceconfig system login-banner")}

func (s *panosSource) next() (Event, error) {
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
		if content[len(content)-1] == '{' {
			return Event{}, fmt.Errorf("line %d: PAN-OS configuration in brace format; export it in set format (set cli config-output-format set)", s.lr.line)
		}
		ev := Event{Kind: EventStatement, Text: line, Key: content, Line: s.lr.line}
		for _, b := range panosBanners {
			if bytes.HasPrefix(content, b) {
				return s.banner(ev)
			}
		}
		return ev, nil
	}
}

// banner gathers the lines after a login-banner command up to the next line
// that starts with "set " into one child statement.
func (s *panosSource) banner(ev Event) (Event, error) {
	s.opener = append(s.opener[:0], ev.Text...)
	ev.Text = s.opener
	ev.Key = s.opener[indentOf(s.opener):]
	s.body = s.body[:0]
	bodyStart := 0
	for {
		line, err := s.lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Event{}, err
		}
		if bytes.HasPrefix(line, []byte("set ")) {
			// Keep the command for the next call: copy it out of the
			// reader's buffer, which the body may need again.
			s.saved = append(s.saved[:0], line...)
			s.hasLine = true
			break
		}
		if indentOf(line) == len(line) {
			continue
		}
		if bodyStart == 0 {
			bodyStart = s.lr.line
		} else {
			s.body = append(s.body, '\n')
		}
		s.body = append(s.body, line...)
		if len(s.body) > MaxLineLength {
			return Event{}, fmt.Errorf("line %d: login banner is longer than %d bytes", ev.Line, MaxLineLength)
		}
	}
	if bodyStart > 0 {
		s.held = Event{Kind: EventStatement, Text: s.body, Key: s.body, Line: bodyStart, Depth: 1}
		s.pending = &s.held
	}
	return ev, nil
}
