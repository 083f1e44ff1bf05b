package policy

import "fmt"

// action is a compiled action; blocks are flattened at compile time.
type action interface {
	run(e *env, rr *ruleRun)
}

// ruleRun accumulates the outcome of one rule's actions.
type ruleRun struct {
	failed   bool
	expected any
	actual   any
	message  string
	errMsg   string
}

type assertShape uint8

const (
	shapeCompare assertShape = iota
	shapeNull
	shapeTruth
	shapeCompound
)

type assertAction struct {
	cond       cond
	text       string
	shape      assertShape
	op         CompareOp
	actual     operand    // left side of a simple assertion
	expected   operand    // right side of a comparison
	expectText any        // fixed expected text (a string)
	fields     []*fieldOp // fields of a compound assertion
	failMsg    string
}

func (a *assertAction) run(e *env, rr *ruleRun) {
	e.phase = "assert"
	held := a.cond.eval(e)
	e.phase = "when"
	if held {
		return
	}
	if rr.failed {
		rr.message += "; " + a.failMsg
		return
	}
	rr.message = a.failMsg
	rr.failed = true
	// Re-evaluate the sides without recording warnings twice.
	saved := e.warnings
	defer func() { e.warnings = saved }()
	switch a.shape {
	case shapeCompare:
		rr.actual = valueOrNull(a.actual, e)
		if a.expected == nil {
			rr.expected = a.expectText
			return
		}
		yv := valueOrNull(a.expected, e)
		if a.op == OpEq || a.op == OpIs {
			rr.expected = yv
			return
		}
		if a.expectText != nil {
			rr.expected = a.expectText
			return
		}
		rr.expected = a.op.String() + " " + plainText(yv)
	case shapeNull:
		rr.actual = valueOrNull(a.actual, e)
		rr.expected = a.expectText
	case shapeTruth:
		rr.actual = valueOrNull(a.actual, e)
		rr.expected = true
	default:
		rr.expected = a.expectText
		m := make(map[string]any, len(a.fields))
		for _, f := range a.fields {
			m[f.text] = exportValue(valueOrNull(f, e))
		}
		rr.actual = m
	}
}

func valueOrNull(o operand, e *env) any {
	v, ok := o.value(e)
	if !ok {
		return nil
	}
	return v
}

// setAction is SET custom_data.<path> TO <value>.
type setAction struct {
	path     []string
	pathText string // path joined with '.'

	value     operand
	text      string
	valueText string
	line      int
}

func (a *setAction) run(e *env, rr *ruleRun) {
	v, ok := a.value.value(e)
	if !ok {
		rr.errMsg = "SET " + a.text + ": value " + a.valueText + " is missing"
		return
	}
	// Every SET copies its value: the copies of one object's evaluation
	// are bounded, so that a few lines copying custom_data into itself
	// cannot double it line after line.
	n := valueSize(v, MaxSetValues-e.ev.SetValues)
	if e.ev.SetValues+n > MaxSetValues {
		rr.errMsg = fmt.Sprintf("SET %s: the values SET on this object would hold more than %d elements (MaxSetValues)", a.text, MaxSetValues)
		return
	}
	e.ev.SetValues += n
	v = deepCopy(exportValue(v))
	if err := e.set(a.path, v); err != "" {
		rr.errMsg = "SET " + a.text + ": " + err
		return
	}
	e.ev.Sets = append(e.ev.Sets, SetOp{
		Rule: e.rule.ID, Path: a.pathText, Value: v,
		File: e.rule.File, Line: a.line,
	})
}

// applyAction is APPLY "template".
type applyAction struct{ template string }

func (a *applyAction) run(e *env, _ *ruleRun) {
	e.ev.Templates = appendUnique(e.ev.Templates, a.template)
}
