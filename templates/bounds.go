package templates

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"unsafe"

	controlStructures "github.com/nikolalohinski/gonja/v2/builtins/control_structures"

	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// DefaultMaxValueItems bounds the number of elements of a list one
// operation may produce: the bound of range() in Jinja2's sandbox, and
// about what the engine's boxed values hold in a few tens of MB.
const DefaultMaxValueItems = 100000

// opFilterName is the hidden filter the operators that can build large
// values (*, +, ~) are rewritten into.
const opFilterName = "__unet_op"

// valueState returns the render state of an evaluator, or nil.
func valueState(e *exec.Evaluator) *renderState {
	if e == nil || e.Environment == nil || e.Environment.Context == nil {
		return nil
	}
	v, ok := e.Environment.Context.Get(stateName)
	if !ok {
		return nil
	}
	st, _ := v.(*renderState)
	return st
}

// limits returns the string (bytes) and list (elements) bounds of a render.
func (s *renderState) valueLimits() (maxBytes, maxItems int) {
	if s == nil {
		return DefaultMaxOutput, DefaultMaxValueItems
	}
	return s.maxOutput, s.maxItems
}

// tooLarge records and returns the value limit error of an operation.
func (s *renderState) tooLarge(what string, size, limit int, unit string) error {
	err := fmt.Errorf("%s would produce %d %s, more than the %d allowed: %w", what, size, unit, limit, ErrValueLimit)
	if s != nil {
		s.limit = err
	}
	return err
}

// checkBytes fails when size exceeds the string bound.
func (s *renderState) checkBytes(what string, size int) error {
	maxBytes, _ := s.valueLimits()
	return s.checkSize(what, size, maxBytes, "bytes")
}

// checkItems fails when n exceeds the list bound.
func (s *renderState) checkItems(what string, n int) error {
	_, maxItems := s.valueLimits()
	return s.checkSize(what, n, maxItems, "elements")
}

// checkSize fails at the time limit, or when size (in unit) exceeds limit.
func (s *renderState) checkSize(what string, size, limit int, unit string) error {
	if err := s.checkTime(); err != nil {
		return err
	}
	if size < 0 || size > limit {
		return s.tooLarge(what, size, limit, unit)
	}
	return nil
}

// checkTime reports the time limit for a state that may be nil.
func (s *renderState) checkTime() error {
	if s == nil {
		return nil
	}
	return s.check()
}

// mulSize returns a*b, saturated at a value above any limit.
func mulSize(a, b int) int {
	const sat = 1 << 62
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > sat/b {
		return sat
	}
	return a * b
}

// length returns the number of elements of a list or the bytes of a
// string value.
func length(v *exec.Value) int {
	if v.IsString() {
		return len(v.String())
	}
	if v.IsList() || v.IsDict() {
		return v.Len()
	}
	return len(v.String())
}

