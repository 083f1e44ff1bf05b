package templates

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// Running differential cases through both engines: Python Jinja2 through the
// batch reference runner (one process for all cases) and μNet through the
// public API of this package only.

const (
	diffPython      = "/usr/bin/python3"
	diffBatchRunner = "testdata/jinja2_batch.py"
)

// jinja2Result is one answer of the batch runner.
type jinja2Result struct {
	ID     string  `json:"id"`
	Output *string `json:"output"`
	Error  *string `json:"error"`
}

// jinja2Case is one request to the batch runner.
type jinja2Case struct {
	ID        string            `json:"id"`
	Templates map[string]string `json:"templates"`
	Name      string            `json:"name"`
	Context   json.RawMessage   `json:"context"`
}

// jinja2Batch is a running batch reference runner.
type jinja2Batch struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

// startJinja2Batch starts the batch runner, failing the test when Python
// Jinja2 is missing.
func startJinja2Batch(t testing.TB) *jinja2Batch {
	t.Helper()
	if _, err := os.Stat(diffPython); err != nil {
		t.Fatalf("%s not found: differential testing needs Python Jinja2 (apt-get install -y python3-jinja2)", diffPython)
	}
	cmd := exec.Command(diffPython, diffBatchRunner)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the Jinja2 batch runner: %v", err)
	}
	b := &jinja2Batch{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<16)}
	t.Cleanup(b.close)
	return b
}

func (b *jinja2Batch) close() {
	_ = b.in.Close()
	_ = b.cmd.Wait()
}

func request(c *diffCase) []byte {
	line, _ := json.Marshal(jinja2Case{ID: c.key, Templates: c.templates, Name: c.name, Context: encodeJSON(c.context)})
	return append(line, '\n')
}

func (b *jinja2Batch) read(want string) (jinja2Result, error) {
	line, err := b.out.ReadBytes('\n')
	if err != nil {
		return jinja2Result{}, fmt.Errorf("read from the Jinja2 batch runner: %w", err)
	}
	var r jinja2Result
	if err := json.Unmarshal(line, &r); err != nil {
		return r, fmt.Errorf("answer %q of the Jinja2 batch runner: %w", line, err)
	}
	if r.ID != want {
		return r, fmt.Errorf("the Jinja2 batch runner answered %q, want %q", r.ID, want)
	}
	if r.Output == nil && r.Error == nil {
		return r, fmt.Errorf("answer %q of the Jinja2 batch runner has neither output nor error", line)
	}
	return r, nil
}

// renderAll renders cases with Jinja2; results arrive on the returned
// channel in order, so μNet can render while Python works.
func (b *jinja2Batch) renderAll(cases []*diffCase) <-chan jinja2Result {
	go func() {
		w := bufio.NewWriter(b.in)
		for _, c := range cases {
			if _, err := w.Write(request(c)); err != nil {
				return
			}
		}
		_ = w.Flush()
	}()
	ch := make(chan jinja2Result, 64)
	go func() {
		defer close(ch)
		for _, c := range cases {
			r, err := b.read(c.key)
			if err != nil {
				msg := "harness: " + err.Error()
				r = jinja2Result{ID: c.key, Error: &msg}
				ch <- r
				return
			}
			ch <- r
		}
	}()
	return ch
}

// renderOne renders one case with Jinja2.
func (b *jinja2Batch) renderOne(c *diffCase) (jinja2Result, error) {
	if _, err := b.in.Write(request(c)); err != nil {
		return jinja2Result{}, err
	}
	return b.read(c.key)
}

// unetResult is μNet's render of a case.
type unetResult struct {
	out string
	err error
}

// renderUnet renders a case through the public API: an Env over an
// in-memory root and the context decoded like a JSON context file.
func renderUnet(c *diffCase) unetResult {
	fsys := fstest.MapFS{}
	for n, s := range c.templates {
		fsys[n] = &fstest.MapFile{Data: []byte(s)}
	}
	vars, err := DecodeJSONContext(encodeJSON(c.context))
	if err != nil {
		return unetResult{err: err}
	}
	env := New(fsys, Options{Timeout: 2 * time.Second})
	out, err := env.Render(context.Background(), c.name, vars)
	return unetResult{out: out, err: err}
}

// Kinds of difference.
const (
	diffOutput      = "output"       // both render, outputs differ
	diffUnetError   = "unet-error"   // Jinja2 renders, μNet fails
	diffJinja2Error = "jinja2-error" // Jinja2 fails, μNet renders
	diffBareError   = "bare-error"   // both fail, μNet's error is not a *Error with a template and line
)

