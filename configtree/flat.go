package configtree

// flatSource yields every non-blank line as a top-level statement.
type flatSource struct {
	lr *lineReader
}

func (s *flatSource) next() (Event, error) {
	for {
		line, err := s.lr.next()
		if err != nil {
			return Event{}, err
		}
		ind := indentOf(line)
		if ind == len(line) {
			continue
		}
		return Event{Kind: EventStatement, Text: line, Key: line[ind:], Line: s.lr.line}, nil
	}
}
