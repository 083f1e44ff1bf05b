package configdiff

import (
	"strings"
)

// DefaultContext is the number of unchanged lines shown around a change.
const DefaultContext = 3

// Line operations in a hunk.
const (
	OpEqual  = "equal"
	OpDelete = "delete"
	OpInsert = "insert"
)

// LineDiff is the line-by-line difference between two texts.
type LineDiff struct {
	From  string    `json:"from"`
	To    string    `json:"to"`
	Equal bool      `json:"equal"`
	Stats LineStats `json:"stats"`
	Hunks []Hunk    `json:"hunks"`
}

// LineStats counts the lines of a LineDiff.
type LineStats struct {
	Added   int `json:"added"`
	Removed int `json:"removed"`
	Hunks   int `json:"hunks"`
}

// Hunk is a run of changes with its context lines. Line numbers are
// 1-based; a count of 0 means the hunk is empty on that side and the line
// number is the one before which it applies.
type Hunk struct {
	FromLine  int        `json:"from_line"`
	FromCount int        `json:"from_count"`
	ToLine    int        `json:"to_line"`
	ToCount   int        `json:"to_count"`
	Lines     []HunkLine `json:"lines"`
}

// HunkLine is one line of a hunk.
type HunkLine struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// Equal reports whether two configurations have the same lines (a missing
// final newline is not a difference).
func Equal(a, b string) bool {
	return withNewline(a) == withNewline(b)
}

func withNewline(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

// Lines computes the line diff of a and b with context unchanged lines
// around each change (negative means DefaultContext).
func Lines(fromLabel, toLabel, a, b string, context int) *LineDiff {
	if context < 0 {
		context = DefaultContext
	}
	a, b = withNewline(a), withNewline(b)
	d := &LineDiff{From: fromLabel, To: toLabel, Equal: a == b, Hunks: []Hunk{}}
	if d.Equal {
		return d
	}
	al, bl := splitLines(a), splitLines(b)
	ms := matchLines(al, bl)
	// Turn the matches into a script of operations, then cut hunks.
	type step struct {
		op   string
		i, j int // line indexes in a and b (the next ones for inserts/deletes)
	}
	script := make([]step, 0, len(al)+len(bl)-len(ms))
	i, j := 0, 0
	emitUntil := func(ti, tj int) {
		for ; i < ti; i++ {
			script = append(script, step{OpDelete, i, j})
		}
		for ; j < tj; j++ {
			script = append(script, step{OpInsert, i, j})
		}
	}
	for _, m := range ms {
		emitUntil(m.i, m.j)
		script = append(script, step{OpEqual, i, j})
		i, j = i+1, j+1
	}
	emitUntil(len(al), len(bl))

	for k := 0; k < len(script); {
		if script[k].op == OpEqual {
			k++
			continue
		}
		// A hunk starts context lines before this change and extends while
		// the next change is at most 2*context equal lines away.
		start := max(0, k-context)
		for start < k && script[start].op != OpEqual {
			start++
		}
		end := k
		for {
			for end < len(script) && script[end].op != OpEqual {
				end++
			}
			eq := end
			for eq < len(script) && script[eq].op == OpEqual {
				eq++
			}
			if eq < len(script) && eq-end <= 2*context {
				end = eq
				continue
			}
			end = min(end+context, eq)
			break
		}
		h := Hunk{FromLine: script[start].i + 1, ToLine: script[start].j + 1}
		for _, st := range script[start:end] {
			switch st.op {
			case OpDelete:
				h.Lines = append(h.Lines, HunkLine{OpDelete, al[st.i]})
				h.FromCount++
				d.Stats.Removed++
			case OpInsert:
				h.Lines = append(h.Lines, HunkLine{OpInsert, bl[st.j]})
				h.ToCount++
				d.Stats.Added++
			default:
				h.Lines = append(h.Lines, HunkLine{OpEqual, al[st.i]})
				h.FromCount++
				h.ToCount++
			}
		}
		if h.FromCount == 0 {
			h.FromLine--
		}
		if h.ToCount == 0 {
			h.ToLine--
		}
		d.Hunks = append(d.Hunks, h)
		k = end
	}
	d.Stats.Hunks = len(d.Hunks)
	return d
}

// splitLines splits newline-terminated text into lines without the newline.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
