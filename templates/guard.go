package templates

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// Kinds of checkpoints the environment inserts into parsed templates: at
// every loop iteration ("tick") and around every macro body ("enter",
// "leave").
const (
	tickName  = "tick"
	enterName = "enter"
	leaveName = "leave"
)

// maxRange bounds range(): the number of items one call may produce, as in
// Jinja2's sandboxed environment.
const maxRange = 100000

// renderState holds the limits of one render. It is created per call of
// Render and never shared between renders.
type renderState struct {
	ctx       context.Context
	maxDepth  int
	maxOutput int
	maxItems  int // elements of a list one operation may produce
	depth     int
	limit     error          // the limit that stopped the render, if any
	caller    *pendingCaller // caller() of the call block being evaluated
	crossed   *Error         // the last error attributed to a template (see Env.attribute)
}

// check reports a time limit or cancellation of the render.
func (s *renderState) check() error {
	if s.limit != nil {
		return s.limit
	}
	if err := s.ctx.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			s.limit = ErrTimeLimit
		} else {
			s.limit = fmt.Errorf("render canceled: %w", err)
		}
		return s.limit
	}
	return nil
}

// enter counts one level of macro call or include nesting.
func (s *renderState) enter() error {
	if err := s.check(); err != nil {
		return err
	}
	s.depth++
	if s.depth > s.maxDepth {
		s.limit = fmt.Errorf("macro calls and includes nested deeper than %d levels (unbounded recursion?): %w", s.maxDepth, ErrDepthLimit)
		return s.limit
	}
	return nil
}

// leave ends one level of nesting.
func (s *renderState) leave() {
	if s.depth > 0 {
		s.depth--
	}
}

// limitedWriter collects the render output and stops the render when the
// output size limit or the time limit is reached.
type limitedWriter struct {
	st  *renderState
	buf strings.Builder
}

// Write appends p unless a limit has been reached.
func (w *limitedWriter) Write(p []byte) (int, error) {
	return w.WriteString(string(p))
}

// WriteString appends s unless a limit has been reached.
func (w *limitedWriter) WriteString(s string) (int, error) {
	if err := w.st.check(); err != nil {
		return 0, err
	}
	if w.buf.Len()+len(s) > w.st.maxOutput {
		w.st.limit = fmt.Errorf("output larger than %d bytes: %w", w.st.maxOutput, ErrOutputLimit)
		return 0, w.st.limit
	}
	return w.buf.WriteString(s)
}

// rangeFunction is Python's range() returning a list, limited to maxRange
// items.
func rangeFunction(params *exec.VarArgs) *exec.Value {
	start, stop, step := 0, 0, 1
	args := params.Args
	for _, a := range args {
		if !a.IsInteger() {
			return exec.AsValue(errors.New("range: arguments must be integers"))
		}
	}
	switch len(args) {
	case 1:
		stop = args[0].Integer()
	case 2:
		start, stop = args[0].Integer(), args[1].Integer()
	case 3:
		start, stop, step = args[0].Integer(), args[1].Integer(), args[2].Integer()
	default:
		return exec.AsValue(errors.New("range: expected range([start, ]stop[, step])"))
	}
	if step == 0 {
		return exec.AsValue(errors.New("range: step must not be zero"))
	}
	n := 0
	if step > 0 && stop > start {
		n = (stop - start + step - 1) / step
	} else if step < 0 && stop < start {
		n = (start - stop - step - 1) / -step
	}
	if n > maxRange {
		return exec.AsValue(fmt.Errorf("range: %d items, more than the %d allowed", n, maxRange))
	}
	out := make([]int, n)
	for i := range out {
		out[i] = start + i*step
	}
	return exec.AsValue(out)
}
