package templates

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

func TestRenderConcurrent(t *testing.T) {
	env := New(mapFS(map[string]string{
		"t.j2":      "{% import '_m.j2' as m %}{% for i in items %}{{ m.line(i) }}\n{% endfor %}{% include '_inc.j2' %}",
		"_m.j2":     "{% macro line(x) %}item {{ x }}{% endmacro %}",
		"_inc.j2":   "{{ name }}",
		"broken.j2": "{{ nope }}",
	}), Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				name := fmt.Sprintf("r%d-%d", g, i)
				got, err := env.Render(context.Background(), "t.j2", map[string]any{"items": []int{1, 2}, "name": name})
				if want := "item 1\nitem 2\n" + name; err != nil || got != want {
					errs <- fmt.Errorf("got %q, %v; want %q", got, err, want)
					return
				}
				if _, err := env.Render(context.Background(), "broken.j2", nil); !errors.Is(err, ErrUndefined) {
					errs <- fmt.Errorf("broken.j2: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRenderDoesNotModifyVars(t *testing.T) {
	vars := map[string]any{"x": 1}
	if _, err := renderString(t, "{% set y = 2 %}{{ x }}", vars); err != nil {
		t.Fatal(err)
	}
	if len(vars) != 1 {
		t.Errorf("vars changed: %v", vars)
	}
}

func TestTrailingNewlinePolicy(t *testing.T) {
	files := mapFS(map[string]string{"t.j2": "a\n", "loop.j2": "{% for i in [1, 2] %}\n{{ i }}\n{% endfor %}\n"})
	for _, tt := range []struct {
		keep bool
		name string
		want string
	}{
		{false, "t.j2", "a"},
		{true, "t.j2", "a\n"},
		{false, "loop.j2", "1\n2\n"},
		{true, "loop.j2", "1\n2\n"},
	} {
		got, err := New(files, Options{KeepTrailingNewline: tt.keep}).Render(context.Background(), tt.name, nil)
		if err != nil || got != tt.want {
			t.Errorf("keep=%v %s: got %q, %v; want %q", tt.keep, tt.name, got, err, tt.want)
		}
	}
}

func TestLoopControls(t *testing.T) {
	got, err := renderString(t, "{% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 5 %}{% break %}{% endif %}{{ i }}{% endfor %}", nil)
	if err != nil || got != "0134" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{"a.j2": "a.j2", "./a/b.j2": "a/b.j2", "a//b.j2": "a/b.j2", "a/./b.j2": "a/b.j2"} {
		if got, err := CleanName(in); err != nil || got != want {
			t.Errorf("CleanName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", ".", "../a", "a/../../b", "a/../b", "/etc/passwd", `a\b`, "C:/x", "a\x00b"} {
		if got, err := CleanName(in); err == nil {
			t.Errorf("CleanName(%q) = %q, want an error", in, got)
		}
	}
}
