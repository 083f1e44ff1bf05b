package policy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// A rule test file (YAML) holds cases; each case gives an input object and
// the expected outcome:
//
//	policies: ..            # optional, relative to this file
//	cases:
//	  - name: old IOS-XE core switch fails the minimum version
//	    node: {name: core-1, vendor: cisco, platform: iosxe, software_version: "17.6.1"}
//	    location: {path: Campus/HQ, name: HQ, type: site}
//	    expect:
//	      iosxe-min-version: fail
//	      ntp-servers: {status: fail, actual: null}
//	    templates: [ios/base.j2]
//	    custom_data: {monitoring: {tier: gold}}
//
// A case with a link key evaluates link rules, a case with only a location
// evaluates location rules, every other case evaluates node rules.

type testFile struct {
	Policies string      `yaml:"policies"`
	Cases    []yaml.Node `yaml:"cases"`
}

type testCase struct {
	Name       string               `yaml:"name"`
	Kind       string               `yaml:"kind"`
	Node       map[string]any       `yaml:"node"`
	Location   map[string]any       `yaml:"location"`
	Status     map[string]any       `yaml:"status"`
	Interfaces []any                `yaml:"interfaces"`
	Link       map[string]any       `yaml:"link"`
	Expect     map[string]yaml.Node `yaml:"expect"`
	Templates  *[]string            `yaml:"templates"`
	CustomData map[string]any       `yaml:"custom_data"`
}

type expectation struct {
	Status   string `yaml:"status"`
	Expected any    `yaml:"expected"`
	Actual   any    `yaml:"actual"`
	Message  string `yaml:"message"`
	checkExp bool
	checkAct bool
}

// CaseResult is the outcome of one test case.
type CaseResult struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Name     string   `json:"name"`
	Passed   bool     `json:"passed"`
	Failures []string `json:"failures,omitempty"`
	// Templates are the templates the case expects the rules to assign
	// (its templates: key), for callers that check they exist.
	Templates []string `json:"templates,omitempty"`
}

// TestReport is the outcome of RunTests.
type TestReport struct {
	Cases  []CaseResult `json:"cases"`
	Passed int          `json:"passed"`
	Failed int          `json:"failed"`
}

// OK reports whether every case passed.
func (r *TestReport) OK() bool { return r.Failed == 0 }

// String renders the report: one line per failing case with its
// mismatches, then "N passed, M failed".
func (r *TestReport) String() string {
	var b strings.Builder
	for _, c := range r.Cases {
		if c.Passed {
			continue
		}
		fmt.Fprintf(&b, "FAIL %s:%d: %s\n", c.File, c.Line, c.Name)
		for _, f := range c.Failures {
			fmt.Fprintf(&b, "    %s\n", f)
		}
	}
	fmt.Fprintf(&b, "%d passed, %d failed\n", r.Passed, r.Failed)
	return b.String()
}

// RunTests runs the YAML rule tests (*.yaml, *.yml) found under dir. The
// rules under test are the *.rules files under dir; when dir has none (it
// is a tests/ folder), those of its parent. A test file may name another
// policy directory with "policies:". Policy errors are returned as an
// error; case mismatches are reported in the TestReport.
func RunTests(dir string) (*TestReport, error) {
	return RunTestsContext(context.Background(), dir, TestOptions{})
}

// TestOptions bound and direct RunTestsContext.
type TestOptions struct {
	// Program, when set, is the compiled rules (of directory ProgramDir)
	// every case runs against; a test file's "policies:" key naming another
	// directory is then an error (the rules under test are fixed by the
	// caller).
	Program    *Program
	ProgramDir string
	// MaxFiles, MaxBytes and MaxCases bound the test files, their total
	// size and the number of cases (0: no bound). A run beyond a bound
	// stops with an error wrapping ErrTestLimit.
	MaxFiles, MaxBytes, MaxCases int
}

// ErrTestLimit is wrapped by the error of a test run that exceeds a bound
// of TestOptions or the deadline of its context.
var ErrTestLimit = errors.New("policy test limit exceeded")

