package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func parseInputs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "parse", "*.rules"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no parse inputs: %v", err)
	}
	return files
}

// TestParseGolden parses one file per construct and compares the tree,
// with positions, to testdata/parse/*.ast. Every input also compiles.
func TestParseGolden(t *testing.T) {
	for _, path := range parseInputs(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := ParseFile(filepath.Base(path), src)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			checkGolden(t, strings.TrimSuffix(path, ".rules")+".ast", dumpFile(f, true))
			if _, err := Compile(f); err != nil {
				t.Fatalf("compile: %v", err)
			}
		})
	}
}

// TestRoundTrip checks parse → fmt → parse gives the same tree and that
// formatting is idempotent, for every parse input and example policy.
func TestRoundTrip(t *testing.T) {
	inputs := parseInputs(t)
	more, _ := filepath.Glob(filepath.Join("testdata", "format", "*.rules"))
	inputs = append(inputs, more...)
	examples, _ := filepath.Glob(filepath.Join("..", "examples", "policies", "*.rules"))
	inputs = append(inputs, examples...)
	for _, path := range inputs {
		t.Run(path, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			assertRoundTrip(t, path, src)
		})
	}
}

func assertRoundTrip(t *testing.T, name string, src []byte) {
	t.Helper()
	f1, err := ParseFile(name, src)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	out1 := FormatFile(f1)
	f2, err := ParseFile(name, out1)
	if err != nil {
		t.Fatalf("formatted output does not parse: %v\n%s", err, out1)
	}
	if a, b := dumpFile(f1, false), dumpFile(f2, false); a != b {
		t.Fatalf("tree changed by formatting:\n--- source\n%s\n--- formatted\n%s\n--- tree before\n%s\n--- tree after\n%s", src, out1, a, b)
	}
	if len(f1.Comments) != len(f2.Comments) {
		t.Fatalf("formatting lost comments: %d before, %d after\n%s", len(f1.Comments), len(f2.Comments), out1)
	}
	out2 := FormatFile(f2)
	if string(out1) != string(out2) {
		t.Fatalf("formatting is not idempotent:\n--- once\n%s\n--- twice\n%s", out1, out2)
	}
}
