package cli_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet/cli"
)

// cliProcessEnv makes the test binary act as the unet command: its
// arguments are the command line, its exit code the command's.
const cliProcessEnv = "UNET_CLI_TEST_PROCESS"

func TestMain(m *testing.M) {
	if os.Getenv(cliProcessEnv) == "1" {
		code := cli.Run(context.Background(), os.Args[1:], cli.Env{
			Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
		})
		if f := os.Getenv(peakRSSFileEnv); f != "" {
			// The process's own high-water mark: the rusage the parent gets
			// also counts the parent's memory the child had before exec.
			if status, err := os.ReadFile("/proc/self/status"); err == nil {
				for _, line := range strings.Split(string(status), "\n") {
					if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
						_ = os.WriteFile(f, []byte(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))), 0o644)
					}
				}
			}
		}
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// peakRSSFileEnv names the file a test process writes its peak RSS (VmHWM,
// KiB) to.
const peakRSSFileEnv = "UNET_CLI_TEST_PEAK_RSS_FILE"

// process is the outcome of one unet subprocess.
type process struct {
	stdout, stderr string
	code           int
	wall           time.Duration
	maxRSSKiB      int64 // peak resident set size of the process itself (VmHWM)
}

// runUnetProcess runs the test binary as `unet args...` in a process of
// its own and measures its wall time and peak RSS.
func runUnetProcess(t *testing.T, args ...string) process {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	rssFile := filepath.Join(t.TempDir(), "peak-rss")
	cmd.Env = append(os.Environ(), cliProcessEnv+"=1", peakRSSFileEnv+"="+rssFile)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	p := process{stdout: out.String(), stderr: errb.String(), wall: time.Since(start)}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("unet %v: %v", args, err)
	}
	p.code = cmd.ProcessState.ExitCode()
	data, err := os.ReadFile(rssFile)
	if err != nil {
		t.Fatalf("unet %v: no peak RSS written: %v", args, err)
	}
	if p.maxRSSKiB, err = strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64); err != nil {
		t.Fatalf("unet %v: peak RSS %q: %v", args, data, err)
	}
	return p
}

// hostileCLICase is a template whose second line is hostile, and the error
// classes (any one of them) its render must fail with.
type hostileCLICase struct {
	name, line string
	want       []string
	pos        string // where the error is reported, when not at name.j2:2
	slow       bool   // stopped by the render's time or output budget
}

const (
	valueLimit  = "template value size limit exceeded"
	depthLimit  = "template nesting limit exceeded"
	outputLimit = "render output size limit exceeded"
	timeLimit   = "render time limit exceeded"
)

