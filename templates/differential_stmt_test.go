package templates

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Statements of generated templates: text, output, if, for, set, namespace,
// macros and call blocks, include, import, raw and comments, each tag with
// random whitespace control and indentation (with the block statements of
// differential_blocks_test.go).

// newCase generates case number index of the run with the given seed.
func newCase(seed uint64, index int) *diffCase {
	g := &gen{r: rand.New(rand.NewPCG(seed, uint64(index)))}
	g.ctx = g.genContext()
	c := &diffCase{key: fmt.Sprintf("s%d-i%d", seed, index), trees: map[string]*tnode{}, name: "main.j2", context: g.ctx}
	g.libSigs = map[string][]macroSig{}
	if g.chance(0.3) {
		c.trees["lib.j2"] = g.library("lib.j2")
	}
	if g.chance(0.3) {
		g.budget = 3
		c.trees["inc.j2"] = g.body(2)
		if g.chance(0.5) {
			c.trees["inc.j2"].kids = append(c.trees["inc.j2"].kids, lit(tFixed, "\n"))
		}
		g.incs = append(g.incs, "inc.j2")
	}
	main := seq()
	if len(c.trees["lib.j2"].kidsOrNil()) > 0 {
		if g.chance(0.5) {
			main.kids = append(main.kids, lit(tFixed, g.open()+"import 'lib.j2' as lib"+g.close()))
			for _, s := range g.libSigs["lib.j2"] {
				s.name = "lib." + s.name
				g.macros = append(g.macros, s)
			}
		} else {
			for _, s := range g.libSigs["lib.j2"] {
				alias := s.name
				if g.chance(0.5) {
					alias = "imp_" + s.name
					main.kids = append(main.kids, lit(tFixed, g.open()+"from 'lib.j2' import "+s.name+" as "+alias+g.close()))
				} else {
					main.kids = append(main.kids, lit(tFixed, g.open()+"from 'lib.j2' import "+s.name+g.close()))
				}
				s.name = alias
				g.macros = append(g.macros, s)
			}
		}
	}
	for i := range g.n(2) {
		main.kids = append(main.kids, g.macroDef(fmt.Sprintf("m%d", i)))
	}
	g.budget = 5
	for range 1 + g.n(2) {
		main.kids = append(main.kids, g.body(3).kids...)
	}
	if g.chance(0.5) {
		main.kids = append(main.kids, lit(tFixed, "\n"))
	}
	c.trees["main.j2"] = main
	if g.chance(0.12) {
		g.inheritance(c)
	}
	c.render()
	return c
}

func (n *tnode) kidsOrNil() []*tnode {
	if n == nil {
		return nil
	}
	return n.kids
}

// library returns a template of macros that use only their parameters (a
// template imported without context sees no render variables).
func (g *gen) library(name string) *tnode {
	saved := g.ctx
	g.ctx = &odict{}
	defer func() { g.ctx = saved }()
	lib := seq()
	for i := range 1 + g.n(2) {
		lib.kids = append(lib.kids, g.macroDef(fmt.Sprintf("lm%d", i)))
		if g.chance(0.3) {
			lib.kids = append(lib.kids, lit(tFixed, pick(g, "text outside macros\n", "\n")))
		}
	}
	sigs := g.macros
	g.macros = nil
	g.libSigs[name] = sigs
	return lib
}

// macroDef defines a macro and makes it callable by the rest of the template.
func (g *gen) macroDef(name string) *tnode {
	sig := macroSig{name: name}
	np := g.n(4)
	var params []string
	savedScope, savedLoop := g.scope, g.inLoop
	g.scope, g.inLoop = nil, 0
	for i := range np {
		k := pick(g, kStr, kInt, kList, kFloat)
		sig.params = append(sig.params, k)
		p := string(rune('a' + i))
		if i >= np-g.n(np+1) && (sig.defaults > 0 || i == np-1 || g.chance(0.5)) {
			sig.defaults++
			p += "=" + g.leaf(k).text()
		}
		params = append(params, p)
		g.scope = append(g.scope, binding{string(rune('a' + i)), repr(k)})
	}
	// Defaults must be trailing: recount them from the end.
	sig.defaults = 0
	for i := len(params) - 1; i >= 0 && strings.Contains(params[i], "="); i-- {
		sig.defaults++
	}
	for i := 0; i < len(params)-sig.defaults; i++ {
		params[i] = strings.SplitN(params[i], "=", 2)[0]
	}
	sig.caller = g.chance(0.35)
	savedBudget := g.budget
	g.budget = 3
	body := g.body(2)
	if sig.caller {
		body.kids = append(body.kids, lit(tFixed, pick(g, "{{ caller() }}", "[{{ caller()|trim }}]\n", "{{- caller() -}}")))
	}
	g.budget = savedBudget
	g.scope, g.inLoop = savedScope, savedLoop
	g.macros = append(g.macros, sig)
	return mk(tStmt, g.ind()+g.open()+"macro "+name+"("+strings.Join(params, ", ")+")"+g.close()+"\x00"+g.ind()+g.open()+"endmacro"+g.close(), body)
}

