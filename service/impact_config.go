package service

import (
	"context"
	"errors"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/configdiff"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/templates"
)

// rendering is one node's configuration on one side: the output of each
// template in order, and the templates that failed.
type rendering struct {
	node     *unet.Node
	order    []string
	outputs  map[string]string
	failures map[string]string // template ("" for the context) → message
}

// renderSide renders every template that applies to each node of a side,
// as `template render` does (the node's environment's rules and templates,
// the same context), in parallel. Nodes without a template render nothing;
// render errors are kept per template. generatedAt fixes unet.generated_at
// so that both sides render the same value.
func (p *impactPrograms) renderSide(ctx context.Context, side *impactSide, generatedAt time.Time) (map[string]*rendering, error) {
	s := p.s
	// Programs and template sources first: the workers only read them.
	for _, n := range side.nodes {
		prog, err := p.get(ctx, n.Environment)
		if err != nil {
			return nil, err
		}
		if prog == nil {
			continue
		}
		if _, err := p.templates(ctx, n.Environment); err != nil {
			return nil, err
		}
	}
	out := make([]*rendering, len(side.nodes))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(side.nodes)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(side.nodes) || ctx.Err() != nil {
					return
				}
				env := envOrDefault(side.nodes[i].Environment)
				out[i] = s.renderImpactNode(ctx, side, p.progs[env], p.envs[env], side.nodes[i], generatedAt)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	byID := make(map[string]*rendering, len(out))
	for _, r := range out {
		if r != nil {
			byID[r.node.ID] = r
		}
	}
	return byID, nil
}

func envOrDefault(env string) string {
	if env == "" {
		return unet.DefaultEnvironment
	}
	return env
}

// renderImpactNode renders one node's templates template by template, so
// that one failing template still leaves the others compared. A nil
// program or template source (none for the environment, a problem of the
// impact already) renders nothing.
func (s *Service) renderImpactNode(ctx context.Context, side *impactSide, prog *policy.Program, env *templates.Env,
	n *unet.Node, generatedAt time.Time) *rendering {
	r := &rendering{node: n, outputs: map[string]string{}, failures: map[string]string{}}
	if prog == nil || env == nil {
		return r
	}
	in, err := s.nodeRenderInputOf(side.inv, prog, side.evals[evalKey{prog, n.ID}], n, unet.TemplateRequest{})
	if err != nil {
		var ue *unet.Error
		if errors.As(err, &ue) && ue.Code == unet.EINVALID && strings.HasPrefix(ue.Message, "no templates for node") {
			return r
		}
		r.failures[""] = err.Error()
		return r
	}
	for _, name := range in.templates {
		r.order = append(r.order, name)
		in.context["unet"] = map[string]any{"generated_at": generatedAt.Format(time.RFC3339), "template": name}
		if _, err := s.templateInfo(env, name); err != nil {
			r.failures[name] = templateError(name, err).Error()
			continue
		}
		text, err := env.Render(ctx, name, in.context)
		if err != nil {
			r.failures[name] = templateError(name, err).Error()
			continue
		}
		r.outputs[name] = text
	}
	return r
}

// configImpacts compares the renderings of both sides node by node: a node
// whose output changes gets its unified diff (one "--- before/NODE/TEMPLATE"
// section per template that changes); render errors become problems and
// leave their template out of the comparison. A node missing on one side
// (created or deleted) has an empty configuration there.
func configImpacts(before, after map[string]*rendering) ([]unet.ConfigImpact, []unet.ImpactProblem) {
	ids := idSet{}
	for id := range before {
		ids.add(id)
	}
	for id := range after {
		ids.add(id)
	}
	configs := []unet.ConfigImpact{}
	problems := []unet.ImpactProblem{}
	for _, id := range ids.sorted() {
		b, a := before[id], after[id]
		name := nodeName(a, b)
		var bad map[string]bool
		for _, side := range []struct {
			stage string
			r     *rendering
		}{{"before", b}, {"after", a}} {
			if side.r == nil {
				continue
			}
			for tpl, msg := range side.r.failures {
				if bad == nil {
					bad = map[string]bool{}
				}
				bad[tpl] = true
				problems = append(problems, unet.ImpactProblem{Object: "node/" + name, Stage: side.stage, Message: msg})
			}
		}
		if bad[""] {
			continue
		}
		ci := unet.ConfigImpact{Node: name}
		var diff, beforeText, afterText strings.Builder
		for _, tpl := range templateUnion(b, a) {
			if bad[tpl] {
				continue
			}
			appendConfig(&beforeText, outputOf(b, tpl))
			appendConfig(&afterText, outputOf(a, tpl))
			ld := configdiff.Lines("before/"+name+"/"+tpl, "after/"+name+"/"+tpl, outputOf(b, tpl), outputOf(a, tpl), 3)
			if ld.Equal {
				continue
			}
			diff.WriteString(ld.Unified())
			ci.Added += ld.Stats.Added
			ci.Removed += ld.Stats.Removed
		}
		if diff.Len() > 0 {
			ci.Diff = diff.String()
			ci.Remediation, ci.RemediationError = impactRemediation(nodePlatform(a, b), beforeText.String(), afterText.String())
			configs = append(configs, ci)
		}
	}
	sort.Slice(configs, func(i, j int) bool { return configs[i].Node < configs[j].Node })
	sort.SliceStable(problems, func(i, j int) bool {
		if problems[i].Object != problems[j].Object {
			return problems[i].Object < problems[j].Object
		}
		if problems[i].Stage != problems[j].Stage {
			return problems[i].Stage > problems[j].Stage // before, then after
		}
		return problems[i].Message < problems[j].Message
	})
	return configs, problems
}

// nodeName is the node's FQDN after the set, else before it.
func nodeName(a, b *rendering) string {
	if a != nil {
		return a.node.FQDN
	}
	return b.node.FQDN
}

// nodePlatform is the node's platform after the set, else before it.
func nodePlatform(a, b *rendering) string {
	if a != nil {
		return a.node.Platform
	}
	return b.node.Platform
}

// appendConfig appends one template's output to a node's configuration,
// ending it with a newline.
func appendConfig(b *strings.Builder, text string) {
	b.WriteString(text)
	if text != "" && !strings.HasSuffix(text, "\n") {
		b.WriteByte('\n')
	}
}

// templateUnion lists the templates of the after side in order, then those
// only the before side had.
func templateUnion(b, a *rendering) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range []*rendering{a, b} {
		if r == nil {
			continue
		}
		for _, t := range r.order {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

func outputOf(r *rendering, tpl string) string {
	if r == nil {
		return ""
	}
	return r.outputs[tpl]
}