// TestFileError is a test file that could not be read or decoded; File is
// relative to the directory under test when it lies inside it.
type TestFileError struct {
	File string
	Line int
	Err  error
}

func (e *TestFileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *TestFileError) Unwrap() error { return e.Err }

// RunTestsContext is RunTests bounded by opts and by ctx: the context is
// checked between cases, and its deadline ends the run with ErrTestLimit.
func RunTestsContext(ctx context.Context, dir string, opts TestOptions) (*TestReport, error) {
	var testFiles []string
	size := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if ext := filepath.Ext(p); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
			testFiles = append(testFiles, p)
			if opts.MaxFiles > 0 && len(testFiles) > opts.MaxFiles {
				return fmt.Errorf("%w: more than %d test files", ErrTestLimit, opts.MaxFiles)
			}
			if info, err := d.Info(); err == nil {
				size += int(info.Size())
			}
			if opts.MaxBytes > 0 && size > opts.MaxBytes {
				return fmt.Errorf("%w: test files larger than %d bytes in total", ErrTestLimit, opts.MaxBytes)
			}
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrTestLimit) {
			return nil, err
		}
		return nil, fmt.Errorf("run policy tests: %w", err)
	}
	sort.Strings(testFiles)
	defaultDir := dir
	if opts.Program == nil {
		// A probe: rules of dir that do not load leave it the default, and
		// loading it again for the first test reports the error.
		if set, err := LoadDir(dir); err == nil && set.RuleCount() == 0 {
			defaultDir = filepath.Dir(filepath.Clean(dir))
		}
	}
	rel := func(p string) string {
		if r, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(r, "..") {
			return filepath.ToSlash(r)
		}
		return filepath.ToSlash(p)
	}
	programs := map[string]*Program{}
	report := &TestReport{}
	cases := 0
	for _, tf := range testFiles {
		src, err := os.ReadFile(tf)
		if err != nil {
			return nil, fmt.Errorf("run policy tests: %w", err)
		}
		var doc testFile
		if err := yaml.Unmarshal(src, &doc); err != nil {
			return nil, &TestFileError{File: rel(tf), Err: err}
		}
		prog := opts.Program
		if doc.Policies != "" && prog != nil && filepath.Clean(filepath.Join(filepath.Dir(tf), doc.Policies)) != filepath.Clean(opts.ProgramDir) {
			return nil, &TestFileError{File: rel(tf), Err: errors.New(`"policies:" names other rules than those under test: the cases run against the rules of the same commit`)}
		}
		if prog == nil {
			pdir := defaultDir
			if doc.Policies != "" {
				pdir = filepath.Join(filepath.Dir(tf), doc.Policies)
			}
			var ok bool
			prog, ok = programs[pdir]
			if !ok {
				set, err := LoadDir(pdir)
				if err != nil {
					return nil, fmt.Errorf("policies %s: %w", pdir, err)
				}
				if prog, err = set.Compile(); err != nil {
					return nil, fmt.Errorf("policies %s: %w", pdir, err)
				}
				programs[pdir] = prog
			}
		}
		name := filepath.ToSlash(tf)
		if opts.Program != nil {
			name = rel(tf)
		}
		for i := range doc.Cases {
			if cases++; opts.MaxCases > 0 && cases > opts.MaxCases {
				return nil, fmt.Errorf("%w: more than %d cases", ErrTestLimit, opts.MaxCases)
			}
			if err := ctx.Err(); err != nil {
				if errors.Is(err, context.DeadlineExceeded) {
					return nil, fmt.Errorf("%w: the cases did not finish in time (%d of them ran)", ErrTestLimit, cases-1)
				}
				return nil, err
			}
			res := runCase(prog, &doc.Cases[i])
			res.File = name
			report.Cases = append(report.Cases, res)
			if res.Passed {
				report.Passed++
			} else {
				report.Failed++
			}
		}
	}
	return report, nil
}

