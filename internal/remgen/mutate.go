package remgen

import (
	"fmt"
	"slices"
)

// mutation changes the intended model; it reports false when it does not
// apply to the device (nothing to remove, say), and the generator draws
// another one.
type mutation struct {
	name  string
	apply func(r *rng, d *device, c caps) bool
}

// mutations are the kinds of change a pair carries. Their names label the
// pairs (Pair.Changes).
var mutations = []mutation{
	{"hostname", func(r *rng, d *device, _ caps) bool {
		d.hostname = fmt.Sprintf("%s-%s-%02d", r.Pick(sites...), r.Pick("rtr", "edge", "core"), r.Between(41, 99))
		return true
	}},
	{"interface description", func(r *rng, d *device, _ caps) bool {
		i := r.Intn(len(d.ifaces))
		d.ifaces[i].desc = fmt.Sprintf(r.Pick(linkDesc...), r.Pick(sites...), r.Between(13, 30))
		return true
	}},
	{"interface address", func(r *rng, d *device, _ caps) bool {
		i := r.Intn(len(d.ifaces))
		if d.ifaces[i].addr == "" || d.ifaces[i].kind == ifLoopback {
			return false
		}
		d.ifaces[i].addr = randIPv4(r)
		return true
	}},
	{"interface shutdown", func(r *rng, d *device, _ caps) bool {
		i := r.Intn(len(d.ifaces))
		if d.ifaces[i].kind != ifPhysical {
			return false
		}
		d.ifaces[i].shut = !d.ifaces[i].shut
		return true
	}},
	{"interface mtu", func(r *rng, d *device, _ caps) bool {
		i := r.Intn(len(d.ifaces))
		if d.ifaces[i].kind != ifPhysical {
			return false
		}
		old := d.ifaces[i].mtu
		for d.ifaces[i].mtu == old {
			d.ifaces[i].mtu = []int{0, 1500, 9000, 9216}[r.Intn(4)]
		}
		return true
	}},
	{"interface vrf", func(r *rng, d *device, _ caps) bool {
		i := r.Intn(len(d.ifaces))
		if d.ifaces[i].kind != ifPhysical || d.ifaces[i].addr == "" || len(d.vrfs) == 0 {
			return false
		}
		v := d.vrfs[r.Intn(len(d.vrfs))].name
		if d.ifaces[i].vrf == v {
			v = ""
		}
		d.ifaces[i].vrf = v
		return true
	}},
	{"switchport", func(r *rng, d *device, c caps) bool {
		i := r.Intn(len(d.ifaces))
		if !c.switching || d.ifaces[i].kind != ifPhysical || len(d.vlans) == 0 {
			return false
		}
		it := &d.ifaces[i]
		switch {
		case it.l2 == "access" && r.Chance(50):
			it.vlan = d.vlans[r.Intn(len(d.vlans))].id
		case it.l2 != "":
			d.makeSwitchport(r, it)
		default:
			d.makeSwitchport(r, it)
		}
		return true
	}},
	{"interface added", func(r *rng, d *device, c caps) bool { return d.addInterface(r, c) }},
	{"interface removed", func(r *rng, d *device, _ caps) bool {
		i := r.Intn(len(d.ifaces))
		if d.ifaces[i].kind == ifLoopback {
			return false
		}
		d.ifaces = slices.Delete(d.ifaces, i, i+1)
		return true
	}},
	{"vlan added", func(r *rng, d *device, c caps) bool { return c.switching && d.addVLAN(r) }},
	{"vlan renamed", func(r *rng, d *device, c caps) bool {
		if !c.switching || len(d.vlans) == 0 {
			return false
		}
		i := r.Intn(len(d.vlans))
		d.vlans[i].name = fmt.Sprintf("%s-%d", r.Pick(roles...), d.vlans[i].id)
		return true
	}},
	{"vrf added", func(r *rng, d *device, _ caps) bool { return d.addVRF(r) }},
	{"vrf removed", func(r *rng, d *device, _ caps) bool {
		if len(d.vrfs) == 0 {
			return false
		}
		i := r.Intn(len(d.vrfs))
		if d.vrfUsed(d.vrfs[i].name) {
			return false
		}
		d.vrfs = slices.Delete(d.vrfs, i, i+1)
		return true
	}},
	{"acl entry added", func(r *rng, d *device, _ caps) bool {
		if len(d.acls) == 0 {
			return false
		}
		a := &d.acls[r.Intn(len(d.acls))]
		pos := r.Intn(len(a.entries)) // before the final deny
		e := a.newEntry(r)
		prev := 0
		if pos > 0 {
			prev = a.entries[pos-1].seq
		}
		if a.entries[pos].seq-prev < 2 {
			return false
		}
		e.seq = prev + (a.entries[pos].seq-prev)/2
		a.entries = slices.Insert(a.entries, pos, e)
		return true
	}},
	{"acl entry removed", func(r *rng, d *device, _ caps) bool {
		if len(d.acls) == 0 {
			return false
		}
		a := &d.acls[r.Intn(len(d.acls))]
		if len(a.entries) < 3 {
			return false
		}
		i := r.Intn(len(a.entries) - 1)
		a.entries = slices.Delete(a.entries, i, i+1)
		return true
	}},
	{"acl entries reordered", func(r *rng, d *device, _ caps) bool {
		if len(d.acls) == 0 {
			return false
		}
		a := &d.acls[r.Intn(len(d.acls))]
		if len(a.entries) < 3 {
			return false
		}
		i := r.Intn(len(a.entries) - 2)
		x, y := &a.entries[i], &a.entries[i+1]
		if sameRule(*x, *y) {
			return false
		}
		x.seq, y.seq = y.seq, x.seq
		*x, *y = *y, *x
		return true
	}},
	{"acl added", func(r *rng, d *device, _ caps) bool { return d.addACL(r) }},
	{"acl removed", func(r *rng, d *device, _ caps) bool {
		if len(d.acls) == 0 {
			return false
		}
		i := r.Intn(len(d.acls))
		d.acls = slices.Delete(d.acls, i, i+1)
		return true
	}},
	{"static route added", func(r *rng, d *device, _ caps) bool { return d.addRoute(r) }},
	{"static route removed", func(r *rng, d *device, _ caps) bool {
		if len(d.routes) == 0 {
			return false
		}
		i := r.Intn(len(d.routes))
		d.routes = slices.Delete(d.routes, i, i+1)
		return true
	}},
	{"static route next hop", func(r *rng, d *device, _ caps) bool {
		if len(d.routes) == 0 {
			return false
		}
		d.routes[r.Intn(len(d.routes))].nextHop = randAddr(r, "10.5")
		return true
	}},
	{"bgp neighbor added", func(r *rng, d *device, _ caps) bool { return d.bgp != nil && d.addNeighbor(r) }},
	{"bgp neighbor removed", func(r *rng, d *device, _ caps) bool {
		if d.bgp == nil || len(d.bgp.neighbors) < 2 {
			return false
		}
		i := r.Intn(len(d.bgp.neighbors))
		d.bgp.neighbors = slices.Delete(d.bgp.neighbors, i, i+1)
		return true
	}},
	{"bgp remote-as", func(r *rng, d *device, _ caps) bool {
		if d.bgp == nil || len(d.bgp.neighbors) == 0 {
			return false
		}
		d.bgp.neighbors[r.Intn(len(d.bgp.neighbors))].remoteAS = r.Between(64512, 65534)
		return true
	}},
	{"bgp neighbor description", func(r *rng, d *device, _ caps) bool {
		if d.bgp == nil || len(d.bgp.neighbors) == 0 {
			return false
		}
		n := &d.bgp.neighbors[r.Intn(len(d.bgp.neighbors))]
		old := n.desc
		for n.desc == old {
			n.desc = r.Pick(peers...)
		}
		return true
	}},
	{"bgp address family", func(r *rng, d *device, _ caps) bool {
		if d.bgp == nil || len(d.bgp.neighbors) == 0 {
			return false
		}
		n := &d.bgp.neighbors[r.Intn(len(d.bgp.neighbors))]
		n.ipv4 = !n.ipv4
		if !n.ipv4 {
			n.policyIn, n.policyOut = "", ""
		}
		return true
	}},
	{"bgp policy", func(r *rng, d *device, _ caps) bool {
		if d.bgp == nil || len(d.bgp.neighbors) == 0 {
			return false
		}
		n := &d.bgp.neighbors[r.Intn(len(d.bgp.neighbors))]
		if !n.ipv4 {
			return false
		}
		if n.policyIn != "" && r.Chance(40) {
			n.policyIn = ""
		} else {
			n.policyIn = r.Pick(policies...)
		}
		return true
	}},
	{"bgp network", func(r *rng, d *device, _ caps) bool {
		if d.bgp == nil {
			return false
		}
		if len(d.bgp.networks) > 0 && r.Chance(50) {
			d.bgp.networks = d.bgp.networks[1:]
			return true
		}
		p, l := randNetwork(r)
		if slices.ContainsFunc(d.bgp.networks, func(x route) bool { return x.prefix == p && x.plen == l }) {
			return false
		}
		d.bgp.networks = append(d.bgp.networks, route{prefix: p, plen: l})
		return true
	}},
	{"bgp removed", func(r *rng, d *device, _ caps) bool {
		if d.bgp == nil || !r.Chance(40) {
			return false
		}
		d.bgp = nil
		return true
	}},
	{"bgp added", func(r *rng, d *device, _ caps) bool {
		if d.bgp != nil {
			return false
		}
		d.newBGP(r, 1)
		return true
	}},
	{"ntp", func(r *rng, d *device, _ caps) bool {
		d.ntp = changeList(r, d.ntp, func() string { return randAddr(r, "10.1") })
		return true
	}},
	{"logging", func(r *rng, d *device, _ caps) bool {
		if r.Chance(30) {
			old := d.logBuffered
			for d.logBuffered == old {
				d.logBuffered = []int{0, 16384, 32768, 65536}[r.Intn(4)]
			}
			return true
		}
		d.logHosts = changeList(r, d.logHosts, func() string { return randAddr(r, "10.2") })
		return true
	}},
	{"name servers", func(r *rng, d *device, _ caps) bool {
		d.nameServers = changeList(r, d.nameServers, func() string { return randAddr(r, "10.0") })
		return true
	}},
	{"snmp", func(r *rng, d *device, _ caps) bool {
		switch r.Intn(3) {
		case 0:
			d.snmpLoc = fmt.Sprintf("%s DC%d rack %d", r.Pick(sites...), r.Between(1, 3), r.Between(41, 60))
		case 1:
			d.communities = append(d.communities, community{name: "ro-" + r.Hex(6)})
		default:
			if len(d.communities) < 2 {
				return false
			}
			d.communities = d.communities[1:]
		}
		return true
	}},
	{"aaa", func(r *rng, d *device, _ caps) bool {
		if len(d.tacacs) > 1 && r.Chance(50) {
			d.tacacs = d.tacacs[:len(d.tacacs)-1]
			return true
		}
		if r.Chance(50) {
			d.tacacs[0].key = r.Hex(18)
			return true
		}
		d.tacacs = append(d.tacacs, tacacsServer{name: fmt.Sprintf("TAC%d", len(d.tacacs)+1), addr: randAddr(r, "10.3"), key: r.Hex(18)})
		return true
	}},
}

// changeList adds, removes or replaces one element of a list of addresses.
func changeList(r *rng, l []string, fresh func() string) []string {
	l = slices.Clone(l)
	switch {
	case len(l) > 1 && r.Chance(35):
		i := r.Intn(len(l))
		return slices.Delete(l, i, i+1)
	}
	x := fresh()
	for slices.Contains(l, x) {
		x = fresh()
	}
	if r.Chance(50) {
		return append(l, x)
	}
	l[r.Intn(len(l))] = x
	return l
}

func sameRule(a, b aclEntry) bool {
	a.seq, b.seq = 0, 0
	return a == b
}

// mutate applies n changes to d, none of the excluded kinds, and returns
// their names.
func mutate(r *rng, d *device, c caps, n int, exclude ...string) []string {
	var names []string
	for tries := 0; len(names) < n && tries < 50*n; tries++ {
		m := mutations[r.Intn(len(mutations))]
		if slices.Contains(exclude, m.name) {
			continue
		}
		if m.apply(r, d, c) {
			names = append(names, m.name)
		}
	}
	return names
}
