package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/configdiff"
	"github.com/unet-dev/unet/configtree"
	"github.com/unet-dev/unet/jinja"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/telemetry"
	"github.com/unet-dev/unet/templates"
)

// SetTemplateOptions sets the options of the template environments the
// service opens itself (the active Git snapshot's, the demo's). Call it
// before the first render.
func (s *Service) SetTemplateOptions(o templates.Options) { s.templateOpts = o }

// SetTemplateRoot sets the template source the service renders from.
func (s *Service) SetTemplateRoot(fsys fs.FS, opts templates.Options) {
	s.templates = templates.New(fsys, opts)
}

// SetTemplateEnv sets the template environment the service renders with.
func (s *Service) SetTemplateEnv(env *templates.Env) { s.templates = env }

// TemplateSource returns the template environment of a policy/template
// environment (e.g. the active Git snapshot of its branch).
type TemplateSource func(ctx context.Context, env string) (*templates.Env, error)

// SetTemplateSource makes rendering pick templates per node environment; it
// takes precedence over SetTemplateEnv.
func (s *Service) SetTemplateSource(src TemplateSource) { s.templateSource = src }

// templateEnv returns the templates of an environment ("" = the default one).
func (s *Service) templateEnv(ctx context.Context, env string) (*templates.Env, error) {
	if s.templateSource != nil {
		if env == "" {
			env = unet.DefaultEnvironment
		}
		return s.templateSource(ctx, env)
	}
	if s.templates == nil {
		if env == "" {
			env = unet.DefaultEnvironment
		}
		return s.defaultTemplates(ctx, env)
	}
	return s.templates, nil
}

// ListTemplates lists the templates of the source with their headers.
func (s *Service) ListTemplates(ctx context.Context) ([]unet.TemplateInfo, error) {
	env, err := s.templateEnv(ctx, "")
	if err != nil {
		return nil, err
	}
	list, err := env.List()
	if err != nil {
		return nil, unet.Errorf(unet.EINVALID, "list templates: %v", err)
	}
	out := make([]unet.TemplateInfo, 0, len(list))
	for _, t := range list {
		out = append(out, unet.TemplateInfo{Name: t.Name, Partial: t.Partial, Headers: headerExprs(t.Headers)})
	}
	return out, nil
}

func headerExprs(hs []templates.Header) []string {
	out := make([]string, 0, len(hs))
	for _, h := range hs {
		out = append(out, h.Expr)
	}
	return out
}

// ValidateTemplates checks every template: syntax, includes, headers, filters.
func (s *Service) ValidateTemplates(ctx context.Context) ([]unet.FieldError, error) {
	env, err := s.templateEnv(ctx, "")
	if err != nil {
		return nil, err
	}
	errs := env.Validate()
	out := make([]unet.FieldError, 0, len(errs))
	for _, e := range errs {
		out = append(out, templateFieldError(e))
	}
	return out, nil
}

func templateFieldError(e *templates.Error) unet.FieldError {
	field := ""
	if e.Line > 0 {
		field = fmt.Sprint(e.Line)
		if e.Col > 0 {
			field += fmt.Sprintf(":%d", e.Col)
		}
	}
	return unet.FieldError{File: e.Template, Field: field, Message: e.Msg}
}

// renderInput is what one node's rendering needs.
type renderInput struct {
	node      *unet.Node
	context   map[string]any
	templates []string
	warnings  []string // reported with the result (no policies applied)
	// canary serves the node a candidate's templates (nil: the active ones).
	canary *canaryView
}

// fullMap is an object's JSON form as a generic map, as encoding/json would
// decode it (empty strings kept: a template reading node.model gets ""
// rather than an undefined error), built without the JSON text.
//
// v is a stored unet object (node, link, location, status): its fields and
// custom data came from JSON and encode again, so the conversion cannot fail
// and its error is discarded.
func fullMap(v any) map[string]any {
	d, _ := jinja.FromJSONable(v)
	m, _ := plainJSON(d).(map[string]any)
	return m
}

