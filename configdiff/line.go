package configdiff

import (
	"strings"

	"github.com/aymanbagabas/go-udiff"
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
	edits := udiff.Lines(a, b)
	u, err := udiff.ToUnifiedDiff(fromLabel, toLabel, a, edits, context)
	if err != nil {
		// Edits computed from a itself always apply; keep a whole-file
		// replacement as a safe fallback.
		u = wholeReplacement(a, b)
	}
	for _, h := range u.Hunks {
		hk := Hunk{FromLine: h.FromLine, ToLine: h.ToLine}
		for _, l := range h.Lines {
			text := strings.TrimSuffix(l.Content, "\n")
			switch l.Kind {
			case udiff.Delete:
				hk.Lines = append(hk.Lines, HunkLine{OpDelete, text})
				hk.FromCount++
				d.Stats.Removed++
			case udiff.Insert:
				hk.Lines = append(hk.Lines, HunkLine{OpInsert, text})
				hk.ToCount++
				d.Stats.Added++
			default:
				hk.Lines = append(hk.Lines, HunkLine{OpEqual, text})
				hk.FromCount++
				hk.ToCount++
			}
		}
		if hk.FromCount == 0 {
			hk.FromLine--
		}
		if hk.ToCount == 0 {
			hk.ToLine--
		}
		d.Hunks = append(d.Hunks, hk)
	}
	d.Stats.Hunks = len(d.Hunks)
	return d
}

func wholeReplacement(a, b string) udiff.UnifiedDiff {
	h := &udiff.Hunk{FromLine: 1, ToLine: 1}
	for _, l := range strings.SplitAfter(a, "\n") {
		if l != "" {
			h.Lines = append(h.Lines, udiff.Line{Kind: udiff.Delete, Content: l})
		}
	}
	for _, l := range strings.SplitAfter(b, "\n") {
		if l != "" {
			h.Lines = append(h.Lines, udiff.Line{Kind: udiff.Insert, Content: l})
		}
	}
	return udiff.UnifiedDiff{Hunks: []*udiff.Hunk{h}}
}
