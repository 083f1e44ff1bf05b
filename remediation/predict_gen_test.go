package remediation

import (
	"fmt"
	"math/rand"
	"sort"
	"strconv"
	"strings"
)

// A small random configuration generator for the prediction property:
// every dialect has a pool of statement generators (interfaces, BGP
// neighbours, ACLs, static routes, NTP/SNMP/AAA lines...); a running
// configuration draws from the pool, an intended one is derived from it by
// removals, additions and value changes at every level.

// gnode is a generated statement: its text, its children and the
// generators of the children its section may hold.
type gnode struct {
	text string
	kids []*gnode
	// gens make the children the section may hold; gen remakes the
	// statement itself with other values (nil: it has no variants).
	gens []func(*rand.Rand) *gnode
	gen  func(*rand.Rand) *gnode
	// seq: children carry sequence numbers and are kept sorted by them;
	// ordered: their order matters (it may change).
	seq, ordered bool
	// close is printed after the children (IOS-XR "end-policy").
	close string
	// slot is 1 + the index of the generator in the parent's gens: a
	// section holds one statement per slot.
	slot int
}

func leafGen(format string, values ...func(*rand.Rand) string) func(*rand.Rand) *gnode {
	var g func(*rand.Rand) *gnode
	g = func(r *rand.Rand) *gnode {
		args := make([]any, len(values))
		for i, v := range values {
			args[i] = v(r)
		}
		return &gnode{text: fmt.Sprintf(format, args...), gen: g}
	}
	return g
}

func pick(options ...string) func(*rand.Rand) string {
	return func(r *rand.Rand) string { return options[r.Intn(len(options))] }
}

func num(lo, hi int) func(*rand.Rand) string {
	return func(r *rand.Rand) string { return strconv.Itoa(lo + r.Intn(hi-lo+1)) }
}

// sectionGen makes a section whose head has no variants and whose children
// are drawn from gens (each with probability p).
func sectionGen(head string, p float64, gens ...func(*rand.Rand) *gnode) func(*rand.Rand) *gnode {
	return func(r *rand.Rand) *gnode {
		n := &gnode{text: head, gens: gens}
		n.fill(r, p)
		return n
	}
}

// fill adds a statement of each generator of n with probability p (at
// least one).
func (n *gnode) fill(r *rand.Rand, p float64) {
	for i, g := range n.gens {
		if r.Float64() < p {
			c := g(r)
			c.slot = i + 1
			n.add(c)
		}
	}
	if len(n.kids) == 0 && len(n.gens) > 0 {
		c := n.gens[0](r)
		c.slot = 1
		n.add(c)
	}
}

// add appends c unless a sibling has its text.
func (n *gnode) add(c *gnode) {
	for _, k := range n.kids {
		if k.text == c.text {
			return
		}
	}
	n.kids = append(n.kids, c)
}

func (n *gnode) clone() *gnode {
	cp := *n
	cp.kids = make([]*gnode, len(n.kids))
	for i, k := range n.kids {
		cp.kids[i] = k.clone()
	}
	return &cp
}

// mutate changes the children of n: each is kept, dropped, remade with
// other values or changed in depth; new ones are added; an ordered
// section may be reordered.
func (n *gnode) mutate(r *rand.Rand, rate float64) {
	var kids []*gnode
	for _, k := range n.kids {
		x := r.Float64()
		switch {
		case x < rate:
			// dropped
		case x < 2*rate && k.gen != nil:
			c := k.gen(r)
			c.slot = k.slot
			kids = append(kids, c)
		case x < 3.5*rate && len(k.kids) > 0:
			c := k.clone()
			c.mutate(r, rate)
			if len(c.kids) > 0 {
				kids = append(kids, c)
			}
		default:
			kids = append(kids, k)
		}
	}
	n.kids = nil
	for _, k := range kids {
		n.add(k)
	}
	for i := 0; i < 2 && len(n.gens) > 0; i++ {
		if r.Float64() < 2*rate {
			slot := 1 + r.Intn(len(n.gens))
			taken := false
			for _, k := range n.kids {
				taken = taken || k.slot == slot
			}
			if !taken {
				c := n.gens[slot-1](r)
				c.slot = slot
				n.add(c)
			}
		}
	}
	if n.ordered && len(n.kids) > 1 && r.Float64() < rate {
		i, j := r.Intn(len(n.kids)), r.Intn(len(n.kids))
		n.kids[i], n.kids[j] = n.kids[j], n.kids[i]
	}
	n.sortSeq()
}

