package configtree

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxExpressions is the largest number of match expressions one slice can
// combine.
const MaxExpressions = 64

// SliceOptions configures Slice.
type SliceOptions struct {
	// Dialect of the input ("auto" when empty).
	Dialect string
	// JSON writes a JSON array of Entry instead of configuration text.
	JSON bool
	// Context also selects up to Context sibling statements (with their
	// descendants) before and after every selected statement. Context > 0
	// holds the whole configuration in memory; 0 streams.
	Context int
}

// SliceResult summarises a slice.
type SliceResult struct {
	Dialect   string     `json:"dialect"`
	Detection *Detection `json:"detection,omitempty"`
	// Matched counts statements matched by an expression at its last level.
	Matched int `json:"matched"`
	// Statements counts the statements written (ancestors, matched statements
	// and descendants), block-closing lines excluded.
	Statements int `json:"statements"`
}

// frame is one statement of the current ancestor path.
type frame struct {
	text     []byte
	key      []byte
	words    []string
	line     int
	live     bool // a descendant may still be selected
	selected bool
	emitted  bool
	prefix   uint64 // expressions whose levels matched down to this depth
}

// slicer selects statements from an event stream.
type slicer struct {
	ms      []*Match
	words   bool
	json    bool
	out     *bufio.Writer
	enc     *json.Encoder // JSON output, HTML characters left as they are
	jbuf    bytes.Buffer
	stack   []frame
	res     SliceResult
	entries int
	// mark, when set, receives the ordinal of every selected statement
	// instead of output being written.
	mark    func(ordinal int)
	ordinal int
	// setAncestors holds the proper prefixes of the statement paths selected
	// so far in junos-set input: a later "deactivate"/"protect" line for one
	// of them is context, as the "inactive:" ancestor is in curly format.
	setAncestors map[string]struct{}
	setFormat    bool
	// skip, when the source supports it, discards the descendants of a
	// statement that can neither be selected nor lead to a selection.
	skip descendantSkipper
}

// descendantSkipper is implemented by sources that can discard the
// descendants of the statement they returned last without parsing them.
type descendantSkipper interface {
	skipDescendants() error
}

// Slice reads a configuration from r and writes the statements selected by
// any of the expressions (with their descendants and their ancestors) to w,
// in original order.
func Slice(w io.Writer, r io.Reader, opts SliceOptions, ms ...*Match) (*SliceResult, error) {
	if len(ms) == 0 {
		return nil, errors.New("slice: at least one match expression is required")
	}
	if len(ms) > MaxExpressions {
		return nil, fmt.Errorf("slice: at most %d match expressions, got %d", MaxExpressions, len(ms))
	}
	if opts.Context > 0 {
		return sliceWithContext(w, r, opts, ms)
	}
	sc, err := NewScanner(r, opts.Dialect)
	if err != nil {
		return nil, err
	}
	s := newSlicer(w, sc.Dialect(), opts.JSON, ms)
	s.res.Detection = sc.Detection()
	s.skip, _ = sc.src.(descendantSkipper)
	if err := s.run(sc.src.next); err != nil {
		return nil, err
	}
	return &s.res, nil
}

func newSlicer(w io.Writer, dialect string, jsonOut bool, ms []*Match) *slicer {
	s := &slicer{ms: ms, words: usesWordPaths(dialect), json: jsonOut, setFormat: dialect == DialectJunosSet}
	if s.setFormat {
		s.setAncestors = map[string]struct{}{}
	}
	if w != nil {
		s.out = bufio.NewWriterSize(w, 32<<10)
	}
	s.res.Dialect = dialect
	return s
}

func (s *slicer) run(next func() (Event, error)) error {
	if s.json && s.out != nil {
		s.out.WriteString("[")
	}
	for {
		ev, err := next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return err
		}
		if ev.Depth > len(s.stack) {
			return fmt.Errorf("line %d: statement deeper than its context", ev.Line)
		}
		if ev.Kind == EventClose {
			s.close(ev)
			continue
		}
		if !s.statement(ev) && s.skip != nil {
			if err := s.skip.skipDescendants(); err != nil {
				return err
			}
		}
	}
	if s.out == nil {
		return nil
	}
	if s.json {
		if s.entries > 0 {
			s.out.WriteString("\n")
		}
		s.out.WriteString("]\n")
	}
	return s.out.Flush()
}

