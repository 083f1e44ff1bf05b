package configdiff

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteText writes the hierarchical diff like a unified diff of the
// configuration: unchanged ancestors as context (" "), removed statements
// and their descendants with "-", added ones with "+", a changed statement
// as a "-" line followed by a "+" line.
func (d *HierDiff) WriteText(w io.Writer, o RenderOptions) error {
	if d.Equal {
		return nil
	}
	b := bufio.NewWriter(w)
	paint(b, o.Color, ansiBold, "--- "+d.From)
	b.WriteByte('\n')
	paint(b, o.Color, ansiBold, "+++ "+d.To)
	b.WriteByte('\n')
	var shown []string
	for _, c := range d.Changes {
		common := 0
		for common < len(shown) && common < len(c.pathText) && shown[common] == c.pathText[common] {
			common++
		}
		for _, p := range c.pathText[common:] {
			b.WriteString(" " + p + "\n")
		}
		shown = c.pathText
		switch c.Op {
		case ChangeRemoved:
			for _, l := range c.Lines {
				paint(b, o.Color, ansiRed, "-"+l)
				b.WriteByte('\n')
			}
		case ChangeAdded:
			for _, l := range c.Lines {
				paint(b, o.Color, ansiGreen, "+"+l)
				b.WriteByte('\n')
			}
		case ChangeChanged:
			for _, l := range strings.Split(c.oldText, "\n") {
				paint(b, o.Color, ansiRed, "-"+l)
				b.WriteByte('\n')
			}
			for _, l := range strings.Split(c.newText, "\n") {
				paint(b, o.Color, ansiGreen, "+"+l)
				b.WriteByte('\n')
			}
		}
	}
	return b.Flush()
}

// WriteStats writes a one-line summary of the hierarchical diff.
func (d *HierDiff) WriteStats(w io.Writer) error {
	_, err := fmt.Fprintf(w, "%d statements added, %d removed, %d changed\n", d.Stats.Added, d.Stats.Removed, d.Stats.Changed)
	return err
}
