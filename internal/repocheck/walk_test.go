package repocheck

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the repository root, seen from this package's directory.
const repoRoot = "../.."

// eachGoFile calls fn with the absolute path of every Go file of the
// repository (the root's), skipping hidden directories, testdata, vendor
// and node_modules, and fails the test when it finds fewer than least (the
// walk then missed the repository).
func eachGoFile(t *testing.T, least int, fn func(root, path string)) {
	t.Helper()
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found: %v", err)
	}
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") {
			files++
			fn(root, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < least {
		t.Fatalf("only %d Go files found under %s", files, root)
	}
}

func relTo(root, path string) string {
	if rel, err := filepath.Rel(root, path); err == nil {
		return filepath.ToSlash(rel)
	}
	return path
}
