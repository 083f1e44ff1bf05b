package templates

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

// hostileCases are single operations that would build a huge value.
var hostileCases = map[string]string{
	"string-mul":       `{{ "x" * 100000 * 100000 }}`,
	"int-mul-string":   `{{ 100000 * ("x" * 100000) }}`,
	"list-mul":         `{{ [1, 2] * 1000000000 }}`,
	"concat":           `{% set a = "x" * 10000000 %}{{ a ~ a ~ a }}`,
	"plus-strings":     `{% set a = "x" * 10000000 %}{{ a + a + a }}`,
	"plus-lists":       `{% set a = range(100000)|list %}{{ (a + a)|length }}`,
	"center":           `{{ "x"|center(2000000000) }}`,
	"indent":           `{{ ("a\n" * 100000)|indent(100000) }}`,
	"indent-string":    `{{ ("a\n" * 100000)|indent("y" * 100000) }}`,
	"replace":          `{{ ("x" * 100000)|replace("x", "y" * 100000) }}`,
	"replace-empty":    `{{ ("x" * 100000)|replace("", "y" * 1000) }}`,
	"join":             `{{ range(100000)|join("y" * 1000) }}`,
	"join-separator":   `{{ ("x" * 2000)|list|join("y" * 10000) }}`,
	"range":            `{{ range(10000000000)|length }}`,
	"range-pow":        `{{ range(10**10)|length }}`,
	"wordwrap":         `{{ ("x " * 1000000)|wordwrap(1, wrapstring="y" * 100) }}`,
	"format-width":     `{{ "%2000000000d"|format(1) }}`,
	"format-star":      `{{ "%*d"|format(2000000000, 1) }}`,
	"batch":            `{{ [1]|batch(2000000000, 0)|list }}`,
	"slice":            `{{ [1]|slice(2000000000, 0)|list }}`,
	"in-if":            `{% if ("x" * 100000 * 100000) %}y{% endif %}`,
	"in-for":           `{% for c in "x" * 100000 * 100000 %}{% endfor %}`,
	"in-filter-arg":    `{{ "a"|replace("a", "x" * 100000 * 100000) }}`,
	"in-call-arg":      `{% macro m(x) %}{{ x }}{% endmacro %}{{ m("x" * 100000 * 100000) }}`,
	"in-list-literal":  `{{ ["x" * 100000 * 100000] }}`,
	"in-dict-literal":  `{{ {"k": "x" * 100000 * 100000} }}`,
	"in-set-tuple":     `{% set a, b = 1, "x" * 100000 * 100000 %}{{ b }}`,
	"list-of-string":   `{{ ("x" * 1000000)|list|length }}`,
	"sort-string":      `{{ ("x" * 1000000)|sort|length }}`,
	"escape":           `{{ ("<" * 10000000)|escape|length }}`,
	"to-nice-json":     `{{ (range(1000)|list)|to_nice_json(indent=100000) }}`,
	"method-zfill":     `{{ "x".zfill(2000000000) }}`,
	"method-replace":   `{{ ("x" * 100000).replace("x", "y" * 100000) }}`,
	"method-join":      `{{ ("y" * 10000).join("x" * 10000) }}`,
	"method-expand":    `{{ ("\t" * 100000).expandtabs(100000) }}`,
	"doubling-in-loop": `{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}`,
}

// measure runs fn and returns the bytes allocated meanwhile.
func measure(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestHostileTemplatesAreBounded(t *testing.T) {
	files := map[string]string{}
	for name, src := range hostileCases {
		files[name+".j2"] = "line one\n" + src + "\n"
	}
	env := New(mapFS(files), Options{Timeout: 10 * time.Second})
	for name := range hostileCases {
		t.Run(name, func(t *testing.T) {
			var err error
			start := time.Now()
			alloc := measure(func() {
				_, err = env.Render(context.Background(), name+".j2", nil)
			})
			elapsed := time.Since(start)
			t.Logf("%s: %v, %.1f MiB allocated: %v", name, elapsed.Round(time.Millisecond), float64(alloc)/(1<<20), err)
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("error %v (%T), want *Error", err, err)
			}
			if !errors.Is(err, ErrValueLimit) {
				t.Errorf("error %v does not wrap ErrValueLimit", err)
			}
			if te.Template != name+".j2" || te.Line != 2 {
				t.Errorf("error at %s:%d, want %s.j2:2", te.Template, te.Line, name)
			}
			if elapsed > time.Second {
				t.Errorf("took %v, want under a second", elapsed)
			}
			if alloc > 64<<20 {
				t.Errorf("allocated %d bytes, want under 64 MiB", alloc)
			}
		})
	}
}