// statement processes one statement and reports whether its descendants
// matter (false: they can be skipped).
func (s *slicer) statement(ev Event) bool {
	d := ev.Depth
	s.stack = s.stack[:d]
	ord := s.ordinal
	s.ordinal++
	f := s.push()
	var parent *frame
	if d > 0 {
		parent = &s.stack[d-1]
		if !parent.live {
			return false
		}
	}
	f.line = ev.Line
	f.selected = parent != nil && parent.selected
	if s.words {
		var pw []string
		if parent != nil {
			pw = parent.words
		}
		paths := wordPaths(pw, ev.Key)
		f.words = paths[0]
		if !f.selected {
		exprs:
			for _, m := range s.ms {
				for _, p := range paths {
					if m.matchWords(p) {
						f.selected = true
						s.res.Matched++
						break exprs
					}
				}
			}
		}
		f.live = true
		if s.setFormat {
			s.setContext(f, ev)
		}
	} else if !f.selected {
		for i, m := range s.ms {
			if d >= len(m.levels) || (d > 0 && parent.prefix&(1<<i) == 0) {
				continue
			}
			if m.levels[d].match(ev.Key) {
				f.prefix |= 1 << i
				if d == len(m.levels)-1 && !f.selected {
					f.selected = true
					s.res.Matched++
				}
			}
		}
		f.live = f.selected || f.prefix != 0
	} else {
		f.live = true
	}
	if !f.live {
		return false
	}
	f.text = append(f.text[:0], ev.Text...)
	f.key = append(f.key[:0], ev.Key...)
	if f.selected {
		if s.mark != nil {
			s.mark(ord)
		}
		for i := range s.stack {
			if !s.stack[i].emitted {
				s.emit(i, s.stack[i].text, s.stack[i].line, false)
				s.stack[i].emitted = true
			}
		}
	}
	return true
}

// push adds a frame to the ancestor path, reusing the text buffers of a
// frame previously at that depth.
func (s *slicer) push() *frame {
	d := len(s.stack)
	if d < cap(s.stack) {
		s.stack = s.stack[:d+1]
	} else {
		s.stack = append(s.stack, frame{})
	}
	f := &s.stack[d]
	f.live, f.selected, f.emitted, f.prefix = false, false, false, 0
	if f.words != nil {
		f.words = nil
	}
	return f
}

// setContext records the ancestors of a selected set-format statement, or
// selects a deactivate/protect line naming one of them.
func (s *slicer) setContext(f *frame, ev Event) {
	if f.selected {
		for i := 1; i < len(f.words); i++ {
			s.setAncestors[strings.Join(f.words[:i], " ")] = struct{}{}
		}
		return
	}
	t := bytes.TrimLeft(ev.Text, " \t")
	if !bytes.HasPrefix(t, []byte("deactivate ")) && !bytes.HasPrefix(t, []byte("protect ")) {
		return
	}
	if _, ok := s.setAncestors[strings.Join(f.words, " ")]; ok {
		f.selected = true
	}
}

func (s *slicer) close(ev Event) {
	d := ev.Depth
	if d >= len(s.stack) {
		return
	}
	s.stack = s.stack[:d+1]
	if s.stack[d].emitted {
		s.emit(d, ev.Text, ev.Line, true)
	}
	s.stack = s.stack[:d]
}

func (s *slicer) emit(depth int, text []byte, line int, closing bool) {
	if !closing {
		s.res.Statements++
	}
	if s.out == nil {
		return
	}
	if !s.json {
		s.out.Write(text)
		s.out.WriteByte('\n')
		return
	}
	parents := make([]string, depth)
	for i := 0; i < depth; i++ {
		parents[i] = string(s.stack[i].text)
	}
	if s.enc == nil {
		s.enc = json.NewEncoder(&s.jbuf)
		s.enc.SetEscapeHTML(false)
	}
	s.jbuf.Reset()
	// An Entry holds only strings, ints and a bool, and the encoder writes
	// to a bytes.Buffer: encoding it does not fail.
	_ = s.enc.Encode(Entry{Line: string(text), Parents: parents, LineNo: line, Depth: depth, Close: closing})
	if s.entries > 0 {
		s.out.WriteString(",")
	}
	s.out.WriteString("\n  ")
	s.out.Write(bytes.TrimSuffix(s.jbuf.Bytes(), []byte("\n")))
	s.entries++
}

// SliceText slices a configuration held in memory and returns the selected
// text. An empty result is not an error.
func SliceText(config []byte, dialect string, ms ...*Match) (string, error) {
	var b strings.Builder
	if _, err := Slice(&b, bytes.NewReader(config), SliceOptions{Dialect: dialect}, ms...); err != nil {
		return "", err
	}
	return b.String(), nil
}

// SliceString is SliceText for a string.
func SliceString(config, dialect string, ms ...*Match) (string, error) {
	var b strings.Builder
	if _, err := Slice(&b, strings.NewReader(config), SliceOptions{Dialect: dialect}, ms...); err != nil {
		return "", err
	}
	return b.String(), nil
}

// SliceTree returns the sub-tree of t selected by the expressions: selected
// statements with their descendants and their ancestors, as a new Tree
// sharing no statements with t.
func SliceTree(t *Tree, ms ...*Match) (*Tree, error) {
	if len(ms) == 0 || len(ms) > MaxExpressions {
		return nil, fmt.Errorf("slice: between 1 and %d match expressions are required", MaxExpressions)
	}
	sel := selectedOrdinals(t, ms)
	return pruneTree(t, sel), nil
}