// repr returns a representative value of kind k for a name bound to an
// expression of that kind.
func repr(k vkind) any {
	switch k {
	case kStr:
		return "s"
	case kInt:
		return int64(1)
	case kFloat:
		return 1.5
	case kBool:
		return true
	case kList:
		return []any{}
	case kDict:
		return &odict{}
	}
	return nil
}

// open returns the start of a block tag with random whitespace control.
func (g *gen) open() string {
	return "{%" + pick(g, "", "", "", "", "-", "+") + " "
}

// close returns the end of a block tag with random whitespace control and
// an optional newline.
func (g *gen) close() string {
	s := " " + pick(g, "", "", "", "-") + "%}"
	if g.chance(0.6) {
		s += "\n"
	}
	return s
}

// ind returns random indentation (lstrip_blocks removes it before tags).
func (g *gen) ind() string {
	return pick(g, "", "", "", "  ", "    ", "\t", " \t")
}

// body returns a sequence of statements nesting up to d more levels.
func (g *gen) body(d int) *tnode {
	s := seq()
	saved := len(g.scope)
	n := 1 + g.n(4)
	for range n {
		if g.budget <= 0 {
			break
		}
		g.budget--
		s.kids = append(s.kids, g.stmt(d))
	}
	g.scope = g.scope[:saved]
	return s
}

func (g *gen) text() *tnode {
	var b strings.Builder
	for range 1 + g.n(3) {
		b.WriteString(g.ind())
		b.WriteString(pick(g, textBits...))
		if g.chance(0.5) {
			b.WriteString(" " + pick(g, words...))
		}
		if g.chance(0.8) {
			b.WriteString("\n")
		} else {
			b.WriteString(pick(g, " ", "  ", ""))
		}
	}
	return lit(tFixed, b.String())
}

// output returns {{ e }} with whitespace control and surrounding text.
func (g *gen) output(e *tnode) *tnode {
	pre := g.ind() + pick(g, "", "", "x ", " ip ", "- ")
	open := "{{" + pick(g, "", "", "", "-", "+") + " "
	end := " " + pick(g, "", "", "", "-") + "}}" + pick(g, "\n", "\n", "", " end\n", "\n\n")
	return mk(tStmt, pre+open+"\x00"+end, e)
}

func (g *gen) stmt(d int) *tnode {
	if d <= 0 {
		if g.chance(0.5) {
			return g.text()
		}
		return g.output(g.expr(kAny, 2))
	}
	switch g.n(29) {
	case 28:
		return g.macroVarargs()
	case 22:
		return g.withStmt(d)
	case 23:
		return g.filterBlock(d)
	case 24:
		return g.callerArgs(d)
	case 25:
		return g.recursiveFor(d)
	case 26, 27:
		if g.inLoop > 0 {
			return g.loopControl()
		}
	case 0, 1, 2:
		return g.text()
	case 3, 4, 5, 6:
		return g.output(g.expr(kAny, 2))
	case 7, 8:
		return g.ifStmt(d)
	case 9, 10, 11:
		return g.forStmt(d)
	case 12, 13:
		return g.setStmt(d)
	case 14:
		return g.namespaceStmt(d)
	case 15, 16:
		if len(g.macros) > 0 {
			return g.callMacro()
		}
	case 17:
		if len(g.incs) > 0 {
			inc := pick(g, g.incs...)
			what := pick(g, "'"+inc+"'", "'"+inc+"'", "['missing.j2', '"+inc+"']", "'missing.j2' ignore missing", "'"+inc+"' with context", "('"+inc+"', 'x')")
			return lit(tFixed, g.ind()+g.open()+"include "+what+g.close())
		}
	case 18:
		return lit(tFixed, g.ind()+g.open()+"raw"+g.close()+pick(g, "{{ x }}", "{% if %}\n", "  {# c #} }}")+g.ind()+g.open()+"endraw"+g.close())
	case 19:
		return lit(tFixed, g.ind()+"{#"+pick(g, "", "-")+" "+pick(g, "comment", "{{ x }}", "multi\nline")+" "+pick(g, "", "-")+"#}"+pick(g, "", "\n"))
	case 20:
		if g.inLoop > 0 {
			return g.loopStmt(d)
		}
	}
	return g.output(g.expr(kAny, 2))
}

