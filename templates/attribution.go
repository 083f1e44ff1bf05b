package templates

import (
	"errors"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
)

// A render moves between templates: into an included template, into the
// body of a macro imported from (or defined in) another template, into a
// block overridden by a child template, back into a call block's body. At
// each of those crossings an error leaving the other template is turned
// into an *Error naming that template and the position in it, so the error
// a user sees points at the file and line that failed, not at the template
// that was asked for.

// findError returns the *Error in err's chain, also through the engine's
// error values (which do not unwrap), or nil.
func findError(err error) *Error {
	for err != nil {
		var te *Error
		if errors.As(err, &te) {
			return te
		}
		var v *exec.Value
		if !errors.As(err, &v) || !v.IsError() {
			return nil
		}
		inner, _ := v.Interface().(error)
		if inner == nil || inner == error(v) {
			return nil
		}
		err = inner
	}
	return nil
}

// attribute returns err as an *Error of the template name: the error itself
// when it already names a template, else the positioned error built from
// the engine's message.
//
// The engine turns the error of a called function into text ("invalid call
// to function 'm': ..."), so the render state remembers the last error
// attributed; an error whose text contains it is that error.
func (e *Env) attribute(name string, err error, st *renderState) *Error {
	if te := findError(err); te != nil {
		return te
	}
	if st != nil && st.crossed != nil && strings.Contains(err.Error(), st.crossed.Error()) {
		return st.crossed
	}
	te := e.locate(renderError(name, err, st), err.Error())
	if st != nil {
		st.crossed = te
	}
	return te
}

// attributeValue is attribute for the error values macros return; other
// values pass unchanged.
func (e *Env) attributeValue(name string, v *exec.Value, st *renderState) *exec.Value {
	if v == nil || !v.IsError() {
		return v
	}
	err, _ := v.Interface().(error)
	if err == nil {
		return v
	}
	return exec.AsValue(e.attribute(name, err, st))
}

// attributedMacro wraps a macro so that its errors name the template that
// defines it.
func (e *Env) attributedMacro(name string, fn exec.Macro, st *renderState) exec.Macro {
	return func(va *exec.VarArgs) *exec.Value {
		return e.attributeValue(name, fn(va), st)
	}
}

// outermost returns the name of the template a render starts in: the last
// ancestor of an extends chain (its text outside blocks is what renders).
func outermost(t *nodes.Template, fallback string) string {
	if t == nil {
		return fallback
	}
	for t.Parent != nil {
		t = t.Parent
	}
	if t.Identifier == "" {
		return fallback
	}
	return t.Identifier
}

// blockOwner returns the name of the template whose definition of block
// name a render of root uses (the most derived one).
func blockOwner(root *nodes.Template, name string) string {
	for t := root; t != nil; t = t.Parent {
		if _, ok := t.Blocks[name]; ok {
			return t.Identifier
		}
	}
	return ""
}
