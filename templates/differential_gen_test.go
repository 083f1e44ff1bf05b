package templates

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// The generator of differential cases: random templates over the constructs
// and filters network templates use, written against the actual shape of a
// random network-node context so that most cases render in strict mode.

// value kinds an expression is generated for.
type vkind uint8

const (
	kAny vkind = iota
	kStr
	kInt
	kFloat
	kBool
	kList
	kDict
)

// diffCase is one generated case: templates, the one to render and the
// context.
type diffCase struct {
	key       string
	trees     map[string]*tnode // template name → source tree
	name      string
	context   *odict
	templates map[string]string // sources, from trees (or stored)
}

// render fills templates from trees (a stored case has no trees and keeps
// its sources).
func (c *diffCase) render() {
	if c.trees == nil {
		return
	}
	c.templates = make(map[string]string, len(c.trees))
	for n, t := range c.trees {
		c.templates[n] = t.text()
	}
}

// binding is a name in scope with a representative value (the value it has,
// or one of the values it takes in a loop).
type binding struct {
	name string
	val  any
}

// nsValue is a namespace() object in scope and its attributes.
type nsValue struct{ attrs *odict }

// macroSig is a macro a template can call.
type macroSig struct {
	name     string // as called: "m1", "lib.m1"
	params   []vkind
	defaults int  // how many trailing params have a default
	caller   bool // the body calls caller(): call it with {% call %}
}

// gen generates one case.
type gen struct {
	r       *rand.Rand
	ctx     *odict
	scope   []binding
	macros  []macroSig
	inLoop  int
	budget  int // statements left in the template being generated
	incs    []string
	libSigs map[string][]macroSig
}

func (g *gen) n(k int) int { return g.r.IntN(k) }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *gen, xs ...T) T { return xs[g.r.IntN(len(xs))] }

var (
	words = []string{"core", "uplink", "access", "lon", "par", "edge", "mgmt", "Gi0/1", "to-spine-1",
		"it's", "a b  c", "  padded ", "x_y-z", "", "ÜMLAUT", "Twenty words go here to wrap",
		"10.0.0.1", "10.1.2.0/24", "%s-%s", "42", "1.5", "-7", "abc", "0x1A", "None", "True"}
	sentences = []string{"Uplink to core switch in the London data centre",
		"transit: provider A, circuit 1234-5678", "short", "a  b\tc", "Line one\nline two",
		"mixed CASE words Here", "trailing space "}
	ifnames  = []string{"GigabitEthernet0/1", "GigabitEthernet0/2", "TenGigabitEthernet1/0/1", "Loopback0", "Vlan10", "Port-channel1", "Ethernet1"}
	ipWords  = []string{"10.0.0.1/31", "192.0.2.1/24", "2001:db8::1/64", "172.16.0.5/30"}
	floats   = []float64{1.5, 0.1, 1e-5, 2.0, -0.5, 2.675, 1e16, 3.14159, 0.30000000000000004, 100.0, 2.5}
	textBits = []string{"hostname", "interface", " description", " shutdown", "!", "router bgp",
		"  ip address", "ntp server", "#", "%", "{", "}", "- item", "\t tabbed", "end"}
)