// unstable matches what Python prints for an object without a stable
// representation (a generator, an iterator): its memory address.
var unstable = regexp.MustCompile(` object at 0x[0-9a-f]+>`)

// markupRepr matches Jinja2's repr of a string marked safe (the result of
// escape, safe or tojson, and of str methods called on one) printed inside a
// container. μNet has no Markup type (autoescape is off, so a safe string is
// a string); the difference is explained and only this repr may differ: an
// output equal to Jinja2's with each Markup('x') written 'x' agrees.
var markupRepr = regexp.MustCompile(`Markup\(('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\)`)

// intOverflow matches μNet's errors on an integer beyond int64.
var intOverflow = regexp.MustCompile(`integer overflow|integer .*out of range`)

// compareResults returns the kind of difference between the two renders,
// or "" when they agree. Both failing is agreement. A Jinja2 output that
// prints a memory address cannot be reproduced and counts as agreement
// (the generator pipes generators into list or join to avoid them). μNet's
// integers are 64-bit, where Python's are unbounded: μNet's integer
// overflow error where Jinja2 renders (printing the integer or computing
// on with it) is the documented difference, and agreement.
func compareResults(py jinja2Result, un unetResult) string {
	switch {
	case py.Output != nil && unstable.MatchString(*py.Output):
		return ""
	case py.Output != nil && un.err != nil && intOverflow.MatchString(un.err.Error()):
		return ""
	case py.Error != nil && un.err != nil:
		var te *Error
		if !errors.As(un.err, &te) || te.Template == "" || te.Line <= 0 {
			return diffBareError
		}
		return ""
	case py.Error != nil:
		return diffJinja2Error
	case un.err != nil:
		return diffUnetError
	case *py.Output != un.out && markupRepr.ReplaceAllString(*py.Output, "$1") != un.out:
		return diffOutput
	}
	return ""
}

// describe formats everything needed to reproduce a difference.
func describe(c *diffCase, kind string, py jinja2Result, un unetResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "case %s: %s difference\n", c.key, kind)
	names := make([]string, 0, len(c.templates))
	for n := range c.templates {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "--- template %s%s\n%s\n", n, map[bool]string{true: " (rendered)"}[n == c.name], c.templates[n])
	}
	fmt.Fprintf(&b, "--- context\n%s\n", encodeJSON(c.context))
	if py.Error != nil {
		fmt.Fprintf(&b, "--- jinja2 error\n%s\n", *py.Error)
	} else {
		fmt.Fprintf(&b, "--- jinja2 output %q\n", *py.Output)
	}
	if un.err != nil {
		fmt.Fprintf(&b, "--- unet error (%T)\n%v\n", un.err, un.err)
	} else {
		fmt.Fprintf(&b, "--- unet output %q\n", un.out)
	}
	return b.String()
}

// difference is one case on which the engines disagree.
type difference struct {
	c    *diffCase
	kind string
	py   jinja2Result
	un   unetResult
}

// runCases renders cases with both engines and returns the differences
// and the number of cases on which both failed.
func runCases(t testing.TB, b *jinja2Batch, cases []*diffCase) (diffs []difference, bothFailed int) {
	t.Helper()
	results := b.renderAll(cases)
	// μNet renders in parallel with Python; the two are compared in order.
	unet := make([]unetResult, len(cases))
	var wg sync.WaitGroup
	done := make([]chan struct{}, len(cases))
	for i := range done {
		done[i] = make(chan struct{})
	}
	wg.Go(func() {
		for i, c := range cases {
			unet[i] = renderUnet(c)
			close(done[i])
		}
	})
	i := 0
	for py := range results {
		<-done[i]
		if py.Error != nil && strings.HasPrefix(*py.Error, "harness: ") {
			t.Fatalf("case %s: %s", cases[i].key, *py.Error)
		}
		if kind := compareResults(py, unet[i]); kind != "" {
			diffs = append(diffs, difference{c: cases[i], kind: kind, py: py, un: unet[i]})
		} else if py.Error != nil {
			bothFailed++
		}
		i++
	}
	wg.Wait()
	if i != len(cases) {
		t.Fatalf("the Jinja2 batch runner answered %d of %d cases", i, len(cases))
	}
	return diffs, bothFailed
}
