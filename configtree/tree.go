package configtree

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Statement is one configuration statement and its children.
type Statement struct {
	// Text is the statement as written, indentation included and trailing
	// whitespace removed. A banner body is one statement whose text spans
	// several lines.
	Text string `json:"text"`
	// Key is what match expressions and the hierarchical diff compare: the
	// text without indentation (and, in JunOS, without the terminator and
	// the inactive:/protect: markers).
	Key string `json:"key"`
	// Line is the 1-based line number where the statement starts.
	Line int `json:"line"`
	// Depth is 0 for top-level statements.
	Depth int `json:"depth"`
	// Close is the line that closes the block ("}" in JunOS, "end-policy" and
	// friends in IOS-XR), as written; empty when the block has none.
	Close string `json:"close,omitempty"`
	// CloseLine is the line number of Close.
	CloseLine int          `json:"close_line,omitempty"`
	Children  []*Statement `json:"children,omitempty"`
}

// Tree is a parsed configuration.
type Tree struct {
	// Dialect is the dialect used to parse (the detected one for "auto").
	Dialect string `json:"dialect"`
	// Detection is set when the dialect was detected automatically.
	Detection  *Detection   `json:"detection,omitempty"`
	Statements []*Statement `json:"statements"`
}

// Parse reads a whole configuration into a Tree.
func Parse(r io.Reader, dialect string) (*Tree, error) {
	sc, err := NewScanner(r, dialect)
	if err != nil {
		return nil, err
	}
	t := &Tree{Dialect: sc.Dialect(), Detection: sc.Detection()}
	var (
		path  []*Statement
		pool  []Statement // statements are allocated in blocks
		arena textArena   // and their texts in shared strings
	)
	for {
		ev, err := sc.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				arena.flush()
				return t, nil
			}
			return nil, err
		}
		if ev.Depth > len(path) {
			return nil, fmt.Errorf("line %d: internal depth error", ev.Line)
		}
		if ev.Kind == EventClose {
			if ev.Depth < len(path) {
				path[ev.Depth].Close = string(ev.Text)
				path[ev.Depth].CloseLine = ev.Line
			}
			path = path[:ev.Depth]
			continue
		}
		if len(pool) == 0 {
			pool = make([]Statement, 128)
		}
		st := &pool[0]
		pool = pool[1:]
		st.Line, st.Depth = ev.Line, ev.Depth
		arena.add(st, ev)
		path = path[:ev.Depth]
		if ev.Depth == 0 {
			t.Statements = append(t.Statements, st)
		} else {
			p := path[ev.Depth-1]
			p.Children = append(p.Children, st)
		}
		path = append(path, st)
	}
}

// textArena gathers statement texts in one buffer and turns each 32 KiB of
// them into a single string, so a statement costs no allocation of its own.
type textArena struct {
	buf     []byte
	pending []pendingText
}

type pendingText struct {
	st                           *Statement
	start, end, keyStart, keyEnd int
}

func (a *textArena) add(st *Statement, ev Event) {
	p := pendingText{st: st, start: len(a.buf)}
	a.buf = append(a.buf, ev.Text...)
	p.end = len(a.buf)
	if n := len(ev.Key); n <= len(ev.Text) && bytes.Equal(ev.Key, ev.Text[len(ev.Text)-n:]) {
		p.keyStart, p.keyEnd = p.end-n, p.end
	} else {
		p.keyStart = len(a.buf)
		a.buf = append(a.buf, ev.Key...)
		p.keyEnd = len(a.buf)
	}
	a.pending = append(a.pending, p)
	if len(a.buf) >= 32<<10 {
		a.flush()
	}
}

func (a *textArena) flush() {
	s := string(a.buf)
	for _, p := range a.pending {
		p.st.Text = s[p.start:p.end]
		p.st.Key = s[p.keyStart:p.keyEnd]
	}
	a.buf, a.pending = a.buf[:0], a.pending[:0]
}

// ParseString parses a configuration held in a string.
func ParseString(config, dialect string) (*Tree, error) {
	return Parse(strings.NewReader(config), dialect)
}

// Walk calls fn for every statement in document order, with its ancestors
// (outermost first). Returning false from fn skips the statement's children.
func (t *Tree) Walk(fn func(st *Statement, parents []*Statement) bool) {
	var parents []*Statement
	var walk func([]*Statement)
	walk = func(list []*Statement) {
		for _, st := range list {
			if fn(st, parents) && len(st.Children) > 0 {
				parents = append(parents, st)
				walk(st.Children)
				parents = parents[:len(parents)-1]
			}
		}
	}
	walk(t.Statements)
}

// Len is the number of statements in the tree.
func (t *Tree) Len() int {
	n := 0
	t.Walk(func(*Statement, []*Statement) bool { n++; return true })
	return n
}

// Emit writes the statements back as text, one per line, in order, block
// closing lines included.
func (t *Tree) Emit(w io.Writer) error {
	bw := bufio.NewWriter(w)
	var emit func([]*Statement)
	emit = func(list []*Statement) {
		for _, st := range list {
			bw.WriteString(st.Text)
			bw.WriteByte('\n')
			emit(st.Children)
			if st.Close != "" {
				bw.WriteString(st.Close)
				bw.WriteByte('\n')
			}
		}
	}
	emit(t.Statements)
	return bw.Flush()
}

// String returns the emitted text of the tree.
func (t *Tree) String() string {
	var b strings.Builder
	_ = t.Emit(&b) // writes to a strings.Builder do not fail
	return b.String()
}

// Entry is the flat JSON form of a statement used by "config parse --json"
// and "config slice --json".
type Entry struct {
	Line    string   `json:"line"`
	Parents []string `json:"parents"`
	LineNo  int      `json:"lineno"`
	Depth   int      `json:"depth"`
	// Close marks a block-closing line ("}", "end-policy"); it is listed at
	// the depth of the statement it closes.
	Close bool `json:"close,omitempty"`
}

// Entries lists every statement of the tree in document order with its
// ancestors, block-closing lines included.
func (t *Tree) Entries() []Entry {
	var out []Entry
	var parents []string
	var walk func([]*Statement)
	walk = func(list []*Statement) {
		for _, st := range list {
			out = append(out, Entry{Line: st.Text, Parents: append([]string{}, parents...), LineNo: st.Line, Depth: st.Depth})
			if len(st.Children) > 0 {
				parents = append(parents, st.Text)
				walk(st.Children)
				parents = parents[:len(parents)-1]
			}
			if st.Close != "" {
				out = append(out, Entry{Line: st.Close, Parents: append([]string{}, parents...), LineNo: st.CloseLine, Depth: st.Depth, Close: true})
			}
		}
	}
	walk(t.Statements)
	return out
}
