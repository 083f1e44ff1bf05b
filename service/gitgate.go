package service

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/templates"
)

// GateTestsDir is the name of the directories whose policy test cases gate
// the activation of every commit of a source: tests/ at the root of the
// source (its Path sub-directory when set), tests/ inside the directory of
// its rules (policies/tests/), and tests/ beside a configured
// --policies-dir (network/rules → network/tests).
const GateTestsDir = "tests"

// gateLimits bound the test cases that gate one activation, so that a
// repository with very many cases cannot stall the syncs: a run beyond a
// bound rejects the commit (it fails closed).
var gateLimits = struct {
	files, bytes, cases int
	timeout             time.Duration
}{files: 1000, bytes: 16 << 20, cases: 20000, timeout: time.Minute}

// gateDirs returns the existing test directories of a snapshot (see
// GateTestsDir), each once, with its name relative to the snapshot.
func gateDirs(dir, rulesDir string) (dirs, names []string) {
	cands := []string{filepath.Join(dir, GateTestsDir), filepath.Join(rulesDir, GateTestsDir)}
	if filepath.Clean(rulesDir) != filepath.Clean(dir) {
		cands = append(cands, filepath.Join(filepath.Dir(rulesDir), GateTestsDir))
	}
	seen := map[string]bool{}
	for _, c := range cands {
		c = filepath.Clean(c)
		rel, err := filepath.Rel(dir, c)
		if seen[c] || err != nil || strings.HasPrefix(rel, "..") {
			continue
		}
		seen[c] = true
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			dirs, names = append(dirs, c), append(names, filepath.ToSlash(rel))
		}
	}
	return dirs, names
}

// gateTests runs the policy test cases of a snapshot (gateDirs) against
// prog, the snapshot's own compiled rules (of rulesDir), and returns one
// problem per failing case (tests/FILE:LINE: case NAME: what mismatched),
// or the problem that kept the cases from running. A snapshot without test
// directories passes. Templates a case names must be valid templates of
// the same snapshot (checked when the source holds both policies and
// templates).
func gateTests(ctx context.Context, dir, rulesDir string, prog *policy.Program) []gitsync.ValidationError {
	dirs, names := gateDirs(dir, rulesDir)
	if len(dirs) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, gateLimits.timeout)
	defer cancel()
	tmpl := caseTemplates(ctx, dir)
	defer tmpl.close()
	var out []gitsync.ValidationError
	cases := 0
	for i, testsDir := range dirs {
		rep, err := policy.RunTestsContext(ctx, testsDir, policy.TestOptions{Program: prog, ProgramDir: rulesDir,
			MaxFiles: gateLimits.files, MaxBytes: gateLimits.bytes, MaxCases: gateLimits.cases})
		if err != nil {
			var fe *policy.TestFileError
			if errors.As(err, &fe) {
				return append(out, gitsync.ValidationError{File: names[i] + "/" + fe.File, Line: fe.Line, Message: fe.Err.Error()})
			}
			msg := err.Error()
			if errors.Is(err, policy.ErrTestLimit) {
				msg = fmt.Sprintf("the test cases exceed a limit (%v): the commit is not activated", err)
			}
			return append(out, gitsync.ValidationError{File: names[i] + "/", Message: msg})
		}
		if cases += len(rep.Cases); cases > gateLimits.cases {
			return []gitsync.ValidationError{{File: names[i] + "/", Message: fmt.Sprintf(
				"the test cases exceed a limit (%v: more than %d cases): the commit is not activated", policy.ErrTestLimit, gateLimits.cases)}}
		}
		for _, c := range rep.Cases {
			failures := c.Failures
			for _, name := range c.Templates {
				if msg := tmpl.check(name); msg != "" {
					failures = append(failures, msg)
				}
			}
			if len(failures) == 0 {
				continue
			}
			out = append(out, gitsync.ValidationError{File: names[i] + "/" + c.File, Line: c.Line,
				Message: "case " + c.Name + ": " + strings.Join(failures, "; ")})
		}
	}
	return out
}

// caseTemplateCheck checks the templates test cases name against the
// snapshot's templates; it checks nothing for a source that holds no
// templates (they live in another source).
type caseTemplateCheck struct {
	env  *templates.Env
	err  string
	seen map[string]string
}

func caseTemplates(ctx context.Context, dir string) *caseTemplateCheck {
	c := &caseTemplateCheck{seen: map[string]string{}}
	if sourceKind(ctx) != unet.GitKindBoth {
		return c
	}
	root, _, err := kindRoot(dir, unet.GitKindTemplates, sourceDir(ctx, unet.GitKindTemplates))
	if err == nil {
		c.env, err = templates.NewDir(root, templates.Options{})
	}
	if err != nil {
		c.err = err.Error()
	}
	return c
}

// check returns why template name does not render from the snapshot, or "".
func (c *caseTemplateCheck) check(name string) string {
	if c.env == nil && c.err == "" {
		return ""
	}
	if msg, ok := c.seen[name]; ok {
		return msg
	}
	msg := ""
	if c.err != "" {
		msg = fmt.Sprintf("template %s: %s", name, c.err)
	} else if errs := c.env.ValidateTemplate(name); len(errs) > 0 {
		msg = fmt.Sprintf("template %s is not a valid template of this commit: %s", name, errs[0].Error())
	}
	c.seen[name] = msg
	return msg
}

func (c *caseTemplateCheck) close() {
	if c.env != nil {
		// The environment only read the snapshot.
		_ = c.env.Close()
	}
}
