package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/configtree"
	"github.com/unet-dev/unet/remediation"
)

// Remediate returns the commands that turn req.Running into req.Intended
// (or back, with req.Rollback). It reads nothing stored: any caller may
// ask, as for template validation.
func (s *Service) Remediate(ctx context.Context, req unet.RemediationRequest) (*unet.Remediation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	running, err := parseConfigField("running", req.Running, req.Dialect)
	if err != nil {
		return nil, err
	}
	intended, err := parseConfigField("intended", req.Intended, running.Dialect)
	if err != nil {
		return nil, err
	}
	rules, err := remediationRules(running.Dialect, req.Rules)
	if err != nil {
		return nil, err
	}
	ms, err := parseMatches(req.Match)
	if err != nil {
		return nil, err
	}
	return remediate(running, intended, remediation.Options{Dialect: running.Dialect, Rules: rules, Rollback: req.Rollback, Match: ms})
}

// Predict applies req.Commands to req.Running the way the device would and
// returns the configuration that results.
func (s *Service) Predict(ctx context.Context, req unet.PredictRequest) (*unet.PredictResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	running, err := parseConfigField("running", req.Running, req.Dialect)
	if err != nil {
		return nil, err
	}
	if !utf8.ValidString(req.Commands) || strings.IndexByte(req.Commands, 0) >= 0 {
		return nil, unet.Invalid("bad commands", unet.FieldError{Field: "commands", Message: "is binary data, not text"})
	}
	rules, err := remediationRules(running.Dialect, req.Rules)
	if err != nil {
		return nil, err
	}
	out, err := remediation.Predict(running, req.Commands, rules)
	if err != nil {
		return nil, unet.Invalid("bad commands", unet.FieldError{Field: "commands", Message: err.Error()})
	}
	return &unet.PredictResult{Dialect: running.Dialect, Config: out.String()}, nil
}

// parseConfigField parses one configuration of a request; errors name the
// field and the line.
func parseConfigField(field, text, dialect string) (*configtree.Tree, error) {
	if dialect == "" {
		dialect = "auto"
	}
	if _, err := configtree.NormalizeDialect(dialect); err != nil && dialect != "auto" {
		return nil, unet.Invalid("bad dialect", unet.FieldError{Field: "dialect", Message: err.Error()})
	}
	if !utf8.ValidString(text) || strings.IndexByte(text, 0) >= 0 {
		return nil, unet.Invalid("bad "+field+" configuration", unet.FieldError{Field: field, Message: "is binary data, not a text configuration"})
	}
	t, err := configtree.Parse(strings.NewReader(text), dialect)
	if err != nil {
		return nil, unet.Invalid("bad "+field+" configuration", unet.FieldError{Field: field, Message: err.Error()})
	}
	return t, nil
}

// remediationRules is the built-in rule table of the dialect, extended by
// the TOML table text when it is not empty.
func remediationRules(dialect, text string) (*remediation.Rules, error) {
	rules, err := remediation.Builtin(dialect)
	if err != nil {
		return nil, unet.Invalid("bad dialect", unet.FieldError{Field: "dialect", Message: err.Error()})
	}
	if strings.TrimSpace(text) == "" {
		return rules, nil
	}
	extra, err := remediation.ParseRules([]byte(text), "rules")
	if err != nil {
		var re *remediation.RuleError
		if errors.As(err, &re) && re.Line > 0 {
			return nil, unet.Invalid("bad rules", unet.FieldError{File: "rules", Field: fmt.Sprintf("%d:%d", re.Line, re.Column), Message: re.Msg})
		}
		return nil, unet.Invalid("bad rules", unet.FieldError{File: "rules", Field: "rules", Message: err.Error()})
	}
	return rules.Extend(extra), nil
}

// parseMatches compiles match expressions; an error names the expression
// by its index and carries the level and column of the problem.
func parseMatches(exprs []string) ([]*configtree.Match, error) {
	var ms []*configtree.Match
	for i, e := range exprs {
		m, err := configtree.ParseMatch(e)
		if err != nil {
			return nil, unet.Invalid("bad match expression", unet.FieldError{Field: fmt.Sprintf("match[%d]", i), Message: err.Error()})
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// remediate runs the engine and converts its result.
func remediate(running, intended *configtree.Tree, opts remediation.Options) (*unet.Remediation, error) {
	res, err := remediation.Remediate(running, intended, opts)
	if err != nil {
		return nil, unet.Invalid("remediation", unet.FieldError{Field: "dialect", Message: err.Error()})
	}
	return toRemediation(res)
}

// toRemediation converts an engine result to the domain type, with the
// text as typed on the device.
func toRemediation(res *remediation.Result) (*unet.Remediation, error) {
	var text bytes.Buffer
	if err := res.WriteText(&text); err != nil {
		return nil, unet.Internal(fmt.Errorf("remediation text: %w", err))
	}
	out := &unet.Remediation{Dialect: res.Dialect, Commands: make([]unet.RemediationCommand, 0, len(res.Commands)), Stats: res.Stats, Text: text.String()}
	if out.Stats == nil {
		out.Stats = map[string]int{}
	}
	for _, c := range res.Commands {
		parents := c.Parents
		if parents == nil {
			parents = []string{}
		}
		out.Commands = append(out.Commands, unet.RemediationCommand{Command: c.Text, Parents: parents, Depth: c.Depth, Reason: c.Reason, Source: c.Source, Line: c.Line})
	}
	return out, nil
}
