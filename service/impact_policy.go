package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/templates"
)

// impactPrograms compiles the active rules of each environment once for
// both sides of an impact; an environment whose rules cannot be had is a
// problem of the impact, not its failure.
type impactPrograms struct {
	s        *Service
	progs    map[string]*policy.Program
	envs     map[string]*templates.Env
	problems []unet.ImpactProblem
	// rules are the revisions of the rules of each environment used (see
	// policyRevision), for the impact cache.
	rules map[string]string
}

func newImpactPrograms(s *Service) *impactPrograms {
	return &impactPrograms{s: s, progs: map[string]*policy.Program{}, envs: map[string]*templates.Env{},
		rules: map[string]string{}}
}

// policyFiles returns the active rule files of env and their source, as
// rules reads them.
func (s *Service) policyFiles(ctx context.Context, env string) ([]unet.PolicyFile, string, error) {
	src := s.policySource
	if src == nil {
		src = s.defaultPolicies
	}
	return src(ctx, env)
}

// policyRevision is a digest of what policyFiles returned: the source
// (commit), every file's name and content, or the error.
func policyRevision(files []unet.PolicyFile, source string, err error) string {
	var b strings.Builder
	if err != nil {
		b.WriteString("error\x00" + err.Error() + "\x00")
	}
	b.WriteString(source + "\x00")
	for _, f := range files {
		b.WriteString(f.Name + "\x00" + strconv.Itoa(len(f.Content)) + "\x00" + f.Content)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// templates returns the template source of env, nil when there is none
// (recorded as a problem, once per environment).
func (p *impactPrograms) templates(ctx context.Context, env string) (*templates.Env, error) {
	env = envOrDefault(env)
	if e, ok := p.envs[env]; ok {
		return e, nil
	}
	e, err := p.s.templateEnv(ctx, env)
	if err != nil {
		if ctx.Err() != nil || unet.ErrorCode(err) == unet.EINTERNAL {
			return nil, err
		}
		p.problems = append(p.problems, unet.ImpactProblem{Object: "environment/" + env,
			Message: "configurations not rendered: " + err.Error()})
		e = nil
	}
	p.envs[env] = e
	return e, nil
}

// get returns the program of env (the default environment for ""), nil when
// the rules cannot be had (recorded as a problem).
func (p *impactPrograms) get(ctx context.Context, env string) (*policy.Program, error) {
	env = envOrDefault(env)
	if prog, ok := p.progs[env]; ok {
		return prog, nil
	}
	// As rules does, keeping the revision of the files.
	files, source, err := p.s.policyFiles(ctx, env)
	p.rules[env] = policyRevision(files, source, err)
	var prog *policy.Program
	if err == nil {
		prog, err = compilePolicies(files)
	}
	if err != nil {
		if ctx.Err() != nil || unet.ErrorCode(err) == unet.EINTERNAL && !errors.Is(err, ErrNoPolicies) {
			return nil, err
		}
		p.problems = append(p.problems, unet.ImpactProblem{Object: "environment/" + env,
			Message: "policies not evaluated and configurations not rendered: " + err.Error()})
		prog = nil
	}
	p.progs[env] = prog
	return prog, nil
}

// ruleKey is one (object, rule).
type ruleKey struct{ kind, id, rule string }

// ruleState is the outcome of a rule for an object on one side.
type ruleState struct {
	name, severity, status, message string
}

// evalSide evaluates the rules on one side: node rules of each affected
// node's environment, link and location rules (of the default environment,
// as the evaluator does) on the touched links and locations. It returns the
// outcome of every rule that applies and the number of rule results.
func (p *impactPrograms) evalSide(ctx context.Context, side *impactSide) (map[ruleKey]ruleState, int, error) {
	out := map[ruleKey]ruleState{}
	count := 0
	keep := func(kind, id, name string, ev *policy.Evaluation) {
		for _, r := range ev.Results {
			count++
			if r.Status == policy.StatusNotApplicable {
				continue
			}
			out[ruleKey{kind, id, r.Rule.ID}] = ruleState{name: name, severity: string(r.Rule.Severity),
				status: string(r.Status), message: r.Message}
		}
	}
	inv := side.inv
	if side.evals == nil {
		side.evals = map[evalKey]*policy.Evaluation{}
	}
	for _, n := range side.nodes {
		prog, err := p.get(ctx, n.Environment)
		if err != nil {
			return nil, 0, err
		}
		if prog != nil {
			ev := prog.Evaluate(policy.KindNode, inv.nodeInput(n), policy.EvalOptions{})
			side.evals[evalKey{prog, n.ID}] = ev
			keep(unet.KindNode, n.ID, n.FQDN, ev)
		}
	}
	if len(side.links) == 0 && len(side.locations) == 0 {
		return out, count, nil
	}
	prog, err := p.get(ctx, unet.DefaultEnvironment)
	if err != nil || prog == nil {
		return out, count, err
	}
	for _, l := range side.links {
		keep(unet.KindLink, l.ID, linkLabel(l), prog.Evaluate(policy.KindLink, inv.linkInput(l), policy.EvalOptions{}))
	}
	for _, id := range side.locations {
		keep(unet.KindLocation, id, inv.locations[id].Path,
			prog.Evaluate(policy.KindLocation, policy.Input{Location: inv.locationMap(id)}, policy.EvalOptions{}))
	}
	return out, count, nil
}

// policyImpacts compares the outcomes of both sides: every (object, rule)
// whose status changes, sorted by kind, object and rule.
func policyImpacts(before, after map[ruleKey]ruleState) []unet.PolicyImpact {
	out := []unet.PolicyImpact{}
	add := func(k ruleKey) {
		b, a := before[k], after[k]
		if b.status == a.status {
			return
		}
		pi := unet.PolicyImpact{Kind: k.kind, Object: a.name, Rule: k.rule, Severity: a.severity,
			Before: b.status, After: a.status, Message: a.message}
		if a.status == "" {
			pi.Object, pi.Severity = b.name, b.severity
		}
		out = append(out, pi)
	}
	for k := range after {
		add(k)
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			add(k)
		}
	}
	rank := map[string]int{unet.KindNode: 0, unet.KindLink: 1, unet.KindLocation: 2}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Kind != y.Kind {
			return rank[x.Kind] < rank[y.Kind]
		}
		if x.Object != y.Object {
			return x.Object < y.Object
		}
		return x.Rule < y.Rule
	})
	return out
}