// genValue returns a random network-node context.
func (g *gen) genContext() *odict {
	d := &odict{}
	fields := []func(){
		func() { d.set("hostname", pick(g, "r1-lon", "sw-par-02", "edge.example.net", "Core_1")) },
		func() {
			n := &odict{}
			parts := []func(){
				func() { n.set("name", pick(g, "r1", "leaf-3", "spine1")) },
				func() { n.set("vendor", pick(g, "cisco", "arista", "juniper")) },
				func() { n.set("role", pick(g, "core", "access", "edge")) },
				func() { n.set("asn", int64(pick(g, 65001, 64512, 4200000000, 1))) },
				func() { n.set("mgmt_ip", pick(g, ipWords...)) },
				func() { n.set("tags", g.genStrList(g.n(4))) },
				func() { n.set("serial", nil) },
				func() { n.set("weight", pick(g, floats...)) },
				func() { n.set("active", g.chance(0.5)) },
			}
			g.r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
			for _, p := range parts[:3+g.n(len(parts)-2)] {
				p()
			}
			d.set("node", n)
		},
		func() {
			l := []any{}
			for i := range g.n(5) {
				l = append(l, g.genInterface(i))
			}
			d.set("interfaces", l)
		},
		func() {
			l := []any{}
			for range g.n(5) {
				v := &odict{}
				v.set("id", int64(pick(g, 1, 10, 20, 100, 4094, 10)))
				v.set("name", pick(g, "users", "voice", "mgmt", "guest", "USERS"))
				l = append(l, v)
			}
			d.set("vlans", l)
		},
		func() {
			b := &odict{}
			b.set("asn", int64(pick(g, 65001, 65002, 64512)))
			nb := []any{}
			for i := range g.n(4) {
				e := &odict{}
				e.set("ip", fmt.Sprintf("10.0.%d.%d", i, 1+g.n(9)))
				e.set("remote_as", int64(pick(g, 65002, 65003, 174)))
				if g.chance(0.6) {
					e.set("description", pick(g, sentences...))
				} else {
					e.set("description", nil)
				}
				nb = append(nb, e)
			}
			b.set("neighbors", nb)
			if g.chance(0.5) {
				b.set("router_id", "10.255.0.1")
			}
			d.set("bgp", b)
		},
		func() {
			n := &odict{}
			n.set("a", int64(pick(g, 0, 1, 7, -3, 10, 255, 1000000)))
			n.set("b", pick(g, floats...))
			if g.chance(0.7) {
				n.set("c", pick(g, floats...))
			}
			if g.chance(0.5) {
				n.set("big", int64(9007199254740993))
			}
			d.set("numbers", n)
		},
		func() {
			m := &odict{}
			ks := []string{"zeta", "alpha", "mid", "Beta", "a1"}
			g.r.Shuffle(len(ks), func(i, j int) { ks[i], ks[j] = ks[j], ks[i] })
			for _, k := range ks[:1+g.n(4)] {
				m.set(k, g.genScalar())
			}
			d.set("custom", m)
		},
		func() { d.set("ntp_servers", g.genStrList(g.n(4))) },
		func() { d.set("enabled", g.chance(0.5)) },
		func() { d.set("nothing", nil) },
		func() { d.set("count", int64(g.n(12)-2)) },
		func() { d.set("ratio", pick(g, floats...)) },
		func() { d.set("text", pick(g, sentences...)) },
		func() { d.set("tree", g.genTree(0)) },
	}
	g.r.Shuffle(len(fields), func(i, j int) { fields[i], fields[j] = fields[j], fields[i] })
	for _, f := range fields[:4+g.n(len(fields)-3)] {
		f()
	}
	return d
}

func (g *gen) genInterface(i int) *odict {
	e := &odict{}
	add := []func(){
		func() {
			e.set("description", pick[any](g, nil, pick(g, sentences...), pick(g, words...)))
		},
		func() { e.set("vlan", int64(pick(g, 1, 10, 20, 10, 100))) },
		func() { e.set("enabled", g.chance(0.6)) },
		func() { e.set("ip", pick[any](g, nil, pick(g, ipWords...))) },
		func() { e.set("mtu", int64(pick(g, 1500, 9000, 9216))) },
		func() { e.set("speed", pick[any](g, 1e9, 1.5, int64(100))) },
	}
	e.set("name", ifnames[(i+g.n(2))%len(ifnames)])
	for _, a := range add {
		a()
	}
	return e
}

func (g *gen) genStrList(n int) []any {
	l := make([]any, n)
	for i := range l {
		l[i] = pick(g, "10.0.0.1", "pool.ntp.org", "b", "a", "B", "time.example.com", "a")
	}
	return l
}

func (g *gen) genScalar() any {
	switch g.n(6) {
	case 0:
		return nil
	case 1:
		return g.chance(0.5)
	case 2:
		return int64(g.n(200) - 50)
	case 3:
		return pick(g, floats...)
	case 4:
		return []any{int64(g.n(5)), pick(g, words...)}
	}
	return pick(g, words...)
}

// refPath is an expression reaching a value, with the value.
type refPath struct {
	expr string
	val  any
}

// paths lists expressions reaching values of kind k from the scope.
func (g *gen) paths(k vkind) []refPath {
	var out []refPath
	var walk func(expr string, v any, depth int)
	walk = func(expr string, v any, depth int) {
		if matches(v, k) {
			out = append(out, refPath{expr, v})
		}
		if depth >= 3 {
			return
		}
		switch x := v.(type) {
		case *odict:
			for i, key := range x.keys {
				if g.chance(0.2) {
					walk(expr+"['"+key+"']", x.vals[i], depth+1)
				} else {
					walk(expr+"."+key, x.vals[i], depth+1)
				}
			}
		case []any:
			if len(x) > 0 {
				j := g.n(len(x))
				idx := strconv.Itoa(j)
				if g.chance(0.2) {
					idx = strconv.Itoa(j - len(x))
				}
				walk(expr+"["+idx+"]", x[j], depth+1)
			}
		case *nsValue:
			for i, key := range x.attrs.keys {
				walk(expr+"."+key, x.attrs.vals[i], depth+1)
			}
		}
	}
	seen := map[string]bool{}
	for i := len(g.scope) - 1; i >= 0; i-- {
		if !seen[g.scope[i].name] {
			seen[g.scope[i].name] = true
			walk(g.scope[i].name, g.scope[i].val, 0)
		}
	}
	for i, key := range g.ctx.keys {
		if !g.shadowed(key) {
			walk(key, g.ctx.vals[i], 0)
		}
	}
	return out
}

func (g *gen) shadowed(name string) bool {
	for _, b := range g.scope {
		if b.name == name {
			return true
		}
	}
	return false
}

