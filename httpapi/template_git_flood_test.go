package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	unet "github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
)

// hostileGitTemplates are templates pushed to a Git source, each with the
// hostile operation on its second line, and the limit it must hit.
var hostileGitTemplates = map[string]string{
	"str-mul":         `{{ "x" * 100000 * 100000 }}`,
	"center":          `{{ "x"|center(2000000000) }}`,
	"indent":          `{{ ("a\n" * 100000)|indent(100000) }}`,
	"replace":         `{{ ("x" * 100000)|replace("x", "y" * 100000) }}`,
	"join":            `{{ range(100000)|join("y" * 1000) }}`,
	"str-format":      `{{ '{:>2000000000}'.format(1) }}`,
	"percent":         `{{ '%2000000000s' % 'x' }}`,
	"range":           `{% for i in range(10**10) %}{% endfor %}`,
	"list-mul":        `{{ [1] * 10**9 }}`,
	"tojson":          `{{ (range(1000)|list)|tojson(indent=100000) }}`,
	"to-nice-json":    `{{ (range(1000)|list)|to_nice_json(indent=100000) }}`,
	"str-doubling":    `{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}`,
	"recursive-macro": `{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}`,
	"self-include":    `{% include "hostile/self-include.j2" %}`,
	"nested-loops":    `{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}`,
}

