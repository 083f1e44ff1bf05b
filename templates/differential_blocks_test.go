package templates

import (
	"fmt"
	"strings"
)

// Block statements of generated templates beyond the basic ones: loop
// controls, recursive loops, with, filter blocks, call blocks whose caller
// takes arguments, and template inheritance with blocks and super().

// loopControl breaks out of or continues the innermost loop, usually under
// a condition.
func (g *gen) loopControl() *tnode {
	kw := pick(g, "break", "continue")
	tag := g.ind() + g.open() + kw + g.close()
	if g.chance(0.25) {
		return lit(tFixed, tag)
	}
	return mk(tStmt, g.ind()+g.open()+"if \x00"+g.close()+tag+g.ind()+g.open()+"endif"+g.close(), g.cond())
}

// treeLiteral is a tree of dicts with children for recursive loops.
const treeLiteral = "[{'name': 'a', 'vlan': 1, 'children': [{'name': 'a1', 'vlan': 2, 'children': []}, " +
	"{'name': 'a2', 'vlan': 3, 'children': [{'name': 'a21', 'vlan': 4, 'children': []}]}]}, " +
	"{'name': 'b', 'vlan': 5, 'children': []}]"

// recursiveFor walks a tree with a recursive loop, printing loop.depth and
// calling loop() on the children.
func (g *gen) recursiveFor(d int) *tnode {
	saved := len(g.scope)
	defer func() { g.scope = g.scope[:saved] }()
	iter := treeLiteral
	if _, ok := g.ctxTree(); ok && g.chance(0.6) {
		iter = "tree"
	}
	g.scope = append(g.scope, binding{"node_", mkTreeRep()})
	g.inLoop++
	body := g.body(max(d-2, 0))
	g.inLoop--
	head := g.output(lit(tExpr, pick(g, "node_.name", "loop.depth ~ ':' ~ node_.name", "'  ' * loop.depth0 ~ node_.name", "loop.index ~ '/' ~ loop.length")))
	rec := pick(g, "{{ loop(node_.children) }}", "{{- loop(node_.children) }}", "{{ loop(node_.children)|indent(2) }}")
	if g.chance(0.5) {
		rec = g.ind() + g.open() + "if node_.children" + g.close() + rec + g.ind() + g.open() + "endif" + g.close()
	}
	filt := ""
	if g.chance(0.2) {
		filt = " if node_.vlan != 3"
	}
	els := ""
	if g.chance(0.3) {
		// Every level of the recursion has the else clause.
		els = g.ind() + g.open() + "else" + g.close() + pick(g, "(leaf)", "-\n", "{{ loop is defined }}")
	}
	return mk(tStmt, g.ind()+g.open()+"for node_ in "+iter+filt+" recursive"+g.close()+"\x00\x00"+rec+els+g.ind()+g.open()+"endfor"+g.close(), head, body)
}

// mkTreeRep is a representative node of treeLiteral.
func mkTreeRep() *odict {
	d := &odict{}
	d.set("name", "a")
	d.set("vlan", int64(1))
	return d
}

// ctxTree reports whether the context has a tree.
func (g *gen) ctxTree() (any, bool) {
	for i, k := range g.ctx.keys {
		if k == "tree" {
			return g.ctx.vals[i], true
		}
	}
	return nil, false
}

// genTree returns a random tree of named nodes with children.
func (g *gen) genTree(depth int) []any {
	var l []any
	for i := range g.n(3) + map[bool]int{true: 1}[depth == 0] {
		n := &odict{}
		n.set("name", fmt.Sprintf("n%d-%d", depth, i))
		n.set("vlan", int64(g.n(6)))
		if depth < 2 {
			n.set("children", g.genTree(depth+1))
		} else {
			n.set("children", []any{})
		}
		l = append(l, n)
	}
	if l == nil {
		l = []any{}
	}
	return l
}

// withStmt binds names for a body.
func (g *gen) withStmt(d int) *tnode {
	saved := len(g.scope)
	defer func() { g.scope = g.scope[:saved] }()
	var assigns []string
	var kids []*tnode
	for i := range 1 + g.n(2) {
		name := fmt.Sprintf("w%d", i)
		k := pick(g, kStr, kInt, kList)
		kids = append(kids, g.expr(k, 2))
		assigns = append(assigns, name+" = \x00")
		g.scope = append(g.scope, binding{name, repr(k)})
	}
	kids = append(kids, g.body(d-1))
	return mk(tStmt, g.ind()+g.open()+"with "+strings.Join(assigns, ", ")+g.close()+"\x00"+g.ind()+g.open()+"endwith"+g.close(), kids...)
}

// filterBlock applies filters to a rendered body.
func (g *gen) filterBlock(d int) *tnode {
	f := pick(g, "upper", "lower", "trim", "title", "indent(2)", "indent(4, true)", "replace('a', 'A')", "center(30)",
		"wordwrap(12)", "truncate(20)", "trim|upper", "striptags", "wordcount", "length", "list|join('|')", "reverse", "capitalize")
	return mk(tStmt, g.ind()+g.open()+"filter "+f+g.close()+"\x00"+g.ind()+g.open()+"endfilter"+g.close(), g.body(d-1))
}

