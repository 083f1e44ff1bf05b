package dbarchive

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
)

// Digester encodes the rows of one table as archive lines and sums them: the
// writer uses it for what it writes, and a restore for what it reads back
// from the database, so both sides compute the checksum the same way.
type Digester struct {
	h     hash.Hash
	rows  int64
	buf   bytes.Buffer
	enc   *json.Encoder
	cells []*string
}

// NewDigester returns a digester for one table.
func NewDigester() *Digester {
	d := &Digester{h: sha256.New()}
	d.enc = json.NewEncoder(&d.buf)
	d.enc.SetEscapeHTML(false)
	return d
}

// Row encodes one row (values as database/sql returns them), adds it to the
// sum and returns its line, newline included. The line is valid until the
// next call.
func (d *Digester) Row(values []any) ([]byte, error) {
	d.cells = d.cells[:0]
	for i, v := range values {
		c, err := EncodeCell(v)
		if err != nil {
			return nil, fmt.Errorf("column %d: %w", i+1, err)
		}
		d.cells = append(d.cells, c)
	}
	d.buf.Reset()
	if err := d.enc.Encode(d.cells); err != nil {
		return nil, err
	}
	line := d.buf.Bytes()
	d.add(line)
	return line, nil
}

// add sums a line as it stands in an archive.
func (d *Digester) add(line []byte) {
	d.h.Write(line)
	d.rows++
}

// Sum returns the table's row count and checksum so far.
func (d *Digester) Sum(table string) TableSum {
	return TableSum{Table: table, Rows: d.rows, SHA256: hex.EncodeToString(d.h.Sum(nil))}
}
