package remgen

import (
	"fmt"
	"strings"
)

// jnode is a JunOS statement: a container with children, or a leaf.
type jnode struct {
	name     string
	children []*jnode
	leaf     bool
}

// at returns the container at the path under n, creating it.
func (n *jnode) at(path ...string) *jnode {
	cur := n
	for _, p := range path {
		var next *jnode
		for _, c := range cur.children {
			if !c.leaf && c.name == p {
				next = c
				break
			}
		}
		if next == nil {
			next = &jnode{name: p}
			cur.children = append(cur.children, next)
		}
		cur = next
	}
	return cur
}

// set adds a leaf statement under the container at path.
func (n *jnode) set(leaf string, path ...string) {
	c := n.at(path...)
	c.children = append(c.children, &jnode{name: leaf, leaf: true})
}

// curly prints the tree in JunOS's curly-brace form, four spaces a level.
func (n *jnode) curly(w *writer, depth int) {
	ind := strings.Repeat("    ", depth)
	for _, c := range n.children {
		if c.leaf {
			w.line("%s%s;", ind, c.name)
			continue
		}
		w.line("%s%s {", ind, c.name)
		c.curly(w, depth+1)
		w.line("%s}", ind)
	}
}

// setForm prints the tree as "set" commands, one per leaf ("[ a b ]" lists
// become one command per element, as "show configuration | display set"
// prints them).
func (n *jnode) setForm(w *writer, path []string) {
	for _, c := range n.children {
		if !c.leaf {
			c.setForm(w, append(path, c.name))
			continue
		}
		prefix := strings.Join(append([]string{"set"}, path...), " ")
		if i := strings.Index(c.name, " [ "); i >= 0 && strings.HasSuffix(c.name, " ]") {
			for _, e := range strings.Fields(c.name[i+3 : len(c.name)-2]) {
				w.line("%s %s %s", prefix, c.name[:i], e)
			}
			continue
		}
		w.line("%s %s", prefix, c.name)
	}
}

