package dbarchive

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Writer writes an archive: the header at creation, then tables one after
// the other (BeginTable, Row…, EndTable), then the trailer at Close.
type Writer struct {
	out   io.Writer
	gz    *gzip.Writer
	bw    *bufio.Writer
	table string
	dig   *Digester
	ncols int
	sum   Summary
	done  bool
}

// NewWriter starts an archive on w with header h (its Format is set here).
// With compress, the stream is gzip'd, as in an archive file.
func NewWriter(w io.Writer, h Header, compress bool) (*Writer, error) {
	aw := &Writer{out: w}
	if compress {
		aw.gz = gzip.NewWriter(w)
		w = aw.gz
	}
	aw.bw = bufio.NewWriterSize(w, 1<<16)
	h.Format = FormatVersion
	h.CreatedAt = h.CreatedAt.UTC()
	if err := aw.record(h); err != nil {
		return nil, err
	}
	return aw, nil
}

func (w *Writer) record(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.bw.Write(b)
	return err
}

// BeginTable starts a table with its columns, in the order of the values
// that Row receives.
func (w *Writer) BeginTable(name string, columns []string) error {
	if w.table != "" {
		return fmt.Errorf("archive: table %s begun before %s ended", name, w.table)
	}
	if name == "" || len(columns) == 0 {
		return errors.New("archive: a table needs a name and columns")
	}
	w.table, w.dig, w.ncols = name, NewDigester(), len(columns)
	return w.record(tableStart{Table: name, Columns: columns})
}

// Row writes one row of the current table.
func (w *Writer) Row(values []any) error {
	if w.table == "" {
		return errors.New("archive: row outside a table")
	}
	if len(values) != w.ncols {
		return fmt.Errorf("archive: table %s: row of %d values for %d columns", w.table, len(values), w.ncols)
	}
	line, err := w.dig.Row(values)
	if err != nil {
		return fmt.Errorf("archive: table %s row %d: %w", w.table, w.dig.rows+1, err)
	}
	_, err = w.bw.Write(line)
	return err
}

// EndTable ends the current table, recording its row count and checksum.
func (w *Writer) EndTable() (TableSum, error) {
	if w.table == "" {
		return TableSum{}, errors.New("archive: no table to end")
	}
	s := w.dig.Sum(w.table)
	w.table, w.dig = "", nil
	w.sum.Tables = append(w.sum.Tables, s)
	w.sum.Rows += s.Rows
	return s, w.record(tableEnd{End: s.Table, Rows: s.Rows, SHA256: s.SHA256})
}

// Close writes the trailer and flushes the stream; it does not close the
// underlying writer. It returns the archive's manifest.
func (w *Writer) Close() (Summary, error) {
	if w.done {
		return w.sum, nil
	}
	if w.table != "" {
		return w.sum, fmt.Errorf("archive: table %s not ended", w.table)
	}
	w.done = true
	tables := w.sum.Tables
	if tables == nil {
		tables = []TableSum{}
	}
	if err := w.record(trailer{Trailer: true, Tables: tables, Rows: w.sum.Rows}); err != nil {
		return w.sum, err
	}
	if err := w.bw.Flush(); err != nil {
		return w.sum, err
	}
	if w.gz != nil {
		if err := w.gz.Close(); err != nil {
			return w.sum, err
		}
	}
	return w.sum, nil
}