// callerArgs defines a macro that calls caller() with arguments for each
// element of a list, and calls it with a call block that takes them.
func (g *gen) callerArgs(d int) *tnode {
	name := fmt.Sprintf("cm%d", g.n(3))
	inner := pick(g, "{{ caller(it, loop.index) }}", "{{ caller(it) }}", "[{{ caller(it, loop.index)|trim }}]\n", "{{- caller(it, n=loop.length) -}}")
	def := g.ind() + g.open() + "macro " + name + "(items)" + g.close() + g.ind() + g.open() + "for it in items" + g.close() + inner + g.ind() + g.open() + "endfor" + g.close() + g.ind() + g.open() + "endmacro" + g.close()
	params := pick(g, "x, i=0", "x, i=0, n=1", "x, i=none", "x, *rest", "x, i=1")
	if strings.Contains(inner, "caller(it)") {
		params = pick(g, "x", "x, i=5")
	}
	if strings.Contains(inner, "n=loop") {
		params = pick(g, "x, i=0, n=0", "x, n=9, i=0")
	}
	expr, val, ok := g.refVal(kList)
	var rep any = int64(1)
	if ok {
		if l := val.([]any); len(l) > 0 {
			rep = l[g.n(len(l))]
		}
	} else {
		expr = pick(g, "[1, 2, 3]", "['a', 'b']", "[]")
	}
	saved := len(g.scope)
	g.scope = append(g.scope, binding{"x", rep})
	if strings.Contains(params, "i=") {
		g.scope = append(g.scope, binding{"i", int64(1)})
	}
	// The body of a call block is a macro: loop controls cannot reach an
	// enclosing loop.
	savedLoop := g.inLoop
	g.inLoop = 0
	body := g.body(max(d-1, 0))
	g.inLoop = savedLoop
	out := g.output(lit(tExpr, pick(g, "x", "x ~ '#' ~ i", "x|string|upper")))
	if !strings.Contains(params, "i=") {
		out = g.output(lit(tExpr, "x"))
	}
	g.scope = g.scope[:saved]
	return mk(tStmt, def+g.ind()+g.open()+"call("+params+") "+name+"("+expr+")"+g.close()+"\x00\x00"+g.ind()+g.open()+"endcall"+g.close(), out, body)
}

// inheritance turns a case into a child template extending a base with
// blocks: the base defines blocks with default bodies, the child overrides
// some and calls super() or self.<block>() in them.
func (g *gen) inheritance(c *diffCase) {
	saved, savedMacros, savedLoop := g.scope, g.macros, g.inLoop
	g.scope, g.macros, g.inLoop = nil, nil, 0
	defer func() { g.scope, g.macros, g.inLoop = saved, savedMacros, savedLoop }()
	names := []string{"head", "body", "foot"}[:1+g.n(3)]
	base := seq()
	for _, n := range names {
		if g.chance(0.5) {
			base.kids = append(base.kids, g.text())
		}
		g.budget = 2
		def := g.body(1)
		if n == "body" && g.chance(0.4) {
			// A scoped block in a loop sees the loop variable.
			scoped := pick(g, " scoped", " scoped", "")
			base.kids = append(base.kids, mk(tStmt, g.ind()+g.open()+"for x in [1, 2]"+g.close()+g.ind()+g.open()+"block item"+scoped+g.close()+"{{ x|default('-') }}\x00"+g.ind()+g.open()+"endblock"+g.close()+g.ind()+g.open()+"endfor"+g.close(), def))
			names = append(names, "item")
			continue
		}
		base.kids = append(base.kids, mk(tStmt, g.ind()+g.open()+"block "+n+g.close()+"\x00"+g.ind()+g.open()+"endblock"+pick(g, "", " "+n)+g.close(), def))
	}
	if g.chance(0.3) {
		base.kids = append(base.kids, g.output(lit(tExpr, "self."+pick(g, names...)+"()")))
	}
	c.trees["base.j2"] = base
	parent := "base.j2"
	if g.chance(0.3) {
		// A middle template overrides one block and passes the rest on.
		n := pick(g, names...)
		g.budget = 2
		c.trees["mid.j2"] = seq(lit(tFixed, g.open()+"extends 'base.j2'"+g.close()),
			mk(tStmt, g.open()+"block "+n+g.close()+pick(g, "<{{ super() }}>", "mid", "{{- super()|upper }}")+"\x00"+g.open()+"endblock"+g.close(), g.body(1)))
		parent = pick(g, "mid.j2", "mid.j2", "'mid.j2' if true else 'base.j2'")
	}
	if !strings.Contains(parent, "'") {
		parent = "'" + parent + "'"
	}
	child := seq(lit(tFixed, g.ind()+g.open()+"extends "+parent+g.close()))
	if g.chance(0.3) {
		// Text outside blocks of a child template is not rendered.
		child.kids = append(child.kids, g.text())
	}
	for _, n := range names {
		if g.chance(0.3) {
			continue
		}
		g.budget = 2
		body := g.body(1)
		sup := ""
		switch g.n(4) {
		case 0:
			sup = "{{ super() }}"
		case 1:
			sup = pick(g, "[{{ super()|trim }}]\n", "{{- super() -}}")
		}
		if n == "item" && g.chance(0.5) {
			sup += "<{{ x|default('no x') }}>"
		}
		child.kids = append(child.kids, mk(tStmt, g.ind()+g.open()+"block "+n+g.close()+sup+"\x00"+g.ind()+g.open()+"endblock"+g.close(), body))
	}
	c.trees["main.j2"] = child
}