// plainJSON turns a template value into what encoding/json decodes the same
// JSON into: map[string]any, []any, float64 for every number, string, bool
// or nil.
func plainJSON(v jinja.Value) any {
	switch x := v.(type) {
	case *jinja.Dict:
		m := make(map[string]any, x.Len())
		for i := range x.Len() {
			k, _ := x.Key(i).(string)
			m[k] = plainJSON(x.Val(i))
		}
		return m
	case *jinja.List:
		l := make([]any, len(x.Items))
		for i, it := range x.Items {
			l[i] = plainJSON(it)
		}
		return l
	case int64:
		return float64(x)
	}
	return v
}

// templateDict converts a stored unet object (node, link, location) to the
// template dict its JSON form decodes to (without the text), so templates see
// the JSON field names in the order the object declares them. As for
// fullMap, this cannot fail for a stored object (its values came from JSON).
func templateDict(v any) *jinja.Dict {
	d, _ := jinja.FromJSONable(v)
	if m, ok := d.(*jinja.Dict); ok {
		return m
	}
	return jinja.NewDict(0)
}

// renderContext builds the template context of a node (SPEC §4.1): the
// effective node after policy, its location with ancestors, its links with the
// peer of each, user vars, and unet metadata. It reads only the node's part
// of the inventory (nodeInventory).
func (s *Service) renderContext(ctx context.Context, req unet.TemplateRequest) (*renderInput, error) {
	node, err := s.findNodeIn(ctx, unet.PermTemplatesRender, req.Node)
	if err != nil {
		return nil, err
	}
	inv, err := s.nodeInventory(ctx, node)
	if err != nil {
		return nil, err
	}
	var cv *canaryView
	if len(req.PolicyFiles) == 0 {
		router, err := s.canaryRouter(ctx)
		if err != nil {
			return nil, err
		}
		cv = router.pick(inv, node)
	}
	prog, warning, err := s.optionalRules(withCanary(ctx, cv), req.PolicyFiles, node.Environment, req.Templates)
	if err != nil {
		return nil, err
	}
	in, err := s.nodeRenderInput(inv, prog, node, req)
	if err != nil {
		return nil, err
	}
	in.canary = cv
	if warning != "" {
		in.warnings = append(in.warnings, warning)
	}
	return in, nil
}

// nodeRenderInput builds one node's render context from a loaded inventory and
// an optional compiled policy program.
func (s *Service) nodeRenderInput(inv *inventory, prog *policy.Program, node *unet.Node, req unet.TemplateRequest) (*renderInput, error) {
	return s.nodeRenderInputOf(inv, prog, nil, node, req)
}

