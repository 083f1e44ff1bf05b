package dbarchive_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/dbarchive"
)

// sample writes a small archive: two tables, every kind of value.
func sample(t testing.TB, compress bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := dbarchive.NewWriter(&buf, dbarchive.Header{SchemaVersion: 8, Engine: "sqlite",
		CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Producer: "test"}, compress)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.BeginTable("nodes", []string{"id", "name", "cpu", "blob"}))
	must(w.Row([]any{int64(1), "leaf1 <&>", 12.5, []byte{0, 1, 255}}))
	must(w.Row([]any{int64(-2), "bad \xff utf8", math.Inf(-1), nil}))
	must(w.Row([]any{int64(3), "", 0.1, []byte{}}))
	_, err = w.EndTable()
	must(err)
	must(w.BeginTable("empty", []string{"x"}))
	_, err = w.EndTable()
	must(err)
	sum, err := w.Close()
	must(err)
	if sum.Rows != 3 || len(sum.Tables) != 2 {
		t.Fatalf("summary %+v", sum)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	for _, compress := range []bool{false, true} {
		r, err := dbarchive.NewReader(bytes.NewReader(sample(t, compress)))
		if err != nil {
			t.Fatal(err)
		}
		if h := r.Header(); h.SchemaVersion != 8 || h.Engine != "sqlite" || h.Format != dbarchive.FormatVersion || h.Producer != "test" {
			t.Fatalf("header %+v", h)
		}
		tb, err := r.NextTable()
		if err != nil || tb.Name != "nodes" || len(tb.Columns) != 4 {
			t.Fatalf("table %+v %v", tb, err)
		}
		var rows [][]any
		for {
			row, err := r.NextRow()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, row)
		}
		want := [][]any{
			{int64(1), "leaf1 <&>", 12.5, []byte{0, 1, 255}},
			{int64(-2), "bad \xff utf8", math.Inf(-1), nil},
			{int64(3), "", 0.1, []byte{}},
		}
		if !reflect.DeepEqual(rows, want) {
			t.Fatalf("rows %#v, want %#v", rows, want)
		}
		if tb, err := r.NextTable(); err != nil || tb.Name != "empty" {
			t.Fatalf("second table %+v %v", tb, err)
		}
		if _, err := r.NextTable(); !errors.Is(err, io.EOF) {
			t.Fatalf("end: %v", err)
		}
		if s := r.Summary(); s.Rows != 3 || len(s.Tables) != 2 || s.Tables[1].Rows != 0 {
			t.Fatalf("summary %+v", s)
		}
	}
}

// The checksum does not depend on the engine's value types beyond the
// archive's: an int32 and a bool are integers, a time is UTC text.
func TestDigesterCanonical(t *testing.T) {
	a, b := dbarchive.NewDigester(), dbarchive.NewDigester()
	la, err := a.Row([]any{int32(1), true, time.Date(2026, 1, 2, 3, 4, 5, 6000, time.FixedZone("x", 3600))})
	if err != nil {
		t.Fatal(err)
	}
	lb, err := b.Row([]any{int64(1), int64(1), "2026-01-02T02:04:05.000006Z"})
	if err != nil {
		t.Fatal(err)
	}
	if string(la) != string(lb) || a.Sum("t") != b.Sum("t") {
		t.Fatalf("%s ≠ %s", la, lb)
	}
	if _, err := a.Row([]any{struct{}{}}); err == nil {
		t.Fatal("an unsupported type was encoded")
	}
}

func TestDamagedArchives(t *testing.T) {
	good := string(sample(t, false))
	lines := strings.SplitAfter(good, "\n")
	cases := []struct {
		name, data string
		want       []string
		table      string
	}{
		{"empty", "", []string{"truncated"}, ""},
		{"not an archive", "hello\n", []string{"line 1", "not a μNet archive"}, ""},
		{"newer format", strings.Replace(good, `"unet_archive":1`, `"unet_archive":2`, 1), []string{"format version 2 is newer"}, ""},
		{"no schema version", strings.Replace(good, `"schema_version":8`, `"schema_version":0`, 1), []string{"no schema version"}, ""},
		{"truncated mid-table", strings.Join(lines[:3], ""), []string{"line 4", "truncated"}, "nodes"},
		{"cut line", good[:len(good)-5], []string{"last line is cut off"}, ""},
		{"no trailer", strings.Join(lines[:len(lines)-2], ""), []string{"ends before its trailer"}, ""},
		{"changed value", strings.Replace(good, "leaf1", "leaf2", 1), []string{"line 6", "checksum mismatch over the rows on lines 3-5"}, "nodes"},
		{"changed checksum", strings.Replace(good, `"sha256":"`, `"sha256":"00`, 1), []string{"line 6", "checksum mismatch"}, "nodes"},
		{"dropped row", strings.Replace(good, lines[3], "", 1), []string{"row count mismatch"}, "nodes"},
		{"bad cell", strings.Replace(good, `"i:3"`, `"q:3"`, 1), []string{"row 3, column id", "unknown type prefix"}, "nodes"},
		{"bad integer", strings.Replace(good, `"i:3"`, `"i:x"`, 1), []string{"integer cell"}, "nodes"},
		{"wrong width", strings.Replace(good, `"i:3",`, ``, 1), []string{"row 3 has 3 values for 4 columns"}, "nodes"},
		{"trailer mismatch", strings.Replace(good, `"rows":3}`, `"rows":4}`, 1), []string{"trailer counts 4 rows"}, ""},
		{"after trailer", good + "[]\n", []string{"data after the trailer"}, ""},
		{"repeated table", strings.Replace(good, `{"table":"empty"`, `{"table":"nodes"`, 1), []string{"table nodes appears twice"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := dbarchive.Verify(strings.NewReader(c.data))
			if unet.ErrorCode(err) != unet.EINVALID {
				t.Fatalf("want an invalid archive, got %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error %q does not say %q", err, w)
				}
			}
			var fe *dbarchive.FormatError
			if !errors.As(err, &fe) || fe.Table != c.table {
				t.Fatalf("error %v: table %q, want %q", err, fe.Table, c.table)
			}
		})
	}
}

// A damaged compressed file fails with its position too.
func TestDamagedGzip(t *testing.T) {
	raw := sample(t, true)
	flipped := append([]byte{}, raw...)
	flipped[len(flipped)-6] ^= 0xff // inside the CRC/length trailer
	_, _, err := dbarchive.Verify(bytes.NewReader(flipped))
	if unet.ErrorCode(err) != unet.EINVALID || !strings.Contains(err.Error(), "line ") {
		t.Fatalf("flipped gzip trailer: %v", err)
	}
	_, _, err = dbarchive.Verify(bytes.NewReader(raw[:len(raw)/2]))
	if unet.ErrorCode(err) != unet.EINVALID || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("truncated gzip: %v", err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte("plain text, not an archive\n"))
	_ = zw.Close()
	if _, _, err := dbarchive.Verify(&buf); !strings.Contains(fmtErr(err), "not a μNet archive") {
		t.Fatalf("gzip'd text: %v", err)
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