func matches(v any, k vkind) bool {
	switch k {
	case kAny:
		_, ns := v.(*nsValue)
		return !ns
	case kStr:
		_, ok := v.(string)
		return ok
	case kInt:
		_, ok := v.(int64)
		return ok
	case kFloat:
		_, ok := v.(float64)
		return ok
	case kBool:
		_, ok := v.(bool)
		return ok
	case kList:
		_, ok := v.([]any)
		return ok
	case kDict:
		_, ok := v.(*odict)
		return ok
	}
	return false
}

// ref returns a reference to a value of kind k from the scope, or nil.
func (g *gen) ref(k vkind) *tnode {
	ps := g.paths(k)
	if len(ps) == 0 {
		return nil
	}
	return lit(tExpr, ps[g.n(len(ps))].expr)
}

// refVal is ref with the value reached.
func (g *gen) refVal(k vkind) (string, any, bool) {
	ps := g.paths(k)
	if len(ps) == 0 {
		return "", nil, false
	}
	p := ps[g.n(len(ps))]
	return p.expr, p.val, true
}

func quote(s string) string {
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "\n", `\n`) + `"`
	}
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, "'", `\'`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	s = strings.ReplaceAll(s, "\t", `\t`)
	return "'" + s + "'"
}

func strLit(g *gen) *tnode { return lit(tExpr, quote(pick(g, words...))) }

func intLit(g *gen) *tnode {
	return lit(tExpr, strconv.Itoa(pick(g, 0, 1, 2, 3, 5, 7, 10, 42, 100, 255, 65535)))
}

func floatLit(g *gen) *tnode {
	return lit(tExpr, pick(g, "1.5", "0.1", "2.0", "1e-5", "0.5", "2.675", "1e3", "3.0e-2", "10.25", "1_000.5"))
}

// expr returns an expression of kind k, nesting up to d more levels.
func (g *gen) expr(k vkind, d int) *tnode {
	if k == kAny {
		k = pick(g, kStr, kStr, kInt, kInt, kFloat, kBool, kList, kDict)
		if g.chance(0.15) {
			if r := g.ref(kAny); r != nil {
				return r
			}
		}
	}
	if d <= 0 || g.chance(0.3) {
		if g.chance(0.6) {
			if r := g.ref(k); r != nil {
				return r
			}
		}
		return g.leaf(k)
	}
	switch k {
	case kStr:
		return g.strExpr(d - 1)
	case kInt:
		return g.intExpr(d - 1)
	case kFloat:
		return g.floatExpr(d - 1)
	case kBool:
		return g.boolExpr(d - 1)
	case kList:
		return g.listExpr(d - 1)
	case kDict:
		return g.dictExpr(d - 1)
	}
	return g.leaf(k)
}

func (g *gen) leaf(k vkind) *tnode {
	switch k {
	case kStr:
		return strLit(g)
	case kInt:
		if g.chance(0.1) {
			return lit(tExpr, pick(g, "-1", "-7", "0"))
		}
		return intLit(g)
	case kFloat:
		return floatLit(g)
	case kBool:
		return lit(tExpr, pick(g, "true", "false", "True", "False"))
	case kList:
		n := g.n(4)
		parts := make([]string, n)
		kind := pick(g, kInt, kStr, kAny)
		for i := range parts {
			parts[i] = g.leaf(leafKind(g, kind)).text()
		}
		if g.chance(0.2) {
			return lit(tExpr, "("+strings.Join(parts, ", ")+map[bool]string{true: ",", false: ""}[n == 1]+")")
		}
		return lit(tExpr, "["+strings.Join(parts, ", ")+"]")
	case kDict:
		n := g.n(4)
		ks := []string{"b", "a", "name", "vlan", "z"}
		var parts []string
		for i := range n {
			parts = append(parts, quote(ks[i])+": "+g.leaf(leafKind(g, kAny)).text())
		}
		return lit(tExpr, "{"+strings.Join(parts, ", ")+"}")
	}
	return lit(tExpr, pick(g, "none", "None", "1", "'x'"))
}

func leafKind(g *gen, k vkind) vkind {
	if k == kAny {
		return pick(g, kInt, kStr, kFloat, kBool, kAny)
	}
	return k
}

