package configtree

import (
	"bytes"
	"fmt"
)

// exitSource parses the indentation-based configurations whose blocks end
// with an "exit" line: Nokia SR OS classic CLI ("sros") and RAD ETX
// ("rad-etx").
//
// A statement is the child of the nearest preceding statement indented less
// than it. An "exit" line at the indentation of an open block closes that
// block (an EventClose); an "exit" at the top level, with no block open,
// is ignored; any other "exit" that closes nothing is an ordinary
// statement. "exit all" returns to the top level: it closes every open
// block and is a top-level statement of its own. Lines starting with "#"
// are comments; blank lines are ignored.
//
// An `echo "TITLE"` line (the section banners of "admin display-config" and
// "info") is a statement whose key is TITLE, so match expressions name the
// section by its title.
//
// RAD ETX also has mode lines ("configure", "admin", "file"): they enter a
// CLI mode rather than configure anything, so they are not statements, and
// the statements inside the mode are read relative to it: the indentation of
// the mode's first statement is removed from their text, and the "exit" at
// the mode line's indentation leaves the mode. Inside a mode, a line indented
// deeper than the mode line is never a mode line.
type exitSource struct {
	lr    *lineReader
	rad   bool
	stack []int // indentation of the open statement path

	inMode     bool
	modeIndent int // indentation of the mode line
	shift      int // indentation removed inside the mode; -1 until known
}

func newExitSource(lr *lineReader, dialect string) *exitSource {
	return &exitSource{lr: lr, rad: dialect == DialectRADETX}
}

func (s *exitSource) next() (Event, error) {
	for {
		line, err := s.lr.next()
		if err != nil {
			return Event{}, err
		}
		ind := indentOf(line)
		content := line[ind:]
		if len(content) == 0 || content[0] == '#' {
			continue
		}
		if s.rad {
			if (!s.inMode || ind <= s.modeIndent) && isRADMode(content) {
				s.stack = s.stack[:0]
				s.inMode, s.modeIndent, s.shift = true, ind, -1
				continue
			}
			if s.inMode {
				if ind <= s.modeIndent {
					s.inMode = false
					s.stack = s.stack[:0]
					if ind == s.modeIndent && string(content) == "exit" {
						continue
					}
				} else {
					if s.shift < 0 {
						s.shift = ind
					}
					cut := min(ind, s.shift)
					line, ind = line[cut:], ind-cut
				}
			}
		}
		switch string(content) {
		case "exit all":
			s.stack = s.stack[:0]
			s.inMode = false
			return Event{Kind: EventStatement, Text: line, Key: content, Line: s.lr.line}, nil
		case "exit":
			for len(s.stack) > 0 && s.stack[len(s.stack)-1] > ind {
				s.stack = s.stack[:len(s.stack)-1]
			}
			if n := len(s.stack); n > 0 && s.stack[n-1] == ind {
				s.stack = s.stack[:n-1]
				return Event{Kind: EventClose, Text: line, Key: content, Line: s.lr.line, Depth: n - 1}, nil
			}
			if len(s.stack) == 0 {
				// Nothing is open: the CLI stays where it is. As a
				// statement it could not be emitted back (under the
				// block before it, it would close that block).
				continue
			}
		}
		for len(s.stack) > 0 && s.stack[len(s.stack)-1] >= ind {
			s.stack = s.stack[:len(s.stack)-1]
		}
		depth := len(s.stack)
		if depth >= MaxDepth {
			return Event{}, fmt.Errorf("line %d: statements nested deeper than %d", s.lr.line, MaxDepth)
		}
		s.stack = append(s.stack, ind)
		return Event{Kind: EventStatement, Text: line, Key: echoTitle(content), Line: s.lr.line, Depth: depth}, nil
	}
}

// echoTitle returns TITLE for an `echo "TITLE"` line, else the line itself.
func echoTitle(content []byte) []byte {
	if !bytes.HasPrefix(content, []byte(`echo "`)) {
		return content
	}
	end := bytes.LastIndexByte(content, '"')
	if end <= len(`echo "`) {
		return content
	}
	return content[len(`echo "`):end]
}