func runCase(prog *Program, n *yaml.Node) CaseResult {
	res := CaseResult{Line: n.Line}
	var tc testCase
	if err := n.Decode(&tc); err != nil {
		res.Name = fmt.Sprintf("case at line %d", n.Line)
		res.Failures = []string{"invalid case: " + err.Error()}
		return res
	}
	res.Name = tc.Name
	if res.Name == "" {
		res.Name = fmt.Sprintf("case at line %d", n.Line)
	}
	kind := ObjectKind(tc.Kind)
	switch {
	case kind != "":
	case tc.Link != nil:
		kind = KindLink
	case tc.Node == nil && tc.Location != nil:
		kind = KindLocation
	default:
		kind = KindNode
	}
	in := Input{Node: tc.Node, Location: tc.Location, Status: tc.Status, Interfaces: tc.Interfaces, Link: tc.Link}
	ev := prog.Evaluate(kind, in, EvalOptions{})
	byID := map[string]*RuleResult{}
	for i := range ev.Results {
		byID[ev.Results[i].Rule.ID] = &ev.Results[i]
	}
	ids := make([]string, 0, len(tc.Expect))
	for id := range tc.Expect {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		node := tc.Expect[id]
		exp, err := decodeExpectation(&node)
		if err != nil {
			res.Failures = append(res.Failures, fmt.Sprintf("rule %s: %v", id, err))
			continue
		}
		got, found := byID[id]
		if !found {
			res.Failures = append(res.Failures, fmt.Sprintf("rule %s: no such %s rule", id, kind))
			continue
		}
		if string(got.Status) != exp.Status {
			msg := fmt.Sprintf("rule %s: status %s, want %s", id, got.Status, exp.Status)
			if got.Message != "" {
				msg += " (" + got.Message + ")"
			}
			res.Failures = append(res.Failures, msg)
		}
		if exp.checkAct {
			if eq, _ := equalValues(exportValue(got.Actual), exp.Actual); !eq {
				res.Failures = append(res.Failures, fmt.Sprintf("rule %s: actual %s, want %s", id, valueText(exportValue(got.Actual)), valueText(exp.Actual)))
			}
		}
		if exp.checkExp {
			if eq, _ := equalValues(exportValue(got.Expected), exp.Expected); !eq {
				res.Failures = append(res.Failures, fmt.Sprintf("rule %s: expected %s, want %s", id, valueText(exportValue(got.Expected)), valueText(exp.Expected)))
			}
		}
		if exp.Message != "" && !strings.Contains(got.Message, exp.Message) {
			res.Failures = append(res.Failures, fmt.Sprintf("rule %s: message %q does not contain %q", id, got.Message, exp.Message))
		}
	}
	if tc.Templates != nil {
		want := *tc.Templates
		res.Templates = want
		if strings.Join(ev.Templates, "\n") != strings.Join(want, "\n") {
			res.Failures = append(res.Failures, fmt.Sprintf("templates %q, want %q", ev.Templates, want))
		}
	}
	for _, k := range sortedKeys(tc.CustomData) {
		got, ok := ev.CustomData[k]
		if !ok {
			res.Failures = append(res.Failures, fmt.Sprintf("custom_data.%s missing, want %s", k, valueText(tc.CustomData[k])))
			continue
		}
		if eq, _ := equalValues(got, tc.CustomData[k]); !eq {
			res.Failures = append(res.Failures, fmt.Sprintf("custom_data.%s = %s, want %s", k, valueText(got), valueText(tc.CustomData[k])))
		}
	}
	res.Passed = len(res.Failures) == 0
	return res
}

func decodeExpectation(n *yaml.Node) (expectation, error) {
	var e expectation
	switch n.Kind {
	case yaml.ScalarNode:
		e.Status = n.Value
	case yaml.MappingNode:
		if err := n.Decode(&e); err != nil {
			return e, err
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			switch n.Content[i].Value {
			case "expected":
				e.checkExp = true
			case "actual":
				e.checkAct = true
			}
		}
	default:
		return e, errors.New("expected a status or a mapping with status, expected, actual, message")
	}
	switch Status(e.Status) {
	case StatusPass, StatusFail, StatusError, StatusNotApplicable:
		return e, nil
	}
	return e, fmt.Errorf("invalid status %q, expected pass, fail, error or not_applicable", e.Status)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