var hostileCLICases = []hostileCLICase{
	{name: "str-mul", line: `{{ "x" * 100000 * 100000 }}`, want: []string{valueLimit}},
	{name: "int-mul-str", line: `{{ 100000 * ("x" * 100000) }}`, want: []string{valueLimit}},
	{name: "center", line: `{{ "x"|center(2000000000) }}`, want: []string{valueLimit}},
	{name: "indent", line: `{{ ("a\n" * 100000)|indent(100000) }}`, want: []string{valueLimit}},
	{name: "indent-str", line: `{{ ("a\n" * 100000)|indent("y" * 100000) }}`, want: []string{valueLimit}},
	{name: "replace", line: `{{ ("x" * 100000)|replace("x", "y" * 100000) }}`, want: []string{valueLimit}},
	{name: "replace-empty", line: `{{ ("x" * 100000)|replace("", "y" * 1000) }}`, want: []string{valueLimit}},
	{name: "join", line: `{{ range(100000)|join("y" * 1000) }}`, want: []string{valueLimit}},
	{name: "wordwrap", line: `{{ ("x " * 1000000)|wordwrap(1, wrapstring="y" * 100) }}`, want: []string{valueLimit}},
	{name: "format-filter", line: `{{ "%2000000000d"|format(1) }}`, want: []string{valueLimit}},
	{name: "format-star", line: `{{ "%*d"|format(2000000000, 1) }}`, want: []string{valueLimit}},
	{name: "percent-width", line: `{{ '%2000000000s' % 'x' }}`, want: []string{valueLimit}},
	{name: "percent-mul", line: `{{ '%s' % ('x' * 100000 * 1000) }}`, want: []string{valueLimit}},
	{name: "str-format", line: `{{ '{:>2000000000}'.format(1) }}`, want: []string{valueLimit}},
	{name: "str-format-nested", line: `{{ '{0:{1}}'.format(1, 2000000000) }}`, want: []string{valueLimit}},
	{name: "ljust", line: `{{ "x".ljust(2000000000) }}`, want: []string{valueLimit}},
	{name: "rjust", line: `{{ "x".rjust(2000000000) }}`, want: []string{valueLimit}},
	{name: "center-method", line: `{{ "x".center(2000000000) }}`, want: []string{valueLimit}},
	{name: "zfill", line: `{{ "x".zfill(2000000000) }}`, want: []string{valueLimit}},
	{name: "expandtabs", line: `{{ ("\t" * 100000).expandtabs(100000) }}`, want: []string{valueLimit}},
	{name: "join-method", line: `{{ ("y" * 10000).join("x" * 10000) }}`, want: []string{valueLimit}},
	{name: "split", line: `{{ ("x," * 5000000).split(",")|length }}`, want: []string{valueLimit}},
	{name: "urlencode", line: `{{ ("<" * 10000000)|urlencode|length }}`, want: []string{valueLimit}},
	{name: "lipsum", line: `{{ lipsum(2000000000) }}`, want: []string{valueLimit}},
	{name: "range-loop", line: `{% for i in range(10**10) %}{% endfor %}`, want: []string{valueLimit}},
	{name: "range-list", line: `{{ range(10**10)|list }}`, want: []string{valueLimit}},
	{name: "list-mul", line: `{{ [1] * 10**9 }}`, want: []string{valueLimit}},
	{name: "int-mul-list", line: `{{ 10**9 * [1] }}`, want: []string{valueLimit}},
	{name: "batch", line: `{{ [1]|batch(2000000000, 0)|list }}`, want: []string{valueLimit}},
	{name: "slice", line: `{{ [1]|slice(2000000000, 0)|list }}`, want: []string{valueLimit}},
	{name: "str-to-list", line: `{{ ("x" * 10000000)|list|unique|list|length }}`, want: []string{valueLimit}},
	{name: "namespace-list-doubling", line: `{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l|length }}`, want: []string{valueLimit}},
	{name: "namespace-str-doubling", line: `{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}`, want: []string{valueLimit}},
	{name: "namespace-dict-growth", line: `{% set ns = namespace(d={}) %}{% for i in range(100000) %}{% for j in range(1000) %}{% set _ = ns.d.update({i ~ "-" ~ j: "x" * 1000}) %}{% endfor %}{% endfor %}`, want: []string{valueLimit}},
	{name: "list-append-growth", line: `{% set l = [] %}{% for i in range(100000) %}{% for j in range(100) %}{% set _ = l.append("x" * 1000) %}{% endfor %}{% endfor %}`, want: []string{valueLimit}},
	{name: "tojson-indent", line: `{{ (range(1000)|list)|tojson(indent=100000) }}`, want: []string{valueLimit}},
	{name: "tojson-indent-huge", line: `{{ [[1]]|tojson(indent=2000000000) }}`, want: []string{valueLimit}},
	{name: "to-nice-json", line: `{{ (range(1000)|list)|to_nice_json(indent=100000) }}`, want: []string{valueLimit}},
	{name: "vlan-expand-huge-range", line: `{{ "1-2000000000"|vlan_expand|length }}`, want: []string{"is not a VLAN ID"}},
	{name: "vlan-expand-huge-list", line: `{{ ("1-4094," * 100000)|vlan_expand|join(",") * 10000 }}`, want: []string{valueLimit}},
	{name: "pow", line: `{{ 10 ** 10000000 }}`, want: []string{"integer overflow"}},
	{name: "recursive-macro", line: `{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}`, want: []string{depthLimit}},
	{name: "recursive-loop", line: `{% for i in [1] recursive %}{{ loop([1]) }}{% endfor %}`, want: []string{depthLimit}},
	{name: "self-include", line: `{% include "self-include.j2" %}`, want: []string{depthLimit}},
	{name: "self-extends", line: `{% extends "self-extends.j2" %}`, want: []string{depthLimit}},
	{name: "mutual-include", line: `{% include "mutual-a.j2" %}`, want: []string{depthLimit}, pos: "mutual-"},
	{name: "nested-loops-output", line: `{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}`, want: []string{outputLimit, timeLimit}, slow: true},
	{name: "nested-loops", line: `{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}`, want: []string{timeLimit}, slow: true},
}

