package dbarchive

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/unet-dev/unet"
)

// FormatError is a damaged or malformed archive, positioned at the line and
// byte offset (in the uncompressed stream) where reading failed, with the
// table being read there.
type FormatError struct {
	Line   int64
	Offset int64
	Table  string
	Msg    string
}

func (e *FormatError) Error() string {
	where := fmt.Sprintf("line %d (byte %d)", e.Line, e.Offset)
	if e.Table != "" {
		where += ", table " + e.Table
	}
	return where + ": " + e.Msg
}

// Table is the start of one table in an archive.
type Table struct {
	Name    string
	Columns []string
}

// Reader reads an archive, checking as it goes: every table's row count and
// checksum at its end, and the trailer's manifest against the tables read.
// Any damage is an error of code unet.EINVALID wrapping a *FormatError.
type Reader struct {
	br      *bufio.Reader
	header  Header
	line    int64 // lines read so far
	offset  int64 // bytes read so far
	lineAt  int64 // offset of the current line
	table   *Table
	first   int64 // line of the current table's first row
	dig     *Digester
	seen    map[string]bool
	sum     Summary
	done    bool
	scratch []byte
	cells   []*string
}

// NewReader starts reading an archive from r, gzip'd or not, and reads its
// header.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read archive: %w", err)
	}
	ar := &Reader{br: br, seen: map[string]bool{}}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, ar.fail("bad gzip header: %v", err)
		}
		ar.br = bufio.NewReaderSize(gz, 1<<16)
	}
	line, err := ar.next()
	if err != nil {
		return nil, err
	}
	if len(line) == 0 || line[0] != '{' {
		return nil, ar.fail("not a μNet archive (no header)")
	}
	var h Header
	if err := json.Unmarshal(line, &h); err != nil {
		return nil, ar.fail("bad header: %v", err)
	}
	switch {
	case h.Format <= 0:
		return nil, ar.fail("not a μNet archive (the header has no format version)")
	case h.Format > FormatVersion:
		return nil, ar.fail("archive format version %d is newer than this unet reads (%d): use a newer unet", h.Format, FormatVersion)
	case h.SchemaVersion <= 0:
		return nil, ar.fail("the header has no schema version")
	case h.Engine == "":
		return nil, ar.fail("the header names no source engine")
	}
	ar.header = h
	return ar, nil
}

// Header returns the archive's header.
func (r *Reader) Header() Header { return r.header }

// Summary returns the manifest of the tables read so far: the whole archive
// once NextTable returned io.EOF.
func (r *Reader) Summary() Summary { return r.sum }

func (r *Reader) fail(format string, args ...any) error {
	fe := &FormatError{Line: r.line, Offset: r.lineAt, Msg: fmt.Sprintf(format, args...)}
	if r.table != nil {
		fe.Table = r.table.Name
	}
	return &unet.Error{Code: unet.EINVALID, Message: "damaged archive: " + fe.Error(), Err: fe}
}