func (g *gen) strExpr(d int) *tnode {
	s := func() *tnode { return g.expr(kStr, d) }
	switch g.n(37) {
	case 33:
		return mk(tExpr, "\x00|"+pick(g, "filesizeformat", "filesizeformat(true)", "string|urlencode", "string|striptags", "string|title", "string|capitalize", "string|wordcount|string"), g.expr(pick(g, kInt, kFloat, kStr), d))
	case 34:
		l, attr := g.attrList(kAny)
		return mk(tExpr, "\x00|"+pick(g, "join(', ', attribute='"+attr+"')", "map(attribute='"+attr+"')|join('/')", "selectattr('"+attr+"', 'equalto', 10)|list|length|string", "sum(attribute='id', start=100)|string", "map(attribute='"+attr+"')|map('string')|map('replace', '1', 'I')|join"), l)
	case 35:
		return mk(tExpr, "\x00|map("+pick(g, "'default', 'x'", "'replace', 'a', 'b'", "'truncate', 6", "'center', 6", "'format', 1", "'indent', 2, true", "'wordwrap', 3")+")|join('|')", g.strList(d))
	case 36:
		return mk(tExpr, "\x00|"+pick(g, "items|list|string", "dictsort|map('join', '=')|join(';')", "list|join", "tojson(indent=2)|replace('\\n', ' ')|string", "length|string"), g.expr(kDict, d))
	case 26:
		return g.percentFormat(d)
	case 27:
		return g.methodFormat(d)
	case 28:
		return mk(tExpr, "\x00|"+pick(g, "center(9)", "center(0)", "center(10)", "center", "center(width=7)"), g.expr(pick(g, kStr, kInt, kFloat), d))
	case 29:
		return mk(tExpr, "\x00|wordwrap("+pick(g, "4", "8, break_long_words=false", "10, wrapstring='<br>'", "5, true, '\\n', false", "6, break_on_hyphens=false", "3")+")", s())
	case 30:
		return mk(tExpr, "\x00|truncate("+pick(g, "4", "6, killwords=true", "7, end=''", "10, leeway=2", "3, true, '~', 0", "255", "5, false, '!'")+")", s())
	case 31:
		return mk(tExpr, "(\x00)."+pick(g, "center(11, '*')", "ljust(6, '.')", "rjust(8)", "zfill(5)", "center(4)", "lstrip()", "rstrip(' e')", "swapcase()", "casefold()"), s())
	case 32:
		// No 'inf' or 'nan': Jinja2 folds the constant 'inf'|float when
		// it compiles the template and writes the result into Python code
		// as the undefined name inf.
		return mk(tExpr, "\x00|"+pick(g, "round", "round(1)", "round(2, 'floor')", "round(0, 'ceil')", "int", "float", "int(7)", "float(2.5)"), lit(tExpr, quote(pick(g, "2.5", "3.75", "-1.5", " 12 ", "1e2", "0b101", "0o17", "1_000", "+5", "4.", ".5", "--1", "0x_1A", "１２"))))
	case 0:
		return mk(tExpr, "(\x00 ~ \x00)", s(), g.expr(kAny, d))
	case 1:
		return mk(tExpr, "(\x00 + \x00)", s(), s())
	case 2:
		return mk(tExpr, "\x00|"+pick(g, "upper", "lower", "title", "capitalize", "trim", "string"), s())
	case 3:
		return mk(tExpr, "\x00|replace(\x00, \x00)", s(), lit(tExpr, quote(pick(g, " ", "a", "-", "o", ""))), s())
	case 4:
		return mk(tExpr, "\x00|center("+strconv.Itoa(g.n(30))+")", s())
	case 5:
		return mk(tExpr, "\x00|indent("+pick(g, "", "2", "4, true", "width=3, first=True, blank=True", "'> '")+")", s())
	case 6:
		return mk(tExpr, "\x00|truncate("+pick(g, "3", "5", "10", "12, true", "8, false, '..'", "9, leeway=0")+")", s())
	case 7:
		return mk(tExpr, "\x00|wordwrap("+pick(g, "5", "10", "20", "7, false", "6, true, '|'")+")", s())
	case 8:
		return mk(tExpr, "\x00|join(\x00)", g.expr(kList, d), lit(tExpr, quote(pick(g, ",", ", ", "", "-", "\n"))))
	case 9:
		return mk(tExpr, "(\x00)."+pick(g, "upper()", "lower()", "strip()", "strip('-')", "title()", "capitalize()"), s())
	case 10:
		return mk(tExpr, "(\x00).replace(\x00, \x00)", s(), lit(tExpr, quote(pick(g, "a", " ", "0"))), s())
	case 11:
		if g.chance(0.3) {
			return mk(tExpr, pick(g, "'%05.1f %s'", "'%.2f|%r'", "'%e %s'", "'%g:%s'")+"|format(\x00, \x00)", g.expr(pick(g, kFloat, kInt), d), s())
		}
		return mk(tExpr, pick(g, "'%s-%s'", "'%s/%d'", "'%-5s|%3d'", "'%r %r'", "'%s%%%x'")+"|format(\x00, \x00)", s(), g.expr(kInt, d))
	case 12:
		return mk(tExpr, pick(g, "'{}-{}'", "'{0}/{1}'", "'{:>6}{}'")+".format(\x00, \x00)", s(), g.expr(kAny, d))
	case 13:
		return mk(tExpr, "(\x00 if \x00 else \x00)", s(), g.expr(kBool, d), s())
	case 14:
		return mk(tExpr, "(\x00)"+pick(g, "[1:]", "[:3]", "[::-1]", "[-2:]", "[1:5:2]"), s())
	case 15:
		if g.chance(0.5) {
			// tojson returns Markup, which escapes what is added to it or
			// formatted into it; μNet has no Markup type (autoescape is
			// off), so the generator turns the result into a plain string
			// at once (~ joins plain strings).
			return mk(tExpr, "(\x00|tojson ~ '')", g.expr(kAny, d))
		}
		return mk(tExpr, "\x00|string", g.expr(kAny, d))
	case 16:
		return mk(tExpr, "\x00|first", g.nonEmptyStr(d))
	case 17:
		return mk(tExpr, "(\x00 * \x00)", s(), lit(tExpr, pick(g, "0", "1", "2", "3")))
	case 18:
		return mk(tExpr, "\x00|default(\x00)", g.undefOrRef(kStr), s())
	case 19:
		return mk(tExpr, "\x00|reverse", s())
	case 20:
		return mk(tExpr, "\x00|string", g.expr(pick(g, kInt, kFloat, kBool, kList), d))
	case 21:
		return mk(tExpr, "(\x00).get(\x00, \x00)", g.expr(kDict, d), lit(tExpr, quote(pick(g, "name", "a", "missing"))), s())
	case 22:
		return mk(tExpr, "\x00|last", g.nonEmptyStr(d))
	case 23:
		return mk(tExpr, "(\x00).split(\x00)|join('+')", s(), lit(tExpr, pick(g, "'-'", "' '", "'/'")))
	case 24:
		return mk(tExpr, "\x00|min", g.nonEmptyStr(d))
	}
	return g.leaf(kStr)
}

