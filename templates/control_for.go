package templates

import (
	"errors"
	"fmt"
	"strings"

	controlStructures "github.com/nikolalohinski/gonja/v2/builtins/control_structures"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/parser"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// forStmt is {% for target in iterable [if cond] [recursive] %} with an
// optional {% else %}. It follows Jinja2: loop.depth counts recursion
// levels of a recursive loop only, and the loop attributes stay available
// inside a recursive loop, where loop(items) renders the body again.
type forStmt struct {
	location  *tokens.Token
	key       string
	value     string // second target name: for key, value in ...
	iterable  nodes.Expression
	cond      nodes.Expression
	recursive bool
	body      *nodes.Wrapper
	empty     *nodes.Wrapper
}

// Position returns the position of the statement.
func (f *forStmt) Position() *tokens.Token { return f.location }

// String describes the statement.
func (f *forStmt) String() string { return fmt.Sprintf("for at line %d", f.location.Line) }

// loopItem is one iteration of a loop: the values bound to the targets.
type loopItem struct {
	key, value *exec.Value
}

// Execute renders the loop.
func (f *forStmt) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	obj := r.Eval(f.iterable)
	if obj.IsError() {
		return obj
	}
	return f.run(r, obj, 1)
}

// bind sets the loop targets in a context.
func (f *forStmt) bind(ctx *exec.Context, it loopItem) {
	ctx.Set(f.key, it.key)
	if f.value != "" && it.value != nil {
		ctx.Set(f.value, it.value)
	}
}

// items materialises the iterable, unpacking pairs and applying the loop
// condition.
func (f *forStmt) items(r *exec.Renderer, obj *exec.Value) ([]loopItem, error) {
	var items []loopItem
	var err error
	obj.Iterate(func(_, _ int, key, value *exec.Value) bool {
		it := loopItem{key: key, value: value}
		if f.value != "" && !key.IsString() && key.Len() == 2 {
			key.Iterate(func(idx, _ int, k, _ *exec.Value) bool {
				if idx == 0 {
					it.key = k
				} else {
					it.value = k
				}
				return true
			}, func() {})
		}
		if f.cond != nil {
			sub := r.Inherit()
			f.bind(sub.Environment.Context, it)
			c := sub.Eval(f.cond)
			if c.IsError() {
				err = c
				return false
			}
			if !c.IsTrue() {
				return true
			}
		}
		items = append(items, it)
		return true
	}, func() {})
	return items, err
}

// run renders the body for each item of obj at recursion depth depth.
func (f *forStmt) run(r *exec.Renderer, obj *exec.Value, depth int) error {
	items, err := f.items(r, obj)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		if f.empty != nil {
			return r.ExecuteWrapper(f.empty)
		}
		return nil
	}
	info := &loopInfo{items: items, depth: depth}
	var loopVar any = info
	if f.recursive {
		loopVar = loopFunc(func(va *exec.VarArgs) *exec.Value {
			if name, ok := va.KwArgs[loopAttrKey]; ok {
				v, found := info.GetAttribute(name.String())
				if !found {
					return exec.AsValue(fmt.Errorf("loop has no attribute %q", name.String()))
				}
				return v
			}
			if len(va.Args) != 1 {
				return exec.AsValue(errors.New("loop() takes exactly one argument"))
			}
			var buf strings.Builder
			sub := r.Inherit()
			sub.Output = &buf
			if err := f.run(sub, va.Args[0], depth+1); err != nil {
				return exec.AsValue(err)
			}
			return exec.AsSafeValue(buf.String())
		})
	}
	for i, it := range items {
		info.index0 = i
		sub := r.Inherit()
		f.bind(sub.Environment.Context, it)
		sub.Environment.Context.Set("loop", loopVar)
		// sub already has a context of its own: walk the body in it
		// rather than through ExecuteWrapper, which would add another.
		if err := nodes.Walk(sub, f.body); err != nil {
			var brk *controlStructures.LoopBreakError
			var cont *controlStructures.LoopContinueError
			switch {
			case errors.As(err, &brk):
				return nil
			case errors.As(err, &cont):
				continue
			}
			return err
		}
	}
	return nil
}

// loopAttrKey is the keyword through which a recursive loop's function
// answers attribute lookups.
const loopAttrKey = "__unet_loop_attribute"

// loopFunc is the loop variable of a recursive loop: callable as
// loop(items), with the attributes of a loopInfo.
type loopFunc func(*exec.VarArgs) *exec.Value