func (n *gnode) sortSeq() {
	if !n.seq {
		return
	}
	seqOf := func(s string) int {
		f := strings.Fields(s)
		for _, w := range f {
			if v, err := strconv.Atoi(w); err == nil {
				return v
			}
		}
		return 0
	}
	sort.SliceStable(n.kids, func(i, j int) bool { return seqOf(n.kids[i].text) < seqOf(n.kids[j].text) })
	// One statement per sequence number.
	var kids []*gnode
	for _, k := range n.kids {
		if len(kids) > 0 && seqOf(kids[len(kids)-1].text) == seqOf(k.text) {
			continue
		}
		kids = append(kids, k)
	}
	n.kids = kids
}

// render prints the indented form of a configuration.
func (n *gnode) render(b *strings.Builder, depth, indent int) {
	for _, k := range n.kids {
		b.WriteString(strings.Repeat(" ", depth*indent))
		b.WriteString(k.text)
		b.WriteByte('\n')
		k.render(b, depth+1, indent)
		if k.close != "" {
			b.WriteString(k.close + "\n")
		}
	}
}

// renderCurly prints set statements (the root's children) as a JunOS
// curly-brace configuration: one word per block, a leaf of the last two
// words (or the last one).
func renderCurly(root *gnode) string {
	type tnode struct {
		word string
		leaf bool
		kids []*tnode
	}
	top := &tnode{}
	for _, k := range root.kids {
		words := strings.Fields(strings.TrimPrefix(k.text, "set "))
		n := top
		for len(words) > 0 {
			w, rest, leaf := words[0], words[1:], false
			if len(words) <= 2 {
				w, rest, leaf = strings.Join(words, " "), nil, true
			}
			var next *tnode
			for _, c := range n.kids {
				if c.word == w && c.leaf == leaf {
					next = c
				}
			}
			if next == nil {
				next = &tnode{word: w, leaf: leaf}
				n.kids = append(n.kids, next)
			}
			n, words = next, rest
		}
	}
	var b strings.Builder
	var emit func(n *tnode, depth int)
	emit = func(n *tnode, depth int) {
		for _, c := range n.kids {
			pad := strings.Repeat("    ", depth)
			if c.leaf {
				b.WriteString(pad + c.word + ";\n")
				continue
			}
			b.WriteString(pad + c.word + " {\n")
			emit(c, depth+1)
			b.WriteString(pad + "}\n")
		}
	}
	emit(top, 0)
	return b.String()
}

