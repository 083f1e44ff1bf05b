package templates

import (
	"context"
	"flag"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/configtree"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// examplesRoot is the demo template tree of the repository.
const examplesRoot = "../examples/templates"

// TestExampleTemplates validates the demo templates and renders every one
// with the demo context of its platform, comparing with golden files.
func TestExampleTemplates(t *testing.T) {
	env, err := NewDir(examplesRoot, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	for _, e := range env.Validate() {
		t.Errorf("validate: %v", e)
	}
	list, err := env.List()
	if err != nil {
		t.Fatal(err)
	}
	platforms := map[string]bool{}
	for _, ti := range list {
		platform := strings.Split(ti.Name, "/")[0]
		platforms[platform] = true
		if ti.Partial {
			continue
		}
		if len(ti.Headers) == 0 {
			t.Errorf("%s: no template-match header", ti.Name)
		}
		t.Run(ti.Name, func(t *testing.T) {
			vars := loadContext(t, filepath.Join("testdata", "examples", platform+".json"))
			got, err := env.Render(context.Background(), ti.Name, vars)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "examples", filepath.FromSlash(strings.TrimSuffix(ti.Name, path.Ext(ti.Name))+".golden"))
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestExampleTemplates -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("render differs from %s:\n--- got\n%s\n--- want\n%s", golden, got, want)
			}
		})
	}
	for _, p := range []string{"eos", "ios", "junos", "nxos"} {
		if !platforms[p] {
			t.Errorf("no demo templates for platform %s", p)
		}
	}
}

// TestExampleHeadersOwnTheirOutput slices the render of every demo template
// with its own headers in its platform's dialect: every rendered statement
// must be owned by the template, so a compliant device shows no drift.
func TestExampleHeadersOwnTheirOutput(t *testing.T) {
	env, err := NewDir(examplesRoot, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	list, err := env.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, ti := range list {
		if ti.Partial {
			continue
		}
		platform := strings.Split(ti.Name, "/")[0]
		t.Run(ti.Name, func(t *testing.T) {
			info, err := env.Template(ti.Name)
			if err != nil {
				t.Fatal(err)
			}
			vars := loadContext(t, filepath.Join("testdata", "examples", platform+".json"))
			out, err := env.Render(context.Background(), ti.Name, vars)
			if err != nil {
				t.Fatal(err)
			}
			var ms []*configtree.Match
			for _, h := range info.Headers {
				ms = append(ms, h.Match)
			}
			sliced, err := configtree.SliceText([]byte(out), platform, ms...)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := statements(out), statements(sliced); a != b {
				t.Errorf("headers do not own the whole output:\n--- rendered\n%s\n--- sliced\n%s", a, b)
			}
		})
	}
}

// statements drops blank lines, "!" separators and "end" from a
// configuration, leaving the statements a slice is compared on.
func statements(cfg string) string {
	var keep []string
	for _, l := range strings.Split(cfg, "\n") {
		switch strings.TrimSpace(l) {
		case "", "!", "end":
			continue
		}
		keep = append(keep, strings.TrimRight(l, " "))
	}
	return strings.Join(keep, "\n")
}
