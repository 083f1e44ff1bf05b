// Package dbarchive reads and writes μNet's portable database archive: one
// stream of JSON lines, gzip-compressed in a file, that holds every table of
// a μNet database in an engine-neutral encoding, so that an archive written
// from SQLite restores into PostgreSQL and the other way round.
//
// The stream is:
//
//	{"unet_archive":1,"schema_version":8,"engine":"sqlite",...}   header
//	{"table":"nodes","columns":["id","name",...]}                  a table starts
//	["t:0190…","t:leaf1",null,"i:3"]                               one row per line
//	{"end":"nodes","rows":1,"sha256":"…"}                          the table ends
//	…                                                              more tables
//	{"trailer":true,"tables":[{"table":"nodes","rows":1,"sha256":"…"}],"rows":1}
//
// A cell is null (SQL NULL) or a string whose first two bytes give its type:
// "t:" TEXT, "x:" TEXT that is not valid UTF-8 (base64 of its bytes), "i:"
// INTEGER (decimal), "r:" REAL (shortest decimal that reads back the same
// float64), "b:" BLOB (standard base64). A table's checksum is the SHA-256 of
// its row lines, each with its newline, exactly as written; rows come in
// primary-key order, so one database gives the same lines and checksums
// whichever engine holds it.
package dbarchive

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// FormatVersion is the version of the archive format this package writes
// and the newest it reads.
const FormatVersion = 1

// maxLine bounds one line of an archive: a row longer than this is refused
// rather than read into memory.
const maxLine = 256 << 20

// Header is the first line of an archive.
type Header struct {
	// Format is the archive format version (FormatVersion).
	Format int `json:"unet_archive"`
	// SchemaVersion is the migration version of the database it was taken from.
	SchemaVersion int `json:"schema_version"`
	// Engine is the engine of that database: "sqlite" or "postgres".
	Engine string `json:"engine"`
	// CreatedAt is when the snapshot was taken (UTC, RFC 3339).
	CreatedAt time.Time `json:"created_at"`
	// Producer names the program that wrote it, e.g. "unet 1.4.0".
	Producer string `json:"producer,omitempty"`
}

// TableSum is what an archive records of one table: its row count and the
// SHA-256 (hex) of its row lines.
type TableSum struct {
	Table  string `json:"table"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// Summary is the manifest of a whole archive: every table in stream order.
type Summary struct {
	Tables []TableSum `json:"tables"`
	Rows   int64      `json:"rows"`
}

type tableStart struct {
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
}

type tableEnd struct {
	End    string `json:"end"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

type trailer struct {
	Trailer bool       `json:"trailer"`
	Tables  []TableSum `json:"tables"`
	Rows    int64      `json:"rows"`
}

// timeFormat is the fixed-width UTC text μNet stores times as; a driver
// that returns a time value has it encoded as that text.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// EncodeCell turns one value as a database/sql driver returns it into its
// archive cell: nil for NULL, else a typed string.
func EncodeCell(v any) (*string, error) {
	var s string
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		if utf8.ValidString(x) {
			s = "t:" + x
		} else {
			s = "x:" + base64.StdEncoding.EncodeToString([]byte(x))
		}
	case []byte:
		s = "b:" + base64.StdEncoding.EncodeToString(x)
	case int64:
		s = "i:" + strconv.FormatInt(x, 10)
	case int32:
		s = "i:" + strconv.FormatInt(int64(x), 10)
	case int:
		s = "i:" + strconv.Itoa(x)
	case bool:
		s = "i:0"
		if x {
			s = "i:1"
		}
	case float64:
		s = "r:" + strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		s = "r:" + strconv.FormatFloat(float64(x), 'g', -1, 64)
	case time.Time:
		s = "t:" + x.UTC().Format(timeFormat)
	default:
		return nil, fmt.Errorf("unsupported value of type %T", v)
	}
	return &s, nil
}

// DecodeCell turns an archive cell back into a value to insert: nil, string,
// int64, float64 or []byte.
func DecodeCell(c *string) (any, error) {
	if c == nil {
		return nil, nil
	}
	s := *c
	if len(s) < 2 || s[1] != ':' {
		return nil, fmt.Errorf("cell %q has no type prefix (t:, x:, i:, r: or b:)", clip(s))
	}
	body := s[2:]
	switch s[0] {
	case 't':
		return body, nil
	case 'x':
		b, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return nil, fmt.Errorf("text cell: bad base64: %v", err)
		}
		return string(b), nil
	case 'b':
		b, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return nil, fmt.Errorf("blob cell: bad base64: %v", err)
		}
		return b, nil
	case 'i':
		n, err := strconv.ParseInt(body, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("integer cell %q: %v", clip(body), err)
		}
		return n, nil
	case 'r':
		f, err := strconv.ParseFloat(body, 64)
		if err != nil {
			return nil, fmt.Errorf("real cell %q: %v", clip(body), err)
		}
		return f, nil
	}
	return nil, fmt.Errorf("cell %q has an unknown type prefix %q", clip(s), s[:2])
}

// clip shortens text quoted in an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
