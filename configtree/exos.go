package configtree

// exosSource parses Extreme EXOS configurations: a flat list of commands
// ("configure ...", "create ...", "enable ..."), each a top-level
// statement; "#" lines (the "# Module vlan configuration." headers) are
// comments.
type exosSource struct {
	lr *lineReader
}

func (s *exosSource) next() (Event, error) {
	for {
		line, err := s.lr.next()
		if err != nil {
			return Event{}, err
		}
		ind := indentOf(line)
		if ind == len(line) || line[ind] == '#' {
			continue
		}
		return Event{Kind: EventStatement, Text: line, Key: line[ind:], Line: s.lr.line}, nil
	}
}