// nodeRenderInputOf is nodeRenderInput with the node's evaluation by prog
// when the caller has it already (nil: evaluated here).
func (s *Service) nodeRenderInputOf(inv *inventory, prog *policy.Program, ev *policy.Evaluation, node *unet.Node,
	req unet.TemplateRequest) (*renderInput, error) {
	in := &renderInput{node: node, templates: req.Templates}
	nodeMap := inv.dict(node)
	if prog != nil {
		if ev == nil {
			ev = prog.Evaluate(policy.KindNode, inv.nodeInput(node), policy.EvalOptions{})
		}
		if ev.CustomData != nil {
			b, err := json.Marshal(ev.CustomData)
			if err != nil {
				return nil, unet.Errorf(unet.EINVALID, "node %s: custom data set by policy: %v", node.FQDN, err)
			}
			cd, err := jinja.DecodeJSON(b)
			if err != nil {
				return nil, unet.Internal(fmt.Errorf("node %s: custom data set by policy: %w", node.FQDN, err))
			}
			nodeMap.SetStr("custom_data", cd)
		}
		if len(in.templates) == 0 {
			in.templates = append([]string(nil), ev.Templates...)
		}
	}
	if len(in.templates) == 0 {
		return nil, unet.Errorf(unet.EINVALID, "no templates for node %s: no policy APPLY assigns one; name them with -t TEMPLATE", node.FQDN)
	}
	var location any
	if l := inv.locations[node.LocationID]; l != nil {
		lm := inv.dict(l)
		anc := []jinja.Value{}
		for p := inv.locations[l.ParentID]; p != nil; p = inv.locations[p.ParentID] {
			anc = append([]jinja.Value{inv.dict(p)}, anc...)
		}
		lm.SetStr("ancestors", jinja.NewList(anc))
		location = lm
	}
	links := []jinja.Value{}
	inv.indexLinks()
	for _, i := range inv.linksOf[node.ID] {
		l := inv.links[i]
		if l.ANodeID != node.ID {
			// Orient every link from the node: a_* is the node's end.
			l.ANodeID, l.ZNodeID = l.ZNodeID, l.ANodeID
			l.AInterface, l.ZInterface = l.ZInterface, l.AInterface
			l.ANode, l.ZNode = l.ZNode, l.ANode
		}
		lm := templateDict(&l)
		if p := inv.byID[l.ZNodeID]; p != nil {
			lm.SetStr("peer", inv.dict(p))
		} else {
			// An external circuit: the peer is the provider's side.
			name := l.Provider
			if name == "" {
				name = "external"
			}
			peer := jinja.NewDict(3)
			peer.SetStr("name", name)
			peer.SetStr("fqdn", name)
			peer.SetStr("external", true)
			lm.SetStr("peer", peer)
			if l.ZInterface == "" {
				lm.SetStr("z_interface", l.CircuitID)
			}
		}
		links = append(links, lm)
	}
	vars := req.Vars
	if vars == nil {
		vars = map[string]any{}
	}
	in.context = map[string]any{
		"node":     nodeMap,
		"location": location,
		"links":    jinja.NewList(links),
		"vars":     vars,
		"unet":     map[string]any{"generated_at": s.now().Format(time.RFC3339)},
	}
	if st := inv.statuses[node.ID]; st != nil {
		in.context["status"] = st
	}
	if ifs, ok := inv.interfaces[node.ID]; ok {
		in.context["interfaces"] = ifs
	}
	return in, nil
}

// renderAll renders the input's templates in order, in a "template.render"
// span.
func (s *Service) renderAll(ctx context.Context, in *renderInput) (*unet.RenderResult, []templates.TemplateInfo, error) {
	ctx, span := startRender(ctx, in.node.FQDN, len(in.templates))
	res, infos, err := s.renderTemplates(ctx, in)
	telemetry.End(span, err)
	return res, infos, err
}

func (s *Service) renderTemplates(ctx context.Context, in *renderInput) (*unet.RenderResult, []templates.TemplateInfo, error) {
	env, err := s.templateEnv(withCanary(ctx, in.canary), in.node.Environment)
	if err != nil {
		return nil, nil, err
	}
	res := &unet.RenderResult{Node: in.node.FQDN, Parts: []unet.RenderedTemplate{}, Warnings: in.warnings}
	var infos []templates.TemplateInfo
	for _, name := range in.templates {
		info, err := s.templateInfo(env, name)
		if err != nil {
			return nil, nil, templateError(name, err)
		}
		meta := in.context["unet"].(map[string]any)
		meta["template"] = name
		out, err := env.Render(ctx, name, in.context)
		if err != nil {
			return nil, nil, templateError(name, err)
		}
		res.Parts = append(res.Parts, unet.RenderedTemplate{Template: name, Headers: headerExprs(info.Headers), Output: out})
		infos = append(infos, info)
	}
	return res, infos, nil
}

// templateInfo returns a template's headers, compiled once per environment.
func (s *Service) templateInfo(env *templates.Env, name string) (templates.TemplateInfo, error) {
	s.infoMu.Lock()
	defer s.infoMu.Unlock()
	if s.infoEnv != env {
		s.infoEnv, s.infos = env, map[string]templates.TemplateInfo{}
	}
	if info, ok := s.infos[name]; ok {
		return info, nil
	}
	info, err := env.Template(name)
	if err == nil {
		s.infos[name] = info
	}
	return info, err
}

// templateError turns a template problem into an invalid error naming the
// template and line.
func templateError(name string, err error) error {
	var te *templates.Error
	if errors.As(err, &te) {
		return unet.Invalid("template error", templateFieldError(te))
	}
	if errors.Is(err, templates.ErrNotFound) {
		return unet.Invalid("template error", unet.FieldError{File: name, Message: "template not found"})
	}
	return unet.Invalid("template error", unet.FieldError{File: name, Message: err.Error()})
}

