package service

import (
	"bytes"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/configtree"
	"github.com/unet-dev/unet/remediation"
	"github.com/unet-dev/unet/templates"
)

// driftRemediation is the remediation of a node's drift: the commands that
// take the running configuration to the rendered templates, restricted to
// what the templates' headers select (a template without headers owns
// nothing, as in the diff). rulesText extends the dialect's rules.
func driftRemediation(running []byte, dialect, rulesText string, parts []unet.RenderedTemplate, infos []templates.TemplateInfo) (*unet.Remediation, error) {
	rules, err := remediationRules(dialect, rulesText)
	if err != nil {
		return nil, err
	}
	var intended strings.Builder
	var ms []*configtree.Match
	for i, part := range parts {
		owned := false
		for _, h := range infos[i].Headers {
			if h.Match != nil {
				ms = append(ms, h.Match)
				owned = true
			}
		}
		if !owned {
			continue
		}
		appendConfig(&intended, part.Output)
	}
	if len(ms) == 0 {
		// Nothing is owned: nothing to remediate (an empty match list
		// would select the whole configuration).
		return &unet.Remediation{Dialect: dialect, Commands: []unet.RemediationCommand{}, Stats: map[string]int{}}, nil
	}
	runTree, err := configtree.Parse(bytes.NewReader(running), dialect)
	if err != nil {
		return nil, unet.Invalid("bad running configuration", unet.FieldError{Field: "running", Message: err.Error()})
	}
	intTree, err := configtree.Parse(strings.NewReader(intended.String()), dialect)
	if err != nil {
		return nil, unet.Invalid("template output", unet.FieldError{Message: "rendered output does not parse as " + dialect + ": " + err.Error()})
	}
	return remediate(runTree, intTree, remediation.Options{Dialect: dialect, Rules: rules, Match: ms})
}

// impactRemediation is the remediation from the configuration a node
// renders before a change set to the one it renders after, in the dialect
// of the node's platform (detected from the text for a generic platform).
// It is nil, with the reason, when there is no remediation to give: a
// dialect without rules or a rendering that does not parse.
func impactRemediation(platform, before, after string) (*unet.Remediation, string) {
	dialect, err := platformDialect(platform)
	if err != nil {
		return nil, err.Error()
	}
	if dialect == "auto" {
		sample := after
		if strings.TrimSpace(sample) == "" {
			sample = before
		}
		dialect = configtree.Detect([]byte(sample)).Dialect
	}
	rules, err := remediation.Builtin(dialect)
	if err != nil {
		return nil, err.Error()
	}
	b, err := configtree.Parse(strings.NewReader(before), dialect)
	if err != nil {
		return nil, "before: " + err.Error()
	}
	a, err := configtree.Parse(strings.NewReader(after), dialect)
	if err != nil {
		return nil, "after: " + err.Error()
	}
	res, err := remediation.Remediate(b, a, remediation.Options{Dialect: dialect, Rules: rules})
	if err != nil {
		return nil, err.Error()
	}
	out, err := toRemediation(res)
	if err != nil {
		return nil, err.Error()
	}
	return out, ""
}