func TestValueLimitOption(t *testing.T) {
	env := New(mapFS(map[string]string{
		"list.j2":   `{{ (range(6)|list + range(6)|list)|length }}`,
		"range.j2":  `{{ range(11)|length }}`,
		"ok.j2":     `{{ range(10)|length }} {{ "ab" * 3 }} {{ [1] + [2] }} {{ "a" ~ 1 }} {{ 2 * 3 }} {{ 1 + 2.5 }}`,
		"string.j2": `{{ "x"|center(101) }}`,
	}), Options{MaxValueItems: 10, MaxOutput: 100})
	out, err := env.Render(context.Background(), "ok.j2", nil)
	if err != nil || out != "10 ababab [1, 2] a1 6 3.5" {
		t.Fatalf("ok.j2 = %q, %v", out, err)
	}
	for _, name := range []string{"list.j2", "range.j2", "string.j2"} {
		if _, err := env.Render(context.Background(), name, nil); !errors.Is(err, ErrValueLimit) {
			t.Errorf("%s: error %v, want ErrValueLimit", name, err)
		} else if !strings.Contains(err.Error(), name+":1:") {
			t.Errorf("%s: error %q has no position", name, err)
		}
	}
}

// TestLargeAllocationsLookAtTheClock: a loop whose every iteration builds a
// large string stops when the render's time is up, not at the loop's next
// look at the clock 256 iterations later.
func TestLargeAllocationsLookAtTheClock(t *testing.T) {
	env := New(mapFS(map[string]string{
		"keep.j2": "line one\n{% set l = [] %}{% for i in range(250) %}{% set _ = l.append(\"x\" * 2000000 ~ i) %}{% endfor %}{{ l|length }}\n",
	}), Options{Timeout: 50 * time.Millisecond})
	var err error
	start := time.Now()
	alloc := measure(func() {
		_, err = env.Render(context.Background(), "keep.j2", nil)
	})
	elapsed := time.Since(start)
	t.Logf("%v, %.1f MiB allocated: %v", elapsed.Round(time.Millisecond), float64(alloc)/(1<<20), err)
	var te *Error
	if !errors.As(err, &te) || !errors.Is(err, ErrTimeLimit) || te.Line != 2 {
		t.Fatalf("error %v, want the time limit at keep.j2:2", err)
	}
	// Unchecked, the loop would build 250 strings of 2 MB (500 MB).
	if alloc > 256<<20 {
		t.Errorf("allocated %d bytes before stopping", alloc)
	}
}

// TestRetainedValuesAreBounded: a render that keeps many values, each
// within the limits, stops with the value limit once the process heap
// passes MaxHeap, instead of running the process out of memory.
func TestRetainedValuesAreBounded(t *testing.T) {
	env := New(mapFS(map[string]string{
		"append.j2": "line one\n{% set l = [] %}{% for i in range(1000) %}{% set _ = l.append(\"x\" * 10000000 ~ i) %}{% endfor %}{{ l|length }}\n",
		"map.j2":    "line one\n{{ range(1000)|map(\"string\")|map(\"center\", 10000000)|list|length }}\n",
		"dict.j2":   "line one\n{% set d = {} %}{% for i in range(1000) %}{% set _ = d.update({i: \"y\" * 10000000 ~ i}) %}{% endfor %}{{ d|length }}\n",
	}), Options{Timeout: time.Minute, MaxHeap: 256 << 20})
	for _, name := range []string{"append.j2", "map.j2", "dict.j2"} {
		var err error
		start := time.Now()
		alloc := measure(func() {
			_, err = env.Render(context.Background(), name, nil)
		})
		t.Logf("%s: %v, %.1f MiB allocated, heap limit 256 MiB: %v", name, time.Since(start).Round(time.Millisecond), float64(alloc)/(1<<20), err)
		var te *Error
		if !errors.As(err, &te) || !errors.Is(err, ErrValueLimit) || te.Line != 2 || !strings.Contains(te.Msg, "renders may use") {
			t.Fatalf("%s: error %v, want the heap guard at line 2", name, err)
		}
		// Unbounded, each would keep 10 GB.
		if alloc > 1<<30 {
			t.Errorf("%s: allocated %d bytes before stopping", name, alloc)
		}
	}
}
