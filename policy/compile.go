package policy

import (
	"strconv"
	"strings"
)

// Program is a compiled, checked set of rules ready for evaluation. It is
// immutable and safe for concurrent use.
type Program struct {
	nslots    int
	rules     []*compiledRule
	byKind    map[ObjectKind][]*compiledRule
	templates []string
	warnings  ErrorList
}

// Warnings returns the checker's warnings about the compiled rules, each
// positioned like an error and marked Warning: a rule that reads only
// location fields and the short form custom_data.<path> without writing
// anything is evaluated for nodes, which may not be what was meant.
func (p *Program) Warnings() ErrorList { return append(ErrorList(nil), p.warnings...) }

type compiledRule struct {
	info    RuleInfo
	when    cond
	actions []action
	guard   *guard
}

// guard is a cheap pre-test of a rule: the first conjunct of its condition
// when that is a string field compared with string constants. A string
// value outside the set, a missing field or null make the rule not
// applicable without evaluating anything else, exactly as the full
// evaluation would (and without warnings, as none would arise).
type guard struct {
	field *fieldOp
	one   string
	set   map[string]struct{}
}

func (g *guard) rejects(e *env) bool {
	v, ok := g.field.value(e)
	if !ok || v == nil {
		return true
	}
	s, isStr := v.(string)
	if !isStr {
		return false
	}
	if g.set != nil {
		_, in := g.set[s]
		return !in
	}
	return s != g.one
}

// makeGuard finds the guard of a compiled condition, if any.
func makeGuard(c cond) *guard {
	for {
		a, isAnd := c.(*andCond)
		if !isAnd {
			break
		}
		c = a.a
	}
	cc, isCmp := c.(*cmpCond)
	if !isCmp {
		return nil
	}
	f, isField := cc.x.(*fieldOp)
	if !isField || f.slot < 0 {
		return nil
	}
	switch cc.op {
	case OpEq, OpIs:
		if k, isConst := cc.y.(constOp); isConst {
			if s, isStr := k.v.(string); isStr {
				return &guard{field: f, one: s}
			}
		}
	case OpIn:
		if cc.strSet != nil {
			return &guard{field: f, set: cc.strSet}
		}
	}
	return nil
}

// Compile checks and compiles parsed files into a Program. Rules run in
// the order of the files given, then in file order. All problems are
// returned together as an ErrorList.
func Compile(files ...*File) (*Program, error) {
	p, errs := compile(files)
	if len(errs) > 0 {
		return nil, errs
	}
	return p, nil
}

type ruleCompiler struct {
	*checker
	kind ObjectKind
	ok   bool
	// kindOK is false when deciding the rule's target failed (reported).
	kindOK bool
	slots  map[string]int // field value cache slots shared by all rules
}

