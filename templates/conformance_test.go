package templates

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// pythonJinja is the reference renderer: Debian's python3-jinja2.
const (
	python       = "/usr/bin/python3"
	jinja2Render = "testdata/jinja2_render.py"
)

// conformanceCorpus is a template root and the context all its templates
// are rendered with.
type conformanceCorpus struct {
	root    string
	context string
}

var conformanceCorpora = []conformanceCorpus{
	{root: "testdata/seed/templates", context: "testdata/seed/context.json"},
	{root: "testdata/seed/bench", context: "testdata/seed/context.json"},
	{root: "testdata/conformance/templates", context: "testdata/conformance/context.json"},
	{root: "testdata/conformance/known", context: "testdata/conformance/context.json"},
}

// knownDifferences lists templates of the corpora whose μNet output differs
// from Jinja2, with the reason. It is empty: every template of the corpora
// renders byte for byte as Jinja2 renders it. The test fails when a listed
// template starts to conform, so the list stays true.
var knownDifferences = map[string]string{}

// requireJinja2 fails the test when the Python reference is not installed.
func requireJinja2(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(python); err != nil {
		t.Fatalf("%s not found: the Jinja conformance test needs Python Jinja2 (apt-get install -y python3-jinja2)", python)
	}
	out, err := exec.Command(python, "-c", "import jinja2").CombinedOutput()
	if err != nil {
		t.Fatalf("python3 cannot import jinja2 (%v: %s): apt-get install -y python3-jinja2", err, out)
	}
}

// renderJinja2 renders name with Python Jinja2.
func renderJinja2(t testing.TB, root, name, contextFile string) (string, error) {
	t.Helper()
	cmd := exec.Command(python, jinja2Render, "--trim-blocks", "--lstrip-blocks", "--strict", root, name, contextFile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", &exec.ExitError{Stderr: stderr.Bytes()}
	}
	return stdout.String(), nil
}

func loadContext(t testing.TB, file string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	vars, err := DecodeJSONContext(data)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return vars
}

// conformanceCase is one template of a corpus with both renders.
type conformanceCase struct {
	corpus    conformanceCorpus
	name, id  string
	want      string
	jinja2Err error
	env       *Env
	vars      map[string]any
}

func TestJinjaConformance(t *testing.T) {
	requireJinja2(t)
	var cases []*conformanceCase
	for _, corpus := range conformanceCorpora {
		env, err := NewDir(corpus.root, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = env.Close() })
		vars := loadContext(t, corpus.context)
		err = fs.WalkDir(os.DirFS(corpus.root), ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".j2") {
				id := filepath.ToSlash(filepath.Join(filepath.Base(filepath.Dir(corpus.root)), filepath.Base(corpus.root), p))
				cases = append(cases, &conformanceCase{corpus: corpus, name: p, id: id, env: env, vars: vars})
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Python starts slowly: run the reference renders two at a time.
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for _, c := range cases {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			c.want, c.jinja2Err = renderJinja2(t, c.corpus.root, c.name, c.corpus.context)
		})
	}
	wg.Wait()
	same, known := 0, 0
	for _, c := range cases {
		got, gerr := c.env.Render(context.Background(), c.name, c.vars)
		if c.jinja2Err != nil {
			t.Errorf("%s: Jinja2 fails on a corpus template: %s", c.id, c.jinja2Err.(*exec.ExitError).Stderr)
			continue
		}
		reason, isKnown := knownDifferences[c.id]
		switch {
		case gerr == nil && got == c.want && isKnown:
			t.Errorf("%s: now identical to Jinja2; remove it from knownDifferences", c.id)
		case gerr == nil && got == c.want:
			same++
		case isKnown:
			known++
			t.Logf("%s: known difference: %s", c.id, reason)
		case gerr != nil:
			t.Errorf("%s: μNet fails where Jinja2 renders: %v", c.id, gerr)
		default:
			t.Errorf("%s: output differs from Jinja2\n--- jinja2\n%s\n--- unet\n%s\n---", c.id, c.want, got)
		}
	}
	t.Logf("Jinja conformance: %d templates, %d byte-identical, %d known differences", len(cases), same, known)
}