// genPool returns the top-level generators of a dialect.
func genPool(dialect string) []func(*rand.Rand) *gnode {
	ip := func(prefix string) func(*rand.Rand) string {
		return func(r *rand.Rand) string { return prefix + strconv.Itoa(1+r.Intn(9)) }
	}
	word := pick("core", "edge", "uplink", "peer", "mgmt", "backup")
	switch dialect {
	case "junos-set", "junos":
		var pool []func(*rand.Rand) *gnode
		pool = append(pool,
			leafGen("set system host-name r%s", num(1, 9)),
			leafGen("set system ntp server 10.0.0.%s", num(1, 4)),
			leafGen("set system name-server 10.0.1.%s", num(1, 4)),
			leafGen("set snmp community %s authorization read-only", pick("public", "ops", "noc")),
			leafGen("set snmp location %s", pick("lab", "dc1", "dc2")),
			leafGen("set routing-options static route 10.%s.0.0/16 next-hop 10.0.0.%s", num(1, 6), num(1, 3)),
			leafGen("set protocols bgp group %s neighbor 10.1.0.%s peer-as %s", pick("EXT", "INT"), num(1, 6), num(65001, 65003)),
			leafGen("set firewall filter F term %s then %s", pick("a", "b", "c"), pick("accept", "discard")),
			leafGen("set system login user %s class %s", pick("ops", "noc"), pick("read-only", "super-user")),
		)
		for i := 0; i < 4; i++ {
			ifname := "ge-0/0/" + strconv.Itoa(i)
			pool = append(pool,
				leafGen("set interfaces "+ifname+" description %s", word),
				leafGen("set interfaces "+ifname+" unit 0 family inet address 10."+strconv.Itoa(i)+".0.%s/24", num(1, 3)),
				leafGen("set interfaces "+ifname+" mtu %s", pick("1500", "9000")),
			)
		}
		return pool
	}
	var (
		indentIf = "GigabitEthernet0/"
		addr     = func(i int) func(*rand.Rand) *gnode {
			return leafGen("ip address 10."+strconv.Itoa(i)+".0.%s 255.255.255.0", num(1, 3))
		}
		aclHead   = "ip access-list extended ACL"
		aclSeq    = false
		aclEntry  = "%s tcp any host 10.0.0.%s eq %s"
		bgp       func(*rand.Rand) *gnode
		staticRte = leafGen("ip route 10.%s.0.0 255.255.0.0 10.0.0.%s", num(1, 6), num(1, 3))
	)
	neighborFlat := func(r *rand.Rand) *gnode {
		return sectionGen("router bgp 65000", 0.5,
			leafGen("neighbor 10.1.0.1 remote-as %s", num(65001, 65003)),
			leafGen("neighbor 10.1.0.2 remote-as %s", num(65001, 65003)),
			leafGen("neighbor 10.1.0.3 remote-as %s", num(65001, 65003)),
			leafGen("neighbor 10.1.0.1 description %s", word),
			leafGen("neighbor 10.1.0.2 description %s", word),
			leafGen("bgp log-neighbor-changes"),
		)(r)
	}
	bgp = neighborFlat
	switch dialect {
	case "nxos":
		indentIf = "Ethernet1/"
		addr = func(i int) func(*rand.Rand) *gnode {
			return leafGen("ip address 10."+strconv.Itoa(i)+".0.%s/24", num(1, 3))
		}
		aclHead, aclSeq, aclEntry = "ip access-list ACL", true, "%s tcp any 10.0.0.%s/32 eq %s"
		staticRte = leafGen("ip route 10.%s.0.0/16 10.0.0.%s", num(1, 6), num(1, 3))
		bgp = func(r *rand.Rand) *gnode {
			var nbrs []func(*rand.Rand) *gnode
			for i := 1; i <= 3; i++ {
				nbrs = append(nbrs, sectionGen("neighbor 10.1.0."+strconv.Itoa(i), 0.6,
					leafGen("remote-as %s", num(65001, 65003)),
					leafGen("description %s", word)))
			}
			return sectionGen("router bgp 65000", 0.5, append(nbrs, leafGen("log-neighbor-changes"))...)(r)
		}
	case "eos":
		indentIf = "Ethernet"
		addr = func(i int) func(*rand.Rand) *gnode {
			return leafGen("ip address 10."+strconv.Itoa(i)+".0.%s/24", num(1, 3))
		}
		aclHead, aclSeq, aclEntry = "ip access-list ACL", true, "%s tcp any host 10.0.0.%s eq %s"
		staticRte = leafGen("ip route 10.%s.0.0/16 10.0.0.%s", num(1, 6), num(1, 3))
	case "iosxr":
		indentIf = "GigabitEthernet0/0/0/"
		addr = func(i int) func(*rand.Rand) *gnode {
			return leafGen("ipv4 address 10."+strconv.Itoa(i)+".0.%s 255.255.255.0", num(1, 3))
		}
		aclHead, aclSeq, aclEntry = "ipv4 access-list ACL", true, "%s tcp any host 10.0.0.%s eq %s"
		staticRte = func(r *rand.Rand) *gnode {
			return sectionGen("router static", 1, sectionGen("address-family ipv4 unicast", 0.5,
				leafGen("10.1.0.0/16 10.0.0.%s", num(1, 3)),
				leafGen("10.2.0.0/16 10.0.0.%s", num(1, 3)),
				leafGen("10.3.0.0/16 10.0.0.%s", num(1, 3))))(r)
		}
		bgp = func(r *rand.Rand) *gnode {
			var nbrs []func(*rand.Rand) *gnode
			for i := 1; i <= 3; i++ {
				nbrs = append(nbrs, sectionGen("neighbor 10.1.0."+strconv.Itoa(i), 0.6,
					leafGen("remote-as %s", num(65001, 65003)),
					leafGen("description %s", word)))
			}
			return sectionGen("router bgp 65000", 0.5, nbrs...)(r)
		}
	}
	var pool []func(*rand.Rand) *gnode
	pool = append(pool,
		leafGen("hostname r%s", num(1, 9)),
		leafGen("ntp server 10.0.0.%s", num(1, 4)),
		leafGen("ntp server 10.0.0.%s", num(5, 8)),
		leafGen("snmp-server community %s ro", pick("public", "ops", "noc")),
		leafGen("snmp-server location %s", pick("lab", "dc1", "dc2")),
		leafGen("snmp-server contact %s", pick("noc", "ops")),
		leafGen("aaa authentication login %s local", pick("default", "console")),
		staticRte, staticRte,
		bgp,
	)
	if dialect == "ios" || dialect == "eos" {
		pool = append(pool, leafGen("banner motd ^C\nAuthorised access only (%s)\nsite %s\n^C", pick("a", "b", "c"), word))
	}
	// A negated default: IOS, NX-OS and EOS show "no ip redirects" and hide
	// "ip redirects" (a hidden_default of their tables); IOS-XR has no such
	// pair, its redirects are off unless "ipv4 redirects" is typed.
	negDefault := leafGen("no ip redirects")
	if dialect == "iosxr" {
		negDefault = leafGen("ipv4 redirects")
	}
	// NX-OS shows both "shutdown" and "no shutdown" (a toggle with no hidden
	// form), so an interface without either is not a state it has.
	shut := leafGen("shutdown")
	if dialect == "nxos" {
		shut = leafGen("ip proxy-arp")
	}
	for i := 0; i < 4; i++ {
		pool = append(pool, sectionGen("interface "+indentIf+strconv.Itoa(i), 0.6,
			leafGen("description %s", word),
			addr(i),
			leafGen("mtu %s", pick("1500", "9000")),
			shut,
			negDefault,
		))
	}
	for a := 1; a <= 2; a++ {
		head := aclHead + strconv.Itoa(a)
		var entries []func(*rand.Rand) *gnode
		for s := 1; s <= 5; s++ {
			prefix := ""
			if aclSeq {
				prefix = strconv.Itoa(s*10) + " "
			}
			entries = append(entries, leafGen(prefix+aclEntry, pick("permit", "deny"), ip(""), pick("22", "80", "443")))
		}
		pool = append(pool, func(r *rand.Rand) *gnode {
			n := sectionGen(head, 0.6, entries...)(r)
			n.seq, n.ordered = aclSeq, !aclSeq
			n.sortSeq()
			return n
		})
	}
	if dialect == "iosxr" {
		for _, name := range []string{"RP1", "RP2"} {
			pool = append(pool, func(r *rand.Rand) *gnode {
				n := sectionGen("route-policy "+name, 0.7, leafGen("set local-preference %s", pick("100", "200")), leafGen("set med %s", num(1, 9)), leafGen("%s", pick("pass", "drop")))(r)
				n.ordered, n.close = true, "end-policy"
				return n
			})
		}
	}
	return pool
}

// genPair returns a running and an intended configuration of a dialect.
func genPair(r *rand.Rand, dialect string) (running, intended string) {
	pool := genPool(dialect)
	root := &gnode{gens: pool}
	root.fill(r, 0.6)
	want := root.clone()
	want.mutate(r, 0.12+0.2*r.Float64())
	return renderDialect(root, dialect), renderDialect(want, dialect)
}

func renderDialect(root *gnode, dialect string) string {
	if dialect == "junos" {
		return renderCurly(root)
	}
	indent := map[string]int{"ios": 1, "nxos": 2, "eos": 3, "iosxr": 1}[dialect]
	var b strings.Builder
	root.render(&b, 0, indent)
	return b.String()
}