// nonEmptyStr is a string expression other than the empty string literal.
// Jinja2 folds constant expressions when it compiles a template, and
// folding the first item of an empty string (an undefined value) into a
// concatenation fails at compile time even in code that never runs; μNet
// does not fold constants.
func (g *gen) nonEmptyStr(d int) *tnode {
	e := g.expr(kStr, d)
	if t := e.text(); t == "''" || t == `""` {
		return lit(tExpr, "'abc'")
	}
	return e
}

// undefOrRef returns a name that is undefined, or a reference.
func (g *gen) undefOrRef(k vkind) *tnode {
	if g.chance(0.5) {
		return lit(tExpr, pick(g, "missing_var", "node.missing", "nothing", "custom.nope"))
	}
	if r := g.ref(k); r != nil {
		return r
	}
	return lit(tExpr, "undefined_name")
}

func (g *gen) intExpr(d int) *tnode {
	i := func() *tnode { return g.expr(kInt, d) }
	switch g.n(20) {
	case 0, 1:
		return mk(tExpr, "(\x00 "+pick(g, "+", "-", "*")+" \x00)", i(), i())
	case 2:
		return mk(tExpr, "(\x00 "+pick(g, "//", "%")+" \x00)", i(), lit(tExpr, pick(g, "2", "3", "7", "-2", "-3")))
	case 3:
		return mk(tExpr, "(\x00 ** \x00)", lit(tExpr, pick(g, "2", "3", "-2", "10", "0")), lit(tExpr, pick(g, "0", "1", "2", "3", "10")))
	case 4:
		return mk(tExpr, "\x00|length", g.expr(pick(g, kList, kStr, kDict), d))
	case 5:
		return mk(tExpr, "\x00|"+pick(g, "sum", "min", "max", "first", "last"), g.intList(d))
	case 6:
		return mk(tExpr, "\x00|int", lit(tExpr, quote(pick(g, "42", " 7 ", "1.9", "-3.5", "abc", "0x1A", "1_000", "", "08"))))
	case 7:
		return mk(tExpr, "\x00|int", g.expr(kFloat, d))
	case 8:
		return mk(tExpr, "\x00|abs", i())
	case 9:
		return mk(tExpr, "\x00|wordcount", g.expr(kStr, d))
	case 10:
		if g.inLoop > 0 {
			return lit(tExpr, "loop."+pick(g, "index", "index0", "revindex", "revindex0", "length", "depth"))
		}
	case 11:
		return mk(tExpr, "-(\x00)", i())
	case 12:
		return mk(tExpr, "\x00|int("+pick(g, "0, 16", "base=8", "-1")+")", lit(tExpr, quote(pick(g, "ff", "0x1A", "17", "zz"))))
	case 13:
		return mk(tExpr, "(\x00 if \x00 else \x00)", i(), g.expr(kBool, d), i())
	case 14:
		return mk(tExpr, "\x00|count", g.expr(kList, d))
	case 15:
		l, attr := g.attrList(kInt)
		return mk(tExpr, "\x00|sum(attribute='"+attr+"')", l)
	case 16:
		return mk(tExpr, "\x00|round|int", g.expr(kFloat, d))
	case 17:
		return mk(tExpr, "(\x00 + \x00)|length", g.expr(kList, d), g.expr(kList, d))
	}
	return g.leaf(kInt)
}