// percentFormat is Python's printf-style formatting with the % operator.
func (g *gen) percentFormat(d int) *tnode {
	switch g.n(4) {
	case 0:
		return mk(tExpr, "("+quote(pick(g, "%s-%s", "%s/%r", "%-6s|%5s", "[%s] %s", "%.3s%s"))+" % (\x00, \x00))", g.expr(kAny, d), g.expr(kAny, d))
	case 1:
		return mk(tExpr, "("+quote(pick(g, "%d", "%05d", "%+d", "%x", "%X", "%o", "%#x", "%5.1f", "%.0f", "%e", "%g", "%.3g", "%i", "%c", "%%%d", "% d", "%-4d|"))+" % \x00)", g.expr(pick(g, kInt, kFloat), d))
	case 2:
		return mk(tExpr, "("+quote(pick(g, "%(a)s and %(b)s", "%(a)05.1f", "%(b)r"))+" % {'a': \x00, 'b': \x00})", g.expr(pick(g, kInt, kFloat), d), g.expr(kAny, d))
	}
	return mk(tExpr, "("+quote(pick(g, "%s", "%r", "%10s", "%-10s."))+" % \x00)", g.expr(pick(g, kStr, kList, kBool, kDict), d))
}

// methodFormat is str.format with format specifications.
func (g *gen) methodFormat(d int) *tnode {
	switch g.n(3) {
	case 0:
		return mk(tExpr, quote(pick(g, "{:05.2f}", "{:,}", "{:>8.3}", "{:^9}", "{:*<7}", "{:+.1e}", "{:x}", "{:#b}", "{:%}", "{:.0f}", "{:g}", "{:_}", "{!r:>10}", "{0:=+8}", "{:n}"))+".format(\x00)", g.expr(pick(g, kInt, kFloat), d))
	case 1:
		return mk(tExpr, quote(pick(g, "{!s}|{!r}", "{0}{1}{0}", "{a}-{b}", "{b!r}/{a}", "{{{}}}{}"))+".format(\x00, \x00, a=\x00, b=\x00)", g.expr(kAny, d), g.expr(kAny, d), g.expr(kAny, d), g.expr(kAny, d))
	}
	return mk(tExpr, quote(pick(g, "{:<10}|", "{:>10}|", "{:^10.2}|", "{!r}", "{:s}", "{0[0]}"))+".format(\x00)", g.expr(pick(g, kStr, kList), d))
}

// macroVarargs defines a macro that reads varargs or kwargs (or neither)
// and calls it with the extra arguments it takes, or prints its
// attributes.
func (g *gen) macroVarargs() *tnode {
	plain := []string{"1", "b=5, a=0", "a=[1]", "**{'a': 3}", "'x', 'y'"}
	pos := []string{"1, 2, 3", "'x', *[7, 8]", "*(1, 2, 3, 4)"}
	kw := []string{"1, c=4", "1, **{'z': 0}", "a=1, b=2, c=3"}
	var body string
	var calls []string
	switch g.n(4) {
	case 0:
		body, calls = "{{ a }}|{{ b }}|{{ varargs }}|{{ kwargs }}", append(append(append(calls, plain...), pos...), kw...)
	case 1:
		body, calls = "{{ a }}{{ varargs|join(',') }}", append(append(calls, plain...), pos...)
	case 2:
		body, calls = "{{ kwargs|dictsort }}{{ b }}", append(append(calls, plain...), kw...)
	default:
		body, calls = pick(g, "{{ a ~ b }}", "{{ caller is defined }}{{ a }}"), plain
	}
	def := g.ind() + g.open() + "macro mv(a, b=2)" + g.close() + body + g.ind() + g.open() + "endmacro" + g.close()
	call := "mv(" + pick(g, calls...) + ")"
	if g.chance(0.25) {
		call = "mv." + pick(g, "name", "arguments", "catch_kwargs", "catch_varargs", "caller")
	}
	return mk(tStmt, def+"\x00", g.output(lit(tExpr, call)))
}
