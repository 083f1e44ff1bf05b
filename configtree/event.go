package configtree

// EventKind tells what an Event reports.
type EventKind uint8

const (
	// EventStatement is a configuration statement.
	EventStatement EventKind = iota
	// EventClose is the closing line of a block opened by the statement at
	// the same depth: "}" in JunOS, "end-policy"/"end-set"/"end-group" in
	// IOS-XR.
	EventClose
)

// Event is one item of a parsed configuration stream.
//
// Text and Key alias the parser's buffers and stay valid only until the next
// call to Scanner.Next; copy them to keep them.
type Event struct {
	Kind  EventKind
	Text  []byte // the statement as written, trailing whitespace removed
	Key   []byte // the text that match expressions see (indentation and syntax removed)
	Line  int    // 1-based line number where the statement starts
	Depth int    // 0 for top-level statements
}

// source is implemented by every dialect parser.
type source interface {
	next() (Event, error)
}