func (g *gen) intList(d int) *tnode {
	if g.chance(0.3) {
		l, attr := g.attrList(kInt)
		return mk(tExpr, "\x00|map(attribute='"+attr+"')|list", l)
	}
	n := 1 + g.n(4)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = intLit(g).text()
	}
	if g.chance(0.3) {
		return lit(tExpr, "range("+pick(g, "3", "1, 6", "10, 0, -3", "0")+")")
	}
	return lit(tExpr, "["+strings.Join(parts, ", ")+"]")
}

// attrList returns a list of dicts (from the context when one fits, else a
// literal) and an attribute of its elements whose values are of kind k.
func (g *gen) attrList(k vkind) (*tnode, string) {
	type cand struct {
		expr  string
		attrs []string
	}
	var cands []cand
	for _, p := range g.paths(kList) {
		l := p.val.([]any)
		if len(l) == 0 {
			continue
		}
		first, ok := l[0].(*odict)
		if !ok {
			continue
		}
		var attrs []string
		for i, key := range first.keys {
			if matches(first.vals[i], k) {
				attrs = append(attrs, key)
			}
		}
		if len(attrs) > 0 {
			cands = append(cands, cand{p.expr, attrs})
		}
	}
	if len(cands) > 0 && g.chance(0.7) {
		c := cands[g.n(len(cands))]
		return lit(tExpr, c.expr), pick(g, c.attrs...)
	}
	attrs := map[vkind][]string{kInt: {"vlan", "id", "mtu", "remote_as"}, kStr: {"name"}, kBool: {"enabled"},
		kAny: {"vlan", "id", "mtu", "remote_as", "name", "enabled"}}[k]
	if len(attrs) == 0 {
		attrs = []string{"name"}
	}
	return lit(tExpr, pick(g, "[{'vlan': 10, 'id': 1, 'mtu': 1500, 'remote_as': 2, 'name': 'b', 'enabled': true}, {'vlan': 20, 'id': 2, 'mtu': 9000, 'remote_as': 1, 'name': 'a', 'enabled': false}]",
		"[{'vlan': 10, 'id': 5, 'mtu': 1, 'remote_as': 3, 'name': 'x', 'enabled': false}, {'vlan': 10, 'id': 3, 'mtu': 2, 'remote_as': 3, 'name': 'X', 'enabled': true}, {'vlan': 1, 'id': 4, 'mtu': 3, 'remote_as': 1, 'name': 'y', 'enabled': true}]")), pick(g, attrs...)
}

func (g *gen) floatExpr(d int) *tnode {
	f := func() *tnode { return g.expr(kFloat, d) }
	switch g.n(12) {
	case 0, 1:
		return mk(tExpr, "(\x00 "+pick(g, "+", "-", "*")+" \x00)", f(), g.expr(pick(g, kInt, kFloat), d))
	case 2:
		return mk(tExpr, "(\x00 / \x00)", g.expr(pick(g, kInt, kFloat), d), lit(tExpr, pick(g, "2", "3", "4.0", "0.5", "-8")))
	case 3:
		return mk(tExpr, "\x00|round"+pick(g, "", "(1)", "(2)", "(0, 'floor')", "(1, 'ceil')", "(precision=3)"), f())
	case 4:
		return mk(tExpr, "\x00|float", lit(tExpr, quote(pick(g, "1.5", "abc", " 2 ", "1e3", "-0.0", "1_0.5"))))
	case 5:
		return mk(tExpr, "\x00|float", g.expr(kInt, d))
	case 6:
		return mk(tExpr, "\x00|abs", f())
	case 7:
		return mk(tExpr, "(\x00 ** \x00)", lit(tExpr, pick(g, "2", "4", "1.5", "10")), lit(tExpr, pick(g, "-1", "-2", "0.5", "2.0")))
	case 8:
		return mk(tExpr, "(\x00 // \x00)", f(), lit(tExpr, pick(g, "2", "0.5", "-3")))
	case 9:
		return mk(tExpr, "(\x00 % \x00)", f(), lit(tExpr, pick(g, "2", "0.5", "-3", "1.5")))
	case 10:
		return mk(tExpr, "[\x00, \x00]|"+pick(g, "sum", "max", "min"), f(), g.expr(kInt, d))
	}
	return g.leaf(kFloat)
}

