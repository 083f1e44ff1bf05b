package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Output formats.
var outputFormats = []string{"table", "json", "yaml", "ndjson"}

// printer writes results in the chosen format. Table output is for people; the
// other formats carry the full objects with their snake_case field names.
type printer struct {
	w      io.Writer
	format string
}

// table describes how to show a value as a table: column headers and rows.
type table struct {
	header []string
	rows   [][]string
}

// kv describes a single object for table output as ordered key/value pairs.
type kv [][2]string

// emit prints v (a single object or a slice). tbl renders it for table output.
func (p *printer) emit(v any, tbl func() any) error {
	switch p.format {
	case "json":
		enc := json.NewEncoder(p.w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	case "ndjson":
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Slice {
			for i := 0; i < rv.Len(); i++ {
				if err := writeLine(p.w, rv.Index(i).Interface()); err != nil {
					return err
				}
			}
			return nil
		}
		return writeLine(p.w, v)
	case "yaml":
		// Through JSON so that YAML uses the same field names and omissions.
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		var generic any
		if err := json.Unmarshal(raw, &generic); err != nil {
			return err
		}
		enc := yaml.NewEncoder(p.w)
		enc.SetIndent(2)
		if err := enc.Encode(generic); err != nil {
			return err
		}
		return enc.Close()
	}
	if tbl == nil {
		return writeLine(p.w, v)
	}
	switch t := tbl().(type) {
	case table:
		// A tabwriter does not keep a write error for Flush: every write is
		// checked.
		tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
		if _, err := fmt.Fprintln(tw, strings.Join(t.header, "\t")); err != nil {
			return err
		}
		for _, r := range t.rows {
			cells := make([]string, len(r))
			for i, c := range r {
				cells[i] = escapeCell(c)
			}
			if _, err := fmt.Fprintln(tw, strings.Join(cells, "\t")); err != nil {
				return err
			}
		}
		return tw.Flush()
	case kv:
		tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
		for _, pair := range t {
			if _, err := fmt.Fprintf(tw, "%s:\t%s\n", escapeCell(pair[0]), escapeCell(pair[1])); err != nil {
				return err
			}
		}
		return tw.Flush()
	case string:
		_, err := io.WriteString(p.w, t)
		return err
	}
	return fmt.Errorf("no table form")
}

func writeLine(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// compactJSON renders a value on one line for table cells.
func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// escapeCell makes a table cell safe for a terminal: control characters (C0
// such as tab, newline and ESC, DEL, C1), Unicode bidirectional controls
// and bytes that are not UTF-8 are shown as Go escapes (ESC as \x1b, U+202E
// as \u202e), so that a stored value can neither move the cursor, recolour or
// retitle the terminal, break the columns, forge a line nor reorder the text
// around it. Values are otherwise shown as they are; the json, yaml and
// ndjson formats carry them exactly.
func escapeCell(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case r < 0x80 && unsafeRune(r):
			fmt.Fprintf(&b, "\\x%02x", r)
		case unsafeRune(r):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if unsafeRune(r) {
			return true
		}
	}
	return false
}

// unsafeRune reports control characters and bidirectional controls.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// stringsBuilder is a strings.Builder usable as the printer's writer.
type stringsBuilder = strings.Builder