func compile(files []*File) (*Program, ErrorList) {
	prog := &Program{byKind: map[ObjectKind][]*compiledRule{}}
	var errs ErrorList
	type firstDef struct {
		file string
		pos  Pos
	}
	seen := map[string]firstDef{}
	slots := map[string]int{}
	for _, f := range files {
		c := &checker{file: f}
		for _, r := range f.Rules {
			id := r.Name
			idPos := r.NamePos
			if id == "" {
				id = f.Name + ":" + strconv.Itoa(r.Index)
				idPos = r.Pos
			}
			if first, dup := seen[id]; dup {
				c.errorf(idPos, "%s", duplicateMsg(id, first.pos, first.file))
			} else {
				seen[id] = firstDef{file: f.Name, pos: idPos}
			}
			fields := collectFields(r)
			kind, kindOK := c.ruleKind(r, fields)
			rc := &ruleCompiler{checker: c, kind: kind, ok: kindOK, kindOK: kindOK, slots: slots}
			before := len(c.errs)
			for _, fr := range fields {
				rc.checkField(fr)
			}
			if len(c.errs) > before {
				// Field problems make compiling the rule pointless.
				continue
			}
			sev := Severity(r.Severity)
			if sev == "" {
				sev = SeverityMedium
			}
			cr := &compiledRule{info: RuleInfo{
				ID: id, Severity: sev, Kind: kind, File: f.Name,
				Line: r.Pos.Line, Col: r.Pos.Col,
				Text: "WHEN " + ExprString(r.When) + " THEN " + actionString(r.Then),
			}}
			cr.when = rc.cond(r.When)
			cr.guard = makeGuard(cr.when)
			rc.actions(r.Then, &cr.actions)
			if !rc.ok {
				continue
			}
			prog.rules = append(prog.rules, cr)
			prog.byKind[kind] = append(prog.byKind[kind], cr)
			for _, a := range cr.actions {
				if ap, isApply := a.(*applyAction); isApply {
					prog.templates = appendUnique(prog.templates, ap.template)
				}
			}
		}
		errs = append(errs, c.errs...)
		prog.warnings = append(prog.warnings, c.warns...)
	}
	prog.nslots = len(slots)
	errs.sort()
	prog.warnings.sort()
	return prog, errs
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// resolve maps a checked field reference onto an evaluation root and a
// value cache slot. Rules of different kinds may share a slot: the cache
// is per evaluated object.
func (rc *ruleCompiler) resolve(f *FieldRef) *fieldOp {
	op := rc.resolveRoot(f)
	op.slot = -1
	if len(op.path) > 0 {
		key := string(rc.kind) + "\x00" + strconv.Itoa(int(op.root)) + "\x00" + strings.Join(f.Path[len(f.Path)-len(op.path):], "\x00")
		n, ok := rc.slots[key]
		if !ok {
			n = len(rc.slots)
			rc.slots[key] = n
		}
		op.slot = n
	}
	return op
}

func (rc *ruleCompiler) resolveRoot(f *FieldRef) *fieldOp {
	p := f.Path
	op := &fieldOp{text: f.String()}
	switch p[0] {
	case "custom_data":
		op.root, op.path = rootCustom, splitPath(p[1:])
		return op
	case "node":
		op.root = rootNode
	case "location":
		op.root = rootLocation
	case "status":
		op.root = rootStatus
	case "interfaces":
		op.root = rootInterfaces
	case "link":
		op.root = rootLink
	case GitSourceRoot:
		op.root = rootGitSource
	}
	if p[0] == string(rc.kind) {
		op.target = true
		if len(p) >= 2 && p[1] == "custom_data" {
			op.root, op.path = rootCustom, splitPath(p[2:])
			return op
		}
	}
	op.path = splitPath(p[1:])
	return op
}

func (rc *ruleCompiler) operand(o Operand) operand {
	switch x := o.(type) {
	case *Literal:
		if x.Kind == LitRegex {
			rc.errorf(x.ValuePos, "a regex literal can only stand on the right of MATCHES, =~ or !~")
			rc.ok = false
			return constOp{}
		}
		return constOp{v: x.Value}
	case *ListLit:
		elems := make([]operand, len(x.Elems))
		allConst := true
		for i, e := range x.Elems {
			elems[i] = rc.operand(e)
			if _, isConst := elems[i].(constOp); !isConst {
				allConst = false
			}
		}
		if allConst {
			vals := make([]any, len(elems))
			for i, e := range elems {
				vals[i] = e.(constOp).v
			}
			return constOp{v: vals}
		}
		return &listOp{elems: elems}
	case *FieldRef:
		return rc.resolve(x)
	case *Call:
		n, known := functionArity(x.Name)
		if !known {
			rc.errorf(x.NamePos, "unknown function %q, expected version, len, lower or upper", x.Name)
			rc.ok = false
			return constOp{}
		}
		if len(x.Args) != n {
			rc.errorf(x.NamePos, "%s() takes %d argument, got %d", x.Name, n, len(x.Args))
			rc.ok = false
			return constOp{}
		}
		c := &callOp{name: x.Name, arg: rc.operand(x.Args[0]), text: OperandString(x)}
		if k, isConst := c.arg.(constOp); isConst {
			// Fold constant calls; a bad constant argument is a checker error.
			var w []string
			e := &env{}
			v, ok := c.apply(e, k.v, true)
			w = e.warnings
			if len(w) > 0 || !ok {
				rc.errorf(x.NamePos, "%s() cannot take %s", x.Name, valueText(k.v))
				rc.ok = false
				return constOp{}
			}
			return constOp{v: v}
		}
		return c
	}
	return constOp{}
}

func (rc *ruleCompiler) cond(e Expr) cond {
	switch x := e.(type) {
	case *BinaryExpr:
		a, b := rc.cond(x.X), rc.cond(x.Y)
		if x.Op == OpAnd {
			return &andCond{a: a, b: b}
		}
		return &orCond{a: a, b: b}
	case *NotExpr:
		return &notCond{x: rc.cond(x.X)}
	case *ParenExpr:
		return rc.cond(x.X)
	case *NullExpr:
		return &nullCond{x: rc.operand(x.X), not: x.Not, text: ExprString(x)}
	case *TruthExpr:
		return &truthCond{x: rc.operand(x.X), text: ExprString(x)}
	case *CompareExpr:
		return rc.compare(x)
	}
	return &truthCond{x: constOp{}}
}

func (rc *ruleCompiler) compare(x *CompareExpr) cond {
	c := &cmpCond{op: x.Op, text: ExprString(x), xText: OperandString(x.X), yText: OperandString(x.Y)}
	c.x = rc.operand(x.X)
	switch x.Op {
	case OpMatches, OpRegex, OpNRegex:
		lit, isLit := x.Y.(*Literal)
		if !isLit || (lit.Kind != LitString && lit.Kind != LitRegex) {
			rc.errorf(x.Y.operandPos(), "the right side of %s must be a string or regex literal", x.Op)
			rc.ok = false
			return c
		}
		pattern, _ := lit.Value.(string)
		re, err := compileRegex(pattern, lit.Flags)
		if err != nil {
			rc.errorf(lit.ValuePos, "invalid regex %s: %s", literalText(lit), regexError(err))
			rc.ok = false
			return c
		}
		c.re = re
		return c
	case OpIn, OpNotIn:
		if lit, isLit := x.Y.(*Literal); isLit {
			rc.errorf(lit.ValuePos, "the right side of %s must be a list, got %s", x.Op, literalText(lit))
			rc.ok = false
			return c
		}
	}
	c.y = rc.operand(x.Y)
	if k, isConst := c.y.(constOp); isConst && (x.Op == OpIn || x.Op == OpNotIn) {
		if l, isList := k.v.([]any); isList {
			set := make(map[string]struct{}, len(l))
			for _, v := range l {
				s, isStr := v.(string)
				if !isStr {
					set = nil
					break
				}
				set[s] = struct{}{}
			}
			c.strSet = set
		}
	}
	return c
}

// actions flattens an action (blocks included) into a list.
func (rc *ruleCompiler) actions(a Action, out *[]action) {
	switch x := a.(type) {
	case *BlockAction:
		for _, s := range x.Actions {
			rc.actions(s, out)
		}
	case *AssertAction:
		*out = append(*out, rc.assertion(x))
	case *SetAction:
		if !rc.kindOK {
			// The rule has no target to check the SET against; the
			// reason is already reported.
			rc.ok = false
			return
		}
		path, ok := rc.checkSetTarget(x.Field, rc.kind)
		if !ok {
			rc.ok = false
			return
		}
		*out = append(*out, &setAction{path: path, pathText: strings.Join(path, "."), value: rc.operand(x.Value), text: x.Field.String(), valueText: OperandString(x.Value), line: x.SetPos.Line})
	case *ApplyAction:
		if strings.TrimSpace(x.Template) == "" {
			rc.errorf(x.ApplyPos, "APPLY needs a template path, got an empty string")
			rc.ok = false
			return
		}
		*out = append(*out, &applyAction{template: x.Template})
	}
}

func (rc *ruleCompiler) assertion(a *AssertAction) *assertAction {
	inner := a.Cond
	for {
		p, isParen := inner.(*ParenExpr)
		if !isParen {
			break
		}
		inner = p.X
	}
	as := &assertAction{cond: rc.cond(a.Cond), text: ExprString(a.Cond)}
	as.failMsg = "assertion failed: " + as.text
	switch x := inner.(type) {
	case *CompareExpr:
		as.actual = rc.operand(x.X)
		as.op = x.Op
		as.shape = shapeCompare
		if x.Op == OpMatches || x.Op == OpRegex || x.Op == OpNRegex {
			as.expectText = x.Op.String() + " " + OperandString(x.Y)
		} else {
			as.expected = rc.operand(x.Y)
			if k, isConst := as.expected.(constOp); isConst && x.Op != OpEq && x.Op != OpIs {
				as.expectText = x.Op.String() + " " + plainText(k.v)
			}
		}
	case *NullExpr:
		as.actual = rc.operand(x.X)
		as.shape = shapeNull
		as.expectText = "IS NULL"
		if x.Not {
			as.expectText = "IS NOT NULL"
		}
	case *TruthExpr:
		as.actual = rc.operand(x.X)
		as.shape = shapeTruth
	default:
		as.shape = shapeCompound
		as.expectText = as.text
		tmp := &Rule{When: inner, Then: &ApplyAction{}}
		for _, f := range collectFields(tmp) {
			as.fields = append(as.fields, rc.resolve(f))
		}
	}
	return as
}
