package remediation

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"
)

// WriteText prints the remediation as it is typed: one command per line,
// children indented under their parents by the dialect's indentation
// (Rules.Indent spaces per level), without sectional exits. A multi-line
// statement (a banner body with its delimiter) is printed verbatim.
func (r *Result) WriteText(w io.Writer) error {
	return r.writeText(w, false)
}

// WriteTextExits prints the remediation like WriteText, with a sectional
// exit after the children of every section: the exit of the first
// SectionalExit rule that matches the section (none when its exit is
// empty), or the table's Exit ("exit" by default); it is indented as the
// section's children, or as the section itself when the rule has
// parent_level.
func (r *Result) WriteTextExits(w io.Writer) error {
	return r.writeText(w, true)
}

// Text returns the text form (WriteText) as a string.
func (r *Result) Text() string {
	var b strings.Builder
	_ = r.WriteText(&b) // writes to a strings.Builder do not fail
	return b.String()
}

// WriteJSON prints the result as indented JSON.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func (r *Result) writeText(w io.Writer, exits bool) error {
	indent := r.indent
	if indent == 0 {
		indent = 2
	}
	bw := bufio.NewWriter(w)
	// open holds the sections whose children are being printed.
	var open []*Command
	closeTo := func(depth int) {
		for len(open) > 0 && open[len(open)-1].Depth >= depth {
			c := open[len(open)-1]
			open = open[:len(open)-1]
			if exits && c.exit != "" {
				// At the level of the section's children, as hier_config
				// prints them, or at the section's own level.
				d := c.Depth + 1
				if c.exitUp {
					d--
				}
				bw.WriteString(strings.Repeat(" ", indent*d))
				bw.WriteString(c.exit)
				bw.WriteByte('\n')
			}
		}
	}
	for i := range r.Commands {
		c := &r.Commands[i]
		closeTo(c.Depth)
		// A multi-line statement (a banner body) is printed verbatim.
		if !strings.Contains(c.Text, "\n") {
			bw.WriteString(strings.Repeat(" ", indent*c.Depth))
		}
		bw.WriteString(c.Text)
		bw.WriteByte('\n')
		if i+1 < len(r.Commands) && r.Commands[i+1].Depth > c.Depth {
			open = append(open, c)
		}
	}
	closeTo(0)
	return bw.Flush()
}