// junosTree builds the JunOS statement tree of a device (an MX edge router).
func junosTree(d *device) *jnode {
	root := &jnode{}
	root.set("version 22.4R3.25")
	root.set("host-name "+d.hostname, "system")
	root.set("domain-name "+d.domain, "system")
	root.set("authentication-order [ tacplus password ]", "system")
	for _, n := range d.nameServers {
		root.set(n, "system", "name-server")
	}
	for _, t := range d.tacacs {
		root.set(fmt.Sprintf("secret \"$9$%s\"", t.key), "system", "tacplus-server", t.addr)
	}
	for _, h := range d.logHosts {
		root.set("any notice", "system", "syslog", "host "+h)
	}
	root.set("any notice", "system", "syslog", "file messages")
	if d.logBuffered != 0 {
		root.set(fmt.Sprintf("size %dk", d.logBuffered/1024), "system", "syslog", "file messages", "archive")
	}
	for _, n := range d.ntp {
		root.set("server "+n, "system", "ntp")
	}
	root.set(fmt.Sprintf("location \"%s\"", d.snmpLoc), "snmp")
	for _, c := range d.communities {
		root.set("authorization "+roRW(c.rw, "read-only", "read-write"), "snmp", "community "+c.name)
	}
	for _, it := range d.ifaces {
		name := ifName("junos", it)
		if it.kind == ifPhysical {
			root.set(fmt.Sprintf("description \"%s\"", it.desc), "interfaces", name)
			if it.shut {
				root.set("disable", "interfaces", name)
			}
			if it.mtu != 0 {
				root.set(fmt.Sprintf("mtu %d", it.mtu+14), "interfaces", name)
			}
		} else {
			root.set(fmt.Sprintf("description \"%s\"", it.desc), "interfaces", name, "unit 0")
		}
		if it.addr != "" {
			root.set(fmt.Sprintf("address %s/%d", it.addr, it.plen), "interfaces", name, "unit 0", "family inet")
			for _, a := range it.secondary {
				root.set(fmt.Sprintf("address %s/%d", a, it.plen), "interfaces", name, "unit 0", "family inet")
			}
		}
	}
	if b := d.bgp; b != nil && len(b.networks) > 0 {
		for _, p := range b.networks {
			root.set(fmt.Sprintf("%s/%d", p.prefix, p.plen), "policy-options", "prefix-list BGP-NETWORKS")
		}
	}
	for _, p := range d.policiesUsed() {
		root.set(fmt.Sprintf("local-preference %d", policyPref(p)), "policy-options", "policy-statement "+p, "then")
		root.set("accept", "policy-options", "policy-statement "+p, "then")
	}
	for _, a := range d.acls {
		for _, e := range a.entries {
			path := []string{"firewall", "family inet", "filter " + a.name, fmt.Sprintf("term T%d", e.seq)}
			if e.src != "" {
				root.set(fmt.Sprintf("%s/%d", e.src, e.srcLen), append(path, "from", "source-address")...)
			}
			if e.dst != "" {
				root.set(fmt.Sprintf("%s/%d", e.dst, e.dstLen), append(path, "from", "destination-address")...)
			}
			if e.proto != "ip" {
				root.set("protocol "+e.proto, append(path, "from")...)
			}
			if e.port != 0 {
				root.set(fmt.Sprintf("destination-port %d", e.port), append(path, "from")...)
			}
			if e.action == "permit" {
				root.set("accept", append(path, "then")...)
			} else {
				root.set("discard", append(path, "then")...)
			}
		}
	}
	for _, v := range d.vrfs {
		path := []string{"routing-instances", v.name}
		root.set("instance-type vrf", path...)
		for _, it := range d.ifaces {
			if it.vrf == v.name {
				root.set("interface "+ifName("junos", it)+".0", path...)
			}
		}
		root.set(fmt.Sprintf("route-distinguisher 65000:%d", v.id), path...)
		root.set(fmt.Sprintf("vrf-target target:65000:%d", v.id), path...)
		for _, rt := range d.routes {
			if rt.vrf == v.name {
				root.set(fmt.Sprintf("route %s/%d next-hop %s", rt.prefix, rt.plen, rt.nextHop), append(path, "routing-options", "static")...)
			}
		}
	}
	if d.bgp != nil {
		root.set("router-id "+d.bgp.routerID, "routing-options")
		root.set(fmt.Sprintf("autonomous-system %d", d.bgp.asn), "routing-options")
	}
	for _, rt := range d.routes {
		if rt.vrf == "" {
			root.set(fmt.Sprintf("route %s/%d next-hop %s", rt.prefix, rt.plen, rt.nextHop), "routing-options", "static")
		}
	}
	if b := d.bgp; b != nil {
		for _, n := range b.neighbors {
			group, typ := "EBGP", "external"
			if n.remoteAS == b.asn {
				group, typ = "IBGP", "internal"
			}
			gpath := []string{"protocols", "bgp", "group " + group}
			if len(root.at(gpath...).children) == 0 {
				root.set("type "+typ, gpath...)
			}
			path := append(gpath, "neighbor "+n.addr)
			root.set(fmt.Sprintf("description \"%s\"", n.desc), path...)
			if n.policyIn != "" {
				root.set("import "+n.policyIn, path...)
			}
			if n.policyOut != "" {
				root.set("export "+n.policyOut, path...)
			}
			if n.ipv4 {
				root.set("unicast", append(path, "family inet")...)
			}
			if typ == "external" {
				root.set(fmt.Sprintf("peer-as %d", n.remoteAS), path...)
			}
		}
	}
	return root
}

// junos prints the curly-brace form.
func junos(d *device) string {
	var w writer
	w.line("## Last commit: 2024-03-04 09:12:44 UTC by netops")
	junosTree(d).curly(&w, 0)
	return w.String()
}

// junosSet prints the "display set" form.
func junosSet(d *device) string {
	var w writer
	junosTree(d).setForm(&w, nil)
	return w.String()
}
