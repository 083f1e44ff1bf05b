package jinja

import (
	"errors"
	"fmt"
	"strings"
)

// renderer is the per-render output state: the buffer statements append to
// and the output budget.
type renderer struct {
	s   *State
	out []byte
	max int
	// written counts the bytes appended to any buffer, the output and the
	// captures of macros, set and filter blocks; budget bounds it, so that
	// nested captures cannot hold many times the output limit.
	written, budget int
}

// outputBudgetFactor is how many times the output limit a render may write
// in total, counting captured text.
const outputBudgetFactor = 4

func newRenderer(s *State, hint int) *renderer {
	max := s.limits.MaxOutput
	budget := max * outputBudgetFactor
	if budget/outputBudgetFactor != max {
		budget = max
	}
	return &renderer{s: s, out: make([]byte, 0, hint), max: max, budget: budget}
}

// write appends text to the output, failing with ErrOutputLimit when the
// output would grow past the limit.
func (r *renderer) write(text string) error {
	if len(r.out)+len(text) > r.max || r.written+len(text) > r.budget {
		return r.overflow(r.written+len(text) > r.budget)
	}
	r.written += len(text)
	r.out = append(r.out, text...)
	return nil
}

// writeValue appends str(v) to the output.
func (r *renderer) writeValue(v Value) error {
	switch x := v.(type) {
	case string:
		return r.write(x)
	case int64, float64, bool, nil:
		n := len(r.out)
		r.out, _ = AppendStr(r.out, x)
		r.written += len(r.out) - n
		if len(r.out) > r.max || r.written > r.budget {
			r.out = r.out[:n]
			return r.overflow(r.written > r.budget)
		}
		return nil
	}
	if sv, ok := v.(interface{ String() string }); ok {
		switch v.(type) {
		case *loopObj, *templateRef, *module:
			return r.write(sv.String())
		}
	}
	str, err := Str(v)
	if err != nil {
		return err
	}
	return r.write(str)
}

func (r *renderer) overflow(total bool) error {
	if total {
		return &limitError{err: ErrOutputLimit, msg: fmt.Sprintf("render wrote over %d bytes in total (output and captured text), %d times the output limit", r.budget, outputBudgetFactor)}
	}
	return &limitError{err: ErrOutputLimit, msg: fmt.Sprintf("the output reached the limit of %d bytes", r.max)}
}

// capture runs body with a fresh output buffer and returns what it wrote.
func (r *renderer) capture(body func() error) (string, error) {
	saved := r.out
	r.out = make([]byte, 0, 64)
	err := body()
	s := string(r.out)
	r.out = saved
	return s, err
}

// tctx is the context of one template execution (Jinja2's Context): the
// variables it was given plus the names its top level assigned, the block
// chains of the inheritance hierarchy and the exported names.
type tctx struct {
	env  *Env
	vars map[string]Value
	// parent is the context an include or a scoped block derives from:
	// its variables are visible under vars (which shadow them).
	parent   *tctx
	blocks   map[string][]*blockDef
	exported []string
	// self is the TemplateReference value ("self").
	self *templateRef
}

// lookup resolves a free name: the context's variables, then the
// environment's globals.
func (c *tctx) lookup(name string) Value {
	for d := c; d != nil; d = d.parent {
		if v, ok := d.vars[name]; ok {
			return v
		}
	}
	if v, ok := c.env.globals[name]; ok {
		return v
	}
	if name == "self" && c.self != nil {
		return c.self
	}
	return Undefined{Hint: "'" + name + "' is undefined"}
}

// set assigns a top-level name (visible to blocks and exported).
func (c *tctx) set(name string, v Value) {
	if _, ok := c.vars[name]; !ok && !strings.HasPrefix(name, "_") {
		c.exported = append(c.exported, name)
	}
	c.vars[name] = v
}

// frame is the activation of one compiled function: a template body, a
// block, a macro call or a call block's caller.
type frame struct {
	r     *renderer
	ctx   *tctx
	slots []Value
	up    *frame // defining frame of a macro (closure variables)
	// blk is the block being rendered (for super()).
	blk *blockCall
	// parent is the template this one extends, once extends ran.
	parent *Template
	// extPos is the position of the extends statement that set parent.
	extPos Pos
}

// unsetT marks a slot not yet assigned in its scope: loads fall back to the
// enclosing scope's binding.
type unsetT struct{}

var unset Value = unsetT{}

// exprFn is a compiled expression; stmtFn a compiled statement.
type (
	exprFn func(f *frame) (Value, error)
	stmtFn func(f *frame) error
)

// loop control flow, returned by break and continue statements.
var (
	errBreak    = errors.New("break outside a loop")
	errContinue = errors.New("continue outside a loop")
)

// posError positions err at pos of template name, unless it already is a
// positioned error (raised deeper, e.g. in an included template).
func posError(name string, pos Pos, err error) error {
	if err == nil || err == errBreak || err == errContinue {
		return err
	}
	var pe *Error
	if errors.As(err, &pe) {
		return err
	}
	return &Error{Template: name, Line: pos.Line, Col: pos.Col, Msg: err.Error(), Err: err}
}

// pyErr is an error worded exactly as Jinja2 words it (some of its
// messages are capitalized or end with a period).
type pyErr string

func (e pyErr) Error() string { return string(e) }

// condUndefinedPrefix starts the hint of the value of an inline if without
// else whose condition is false. Jinja2 makes it a lenient undefined: it
// prints as nothing, concatenates as "" and iterates as empty.
const condUndefinedPrefix = "the inline if-expression on "

func isCondUndefined(v Value) bool {
	u, ok := v.(Undefined)
	return ok && strings.HasPrefix(u.Hint, condUndefinedPrefix)
}
