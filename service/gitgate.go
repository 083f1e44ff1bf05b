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

// GateTestsDir is the directory, at the root of a source (its Path
// sub-directory when set), whose policy test cases gate the activation of
// every commit of the source.
const GateTestsDir = "tests"

// gateLimits bound the test cases that gate one activation, so that a
// repository with very many cases cannot stall the syncs: a run beyond a
// bound rejects the commit (it fails closed).
var gateLimits = struct {
	files, bytes, cases int
	timeout             time.Duration
}{files: 1000, bytes: 16 << 20, cases: 20000, timeout: time.Minute}

// gateTests runs the policy test cases under tests/ of a snapshot against
// prog, the snapshot's own compiled rules (of rulesDir), and returns one problem per
// failing case (tests/FILE:LINE: case NAME: what mismatched), or the
// problem that kept the cases from running. A snapshot without tests/
// passes. Templates a case names must be valid templates of the same
// snapshot (checked when the source holds both policies and templates).
func gateTests(ctx context.Context, dir, rulesDir string, prog *policy.Program) []gitsync.ValidationError {
	testsDir := filepath.Join(dir, GateTestsDir)
	if st, err := os.Stat(testsDir); err != nil || !st.IsDir() {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, gateLimits.timeout)
	defer cancel()
	rep, err := policy.RunTestsContext(ctx, testsDir, policy.TestOptions{Program: prog, ProgramDir: rulesDir,
		MaxFiles: gateLimits.files, MaxBytes: gateLimits.bytes, MaxCases: gateLimits.cases})
	if err != nil {
		var fe *policy.TestFileError
		if errors.As(err, &fe) {
			return []gitsync.ValidationError{{File: GateTestsDir + "/" + fe.File, Line: fe.Line, Message: fe.Err.Error()}}
		}
		msg := err.Error()
		if errors.Is(err, policy.ErrTestLimit) {
			msg = fmt.Sprintf("the test cases exceed a limit (%v): the commit is not activated", err)
		}
		return []gitsync.ValidationError{{File: GateTestsDir + "/", Message: msg}}
	}
	tmpl := caseTemplates(ctx, dir)
	defer tmpl.close()
	var out []gitsync.ValidationError
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
		out = append(out, gitsync.ValidationError{File: GateTestsDir + "/" + c.File, Line: c.Line,
			Message: "case " + c.Name + ": " + strings.Join(failures, "; ")})
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
