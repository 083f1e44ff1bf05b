package cli_test

import (
	"os"
	"path/filepath"
	"testing"
)

// TestImportErrorsNameTheYAMLLine: records that fail validation are reported
// with the line of the offending field in the YAML file.
func TestImportErrorsNameTheYAMLLine(t *testing.T) {
	r := newRunner(t)
	path := filepath.Join(t.TempDir(), "nodes.yaml")
	src := "- name: r1\n  vendor: cisco\n- name: r2\n  vendor: cisco\n  lifecycle: weird\n- name: r3\n  vendor: nosuchvendor\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r.fails(66, []string{"record 2: lifecycle:", "(line 5)", "record 3: vendor:", "(line 7)"}, "import", path)
}