// next reads one line without its newline; a stream that ends mid-line or
// before the trailer is truncated.
func (r *Reader) next() ([]byte, error) {
	r.lineAt = r.offset
	r.line++
	r.scratch = r.scratch[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		r.offset += int64(len(chunk))
		if len(r.scratch)+len(chunk) > maxLine {
			return nil, r.fail("line longer than %d bytes", maxLine)
		}
		r.scratch = append(r.scratch, chunk...)
		switch {
		case err == nil:
			return r.scratch[:len(r.scratch)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(r.scratch) == 0 {
				return nil, r.fail("archive truncated: it ends before its trailer")
			}
			return nil, r.fail("archive truncated: its last line is cut off")
		default:
			return nil, r.fail("archive truncated or damaged: %v", err)
		}
	}
}

// record is any control line.
type record struct {
	Table   *string    `json:"table"`
	Columns []string   `json:"columns"`
	End     *string    `json:"end"`
	Rows    *int64     `json:"rows"`
	SHA256  string     `json:"sha256"`
	Trailer bool       `json:"trailer"`
	Tables  []TableSum `json:"tables"`
}

// NextTable returns the next table, skipping the rest of the current one.
// At the end of the archive it checks the trailer and returns io.EOF.
func (r *Reader) NextTable() (*Table, error) {
	if r.done {
		return nil, io.EOF
	}
	for r.table != nil {
		if _, err := r.NextRow(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
	}
	line, err := r.next()
	if err != nil {
		return nil, err
	}
	if len(line) == 0 || line[0] != '{' {
		return nil, r.fail("want a table or the trailer, found %q", clip(string(line)))
	}
	var rec record
	if err := json.Unmarshal(line, &rec); err != nil {
		return nil, r.fail("bad record: %v", err)
	}
	switch {
	case rec.Trailer:
		return nil, r.finish(rec)
	case rec.Table != nil:
		return r.begin(*rec.Table, rec.Columns)
	}
	return nil, r.fail("want a table or the trailer, found %q", clip(string(line)))
}

func (r *Reader) begin(name string, cols []string) (*Table, error) {
	if name == "" {
		return nil, r.fail("a table without a name")
	}
	if r.seen[name] {
		return nil, r.fail("table %s appears twice", name)
	}
	if len(cols) == 0 {
		return nil, r.fail("table %s has no columns", name)
	}
	names := map[string]bool{}
	for _, c := range cols {
		if c == "" || names[c] {
			return nil, r.fail("table %s: empty or repeated column name %q", name, c)
		}
		names[c] = true
	}
	r.seen[name] = true
	r.table = &Table{Name: name, Columns: cols}
	r.first = r.line + 1
	r.dig = NewDigester()
	return r.table, nil
}

func (r *Reader) finish(rec record) error {
	if rec.Rows == nil {
		return r.fail("the trailer has no row count")
	}
	if len(rec.Tables) != len(r.sum.Tables) {
		return r.fail("the trailer lists %d tables, the archive holds %d", len(rec.Tables), len(r.sum.Tables))
	}
	for i, t := range rec.Tables {
		if t != r.sum.Tables[i] {
			return r.fail("the trailer's entry for %s (%d rows, sha256 %s) does not match table %s (%d rows, sha256 %s)",
				t.Table, t.Rows, t.SHA256, r.sum.Tables[i].Table, r.sum.Tables[i].Rows, r.sum.Tables[i].SHA256)
		}
	}
	if *rec.Rows != r.sum.Rows {
		return r.fail("the trailer counts %d rows, the tables hold %d", *rec.Rows, r.sum.Rows)
	}
	// Nothing may follow the trailer.
	if _, err := r.br.ReadByte(); !errors.Is(err, io.EOF) {
		if err != nil {
			return r.fail("after the trailer: %v", err)
		}
		r.line++
		r.lineAt = r.offset
		return r.fail("data after the trailer")
	}
	r.done = true
	return io.EOF
}

// NextRow returns the next row of the current table as values to insert
// (nil, string, int64, float64, []byte), reusing nothing between calls. At
// the table's end it checks the row count and checksum and returns io.EOF.
func (r *Reader) NextRow() ([]any, error) {
	if r.table == nil {
		return nil, io.EOF
	}
	line, err := r.next()
	if err != nil {
		return nil, err
	}
	switch {
	case len(line) > 0 && line[0] == '[':
		return r.row(line)
	case len(line) > 0 && line[0] == '{':
		var rec record
		if err := json.Unmarshal(line, &rec); err != nil {
			return nil, r.fail("bad record: %v", err)
		}
		if rec.End == nil || *rec.End != r.table.Name || rec.Rows == nil {
			return nil, r.fail("table %s does not end where a record begins (want its end record)", r.table.Name)
		}
		got := r.dig.Sum(r.table.Name)
		if *rec.Rows != got.Rows {
			return nil, r.fail("row count mismatch: the archive records %d rows, %d were read", *rec.Rows, got.Rows)
		}
		if rec.SHA256 != got.SHA256 {
			return nil, r.fail("checksum mismatch over the rows on lines %d-%d: the archive records sha256 %s, they hash to %s",
				r.first, r.line-1, rec.SHA256, got.SHA256)
		}
		r.sum.Tables = append(r.sum.Tables, got)
		r.sum.Rows += got.Rows
		r.table, r.dig = nil, nil
		return nil, io.EOF
	}
	return nil, r.fail("want a row or the table's end, found %q", clip(string(line)))
}

func (r *Reader) row(line []byte) ([]any, error) {
	r.cells = r.cells[:0]
	if err := json.Unmarshal(line, &r.cells); err != nil {
		return nil, r.fail("row %d: %v", r.dig.rows+1, err)
	}
	if len(r.cells) != len(r.table.Columns) {
		return nil, r.fail("row %d has %d values for %d columns", r.dig.rows+1, len(r.cells), len(r.table.Columns))
	}
	vals := make([]any, len(r.cells))
	for i, c := range r.cells {
		v, err := DecodeCell(c)
		if err != nil {
			return nil, r.fail("row %d, column %s: %v", r.dig.rows+1, r.table.Columns[i], err)
		}
		vals[i] = v
	}
	r.dig.add(r.scratch) // the line as written, newline included
	return vals, nil
}

// Verify reads a whole archive, checking its structure, every table's row
// count and checksum, and the trailer.
func Verify(r io.Reader) (Header, Summary, error) {
	ar, err := NewReader(r)
	if err != nil {
		return Header{}, Summary{}, err
	}
	for {
		if _, err := ar.NextTable(); errors.Is(err, io.EOF) {
			return ar.Header(), ar.Summary(), nil
		} else if err != nil {
			return ar.Header(), ar.Summary(), err
		}
	}
}
