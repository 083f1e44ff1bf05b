package configtree

import (
	"bytes"
)

// setSource parses JunOS "set" format: every line is a top-level statement
// ("set", "delete", "deactivate", "activate", "protect", "unprotect",
// "annotate", "insert", "rename"); "#" lines are comments.
type setSource struct {
	lr *lineReader
}

func (s *setSource) next() (Event, error) {
	for {
		line, err := s.lr.next()
		if err != nil {
			return Event{}, err
		}
		ind := indentOf(line)
		content := line[ind:]
		if len(content) == 0 || content[0] == '#' || bytes.HasPrefix(content, []byte("/*")) {
			continue
		}
		return Event{Kind: EventStatement, Text: line, Key: setKey(content), Line: s.lr.line}, nil
	}
}

// setVerbs are the first words of set-format lines; the statement path
// starts after them.
var setVerbs = []string{"set", "delete", "deactivate", "activate", "protect", "unprotect", "annotate", "insert", "rename"}

// setKey removes the verb of a set-format line, leaving the statement path.
func setKey(content []byte) []byte {
	for _, v := range setVerbs {
		if len(content) > len(v) && bytes.HasPrefix(content, []byte(v)) && (content[len(v)] == ' ' || content[len(v)] == '\t') {
			return bytes.TrimLeft(content[len(v):], " \t")
		}
	}
	return content
}