// GetAttribute returns a loop attribute.
func (l loopFunc) GetAttribute(name string) (*exec.Value, bool) {
	v := l(&exec.VarArgs{KwArgs: map[string]*exec.Value{loopAttrKey: exec.AsValue(name)}})
	if v.IsError() {
		return nil, false
	}
	return v, true
}

// loopInfo is Jinja2's loop variable.
type loopInfo struct {
	items   []loopItem
	index0  int
	depth   int
	changed *exec.Value
}

// GetAttribute returns a loop attribute; previtem and nextitem are undefined
// at the ends of the loop, as in Jinja2.
func (l *loopInfo) GetAttribute(name string) (*exec.Value, bool) {
	n := len(l.items)
	switch name {
	case "index":
		return exec.AsValue(l.index0 + 1), true
	case "index0":
		return exec.AsValue(l.index0), true
	case "revindex":
		return exec.AsValue(n - l.index0), true
	case "revindex0":
		return exec.AsValue(n - l.index0 - 1), true
	case "first":
		return exec.AsValue(l.index0 == 0), true
	case "last":
		return exec.AsValue(l.index0 == n-1), true
	case "length":
		return exec.AsValue(n), true
	case "depth":
		return exec.AsValue(l.depth), true
	case "depth0":
		return exec.AsValue(l.depth - 1), true
	case "previtem":
		if l.index0 == 0 {
			return nil, false
		}
		return l.items[l.index0-1].itemValue(), true
	case "nextitem":
		if l.index0 >= n-1 {
			return nil, false
		}
		return l.items[l.index0+1].itemValue(), true
	case "cycle":
		return exec.AsValue(func(va *exec.VarArgs) *exec.Value {
			if len(va.Args) == 0 {
				return exec.AsValue(errors.New("loop.cycle() needs at least one argument"))
			}
			return va.Args[l.index0%len(va.Args)]
		}), true
	case "changed":
		return exec.AsValue(func(va *exec.VarArgs) *exec.Value {
			var current *exec.Value
			if len(va.Args) == 1 {
				current = va.Args[0]
			} else {
				vals := make([]any, len(va.Args))
				for i, a := range va.Args {
					vals[i] = a.Interface()
				}
				current = exec.AsValue(vals)
			}
			same := l.changed != nil && current.EqualValueTo(l.changed)
			l.changed = current
			return exec.AsValue(!same)
		}), true
	}
	return nil, false
}

// itemValue is the value of an item as previtem/nextitem see it.
func (it loopItem) itemValue() *exec.Value {
	if it.value == nil {
		return it.key
	}
	return exec.AsValue([]any{it.key.Interface(), it.value.Interface()})
}

// forParser parses a for statement; the body starts with a time
// checkpoint.
func forParser(p *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
	f := &forStmt{location: p.Current()}
	key := args.Match(tokens.Name)
	if key == nil {
		return nil, args.Error("expected a loop variable name after 'for'", args.Current())
	}
	f.key = key.Val
	if args.Match(tokens.Comma) != nil {
		value := args.Match(tokens.Name)
		if value == nil {
			return nil, args.Error("expected a second loop variable name", args.Current())
		}
		f.value = value.Val
	}
	if args.Match(tokens.In) == nil {
		return nil, args.Error("expected 'in'", args.Current())
	}
	iterable, err := args.ParseExpression()
	if err != nil {
		return nil, err
	}
	f.iterable = iterable
	if args.MatchName("if") != nil {
		if f.cond, err = args.ParseExpression(); err != nil {
			return nil, err
		}
	}
	if args.MatchName("recursive") != nil {
		f.recursive = true
	}
	if !args.End() {
		return nil, args.Error("malformed for statement", args.Current())
	}
	body, endargs, err := p.WrapUntil("else", "endfor")
	if err != nil {
		return nil, err
	}
	if !endargs.End() {
		return nil, endargs.Error("arguments are not allowed here", endargs.Current())
	}
	if body.EndTag == "else" {
		empty, endargs, err := p.WrapUntil("endfor")
		if err != nil {
			return nil, err
		}
		if !endargs.End() {
			return nil, endargs.Error("arguments are not allowed here", endargs.Current())
		}
		f.empty = empty
	}
	body.Nodes = append([]nodes.Node{checkpoint(tickName, body.Location, f.location)}, body.Nodes...)
	f.body = body
	return f, nil
}