// TestTemplateRenderHostileProcess runs `unet template render` as a process
// of its own for each hostile template: every one exits 66 with the
// template's position and the limit it hit, quickly and in bounded memory
// (the peak RSS of each process is logged).
func TestTemplateRenderHostileProcess(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("ctx.json", `{"node": {"name": "x1"}}`)
	write("mutual-a.j2", "{% include \"mutual-b.j2\" %}\n")
	write("mutual-b.j2", "{% include \"mutual-a.j2\" %}\n")
	write("fine.j2", "hostname {{ node.name }}\n")
	for _, c := range hostileCLICases {
		write(c.name+".j2", "hostname {{ node.name }}\n"+c.line+"\n")
	}
	base := runUnetProcess(t, "template", "render", "--context", filepath.Join(dir, "ctx.json"), "--root", dir, "fine.j2")
	if base.code != 0 || base.stdout != "hostname x1\n" {
		t.Fatalf("fine.j2: exit %d, %q %s", base.code, base.stdout, base.stderr)
	}
	t.Logf("%-24s exit %d %6v peak RSS %6.1f MiB", "fine", base.code, base.wall.Round(time.Millisecond), float64(base.maxRSSKiB)/1024)
	var peak int64
	for _, c := range hostileCLICases {
		p := runUnetProcess(t, "template", "render", "--context", filepath.Join(dir, "ctx.json"), "--root", dir, c.name+".j2")
		msg := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(p.stderr), "error: template error"))
		t.Logf("%-24s exit %d %6v peak RSS %6.1f MiB: %s", c.name, p.code, p.wall.Round(time.Millisecond), float64(p.maxRSSKiB)/1024, msg)
		peak = max(peak, p.maxRSSKiB)
		pos := c.name + ".j2: 2:"
		if c.pos != "" {
			pos = c.pos
		}
		if p.code != 66 || p.stdout != "" || !strings.Contains(msg, pos) || !containsAny(msg, c.want) {
			t.Errorf("%s: exit %d, stdout %d bytes, message %q; want exit 66, no output, %q and one of %q", c.name, p.code, len(p.stdout), msg, pos, c.want)
		}
		// Operations are refused before they allocate; only the loops run
		// until the render's time (5 s by default) or output budget stops them.
		limit := 5 * time.Second
		if c.slow {
			limit = 15 * time.Second
		}
		if p.wall > limit {
			t.Errorf("%s: took %v, want under %v", c.name, p.wall, limit)
		}
		if p.maxRSSKiB <= 0 || p.maxRSSKiB > 256<<10 {
			t.Errorf("%s: peak RSS %d KiB, want a measurement under 256 MiB", c.name, p.maxRSSKiB)
		}
	}
	t.Logf("highest peak RSS of a hostile render: %.1f MiB (a render of a fine template: %.1f MiB)", float64(peak)/1024, float64(base.maxRSSKiB)/1024)
}

// TestTemplateRenderHostile: templates building huge values in one
// operation fail at once through `unet template render` with the template's
// position and the value-limit message; validate accepts them (they parse).
func TestTemplateRenderHostile(t *testing.T) {
	r := newRunner(t)
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("ctx.json", `{"node": {"name": "x1"}}`)
	names := []string{"str-mul", "center", "replace", "range-loop"}
	for _, c := range hostileCLICases {
		for _, n := range names {
			if c.name == n {
				write(n+".j2", "hostname {{ node.name }}\n"+c.line+"\n")
			}
		}
	}
	for _, name := range names {
		start := time.Now()
		r.fails(66, []string{name + ".j2: 2:", valueLimit},
			"template", "render", "--context", filepath.Join(dir, "ctx.json"), "--root", dir, name+".j2")
		elapsed := time.Since(start)
		t.Logf("%s: %v", name, elapsed.Round(time.Millisecond))
		if elapsed > 5*time.Second {
			t.Errorf("%s: took %v, want well under 5 s", name, elapsed)
		}
	}
	r.ok("template", "validate", dir)
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
