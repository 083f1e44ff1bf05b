package templates

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/parser"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// pendingCaller is the caller() of a call block, waiting for the body of
// the macro it calls to start.
type pendingCaller struct {
	macro string
	fn    func(*exec.VarArgs) *exec.Value
}

// calleeName returns the macro name of a call expression: m for m(...)
// and lib.m(...).
func calleeName(fn nodes.Node) string {
	switch f := fn.(type) {
	case *nodes.Name:
		return f.Name.Val
	case *nodes.GetAttribute:
		return f.Attribute
	}
	return ""
}

// callParam is a parameter of a call block: {% call(item, sep=', ') m() %}.
type callParam struct {
	name string
	def  nodes.Expression // nil when the parameter has no default
}

// callStmt is {% call[(params)] macro(args) %}body{% endcall %}: the body
// is available inside the macro as caller(args...).
type callStmt struct {
	env      *Env
	tpl      string // the template the statement is written in
	location *tokens.Token
	params   []callParam
	call     *nodes.Call
	body     *nodes.Wrapper
}

// Position returns the position of the statement.
func (c *callStmt) Position() *tokens.Token { return c.location }

// String describes the statement.
func (c *callStmt) String() string { return fmt.Sprintf("call at line %d", c.location.Line) }

// Execute calls the macro with the body bound as caller().
func (c *callStmt) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	callerFn := func(va *exec.VarArgs) *exec.Value {
		if len(va.Args) > len(c.params) {
			return exec.AsValue(fmt.Errorf("caller() takes %d arguments, %d given", len(c.params), len(va.Args)))
		}
		var buf bytes.Buffer
		sub := r.Inherit()
		sub.Output = &buf
		for i, p := range c.params {
			var v *exec.Value
			switch {
			case i < len(va.Args):
				v = va.Args[i]
			case va.KwArgs[p.name] != nil:
				v = va.KwArgs[p.name]
			case p.def != nil:
				v = r.Eval(p.def)
			default:
				return exec.AsValue(fmt.Errorf("caller() missing argument %q", p.name))
			}
			if v.IsError() {
				return v
			}
			sub.Environment.Context.Set(p.name, v)
		}
		if err := sub.ExecuteWrapper(c.body); err != nil {
			return exec.AsValue(c.env.attribute(c.tpl, err, stateOf(r)))
		}
		return exec.AsSafeValue(buf.String())
	}
	// The macro body picks the caller up when it starts (see
	// checkpointStmt): gonja's own slot lives in the context of the call
	// site, which a macro defined in an enclosing scope cannot see.
	st := stateOf(r)
	if st == nil {
		return errors.New("call: no render state")
	}
	st.caller = &pendingCaller{macro: calleeName(c.call.Func), fn: callerFn}
	result := r.Eval(c.call)
	st.caller = nil
	if result.IsError() {
		return result
	}
	_, err := io.WriteString(r.Output, result.String())
	return err
}

func (e *Env) callParser(p *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
	c := &callStmt{env: e, tpl: p.Template.Identifier, location: p.Current()}
	if args.Match(tokens.LeftParenthesis) != nil {
		for args.Match(tokens.RightParenthesis) == nil {
			name := args.Match(tokens.Name)
			if name == nil {
				return nil, args.Error("expected a parameter name in call(...)", args.Current())
			}
			param := callParam{name: name.Val}
			if args.Match(tokens.Assign) != nil {
				def, err := args.ParseExpression()
				if err != nil {
					return nil, err
				}
				param.def = def
			}
			c.params = append(c.params, param)
			if args.Match(tokens.Comma) == nil {
				if args.Match(tokens.RightParenthesis) == nil {
					return nil, args.Error("expected ',' or ')' in call(...)", args.Current())
				}
				break
			}
		}
	}
	expr, err := args.ParseExpression()
	if err != nil {
		return nil, err
	}
	call, ok := expr.(*nodes.Call)
	if !ok {
		return nil, args.Error("expected a macro call after call", args.Current())
	}
	c.call = call
	if !args.End() {
		return nil, args.Error("malformed call statement", args.Current())
	}
	body, endargs, err := p.WrapUntil("endcall")
	if err != nil {
		return nil, err
	}
	if !endargs.End() {
		return nil, endargs.Error("endcall takes no arguments", endargs.Current())
	}
	c.body = body
	return c, nil
}
