package configdiff

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// ANSI styles used when colour is on.
const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiCyan  = "\x1b[36m"
)

// RenderOptions controls text output.
type RenderOptions struct {
	// Color adds ANSI colours (callers decide: terminal, NO_COLOR, --color).
	Color bool
	// Width is the total width of side-by-side output (default 160).
	Width int
}

func paint(b *bufio.Writer, on bool, style, s string) {
	if on {
		b.WriteString(style)
		b.WriteString(s)
		b.WriteString(ansiReset)
		return
	}
	b.WriteString(s)
}

// rangeSpec formats a hunk range the way GNU diff does.
func rangeSpec(start, count int) string {
	if count == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, count)
}

// WriteUnified writes d as a unified diff ("---"/"+++" headers, "@@" hunks).
// Nothing is written when the texts are equal.
func (d *LineDiff) WriteUnified(w io.Writer, o RenderOptions) error {
	if d.Equal {
		return nil
	}
	b := bufio.NewWriter(w)
	paint(b, o.Color, ansiBold, "--- "+d.From)
	b.WriteByte('\n')
	paint(b, o.Color, ansiBold, "+++ "+d.To)
	b.WriteByte('\n')
	for _, h := range d.Hunks {
		paint(b, o.Color, ansiCyan, fmt.Sprintf("@@ -%s +%s @@", rangeSpec(h.FromLine, h.FromCount), rangeSpec(h.ToLine, h.ToCount)))
		b.WriteByte('\n')
		for _, l := range h.Lines {
			switch l.Op {
			case OpDelete:
				paint(b, o.Color, ansiRed, "-"+l.Text)
			case OpInsert:
				paint(b, o.Color, ansiGreen, "+"+l.Text)
			default:
				b.WriteString(" " + l.Text)
			}
			b.WriteByte('\n')
		}
	}
	return b.Flush()
}

// Unified returns the unified diff text of d without colour.
func (d *LineDiff) Unified() string {
	var s strings.Builder
	_ = d.WriteUnified(&s, RenderOptions{}) // writes to a strings.Builder do not fail
	return s.String()
}

// WriteStats writes a one-line summary: "N lines added, M removed in K hunks".
func (d *LineDiff) WriteStats(w io.Writer) error {
	_, err := fmt.Fprintf(w, "%d lines added, %d removed in %d hunks\n", d.Stats.Added, d.Stats.Removed, d.Stats.Hunks)
	return err
}

// WriteSideBySide writes the hunks of d in two columns: old on the left, new
// on the right, with a gutter marker like sdiff ("|" changed, "<" removed,
// ">" added).
func (d *LineDiff) WriteSideBySide(w io.Writer, o RenderOptions) error {
	if d.Equal {
		return nil
	}
	width := o.Width
	if width <= 0 {
		width = 160
	}
	col := (width - 3) / 2
	if col < 10 {
		col = 10
	}
	b := bufio.NewWriter(w)
	paint(b, o.Color, ansiBold, fit(d.From, col)+"   "+d.To)
	b.WriteByte('\n')
	for hi, h := range d.Hunks {
		if hi > 0 {
			paint(b, o.Color, ansiCyan, strings.Repeat("-", col)+"-+-"+strings.Repeat("-", col))
			b.WriteByte('\n')
		}
		lines := h.Lines
		for i := 0; i < len(lines); {
			if lines[i].Op == OpEqual {
				b.WriteString(fit(lines[i].Text, col) + "   " + lines[i].Text + "\n")
				i++
				continue
			}
			var del, ins []string
			for i < len(lines) && lines[i].Op == OpDelete {
				del = append(del, lines[i].Text)
				i++
			}
			for i < len(lines) && lines[i].Op == OpInsert {
				ins = append(ins, lines[i].Text)
				i++
			}
			for k := 0; k < max(len(del), len(ins)); k++ {
				switch {
				case k < len(del) && k < len(ins):
					paint(b, o.Color, ansiRed, fit(del[k], col))
					b.WriteString(" | ")
					paint(b, o.Color, ansiGreen, ins[k])
				case k < len(del):
					paint(b, o.Color, ansiRed, fit(del[k], col))
					b.WriteString(" <")
				default:
					b.WriteString(strings.Repeat(" ", col) + " > ")
					paint(b, o.Color, ansiGreen, ins[k])
				}
				b.WriteByte('\n')
			}
		}
	}
	return b.Flush()
}

// fit pads or truncates s to exactly n columns (runes); tabs become spaces.
func fit(s string, n int) string {
	s = strings.ReplaceAll(s, "\t", " ")
	c := utf8.RuneCountInString(s)
	if c == n {
		return s
	}
	if c < n {
		return s + strings.Repeat(" ", n-c)
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
