package templates

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeTree creates files (name -> content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sandboxEnv builds a root with templates and, next to it, a directory the
// templates must not reach.
func sandboxEnv(t *testing.T, opts Options, files map[string]string) *Env {
	t.Helper()
	base := t.TempDir()
	root := filepath.Join(base, "root")
	writeTree(t, base, map[string]string{"outside/secret.j2": "SECRET\n"})
	writeTree(t, root, files)
	for link, target := range map[string]string{
		"escape.j2":        filepath.Join(base, "outside", "secret.j2"),
		"escape-rel.j2":    "../outside/secret.j2",
		"escdir":           filepath.Join(base, "outside"),
		"inside-link.j2":   "ok.j2",
		"sub/up-inside.j2": "../ok.j2",
	} {
		p := filepath.Join(root, filepath.FromSlash(link))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	env, err := NewDir(root, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Close() })
	return env
}

func TestSandboxRefusesEscapes(t *testing.T) {
	env := sandboxEnv(t, Options{}, map[string]string{
		"ok.j2":            "ok\n",
		"inc-dotdot.j2":    "{% include '../outside/secret.j2' %}",
		"inc-abs.j2":       "{% include '/etc/passwd' %}",
		"inc-link.j2":      "{% include 'escape.j2' %}",
		"inc-link-rel.j2":  "{% include 'escape-rel.j2' %}",
		"inc-linkdir.j2":   "{% include 'escdir/secret.j2' %}",
		"inc-sneaky.j2":    "{% include 'sub/../../outside/secret.j2' %}",
		"inc-var.j2":       "{% include name %}",
		"imp-dotdot.j2":    "{% import '../outside/secret.j2' as m %}",
		"from-abs.j2":      "{% from '/etc/passwd' import x %}",
		"ext-dotdot.j2":    "{% extends '../outside/secret.j2' %}",
		"ext-link.j2":      "{% extends 'escape.j2' %}",
		"inc-list.j2":      "{% include ['missing.j2', '../outside/secret.j2'] %}",
		"inc-backslash.j2": `{% include '..\\outside\\secret.j2' %}`,
	})
	for _, name := range []string{
		"inc-dotdot.j2", "inc-abs.j2", "inc-link.j2", "inc-link-rel.j2", "inc-linkdir.j2",
		"inc-sneaky.j2", "inc-var.j2", "imp-dotdot.j2", "from-abs.j2", "ext-dotdot.j2",
		"ext-link.j2", "inc-list.j2", "inc-backslash.j2",
		"../outside/secret.j2", "/etc/passwd", "escape.j2", "escdir/secret.j2",
	} {
		t.Run(name, func(t *testing.T) {
			out, err := env.Render(context.Background(), name, map[string]any{"name": "../outside/secret.j2"})
			if err == nil {
				t.Fatalf("rendered %q, want a refusal", out)
			}
			if !errors.Is(err, ErrOutsideRoot) {
				t.Fatalf("error %q does not wrap ErrOutsideRoot", err)
			}
			if strings.Contains(out, "SECRET") || strings.Contains(err.Error(), "SECRET") {
				t.Fatalf("secret leaked: %q / %v", out, err)
			}
		})
	}
}

func TestSandboxAllowsLinksInsideRoot(t *testing.T) {
	env := sandboxEnv(t, Options{}, map[string]string{
		"ok.j2":    "ok\n",
		"inc.j2":   "{% include 'inside-link.j2' %}+{% include 'sub/up-inside.j2' %}",
		"a/b.j2":   "{% include 'ok.j2' %}",
		"a/dot.j2": "{% include './ok.j2' %}",
	})
	for name, want := range map[string]string{"inc.j2": "ok+ok", "a/b.j2": "ok", "a/dot.j2": "ok", "./ok.j2": "ok"} {
		got, err := env.Render(context.Background(), name, nil)
		if err != nil || got != want {
			t.Errorf("%s: got %q, %v; want %q", name, got, err, want)
		}
	}
}

func TestSandboxLimits(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		opts    Options
		want    error
		wantMsg string
	}{
		{"self include", "x{% include 't.j2' %}", Options{}, ErrDepthLimit, "more than 100 nested macro calls, includes, imports or extends"},
		{"self extends", "{% extends 't.j2' %}", Options{}, ErrDepthLimit, "more than 100 nested macro calls, includes, imports or extends"},
		{"macro recursion", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", Options{}, ErrDepthLimit, "more than 100 nested macro calls, includes, imports or extends"},
		{"mutual macro recursion", "{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}", Options{}, ErrDepthLimit, ""},
		{"silent loops", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
			Options{Timeout: 200 * time.Millisecond}, ErrTimeLimit, "time limit"},
		{"exponential macro", "{% macro f(n) %}{% if n > 0 %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(60) }}",
			Options{Timeout: 200 * time.Millisecond}, ErrTimeLimit, ""},
		{"huge output", "{% for i in range(100000) %}{% for j in range(100000) %}{{ 'x' * 1000 }}{% endfor %}{% endfor %}",
			Options{MaxOutput: 1 << 16, Timeout: time.Minute}, ErrOutputLimit, "65536 bytes"},
		{"huge output from a macro", "{% macro m() %}{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}{% endmacro %}{{ m() }}",
			Options{MaxOutput: 1 << 16, Timeout: time.Minute}, ErrOutputLimit, "65536 bytes"},
		{"huge range", "{% for i in range(10000000000) %}{% endfor %}", Options{}, nil, "range would produce 10000000000 items, over the limit of 100000 items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, map[string]string{"t.j2": tt.src})
			env, err := NewDir(dir, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			start := time.Now()
			out, err := env.Render(context.Background(), "t.j2", nil)
			if err == nil {
				t.Fatalf("rendered %d bytes, want an error", len(out))
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("error %q does not wrap %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("error %q does not say %q", err, tt.wantMsg)
			}
			if !strings.HasPrefix(err.Error(), "t.j2") {
				t.Errorf("error %q does not name the template", err)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v to stop", d)
			}
		})
	}
}

func TestRenderCanceledContext(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"t.j2": "{% for i in range(10) %}{{ i }}{% endfor %}"})
	env, err := NewDir(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := env.Render(ctx, "t.j2", nil); err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Fatalf("got %v, want a cancellation error", err)
	}
}