// boundedFilters wraps the builtin filters that can produce a value much
// larger than their input: the size of the result is computed from the
// operands and checked before the builtin runs.
func boundedFilters(set *exec.FilterSet) {
	pre := map[string]func(st *renderState, in *exec.Value, p *exec.VarArgs) error{
		"center": func(st *renderState, in *exec.Value, p *exec.VarArgs) error {
			w := intArg(p, 0, "width", 80)
			return st.checkBytes("center", max(w, len(in.String())))
		},
		"indent": func(st *renderState, in *exec.Value, p *exec.VarArgs) error {
			w := 4
			if v := arg(p, 0, "width"); v != nil {
				if v.IsInteger() {
					w = v.Integer()
				} else {
					w = len(v.String())
				}
			}
			s := in.String()
			lines := strings.Count(s, "\n") + 1
			return st.checkBytes("indent", len(s)+mulSize(lines, max(w, 0)))
		},
		"replace": func(st *renderState, in *exec.Value, p *exec.VarArgs) error {
			s := in.String()
			old, repl := strArg(p, 0, "old"), strArg(p, 1, "new")
			n := len(s) + 1
			if old != "" {
				n = strings.Count(s, old)
			}
			if c := intArg(p, 2, "count", -1); c >= 0 && c < n {
				n = c
			}
			return st.checkBytes("replace", len(s)+mulSize(n, len(repl)))
		},
		"join": func(st *renderState, in *exec.Value, p *exec.VarArgs) error {
			d := strArg(p, 0, "d")
			size, count := 0, 0
			var err error
			in.Iterate(func(_, _ int, key, _ *exec.Value) bool {
				if count%1024 == 0 {
					if err = st.checkTime(); err != nil {
						return false
					}
				}
				size += len(key.String()) + len(d)
				count++
				return size <= 1<<62
			}, func() {})
			if err != nil {
				return err
			}
			return st.checkBytes("join", size)
		},
		"wordwrap": func(st *renderState, in *exec.Value, p *exec.VarArgs) error {
			s := in.String()
			wrap := strArg(p, 2, "wrapstring")
			if wrap == "" {
				wrap = "\n"
			}
			return st.checkBytes("wordwrap", len(s)+mulSize(len(s)+1, len(wrap)))
		},
		"format": func(st *renderState, in *exec.Value, p *exec.VarArgs) error {
			size := len(in.String()) + formatWidths(in.String())
			for _, a := range p.Args {
				size += len(a.String()) + 32
				if a.IsInteger() {
					size += abs(a.Integer())
				}
				if size > 1<<62 {
					break
				}
			}
			return st.checkBytes("format", size)
		},
		"batch": func(st *renderState, in *exec.Value, p *exec.VarArgs) error {
			return st.checkItems("batch", max(intArg(p, 0, "linecount", 0), length(in)))
		},
		"slice": func(st *renderState, in *exec.Value, p *exec.VarArgs) error {
			return st.checkItems("slice", max(intArg(p, 0, "slices", 0), length(in)))
		},
		"list": func(st *renderState, in *exec.Value, _ *exec.VarArgs) error {
			return st.checkItems("list", length(in))
		},
		"escape": func(st *renderState, in *exec.Value, _ *exec.VarArgs) error {
			return st.checkBytes("escape", mulSize(len(in.String()), 6))
		},
		"urlencode": func(st *renderState, in *exec.Value, _ *exec.VarArgs) error {
			return st.checkBytes("urlencode", mulSize(len(in.String()), 3))
		},
		"to_json":      jsonCheck("to_json", -1),
		"to_nice_json": jsonCheck("to_nice_json", 4),
		"tojson":       jsonCheck("tojson", -1),
		"to_yaml":      jsonCheck("to_yaml", 2),
		"sort": func(st *renderState, in *exec.Value, _ *exec.VarArgs) error {
			return st.checkItems("sort", length(in))
		},
		"unique": func(st *renderState, in *exec.Value, _ *exec.VarArgs) error {
			return st.checkItems("unique", length(in))
		},
	}
	for name, check := range pre {
		orig, ok := set.Get(name)
		if !ok {
			continue
		}
		_ = set.Replace(name, func(e *exec.Evaluator, in *exec.Value, p *exec.VarArgs) *exec.Value {
			if in.IsError() {
				return in
			}
			if err := check(valueState(e), in, p); err != nil {
				return exec.AsValue(fmt.Errorf("filter %s: %w", name, err))
			}
			return orig(e, in, p)
		})
	}
	_ = set.Register(opFilterName, opFilter)
	_ = set.Register(rangeFilterName, rangeFilter)
	_ = set.Register(methodFilterName, methodFilter)
}