func (g *gen) boolExpr(d int) *tnode {
	b := func() *tnode { return g.expr(kBool, d) }
	switch g.n(21) {
	case 18:
		return mk(tExpr, "\x00 is "+pick(g, "lt(3)", "ge 2", "le(0)", "greaterthan 5", "lessthan(10)", "==(7)", "!= 1", "sameas 1", "not divisibleby(4)", "not ne(3)", "gt(2.5)"), g.expr(pick(g, kInt, kFloat), d))
	case 19:
		return mk(tExpr, "\x00 is "+pick(g, "lower", "upper", "in('core uplink')", "eq('a')", "not in(['a', 'b'])", "sameas none", "callable", "escaped", "mapping", "iterable"), g.expr(kStr, d))
	case 20:
		return mk(tExpr, "\x00 is "+pick(g, "filter", "test", "not filter"), lit(tExpr, quote(pick(g, "upper", "odd", "nope", "defined", "map"))))
	case 0:
		return mk(tExpr, "(\x00 "+pick(g, "and", "or")+" \x00)", b(), b())
	case 1:
		return mk(tExpr, "not \x00", b())
	case 2:
		k := pick(g, kInt, kFloat, kStr)
		op := pick(g, "==", "!=", "<", "<=", ">", ">=")
		if k == kFloat || g.chance(0.3) {
			return mk(tExpr, "(\x00 "+op+" \x00)", g.expr(kInt, d), g.expr(kFloat, d))
		}
		return mk(tExpr, "(\x00 "+op+" \x00)", g.expr(k, d), g.expr(k, d))
	case 3:
		return mk(tExpr, "\x00 is "+pick(g, "defined", "undefined", "none", "number", "string", "not none", "mapping", "sequence", "integer", "float"), g.undefOrRef(kAny))
	case 4:
		return mk(tExpr, "\x00 is "+pick(g, "even", "odd", "divisibleby(3)", "divisibleby 2"), g.expr(kInt, d))
	case 5:
		return mk(tExpr, "\x00 "+pick(g, "in", "not in")+" \x00", g.expr(kStr, d), g.expr(pick(g, kStr, kList), d))
	case 6:
		return mk(tExpr, "\x00 in \x00", g.expr(kInt, d), g.intList(d))
	case 7:
		return mk(tExpr, "(\x00)."+pick(g, "startswith", "endswith")+"(\x00)", g.expr(kStr, d), lit(tExpr, quote(pick(g, "Gi", "a", "1", "", "core"))))
	case 8:
		return mk(tExpr, "\x00 is "+pick(g, "eq", "in", "ne", "gt")+"(\x00)", g.expr(kInt, d), pick(g, g.intList(d), g.expr(kInt, d)))
	case 9:
		return mk(tExpr, "\x00 is \x00", g.expr(kAny, d), lit(tFixed, pick(g, "string", "number", "none", "iterable", "boolean", "true", "false")))
	case 10:
		return mk(tExpr, "\x00", g.expr(pick(g, kStr, kList, kInt, kDict), d)) // truthiness
	case 11:
		return mk(tExpr, "(\x00 == \x00)", g.expr(kList, d), g.expr(kList, d))
	case 12:
		return mk(tExpr, "\x00 "+pick(g, "<", "==", ">")+" \x00 "+pick(g, "<", "<=", "!=")+" \x00", g.expr(kInt, d), g.expr(kInt, d), g.expr(kInt, d))
	}
	return g.leaf(kBool)
}

