package jinja

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
)

// Template is a compiled template; safe for concurrent renders.
type Template struct {
	env    *Env
	name   string
	body   stmtFn
	nslots int
	blocks map[string]*blockDef
	// outHint is the size of the last output, the initial capacity of the
	// next render's buffer.
	outHint atomic.Int64
}

// Name returns the template's name.
func (t *Template) Name() string { return t.name }

// FromString compiles source as a template called name (includes and
// imports still load from the environment's fs.FS).
func (e *Env) FromString(name, source string) (*Template, error) {
	if int64(len(source)) > e.opts.MaxTemplateSize {
		return nil, &Error{Template: name, Msg: fmt.Sprintf("template source of %d bytes is over the limit of %d bytes", len(source), e.opts.MaxTemplateSize), Err: ErrValueLimit}
	}
	tree, err := Parse(name, source, e.opts)
	if err != nil {
		return nil, err
	}
	if tree.Name == "" {
		tree.Name = name
	}
	return e.compile(tree)
}

// Render renders t with vars into w, under the environment's Limits (ctx
// adds cancellation). Host values are converted with FromGo. Errors are
// *Error values naming the template and line of the failing node.
func (t *Template) Render(ctx context.Context, vars map[string]any, w io.Writer) error {
	out, err := t.render(ctx, vars)
	if err != nil {
		return err
	}
	if _, err := w.Write(out); err != nil {
		return &Error{Template: t.name, Msg: "write output: " + err.Error(), Err: err}
	}
	return nil
}

// RenderString is Render into a string.
func (t *Template) RenderString(ctx context.Context, vars map[string]any) (string, error) {
	out, err := t.render(ctx, vars)
	return string(out), err
}

func (t *Template) render(ctx context.Context, vars map[string]any) (out []byte, err error) {
	limits := t.env.opts.Limits
	cctx, cancel := context.WithTimeout(ctx, limits.Timeout)
	defer cancel()
	s := &State{ctx: cctx, limits: limits, env: t.env}
	r := newRenderer(s, int(min(max(t.outHint.Load(), 256), int64(limits.MaxOutput))))
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, &Error{Template: t.name, Msg: fmt.Sprintf("internal error: %v", p)}
		}
	}()
	converted := make(map[string]Value, len(vars))
	for k, v := range vars {
		cv, err := FromGo(v)
		if err != nil {
			return nil, &Error{Template: t.name, Msg: fmt.Sprintf("variable %s: %v", k, err), Err: err}
		}
		converted[k] = cv
	}
	if err := s.CheckTime(); err != nil {
		return nil, &Error{Template: t.name, Msg: err.Error(), Err: err}
	}
	if err := t.run(r, t.newCtx(r, converted)); err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			return nil, pe
		}
		return nil, &Error{Template: t.name, Msg: err.Error(), Err: err}
	}
	t.outHint.Store(int64(len(r.out)))
	return r.out, nil
}

// newCtx returns the context of a fresh execution of t with vars.
func (t *Template) newCtx(r *renderer, vars map[string]Value) *tctx {
	c := &tctx{env: t.env, vars: vars, blocks: make(map[string][]*blockDef, len(t.blocks))}
	for name, def := range t.blocks {
		c.blocks[name] = []*blockDef{def}
	}
	c.self = &templateRef{ctx: c, r: r}
	return c
}

// run executes t's body in ctx, then the template it extends, if any.
func (t *Template) run(r *renderer, ctx *tctx) error {
	f := &frame{r: r, ctx: ctx, slots: newSlots(t.nslots)}
	if err := t.body(f); err != nil {
		if err == errBreak || err == errContinue {
			return nil
		}
		return err
	}
	if f.parent == nil {
		return nil
	}
	if err := enter(r.s); err != nil {
		return &Error{Template: t.name, Line: f.extPos.Line, Col: f.extPos.Col, Msg: err.Error(), Err: err}
	}
	defer leave(r.s)
	return f.parent.run(r, ctx)
}

func (r *renderer) env() *Env { return r.s.env }
