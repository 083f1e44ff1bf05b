package policy

import (
	"os"
	"path/filepath"
	"testing"
)

// TestExamplesAreCanonical keeps the demo policies in `unet policy fmt`
// form.
func TestExamplesAreCanonical(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "examples", "policies", "*.rules"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example policies: %v", err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Format(f, src)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != string(src) {
			t.Errorf("%s is not in canonical form; formatted:\n%s", f, out)
		}
	}
}
