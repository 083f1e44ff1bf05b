package configtree

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// onyxSource parses NVIDIA (Mellanox) Onyx running configurations. Onyx
// prints its configuration as flat CLI commands ("interface ethernet 1/1
// mtu 9216 force"), grouped under "##" banner comments and indented for
// display only: every statement is top-level and its text is the command
// without the indentation. Lines starting with "#" are comments (banners,
// hidden secrets). A banner whose quoted text spans lines
// (`banner login "` ... `text"`) is one statement holding all its lines.
type onyxSource struct {
	lr   *lineReader
	body []byte
}

func (s *onyxSource) next() (Event, error) {
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
		if !onyxBannerOpens(content) {
			return Event{Kind: EventStatement, Text: content, Key: content, Line: s.lr.line}, nil
		}
		start := s.lr.line
		s.body = append(s.body[:0], content...)
		for {
			more, err := s.lr.next()
			if errors.Is(err, io.EOF) {
				return Event{}, fmt.Errorf("line %d: banner is not terminated (expected a line ending with '\"')", start)
			}
			if err != nil {
				return Event{}, err
			}
			s.body = append(append(s.body, '\n'), more...)
			if len(s.body) > MaxLineLength {
				return Event{}, fmt.Errorf("line %d: banner is longer than %d bytes (is its closing quote missing?)", start, MaxLineLength)
			}
			if bytes.HasSuffix(more, []byte(`"`)) {
				return Event{Kind: EventStatement, Text: s.body, Key: s.body, Line: start}, nil
			}
		}
	}
}

// onyxBannerOpens reports a `banner NAME "text` line whose quoted text does
// not end on that line.
func onyxBannerOpens(content []byte) bool {
	if !beginsWithWord(content, "banner") {
		return false
	}
	rest := bytes.TrimLeft(content[len("banner"):], " \t")
	name := bytes.IndexAny(rest, " \t")
	if name < 0 {
		return false
	}
	rest = bytes.TrimLeft(rest[name:], " \t")
	return len(rest) > 0 && rest[0] == '"' && (len(rest) == 1 || !bytes.HasSuffix(rest, []byte(`"`)))
}
