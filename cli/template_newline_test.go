package cli_test

import (
	"os"
	"path/filepath"
	"testing"
)

// TestTemplateKeepTrailingNewline: as in Jinja2, the final newline of a
// template source is dropped; [templates] keep_trailing_newline = true in the
// config file keeps it. (The command ends what it prints with a newline when
// the output has none, so the template ends with two.)
func TestTemplateKeepTrailingNewline(t *testing.T) {
	r := newRunner(t)
	dir := t.TempDir()
	for name, data := range map[string]string{
		"t.j2":      "hostname {{ node.name }}\n\n",
		"ctx.json":  `{"node": {"name": "r1"}}`,
		"keep.toml": "[templates]\nkeep_trailing_newline = true\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"template", "render", "--context", filepath.Join(dir, "ctx.json"), "--root", dir, "t.j2"}
	if out := r.ok(args...); out != "hostname r1\n" {
		t.Errorf("default: %q, want the final newline dropped", out)
	}
	r.env["UNET_CONFIG"] = filepath.Join(dir, "keep.toml")
	if out := r.ok(args...); out != "hostname r1\n\n" {
		t.Errorf("keep_trailing_newline = true: %q, want the final newline kept", out)
	}
}

// TestTemplateContextVarsMerge: --var adds to the "vars" of a --context
// file, keeping the file's own variables and their order.
func TestTemplateContextVarsMerge(t *testing.T) {
	r := newRunner(t)
	dir := t.TempDir()
	for name, data := range map[string]string{
		"v.j2":     "{{ vars }}",
		"ctx.json": `{"vars": {"z": 1, "a": [true, null]}}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := r.ok("template", "render", "--context", filepath.Join(dir, "ctx.json"), "--root", dir, "--var", "site=lon", "v.j2")
	if want := "{'z': 1, 'a': [True, None], 'site': 'lon'}\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}
