package configtree

// readAhead is what a line source has read or produced ahead of time: an
// event to return before reading on (a banner body, held in held) and a
// line given back to be read again.
type readAhead struct {
	pending *Event
	held    Event
	saved   []byte
	hasLine bool
	// heldLast: the event returned last was produced ahead (a banner
	// body). It has no descendants: the lines after it belong to the
	// banner statement or to what follows, and are not skipped with it.
	heldLast bool
}

// takePending returns the event produced ahead of time, if any.
func (r *readAhead) takePending() (Event, bool) {
	r.heldLast = r.pending != nil
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