func (g *gen) ifStmt(d int) *tnode {
	format := g.ind() + g.open() + "if \x00" + g.close() + "\x00"
	kids := []*tnode{g.cond(), g.body(d - 1)}
	for range g.n(3) {
		format += g.ind() + g.open() + "elif \x00" + g.close() + "\x00"
		kids = append(kids, g.cond(), g.body(d-1))
	}
	if g.chance(0.5) {
		format += g.ind() + g.open() + "else" + g.close() + "\x00"
		kids = append(kids, g.body(d-1))
	}
	format += g.ind() + g.open() + "endif" + g.close()
	return mk(tStmt, format, kids...)
}

func (g *gen) cond() *tnode {
	if g.inLoop > 0 && g.chance(0.3) {
		return lit(tExpr, pick(g, "loop.first", "loop.last", "not loop.last", "loop.index is even", "loop.index0 > 1", "loop.previtem is defined", "loop.nextitem is defined"))
	}
	return g.expr(kBool, 3)
}

// loopStmt uses loop.cycle, loop.changed or the previous and next items.
func (g *gen) loopStmt(d int) *tnode {
	switch g.n(3) {
	case 0:
		return g.output(lit(tExpr, "loop.cycle("+pick(g, "'odd', 'even'", "1, 2, 3", "'a'")+")"))
	case 1:
		return mk(tStmt, g.ind()+g.open()+"if loop.changed(\x00)"+g.close()+"\x00"+g.ind()+g.open()+"endif"+g.close(), g.expr(kAny, 1), g.body(d-1))
	}
	return g.output(lit(tExpr, pick(g, "loop.previtem|default('-')", "loop.nextitem|default('end')", "loop.length", "loop.revindex")))
}

// forStmt iterates over something whose elements are known, binding loop
// variables to representative elements.
func (g *gen) forStmt(d int) *tnode {
	saved := len(g.scope)
	defer func() { g.scope = g.scope[:saved] }()
	v := pick(g, "x", "item", "iface", "n", "i")
	var target string
	var iter *tnode
	switch g.n(7) {
	case 6:
		// Nested tuple targets.
		// The elements mix types: the names are bound to None, which
		// only expressions of any type use.
		switch target = pick(g, "a, (b, c)", "(a, b), c", "a, b"); target {
		case "a, (b, c)":
			iter = lit(tExpr, pick(g, "[[1, [2, 3]], (4, 'xy')]", "[('k', ('v', 'w'))]"))
		case "(a, b), c":
			iter = lit(tExpr, pick(g, "[[[1, 2], 3], (('k', 'v'), 'w')]", "[('xy', 'z')]"))
		default:
			iter = lit(tExpr, pick(g, "[[1, 2], (3, 4)]", "{'x': 1}|dictsort", "['ab', 'cd']"))
		}
		g.scope = append(g.scope, binding{"a", nil}, binding{"b", nil})
		if strings.Contains(target, "c") {
			g.scope = append(g.scope, binding{"c", nil})
		}
	case 0, 1:
		expr, val, ok := g.refVal(kList)
		if !ok {
			return g.text()
		}
		l := val.([]any)
		var rep any = "s"
		if len(l) > 0 {
			rep = l[g.n(len(l))]
		}
		target, iter = v, lit(tExpr, expr)
		g.scope = append(g.scope, binding{v, rep})
	case 2:
		target, iter = v, g.intList(1)
		g.scope = append(g.scope, binding{v, int64(3)})
	case 3:
		expr, val, ok := g.refVal(kDict)
		if !ok {
			return g.text()
		}
		dd := val.(*odict)
		var rep any = "s"
		if len(dd.vals) > 0 {
			rep = dd.vals[g.n(len(dd.vals))]
		}
		target = pick(g, "k, v", "(k, v)", "k,v")
		iter = lit(tExpr, expr+pick(g, ".items()", "|dictsort", "|items"))
		if g.chance(0.3) {
			target, iter = "k", lit(tExpr, expr)
			rep = nil
		}
		g.scope = append(g.scope, binding{"k", "s"})
		if rep != nil {
			g.scope = append(g.scope, binding{"v", rep})
		}
	case 4:
		dl, attr := g.attrList(pick(g, kInt, kBool, kStr))
		target, iter = pick(g, "grouper, members", "grp"), mk(tExpr, "\x00|groupby('"+attr+"')", dl)
		if target == "grp" {
			g.scope = append(g.scope, binding{"grp", &odict{keys: []string{"grouper", "list"}, vals: []any{int64(1), []any{}}}})
		} else {
			g.scope = append(g.scope, binding{"grouper", int64(1)}, binding{"members", []any{}})
		}
	default:
		target, iter = v, g.strList(1)
		g.scope = append(g.scope, binding{v, "s"})
	}
	format := g.ind() + g.open() + "for " + target + " in \x00"
	kids := []*tnode{iter}
	g.inLoop++
	if g.chance(0.2) {
		format += " if \x00"
		kids = append(kids, g.expr(kBool, 2))
	}
	format += g.close() + "\x00"
	kids = append(kids, g.body(d-1))
	g.inLoop--
	if g.chance(0.3) {
		format += g.ind() + g.open() + "else" + g.close() + "\x00"
		kids = append(kids, g.body(d-1))
	}
	format += g.ind() + g.open() + "endfor" + g.close()
	return mk(tStmt, format, kids...)
}

