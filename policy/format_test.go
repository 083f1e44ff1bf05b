package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFormatGolden formats testdata/format/*.rules and compares with the
// .golden files.
func TestFormatGolden(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "format", "*.rules"))
	if len(files) == 0 {
		t.Fatal("no format inputs")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Format(path, src)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, strings.TrimSuffix(path, ".rules")+".golden", string(out))
		})
	}
}

func TestFormatReportsSyntaxErrors(t *testing.T) {
	_, err := Format("bad.rules", []byte("WHEN node.vendor == THEN APPLY \"x\""))
	list, ok := err.(ErrorList)
	if !ok || len(list) != 1 || list[0].Line != 1 || list[0].Col != 21 {
		t.Fatalf("err = %v, want one error at 1:21", err)
	}
}
