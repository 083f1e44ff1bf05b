package configtree

// readAhead is what a line source has read or produced ahead of time: an
// event to return before reading on (a banner body, held in held) and a
// line given back to be read again.
type readAhead struct {
	pending *Event
	held    Event
	saved   []byte
	hasLine bool
}

// takePending returns the event produced ahead of time, if any.
func (r *readAhead) takePending() (Event, bool) {
	if r.pending == nil {
		return Event{}, false
	}
	ev := *r.pending
	r.pending = nil
	return ev, true
}

// nextLine returns the line given back, or else the next line of lr.
func (r *readAhead) nextLine(lr *lineReader) ([]byte, error) {
	if r.hasLine {
		r.hasLine = false
		return r.saved, nil
	}
	return lr.next()
}
