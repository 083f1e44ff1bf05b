package gitsync

import (
	"bufio"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

// lineValidator rejects every line containing "INVALID" in any file, with
// its file and line, like a parser reporting a syntax error.
func lineValidator(_ context.Context, dir string) []ValidationError {
	var out []ValidationError
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			if col := strings.Index(sc.Text(), "INVALID"); col >= 0 {
				// Absolute on purpose: the Syncer makes it relative.
				out = append(out, ValidationError{File: path, Line: n, Column: col + 1, Message: "unexpected INVALID"})
			}
		}
		return nil
	})
	return out
}

func newSyncer(t *testing.T, v Validator) *Syncer {
	t.Helper()
	if v == nil {
		v = lineValidator
	}
	s, err := New(Options{
		AllowLocalURLs: true,
		DataDir:        t.TempDir(),
		Validators:     map[Kind]Validator{KindPolicies: v, KindTemplates: v},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testSource(url string) Source {
	return Source{Name: "policies", URL: url, Branch: "main", Kind: KindPolicies}
}

func mustSync(t *testing.T, s *Syncer, src Source) Result {
	t.Helper()
	res, err := s.Sync(context.Background(), src, SyncOptions{})
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return res
}

func envResult(t *testing.T, res Result, env string) HistoryEntry {
	t.Helper()
	e, ok := res.Env(env)
	if !ok {
		t.Fatalf("result has no environment %q: %+v", env, res)
	}
	return e
}

func active(t *testing.T, s *Syncer, src Source, env string) Snapshot {
	t.Helper()
	snap, err := s.Active(context.Background(), src, env)
	if err != nil {
		t.Fatalf("active %s: %v", env, err)
	}
	t.Cleanup(snap.Release)
	return snap
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newRepo returns a test repository with a first valid commit on main.
func newRepo(t *testing.T) (*testutil.GitRepo, string) {
	t.Helper()
	r := testutil.NewGitRepo(t, "intent")
	first := r.Commit("main", "first policies", map[string]string{
		"core.rules":        "WHEN node.role == \"core\" THEN ASSERT node.vendor IS \"cisco\"\n",
		"site/ams.rules":    "# site overrides\n",
		"templates/ntp.j2":  "ntp server {{ vars.ntp }}\n",
		"templates/aaa.j2":  "aaa new-model\n",
		"unrelated/doc.txt": "readme\n",
	})
	return r, first
}