// RenderNodes renders the templates of many nodes (all nodes when refs is
// empty) with one inventory load and one policy compilation. Nodes without
// assigned templates are skipped; the first render error stops the run.
func (s *Service) RenderNodes(ctx context.Context, refs []string, req unet.TemplateRequest) ([]unet.RenderResult, error) {
	inv, err := s.loadInventory(ctx, true)
	if err != nil {
		return nil, err
	}
	programs := map[string]*policy.Program{}
	warnings := map[string]string{}
	var nodes []*unet.Node
	if len(refs) == 0 {
		e, err := s.readEval(ctx, unet.PermTemplatesRender)
		if err != nil {
			return nil, err
		}
		for i := range inv.nodes {
			if e == nil || e.nodeOK(&inv.nodes[i]) {
				nodes = append(nodes, &inv.nodes[i])
			}
		}
	} else {
		for _, ref := range refs {
			n, err := s.findNodeIn(ctx, unet.PermTemplatesRender, ref)
			if err != nil {
				return nil, err
			}
			nodes = append(nodes, n)
		}
	}
	var router *canaryRouter
	if len(req.PolicyFiles) == 0 {
		if router, err = s.canaryRouter(ctx); err != nil {
			return nil, err
		}
	}
	canaryOf := make([]*canaryView, len(nodes))
	for i, n := range nodes {
		canaryOf[i] = router.pick(inv, n)
		key := canaryEnvKey(n.Environment, canaryOf[i])
		if _, seen := programs[key]; !seen {
			prog, warning, err := s.optionalRules(withCanary(ctx, canaryOf[i]), req.PolicyFiles, n.Environment, req.Templates)
			if err != nil {
				return nil, err
			}
			programs[key], warnings[key] = prog, warning
		}
	}
	inv.indexLinks()
	// Nodes render in parallel (contexts and renders are independent; the
	// inventory is only read); results and the first error keep the nodes'
	// order, as a render one by one would give them.
	type rendered struct {
		res  *unet.RenderResult
		err  error
		skip bool
	}
	results := make([]rendered, len(nodes))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(nodes)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(nodes) || ctx.Err() != nil {
					return
				}
				n := nodes[i]
				key := canaryEnvKey(n.Environment, canaryOf[i])
				in, err := s.nodeRenderInput(inv, programs[key], n, req)
				if err != nil {
					if unet.ErrorCode(err) == unet.EINVALID && len(req.Templates) == 0 && len(refs) == 0 {
						results[i].skip = true
						continue
					}
					results[i].err = err
					cancel()
					return
				}
				in.canary = canaryOf[i]
				if w := warnings[key]; w != "" {
					in.warnings = append(in.warnings, w)
				}
				if results[i].res, _, results[i].err = s.renderAll(ctx, in); results[i].err != nil {
					cancel()
					return
				}
			}
		})
	}
	wg.Wait()
	out := make([]unet.RenderResult, 0, len(nodes))
	for _, r := range results {
		switch {
		case r.err != nil:
			return nil, r.err
		case r.skip:
		case r.res != nil:
			out = append(out, *r.res)
		default:
			// Not rendered: a node before it failed (and is reported
			// above) or the request was cancelled.
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// RenderNode renders a node's templates (by default those APPLY'd by policy).
func (s *Service) RenderNode(ctx context.Context, req unet.TemplateRequest) (*unet.RenderResult, error) {
	in, err := s.renderContext(ctx, req)
	if err != nil {
		return nil, err
	}
	res, _, err := s.renderAll(ctx, in)
	return res, err
}

// dialectFamily groups dialects whose configurations look alike.
func dialectFamily(d string) string {
	switch d {
	case "junos", "junos-set":
		return "junos"
	case "flat":
		return "flat"
	}
	return "indented"
}

// checkRunning refuses running configurations that cannot be compared: empty,
// binary, or obviously of another dialect than the node's platform.
func checkRunning(running []byte, dialect, node string) error {
	if len(bytes.TrimSpace(running)) == 0 {
		return unet.Invalid("bad running configuration", unet.FieldError{Field: "running", Message: "is empty"})
	}
	if bytes.IndexByte(running, 0) >= 0 || !utf8.Valid(running) {
		return unet.Invalid("bad running configuration", unet.FieldError{Field: "running", Message: "is binary data, not a text configuration"})
	}
	det := configtree.Detect(running)
	if dialectFamily(det.Dialect) != dialectFamily(dialect) && dialectFamily(det.Dialect) != "flat" {
		return unet.Invalid("bad running configuration", unet.FieldError{Field: "running",
			Message: fmt.Sprintf("looks like %s (%s), but node %s has platform dialect %s", det.Dialect, det.Reason, node, dialect)})
	}
	return nil
}

// platformDialect maps a node platform to a configtree dialect.
func platformDialect(platform string) (string, error) {
	switch platform {
	case "", "generic":
		return "auto", nil
	}
	return configtree.NormalizeDialect(platform)
}

// DiffNode renders the node's templates, slices the running configuration by
// each template's headers with the node's dialect, and diffs each slice.
func (s *Service) DiffNode(ctx context.Context, req unet.TemplateDiffRequest) (*unet.TemplateDiffResult, error) {
	if req.Rules != "" && !req.Remediation {
		return nil, unet.Invalid("bad request", unet.FieldError{Field: "rules", Message: "applies to the remediation only: set remediation"})
	}
	in, err := s.renderContext(ctx, req.TemplateRequest)
	if err != nil {
		return nil, err
	}
	dialect, err := platformDialect(in.node.Platform)
	if err != nil {
		return nil, unet.Invalid("node platform", unet.FieldError{Field: "platform", Message: err.Error()})
	}
	running := []byte(req.Running)
	if dialect == "auto" {
		dialect = configtree.Detect(running).Dialect
	}
	if err := checkRunning(running, dialect, in.node.FQDN); err != nil {
		return nil, err
	}
	rendered, infos, err := s.renderAll(ctx, in)
	if err != nil {
		return nil, err
	}
	ctxLines := req.Context
	if ctxLines <= 0 {
		ctxLines = 3
	}
	out := &unet.TemplateDiffResult{Node: in.node.FQDN, Dialect: dialect, Equal: true, Templates: []unet.TemplateDiff{}}
	for i, part := range rendered.Parts {
		d := unet.TemplateDiff{Template: part.Template, Headers: part.Headers, Intended: part.Output, Equal: true}
		var ms []*configtree.Match
		for _, h := range infos[i].Headers {
			if h.Match == nil {
				return nil, unet.Invalid("template error", unet.FieldError{File: part.Template, Field: fmt.Sprint(h.Line), Message: "template-match header does not compile: " + h.Expr})
			}
			ms = append(ms, h.Match)
		}
		if len(ms) > 0 {
			d.Owned = true
			runSlice, err := configtree.SliceText(running, dialect, ms...)
			if err != nil {
				return nil, unet.Invalid("bad running configuration", unet.FieldError{Field: "running", Message: err.Error()})
			}
			intended, err := configtree.SliceText([]byte(part.Output), dialect, ms...)
			if err != nil {
				return nil, unet.Invalid("template output", unet.FieldError{File: part.Template, Message: "rendered output does not parse as " + dialect + ": " + err.Error()})
			}
			d.Intended, d.Running = intended, runSlice
			ld := configdiff.Lines("running", "intended", runSlice, intended, ctxLines)
			d.Equal = ld.Equal
			d.Added, d.Removed = ld.Stats.Added, ld.Stats.Removed
			if !ld.Equal {
				d.Diff = ld.Unified()
				out.Equal = false
			}
		}
		out.Templates = append(out.Templates, d)
	}
	if req.Remediation {
		rem, err := driftRemediation(running, dialect, req.Rules, rendered.Parts, infos)
		if err != nil {
			return nil, err
		}
		out.Remediation = rem
	}
	return out, nil
}
