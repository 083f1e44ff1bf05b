package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/cli"
	"github.com/unet-dev/unet/sqlstore"
)

// TestLimitsExitInvalid: values over a length limit or with control characters
// are refused with exit 66 and the field named, whichever command writes them.
func TestLimitsExitInvalid(t *testing.T) {
	r := newRunner(t)
	r.ok("nodes", "add", "--name", "leaf1", "--vendor", "cisco")
	r.fails(cli.ExitInvalid, []string{"model", "limit is 128"}, "nodes", "add", "--name", "leaf2", "--vendor", "cisco", "--model", strings.Repeat("m", 129))
	r.fails(cli.ExitInvalid, []string{"role", "limit is 64"}, "nodes", "update", "leaf1", "--set", "role="+strings.Repeat("r", 65))
	r.fails(cli.ExitInvalid, []string{"serial_number", "control character U+001B"}, "nodes", "update", "leaf1", "--set", "serial_number=SN\x1b[2J")
	r.fails(cli.ExitInvalid, []string{"tags"}, "nodes", "update", "leaf1", "--set", "tags="+strings.Repeat("t", 65))
	r.fails(cli.ExitInvalid, []string{"custom_data", "deeper than 32"}, "nodes", "update", "leaf1",
		"--set", "custom_data.x="+strings.Repeat("[", 40)+strings.Repeat("]", 40))
	if n := r.nodeCount(); n != 1 {
		t.Fatalf("%d nodes after refused writes", n)
	}
}

// TestTableOutputEscapesControlCharacters: values stored before the rules
// existed (written here straight into the database) cannot drive the terminal
// through table output; JSON output keeps them exact.
func TestTableOutputEscapesControlCharacters(t *testing.T) {
	r := newRunner(t)
	r.ok("nodes", "add", "--name", "leaf1", "--vendor", "cisco", "--model", "placeholder")
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, r.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hostile := "evil\x1b[2J\x1b]0;pwned\x07\tcol\nforged line\r\u202egnp.exe"
	if _, err := db.SQL().ExecContext(ctx, `UPDATE nodes SET model = $1, serial_number = $1`, hostile); err != nil {
		t.Fatal(err)
	}
	want := `evil\x1b[2J\x1b]0;pwned\x07\x09col\x0aforged line\x0d\u202egnp.exe`
	for _, args := range [][]string{{"nodes", "list", "-o", "table"}, {"nodes", "show", "leaf1", "-o", "table"}} {
		out := r.ok(args...)
		if strings.ContainsAny(out, "\x1b\x07\r\u202e") {
			t.Errorf("unet %s printed raw control characters: %q", strings.Join(args, " "), out)
		}
		if !strings.Contains(out, want) {
			t.Errorf("unet %s: output does not show the escaped value %s:\n%s", strings.Join(args, " "), want, out)
		}
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if strings.HasPrefix(line, "forged line") {
				t.Errorf("unet %s: a stored newline started a line of its own:\n%s", strings.Join(args, " "), out)
			}
		}
	}
	if out := r.ok("nodes", "show", "leaf1", "-o", "json"); !strings.Contains(out, `\u001b[2J`) {
		t.Errorf("JSON output lost the exact value: %s", out)
	}
}

// TestCSVExportNeutralisesFormulas: a value a spreadsheet would run is
// exported behind a quote, and importing the export gives the value back.
func TestCSVExportNeutralisesFormulas(t *testing.T) {
	src := newRunner(t)
	formula := `=cmd|' /C calc'!A0`
	src.ok("locations", "add", "--name", "DC1", "--type", "site", "--description", "-48V DC feed")
	src.ok("nodes", "add", "--name", "leaf1", "--vendor", "cisco", "--model", formula, "--location", "DC1")
	src.ok("nodes", "update", "leaf1", "--set", "asset_tag='A-1")
	dir := t.TempDir()
	src.ok("export", dir, "--format", "csv")
	data, err := os.ReadFile(filepath.Join(dir, "nodes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `,'=cmd|' /C calc'!A0,`) || !strings.Contains(string(data), "''A-1") {
		t.Fatalf("nodes.csv does not neutralise the cells:\n%s", data)
	}
	dst := newRunner(t)
	dst.ok("import", dir)
	var n map[string]any
	if err := json.Unmarshal([]byte(dst.ok("nodes", "show", "leaf1", "-o", "json")), &n); err != nil {
		t.Fatal(err)
	}
	if n["model"] != formula || n["asset_tag"] != "'A-1" {
		t.Fatalf("imported model %q, asset_tag %q", n["model"], n["asset_tag"])
	}
	var l map[string]any
	if err := json.Unmarshal([]byte(dst.ok("locations", "show", "DC1", "-o", "json")), &l); err != nil {
		t.Fatal(err)
	}
	if l["description"] != "-48V DC feed" {
		t.Fatalf("imported description %q", l["description"])
	}
}