func (g *gen) listExpr(d int) *tnode {
	l := func() *tnode { return g.expr(kList, d) }
	switch g.n(28) {
	case 24:
		return mk(tExpr, "\x00|"+pick(g, "batch(2, fill_with='-')|list", "batch(4)|list", "slice(3, fill_with=0)|list", "slice(1)|list", "slice(4)|list", "batch(1)|list"), l())
	case 25:
		l, attr := g.attrList(pick(g, kInt, kStr, kBool))
		return mk(tExpr, "\x00|"+pick(g, "unique(attribute='"+attr+"')|list", "unique(true, '"+attr+"')|list", "sort(attribute='"+attr+"', case_sensitive=true)", "groupby('"+attr+"', default=0)|list", "groupby(attribute='"+attr+"', case_sensitive=true)|list", "map(attribute='"+attr+"', default='?')|list", "min(attribute='"+attr+"')", "max(attribute='"+attr+"', case_sensitive=true)"), l)
	case 26:
		return mk(tExpr, "\x00|"+pick(g, "dictsort(case_sensitive=true)", "dictsort(false, 'value', true)", "dictsort(by='key', reverse=true)", "dictsort(true, 'value')"), g.scalarDict(d))
	case 27:
		return mk(tExpr, "\x00|"+pick(g, "groupby('1')|list", "groupby(0)|list", "map('first')|list", "sort(attribute='1')", "sort(attribute='0,1')", "unique(attribute='0')|list"), lit(tExpr, pick(g, "[[1, 'b'], [2, 'a'], [1, 'c']]", "[('x', 2), ('X', 1), ('y', 2)]", "[[3, 3], [1, 1]]")))
	case 0:
		return mk(tExpr, "\x00|"+pick(g, "sort", "unique|list", "list", "reverse|list", "sort(reverse=true)", "sort(case_sensitive=true)", "unique(case_sensitive=true)|list"), g.homList(d))
	case 1:
		l, attr := g.attrList(pick(g, kInt, kStr))
		if g.chance(0.2) {
			_, attr2 := g.attrList(kInt)
			attr += "," + attr2
		}
		return mk(tExpr, "\x00|sort(attribute='"+attr+"'"+pick(g, "", ", reverse=true")+")", l)
	case 2:
		l, attr := g.attrList(kAny)
		return mk(tExpr, "\x00|map(attribute='"+attr+"')|list", l)
	case 3:
		return mk(tExpr, "\x00|map('"+pick(g, "upper", "lower", "string", "trim", "title")+"')|list", g.strList(d))
	case 4:
		return mk(tExpr, "\x00|"+pick(g, "select", "reject")+"("+pick(g, "'odd'", "'even'", "", "'divisibleby', 3", "'gt', 3", "'in', [1, 2, 3]")+")|list", g.intList(d))
	case 5:
		k := pick(g, kBool, kInt, kStr, kAny)
		l, attr := g.attrList(k)
		test := map[vkind][]string{kBool: {""}, kInt: {", 'odd'", ", 'eq', 10", ", 'gt', 1500", ", 'divisibleby', 10"},
			kStr: {", 'in', ['a', 'x', 'users']", ", 'eq', 'users'", ", 'string'"}, kAny: {"", ", 'none'", ", 'defined'"}}[k]
		return mk(tExpr, "\x00|"+pick(g, "selectattr", "rejectattr")+"('"+attr+"'"+pick(g, test...)+")|list", l)
	case 6:
		return mk(tExpr, "(\x00).split("+pick(g, "", "'-'", "' '", "'/'", "None, 1")+")", g.expr(kStr, d))
	case 7:
		return mk(tExpr, "\x00|"+pick(g, "batch(2)", "batch(3, 'x')", "slice(2)", "slice(3, 0)")+"|list", l())
	case 8:
		l, attr := g.attrList(pick(g, kInt, kStr, kBool))
		return mk(tExpr, "\x00|groupby('"+attr+"')", l)
	case 9:
		return mk(tExpr, "\x00|"+pick(g, "dictsort", "dictsort(reverse=true)", "dictsort(by='value')", "dictsort(true)", "items|list"), g.scalarDict(d))
	case 10:
		return mk(tExpr, "(\x00).keys()|list", g.expr(kDict, d))
	case 11:
		return mk(tExpr, "(\x00).values()|list", g.expr(kDict, d))
	case 12:
		return mk(tExpr, "(\x00 + \x00)", l(), l())
	case 13:
		return mk(tExpr, "(\x00)"+pick(g, "[1:]", "[:2]", "[::-1]", "[-1:]"), l())
	case 14:
		return mk(tExpr, "[\x00, \x00]", g.expr(kAny, d), g.expr(kAny, d))
	case 15:
		return mk(tExpr, "(\x00, \x00)", g.expr(kAny, d), g.expr(kAny, d))
	case 16:
		return mk(tExpr, "\x00|list", g.expr(kStr, d))
	case 17:
		return mk(tExpr, "\x00|list", g.expr(kDict, d))
	case 18:
		return mk(tExpr, "(\x00).items()|list", g.expr(kDict, d))
	case 19:
		return mk(tExpr, "range(\x00)|list", lit(tExpr, pick(g, "4", "2, 8, 2", "5, 0, -1", "0", "-2")))
	case 20:
		return mk(tExpr, "(\x00 * 2)", l())
	case 21:
		l, attr := g.attrList(pick(g, kInt, kStr, kBool))
		return mk(tExpr, "\x00|unique(attribute='"+attr+"')|list", l)
	}
	return g.leaf(kList)
}

func (g *gen) homList(d int) *tnode {
	if g.chance(0.5) {
		return g.intList(d)
	}
	return g.strList(d)
}

func (g *gen) strList(d int) *tnode {
	for _, p := range g.paths(kList) {
		if l := p.val.([]any); len(l) > 0 {
			if _, ok := l[0].(string); ok && g.chance(0.5) {
				return lit(tExpr, p.expr)
			}
		}
	}
	if g.chance(0.3) {
		return mk(tExpr, "(\x00).split()", g.expr(kStr, d))
	}
	return lit(tExpr, pick(g, "['b', 'a', 'B', 'c']", "['Gi0/1', 'gi0/1', 'Te1/1']", "['x']", "[]", "['one two', 'three']"))
}

// scalarDict returns a dict whose values compare with each other.
func (g *gen) scalarDict(int) *tnode {
	for _, p := range g.paths(kDict) {
		dd := p.val.(*odict)
		ok := len(dd.vals) > 0
		for _, v := range dd.vals {
			if _, s := v.(string); !s {
				ok = false
			}
		}
		if ok && g.chance(0.5) {
			return lit(tExpr, p.expr)
		}
	}
	return lit(tExpr, pick(g, "{'b': 2, 'a': 1, 'C': 3}", "{'z': 'x', 'A': 'y', 'm': 'X'}", "{}", "{'k': 1.5, 'j': 1}"))
}

func (g *gen) dictExpr(d int) *tnode {
	switch g.n(4) {
	case 0:
		return mk(tExpr, "{\x00: \x00, \x00: \x00}", strLit(g), g.expr(kAny, d), strLit(g), g.expr(kAny, d))
	case 1:
		return mk(tExpr, "dict("+pick(g, "a=1, b='x'", "z=none", "")+")")
	}
	return g.leaf(kDict)
}