// TestHostileTemplatesFromGitFlood runs a real server process, syncs a Git
// source served over smart HTTP whose templates are hostile, assigns one to
// each node by policy and floods the server with concurrent renders: every
// answer is a problem naming the template and its line or a 503 shed, the
// server still answers /healthz and a normal render afterwards, and its
// peak RSS stays bounded (logged).
func TestHostileTemplatesFromGitFlood(t *testing.T) {
	repo := testutil.NewGitRepo(t, "intent")
	files := map[string]string{"templates/generic/hostname.j2": "hostname {{ node.name }}\n"}
	rules := "RULE \"good\"\nWHEN node.name == \"good\"\nTHEN APPLY \"generic/hostname.j2\"\n"
	for name, line := range hostileGitTemplates {
		files["templates/hostile/"+name+".j2"] = "hostname {{ node.name }}\n" + line + "\n"
		rules += fmt.Sprintf("RULE %q\nWHEN node.name == %q\nTHEN APPLY \"hostile/%s.j2\"\n", name, name, name)
	}
	files["policies/templates.rules"] = rules
	repo.Commit("main", "hostile templates", files)
	git := testutil.ServeGitHTTP(t, repo.Root, "", "")

	sp := startServerProcess(t, filepath.Join(t.TempDir(), "flood.db"))
	c := &floodClient{t: t, base: sp.url, http: &http.Client{Timeout: 60 * time.Second}}
	if st, body := c.do(http.MethodPost, "/api/v1/git/sources", unet.GitSource{Name: "intent", URL: git.RepoURL(repo),
		Branch: "main", Kind: unet.GitKindBoth}); st != http.StatusCreated {
		t.Fatalf("create source: %d %s", st, body)
	}
	if st, body := c.do(http.MethodPost, "/api/v1/git/sources/intent/sync", nil); st != http.StatusOK || !strings.Contains(body, `"activated"`) {
		t.Fatalf("sync: %d %s", st, body)
	}
	for n := range hostileGitTemplates {
		if st, body := c.do(http.MethodPost, "/api/v1/nodes", map[string]any{"name": n, "vendor": "generic", "lifecycle": "live"}); st != http.StatusCreated {
			t.Fatalf("create node %s: %d %s", n, st, body)
		}
	}
	for _, n := range []string{"good"} {
		if st, body := c.do(http.MethodPost, "/api/v1/nodes", map[string]any{"name": n, "vendor": "generic", "lifecycle": "live"}); st != http.StatusCreated {
			t.Fatalf("create node %s: %d %s", n, st, body)
		}
	}
	if st, body := c.do(http.MethodGet, "/api/v1/nodes/good/render", nil); st != http.StatusOK || !strings.Contains(body, "hostname good") {
		t.Fatalf("render of good: %d %s", st, body)
	}
	hwmBefore := vmHWMKiB(t, sp.cmd.Process.Pid)

	// The flood: clients at once, each rendering every hostile node in turn.
	const clients = 8
	names := make([]string, 0, len(hostileGitTemplates))
	for name := range hostileGitTemplates {
		names = append(names, name)
	}
	type outcome struct {
		node   string
		status int
		body   string
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		outcomes []outcome
	)
	start := time.Now()
	for i := range clients {
		wg.Go(func() {
			for j := range names {
				name := names[(i+j)%len(names)]
				st, body := c.do(http.MethodGet, "/api/v1/nodes/"+name+"/render", nil)
				mu.Lock()
				outcomes = append(outcomes, outcome{name, st, body})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	flood := time.Since(start)
	shed, stopped := 0, 0
	for _, o := range outcomes {
		switch {
		case o.status == http.StatusServiceUnavailable:
			shed++
		case o.status >= 400 && o.status < 600 && hasTemplatePosition(o.body, o.node):
			stopped++
		default:
			t.Errorf("render of %s during the flood: %d %s", o.node, o.status, o.body)
		}
	}
	hwmFlood := vmHWMKiB(t, sp.cmd.Process.Pid)
	t.Logf("flood of %d renders by %d concurrent clients: %v, %d stopped by a limit, %d shed with 503; server peak RSS %.1f MiB before, %.1f MiB after",
		len(outcomes), clients, flood.Round(time.Millisecond), stopped, shed, float64(hwmBefore)/1024, float64(hwmFlood)/1024)
	if stopped == 0 {
		t.Error("no render of the flood reached its template")
	}

	// One at a time, each hostile template is reached and stopped at its line.
	for name := range hostileGitTemplates {
		st, body, took := c.timed(http.MethodGet, "/api/v1/nodes/"+name+"/render")
		t.Logf("%-16s %d in %6v: %s", name, st, took.Round(time.Millisecond), problemDetail(body))
		if st < 400 || st == http.StatusServiceUnavailable || !hasTemplatePosition(body, name) || !strings.Contains(body, "limit exceeded") {
			t.Errorf("render of %s: %d %s, want a problem with hostile/%s.j2, line 2 and the limit", name, st, body, name)
		}
		if took > 15*time.Second {
			t.Errorf("render of %s took %v", name, took)
		}
	}

	// The server still answers, and renders the fine template.
	if st, body := c.do(http.MethodGet, "/healthz", nil); st != http.StatusOK {
		t.Fatalf("healthz after the flood: %d %s", st, body)
	}
	if st, body := c.do(http.MethodGet, "/api/v1/nodes/good/render", nil); st != http.StatusOK || !strings.Contains(body, "hostname good") {
		t.Fatalf("render of good after the flood: %d %s", st, body)
	}
	hwm := vmHWMKiB(t, sp.cmd.Process.Pid)
	if err := sp.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := sp.cmd.Wait(); err != nil {
		t.Fatalf("server exit: %v", err)
	}
	// VmHWM is the server's own high-water mark; the rusage of a child also
	// counts the memory of the test process it was forked from.
	t.Logf("server peak RSS (VmHWM) %.1f MiB at the end", float64(hwm)/1024)
	if hwm <= 0 || hwm > 512<<10 {
		t.Errorf("server peak RSS %d KiB, want a measurement under 512 MiB", hwm)
	}
}

// templateProblem is the first template error of a problem body.
type templateProblem struct {
	File, Field, Message string
}

func firstTemplateError(body string) templateProblem {
	var p struct {
		Errors []templateProblem `json:"errors"`
	}
	if json.Unmarshal([]byte(body), &p) != nil || len(p.Errors) == 0 {
		return templateProblem{}
	}
	return p.Errors[0]
}

// hasTemplatePosition reports whether a problem body names the hostile
// template of node and a position on its line 2.
func hasTemplatePosition(body, node string) bool {
	e := firstTemplateError(body)
	return e.File == "hostile/"+node+".j2" && strings.HasPrefix(e.Field, "2:")
}

// problemDetail is the position and message of a problem body's first
// template error, or the body.
func problemDetail(body string) string {
	if e := firstTemplateError(body); e.File != "" {
		return e.File + ":" + e.Field + ": " + e.Message
	}
	return body
}

// vmHWMKiB reads the peak resident set size of a running process.
func vmHWMKiB(t *testing.T, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}

// floodClient sends JSON requests to a server process.
type floodClient struct {
	t    *testing.T
	base string
	http *http.Client
}

func (c *floodClient) do(method, path string, body any) (int, string) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			c.t.Error(err)
			return 0, ""
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Error(err)
		return 0, ""
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Unet-Actor", "tester")
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Errorf("%s %s: %v", method, path, err)
		return 0, ""
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Errorf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, string(data)
}

func (c *floodClient) timed(method, path string) (int, string, time.Duration) {
	start := time.Now()
	st, body := c.do(method, path, nil)
	return st, body, time.Since(start)
}
