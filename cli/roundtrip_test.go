package cli_test

import (
	"os"
	"path/filepath"
	"testing"
)

// TestExportImportRoundTrip: demo → export A → import A into an empty database
// → export B; A and B are byte-identical, in every format.
func TestExportImportRoundTrip(t *testing.T) {
	for _, format := range []string{"json", "yaml", "csv"} {
		t.Run(format, func(t *testing.T) {
			src := newRunner(t)
			src.ok("demo")
			src.ok("nodes", "update", "lon-acc-03", "--set", `custom_data.notes=["a \"quoted\" note", "ünïcode"]`, "--set", "custom_data.weight=1.5")
			a := t.TempDir()
			src.ok("export", a, "--format", format)

			dst := newRunner(t)
			dst.ok("import", a)
			b := t.TempDir()
			dst.ok("export", b, "--format", format)

			for _, kind := range []string{"vendors", "locations", "nodes", "links"} {
				name := kind + "." + format
				fa, err := os.ReadFile(filepath.Join(a, name))
				if err != nil {
					t.Fatal(err)
				}
				fb, err := os.ReadFile(filepath.Join(b, name))
				if err != nil {
					t.Fatal(err)
				}
				if string(fa) != string(fb) {
					t.Fatalf("%s differs after the round trip:\nA:\n%.2000s\nB:\n%.2000s", name, fa, fb)
				}
				if len(fa) < 50 {
					t.Fatalf("%s is suspiciously small: %q", name, fa)
				}
			}
		})
	}
}