func (g *gen) setStmt(d int) *tnode {
	name := pick(g, "v1", "v2", "name", "total", "desc")
	k := pick(g, kStr, kInt, kFloat, kList, kBool)
	if g.chance(0.2) {
		// Block assignment captures rendered text.
		body := g.body(d - 1)
		g.scope = append(g.scope, binding{name, "s"})
		filt := pick(g, "", "", "", " | upper", "|trim", " | replace('\\n', ' ')|trim", "|indent(2)", "|wordwrap(9)")
		return mk(tStmt, g.ind()+g.open()+"set "+name+filt+g.close()+"\x00"+g.ind()+g.open()+"endset"+g.close(), body)
	}
	if g.chance(0.15) {
		e1, e2 := g.expr(kInt, 2), g.expr(kStr, 2)
		g.scope = append(g.scope, binding{"p1", int64(1)}, binding{"p2", "s"})
		return mk(tStmt, g.ind()+g.open()+"set p1, p2 = \x00, \x00"+g.close(), e1, e2)
	}
	e := g.expr(k, 3)
	g.scope = append(g.scope, binding{name, repr(k)})
	return mk(tStmt, g.ind()+g.open()+"set "+name+" = \x00"+g.close(), e)
}

// namespaceStmt creates a namespace, updates it in a loop and prints it.
func (g *gen) namespaceStmt(d int) *tnode {
	ns := &nsValue{attrs: &odict{}}
	ns.attrs.set("count", int64(0))
	ns.attrs.set("names", "")
	init := "{% set ns = namespace(count=0, names='') %}\n"
	expr, val, ok := g.refVal(kList)
	var rep any = int64(1)
	if ok {
		if l := val.([]any); len(l) > 0 {
			rep = l[g.n(len(l))]
		}
	} else {
		expr = "[1, 2, 3]"
	}
	saved := len(g.scope)
	g.scope = append(g.scope, binding{"ns", ns}, binding{"el", rep})
	g.inLoop++
	upd := mk(tStmt, g.ind()+g.open()+"set ns.count = ns.count + \x00"+g.close(), g.expr(kInt, 1))
	upd2 := mk(tStmt, g.ind()+g.open()+"set ns.names = ns.names ~ \x00 ~ ','"+g.close(), g.expr(kStr, 1))
	g.inLoop--
	g.scope = g.scope[:saved+1]
	out := g.output(lit(tExpr, pick(g, "ns.count", "ns.names", "ns.count ~ ':' ~ ns.names")))
	g.scope = g.scope[:saved]
	return mk(tStmt, g.ind()+init+g.ind()+g.open()+"for el in "+expr+g.close()+"\x00\x00"+g.ind()+g.open()+"endfor"+g.close()+"\x00", seq(upd), seq(upd2), out)
}

// callMacro calls a macro visible to the template, with a call block when
// its body calls caller().
func (g *gen) callMacro() *tnode {
	m := pick(g, g.macros...)
	var args []*tnode
	var fmts []string
	n := len(m.params) - g.n(m.defaults+1)
	for i := range n {
		a := g.expr(m.params[i], 2)
		args = append(args, a)
		if i >= len(m.params)-m.defaults && g.chance(0.4) {
			fmts = append(fmts, string(rune('a'+i))+"=\x00")
		} else {
			fmts = append(fmts, "\x00")
		}
	}
	// Keyword arguments may only follow positional ones.
	seenKw := false
	for i, f := range fmts {
		if strings.Contains(f, "=") {
			seenKw = true
		} else if seenKw {
			fmts[i] = string(rune('a'+i)) + "=\x00"
		}
	}
	call := m.name + "(" + strings.Join(fmts, ", ") + ")"
	if m.caller {
		body := g.body(1)
		return mk(tStmt, g.ind()+g.open()+"call "+call+g.close()+"\x00"+g.ind()+g.open()+"endcall"+g.close(), append(args, body)...)
	}
	return g.output(mk(tExpr, call, args...))
}
