package cli_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestTemplateRenderHostile: templates building huge values in one
// operation fail at once through `unet template render` with the template's
// position and the value-limit message; validate accepts them (they parse).
func TestTemplateRenderHostile(t *testing.T) {
	r := newRunner(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ctx.json"), []byte(`{"node": {"name": "x1"}}`), 0o644)
	cases := map[string]string{
		"mul.j2":     "hostname {{ node.name }}\n{{ \"x\" * 100000 * 100000 }}\n",
		"center.j2":  "hostname {{ node.name }}\n{{ \"x\"|center(2000000000) }}\n",
		"replace.j2": "hostname {{ node.name }}\n{{ (\"x\" * 100000)|replace(\"x\", \"y\" * 100000) }}\n",
		"range.j2":   "hostname {{ node.name }}\n{% for i in range(10**10) %}{% endfor %}\n",
	}
	for name, src := range cases {
		os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644)
	}
	for name := range cases {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		r.fails(66, []string{name + ": 2:", "template value size limit exceeded"},
			"template", "render", "--context", filepath.Join(dir, "ctx.json"), "--root", dir, name)
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %v, %.1f MiB allocated", name, elapsed.Round(time.Millisecond), float64(alloc)/(1<<20))
		if elapsed > time.Second || alloc > 64<<20 {
			t.Errorf("%s: %v and %d bytes, want under a second and 64 MiB", name, elapsed, alloc)
		}
	}
	r.ok("template", "validate", dir)
}