// jsonCheck bounds the serialisation filters: the compact JSON of the
// input, plus for each line break (at most one per bracket or comma) the
// indentation of the deepest level.
func jsonCheck(name string, defIndent int) func(st *renderState, in *exec.Value, p *exec.VarArgs) error {
	return func(st *renderState, in *exec.Value, p *exec.VarArgs) error {
		indent := intArg(p, 0, "indent", defIndent)
		if indent <= 0 {
			return nil
		}
		compact, err := ToJSON(in, -1, false)
		if err != nil {
			return nil // the filter reports it
		}
		if err := st.checkBytes(name, len(compact)); err != nil {
			return err
		}
		breaks, depth, maxDepth, inString := 0, 0, 0, false
		for i := 0; i < len(compact); i++ {
			c := compact[i]
			switch {
			case inString && c == '\\':
				i++
			case c == '"':
				inString = !inString
			case inString:
			case c == '[' || c == '{':
				depth++
				maxDepth = max(maxDepth, depth)
				breaks += 2
			case c == ']' || c == '}':
				depth--
			case c == ',':
				breaks++
			}
		}
		return st.checkBytes(name, len(compact)+mulSize(breaks, 1+mulSize(indent, maxDepth)))
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// formatWidths returns the sum of the numbers written in the conversion
// specifications of a printf format (widths and precisions).
func formatWidths(f string) int {
	total := 0
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		n := 0
		for i++; i < len(f) && strings.IndexByte("0123456789.-+# ", f[i]) >= 0; i++ {
			if f[i] >= '0' && f[i] <= '9' {
				n = min(n*10+int(f[i]-'0'), 1<<40)
			} else {
				total += n
				n = 0
			}
		}
		total += n
	}
	return total
}

func arg(p *exec.VarArgs, i int, name string) *exec.Value {
	if v, ok := p.KwArgs[name]; ok {
		return v
	}
	if i < len(p.Args) {
		return p.Args[i]
	}
	return nil
}

func intArg(p *exec.VarArgs, i int, name string, def int) int {
	if v := arg(p, i, name); v != nil && v.IsInteger() {
		return v.Integer()
	}
	return def
}

func strArg(p *exec.VarArgs, i int, name string) string {
	if v := arg(p, i, name); v != nil && !v.IsNil() {
		return v.String()
	}
	return ""
}

// opFilter is x | __unet_op(y, "op"): x op y, after checking the size of
// the result of *, + and ~ on strings and lists.
func opFilter(e *exec.Evaluator, in *exec.Value, p *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	if len(p.Args) != 2 {
		return exec.AsValue(fmt.Errorf("%s takes two arguments", opFilterName))
	}
	right, op := p.Args[0], p.Args[1].String()
	if right.IsError() {
		return right
	}
	st := valueState(e)
	var err error
	switch op {
	case "*":
		switch {
		case in.IsString() && right.IsInteger():
			err = st.checkBytes("operator *", mulSize(len(in.String()), right.Integer()))
		case right.IsString() && in.IsInteger():
			err = st.checkBytes("operator *", mulSize(len(right.String()), in.Integer()))
		case in.IsList() && right.IsInteger():
			err = st.checkItems("operator *", mulSize(in.Len(), right.Integer()))
		case right.IsList() && in.IsInteger():
			err = st.checkItems("operator *", mulSize(right.Len(), in.Integer()))
		}
	case "~":
		err = st.checkBytes("operator ~", len(in.String())+len(right.String()))
	case "+":
		switch {
		case in.IsString() && right.IsString():
			err = st.checkBytes("operator +", len(in.String())+len(right.String()))
		case in.IsList() && right.IsList():
			err = st.checkItems("operator +", in.Len()+right.Len())
		}
	}
	if err != nil {
		return exec.AsValue(err)
	}
	ctx := exec.NewContext(map[string]any{"__unet_l": in, "__unet_r": right})
	sub := &exec.Evaluator{Config: e.Config, Loader: e.Loader, Environment: &exec.Environment{
		Context: ctx, Filters: e.Environment.Filters, Tests: e.Environment.Tests,
		ControlStructures: e.Environment.ControlStructures, Methods: e.Environment.Methods,
	}}
	tok := &tokens.Token{Type: tokens.Name}
	return sub.Eval(&nodes.BinaryExpression{
		Left:     &nodes.Name{Name: &tokens.Token{Type: tokens.Name, Val: "__unet_l", Line: tok.Line}},
		Right:    &nodes.Name{Name: &tokens.Token{Type: tokens.Name, Val: "__unet_r"}},
		Operator: &nodes.BinOperator{Token: &tokens.Token{Type: opTokenType(op), Val: op}},
	})
}

// opTokenType returns the token type of an operator rewritten by boundExpr.
func opTokenType(op string) tokens.Type {
	switch op {
	case "*":
		return tokens.Multiply
	case "~":
		return tokens.Tilde
	}
	return tokens.Addition
}

// boundExpr rewrites, throughout an expression, the binary operators that
// can build large values (*, + and ~) into x | __unet_op(y, "op"), which
// checks the size of the result before computing it.
func boundExpr(e nodes.Expression) nodes.Expression {
	switch x := e.(type) {
	case *nodes.BinaryExpression:
		x.Left, x.Right = boundExpr(x.Left), boundExpr(x.Right)
		if x.Operator == nil || x.Operator.Token == nil {
			return x
		}
		op := x.Operator.Token.Val
		if op != "*" && op != "+" && op != "~" {
			return x
		}
		tok := x.Operator.Token
		return &nodes.FilteredExpression{
			Expression: x.Left,
			Filters: []*nodes.FilterCall{{
				Token:  tok,
				Name:   opFilterName,
				Args:   []nodes.Expression{x.Right, &nodes.String{Location: tok, Val: op}},
				Kwargs: map[string]nodes.Expression{},
			}},
		}
	case *nodes.FilteredExpression:
		x.Expression = boundExpr(x.Expression)
		for _, f := range x.Filters {
			boundArgs(f.Args, f.Kwargs)
		}
	case *nodes.TestExpression:
		x.Expression = boundExpr(x.Expression)
		if x.Test != nil {
			boundArgs(x.Test.Args, x.Test.Kwargs)
		}
	case *nodes.Call:
		boundArgs(x.Args, x.Kwargs)
		if ga, ok := x.Func.(*nodes.GetAttribute); ok && boundedMethods[ga.Attribute] != nil {
			if obj, ok := ga.Node.(nodes.Expression); ok {
				tok := ga.Location
				if tok == nil {
					tok = obj.Position()
				}
				args := append([]nodes.Expression{&nodes.String{Location: tok, Val: ga.Attribute}}, x.Args...)
				return &nodes.FilteredExpression{
					Expression: boundExpr(obj),
					Filters:    []*nodes.FilterCall{{Token: tok, Name: methodFilterName, Args: args, Kwargs: x.Kwargs}},
				}
			}
		}
		if n, ok := x.Func.(*nodes.Name); ok && n.Name != nil && n.Name.Val == "range" && len(x.Kwargs) == 0 {
			// range(...) becomes [...] | __unet_range, bounded by the
			// render's element limit.
			return &nodes.FilteredExpression{
				Expression: &nodes.List{Location: n.Name, Val: x.Args},
				Filters:    []*nodes.FilterCall{{Token: n.Name, Name: rangeFilterName, Kwargs: map[string]nodes.Expression{}}},
			}
		}
	case *nodes.List:
		boundArgs(x.Val, nil)
	case *nodes.Tuple:
		boundArgs(x.Val, nil)
	case *nodes.Dict:
		for _, p := range x.Pairs {
			p.Key, p.Value = boundExpr(p.Key), boundExpr(p.Value)
		}
	case *nodes.Negation:
		x.Term = boundExpr(x.Term)
	case *nodes.UnaryExpression:
		x.Term = boundExpr(x.Term)
	case *nodes.GetItem:
		if n, ok := x.Node.(nodes.Expression); ok {
			x.Node = boundExpr(n)
		}
		if n, ok := x.Arg.(nodes.Expression); ok {
			x.Arg = boundExpr(n)
		}
	case *nodes.GetAttribute:
		if n, ok := x.Node.(nodes.Expression); ok {
			x.Node = boundExpr(n)
		}
	}
	return e
}

// boundArgs rewrites call arguments in place.
func boundArgs(args []nodes.Expression, kwargs map[string]nodes.Expression) {
	for i := range args {
		args[i] = boundExpr(args[i])
	}
	for k, v := range kwargs {
		kwargs[k] = boundExpr(v)
	}
}

// boundSet rewrites the expressions of gonja's set statement, whose fields
// are not exported.
func boundSet(cs *controlStructures.SetControlStructure) {
	v := reflect.ValueOf(cs).Elem()
	for _, name := range []string{"expression", "condition", "alternative"} {
		f := v.FieldByName(name)
		if !f.IsValid() || f.Type() != reflect.TypeFor[nodes.Expression]() {
			continue
		}
		p := (*nodes.Expression)(unsafe.Pointer(f.UnsafeAddr()))
		if *p != nil {
			*p = boundExpr(*p)
		}
	}
	if f := v.FieldByName("body"); f.IsValid() && f.Type() == reflect.TypeFor[*nodes.Wrapper]() {
		if w := *(**nodes.Wrapper)(unsafe.Pointer(f.UnsafeAddr())); w != nil {
			optimizeDefaults(w)
		}
	}
}

// rangeFilterName is the hidden filter range() calls are rewritten into.
const rangeFilterName = "__unet_range"

// rangeFilter is [args] | __unet_range: Python's range() as a list, at
// most maxRange items and the render's element limit.
func rangeFilter(e *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	var ints []int
	var bad error
	in.Iterate(func(_, _ int, key, _ *exec.Value) bool {
		switch {
		case key.IsError():
			bad = key
		case key.IsInteger():
			ints = append(ints, key.Integer())
		case key.IsFloat() && key.Float() == math.Trunc(key.Float()) && math.Abs(key.Float()) < 1<<62:
			ints = append(ints, int(key.Float()))
		default:
			bad = fmt.Errorf("range: arguments must be integers")
		}
		return bad == nil
	}, func() {})
	if bad != nil {
		return exec.AsValue(bad)
	}
	start, stop, step := 0, 0, 1
	switch len(ints) {
	case 1:
		stop = ints[0]
	case 2:
		start, stop = ints[0], ints[1]
	case 3:
		start, stop, step = ints[0], ints[1], ints[2]
	default:
		return exec.AsValue(fmt.Errorf("range: expected range([start, ]stop[, step])"))
	}
	if step == 0 {
		return exec.AsValue(fmt.Errorf("range: step must not be zero"))
	}
	n := 0
	if step > 0 && stop > start {
		n = (stop-start-1)/step + 1
	} else if step < 0 && stop < start {
		n = (start-stop-1)/-step + 1
	}
	st := valueState(e)
	_, maxItems := st.valueLimits()
	if limit := min(maxItems, maxRange); n > limit {
		return exec.AsValue(st.tooLarge("range", n, limit, "elements"))
	}
	if err := st.checkTime(); err != nil {
		return exec.AsValue(err)
	}
	out := make([]int, n)
	for i := range out {
		out[i] = start + i*step
	}
	return exec.AsValue(out)
}

// methodFilterName is the hidden filter the str methods that can grow a
// value are rewritten into: s.zfill(n) becomes s | __unet_method("zfill", n).
const methodFilterName = "__unet_method"

// boundedMethods computes the size of the result of str methods from the
// string and the arguments.
var boundedMethods = map[string]func(s string, p *exec.VarArgs) int{
	"zfill":  func(s string, p *exec.VarArgs) int { return max(len(s), intArg(p, 0, "width", 0)) },
	"center": func(s string, p *exec.VarArgs) int { return max(len(s), intArg(p, 0, "width", 0)) * 4 },
	"ljust":  func(s string, p *exec.VarArgs) int { return max(len(s), intArg(p, 0, "width", 0)) * 4 },
	"rjust":  func(s string, p *exec.VarArgs) int { return max(len(s), intArg(p, 0, "width", 0)) * 4 },
	"expandtabs": func(s string, p *exec.VarArgs) int {
		return len(s) + mulSize(strings.Count(s, "\t")+1, max(intArg(p, 0, "tabsize", 8), 0))
	},
	"replace": func(s string, p *exec.VarArgs) int {
		old, repl := strArg(p, 0, "old"), strArg(p, 1, "new")
		n := len(s) + 1
		if old != "" {
			n = strings.Count(s, old)
		}
		if c := intArg(p, 2, "count", -1); c >= 0 && c < n {
			n = c
		}
		return len(s) + mulSize(n, len(repl))
	},
	"join": func(s string, p *exec.VarArgs) int {
		size := 0
		if v := arg(p, 0, "iterable"); v != nil {
			v.Iterate(func(_, _ int, key, _ *exec.Value) bool {
				size += len(key.String()) + len(s)
				return size <= 1<<62
			}, func() {})
		}
		return size
	},
}

// methodFilter is s | __unet_method("name", args...): s.name(args...) after
// checking the size of the result when s is a string.
func methodFilter(e *exec.Evaluator, in *exec.Value, p *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	if len(p.Args) == 0 {
		return exec.AsValue(fmt.Errorf("%s takes the method name", methodFilterName))
	}
	name := p.Args[0].String()
	rest := &exec.VarArgs{Args: p.Args[1:], KwArgs: p.KwArgs}
	for _, a := range rest.Args {
		if a.IsError() {
			return a
		}
	}
	if size, ok := boundedMethods[name]; ok && in.IsString() {
		if err := valueState(e).checkBytes("method "+name, size(in.String(), rest)); err != nil {
			return exec.AsValue(err)
		}
	}
	data := map[string]any{"__unet_l": in}
	if in.IsString() {
		data["__unet_l"] = in.String() // str methods need a plain string
	}
	tok := &tokens.Token{Type: tokens.Name, Val: "__unet_l"}
	self := &nodes.Name{Name: tok}
	call := &nodes.Call{Location: tok, Func: &nodes.GetAttribute{Location: tok, Node: self, Attribute: name}, Parent: self, Kwargs: map[string]nodes.Expression{}}
	for i, a := range rest.Args {
		n := fmt.Sprintf("__unet_a%d", i)
		data[n] = a
		call.Args = append(call.Args, &nodes.Name{Name: &tokens.Token{Type: tokens.Name, Val: n}})
	}
	for k, a := range rest.KwArgs {
		n := "__unet_k_" + k
		data[n] = a
		call.Kwargs[k] = &nodes.Name{Name: &tokens.Token{Type: tokens.Name, Val: n}}
	}
	sub := &exec.Evaluator{Config: e.Config, Loader: e.Loader, Environment: &exec.Environment{
		Context: exec.NewContext(data), Filters: e.Environment.Filters, Tests: e.Environment.Tests,
		ControlStructures: e.Environment.ControlStructures, Methods: e.Environment.Methods,
	}}
	return sub.Eval(call)
}
