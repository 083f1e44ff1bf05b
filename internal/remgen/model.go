package remgen

import (
	"fmt"
	"slices"
)

// device is the dialect-independent model both sides of a pair are printed
// from.
type device struct {
	hostname    string
	domain      string
	nameServers []string
	ntp         []string
	logHosts    []string
	logBuffered int // 0: not configured
	snmpLoc     string
	communities []community
	tacacs      []tacacsServer
	vlans       []vlan
	vrfs        []vrf
	ifaces      []iface
	acls        []acl
	routes      []route
	bgp         *bgp
}

type community struct {
	name string
	rw   bool
}

type tacacsServer struct {
	name, addr, key string
}

type vlan struct {
	id   int
	name string
}

type vrf struct {
	name string
	id   int // route distinguisher suffix
}

// Interface kinds.
const (
	ifPhysical = iota
	ifLoopback
	ifSVI
)

type iface struct {
	kind  int
	index int // port, loopback or VLAN number
	desc  string
	addr  string // "" when the interface has no address
	plen  int
	// secondary addresses, with the primary's prefix length (pairs from
	// SecondaryFrom on).
	secondary []string
	shut      bool
	mtu       int // 0: default
	vrf       string
	l2        string // "", "access" or "trunk"
	vlan      int    // access VLAN
	trunk     string // allowed VLANs of a trunk
}

type acl struct {
	name    string
	entries []aclEntry
}

// aclEntry is one rule; addresses are networks with prefix lengths, "" for
// any, and a /32 is a host.
type aclEntry struct {
	seq    int
	action string
	proto  string
	src    string
	srcLen int
	dst    string
	dstLen int
	port   int // 0: no port match
}

type route struct {
	vrf     string
	prefix  string
	plen    int
	nextHop string
}

type bgp struct {
	asn       int
	routerID  string
	networks  []route // prefix and length only
	neighbors []neighbor
}

type neighbor struct {
	addr      string
	remoteAS  int
	desc      string
	ipv4      bool   // activated in the IPv4 unicast address family
	policyIn  string // inbound route map / import policy, "" for none
	policyOut string
}

// caps are the features a dialect prints.
type caps struct {
	switching bool // VLANs and switch ports
}

func capsOf(dialect string) caps {
	switch dialect {
	case "ios", "nxos", "eos":
		return caps{switching: true}
	}
	return caps{}
}

var (
	sites    = []string{"ams", "fra", "lon", "par", "nyc", "sjc", "sin", "syd", "mad", "waw"}
	peers    = []string{"TRANSIT-A", "TRANSIT-B", "IX-RS1", "IX-RS2", "CUST-ACME", "CUST-GLOBEX", "CORE-1", "CORE-2", "DC-EDGE", "BACKUP-ISP"}
	roles    = []string{"users", "voice", "printers", "cameras", "guests", "servers", "storage", "mgmt", "wifi", "iot"}
	linkDesc = []string{"uplink to %s-core-%d", "to %s-dist-%d", "server %s-esx-%02d", "peering %s-ix-%d", "backup link %s-%d", "firewall %s-fw-%d"}
	vrfNames = []string{"CUST-A", "CUST-B", "MGMT-OOB", "VOICE", "GUEST", "PARTNER"}
	aclNames = []string{"MGMT-IN", "EDGE-IN", "VTY-ACCESS", "SNMP-RO", "WEB-FILTER", "BLOCK-BOGONS"}
	policies = []string{"RM-TRANSIT-IN", "RM-TRANSIT-OUT", "RM-CUST-IN", "RM-IX-IN", "RM-DENY-ALL"}
	ports    = []int{22, 23, 53, 80, 123, 161, 179, 443, 514, 3389, 8080}
	protos   = []string{"tcp", "tcp", "udp", "ip", "icmp"}
)

func randAddr(r *rng, prefix string) string {
	return fmt.Sprintf("%s.%d.%d", prefix, r.Between(0, 254), r.Between(1, 254))
}

// randFreshAddr returns an address under prefix that is not in l.
func randFreshAddr(r *rng, l []string, prefix string) string {
	for {
		a := randAddr(r, prefix)
		if !slices.Contains(l, a) {
			return a
		}
	}
}

func randIPv4(r *rng) string {
	return fmt.Sprintf("10.%d.%d.%d", r.Between(0, 254), r.Between(0, 254), r.Between(1, 254))
}

// randNetwork returns a network address with its prefix length.
func randNetwork(r *rng) (string, int) {
	plen := []int{8, 12, 16, 20, 22, 24, 24, 24, 28}[r.Intn(9)]
	a := uint32(r.Between(10, 223))<<24 | uint32(r.Intn(256))<<16 | uint32(r.Intn(256))<<8 | uint32(r.Intn(256))
	a &= ^uint32(0) << (32 - plen)
	return dotted(a), plen
}

func dotted(a uint32) string {
	return fmt.Sprintf("%d.%d.%d.%d", a>>24, a>>16&0xff, a>>8&0xff, a&0xff)
}

// mask returns the dotted network mask of a prefix length.
func mask(plen int) string { return dotted(^uint32(0) << (32 - plen)) }

// wildcard returns the inverse mask of a prefix length.
func wildcard(plen int) string { return dotted(^(^uint32(0) << (32 - plen))) }

// newDevice builds a random device model of the given size (interfaces,
// ACL entries, static routes and neighbours scale with it; 1 is a small
// device).
func newDevice(r *rng, c caps, scale int) *device {
	site := r.Pick(sites...)
	d := &device{
		hostname:    fmt.Sprintf("%s-%s-%02d", site, r.Pick("rtr", "edge", "core", "sw", "leaf"), r.Between(1, 40)),
		domain:      r.Pick("example.net", "corp.example.com", "net.example.org"),
		nameServers: []string{randAddr(r, "10.0")},
		ntp:         []string{randAddr(r, "10.1")},
		logHosts:    []string{randAddr(r, "10.2")},
		snmpLoc:     fmt.Sprintf("%s DC%d rack %d", site, r.Between(1, 3), r.Between(1, 40)),
		communities: []community{{name: "ro-" + r.Hex(6)}},
	}
	if r.Chance(50) {
		d.nameServers = append(d.nameServers, randFreshAddr(r, d.nameServers, "10.0"))
	}
	if r.Chance(60) {
		d.ntp = append(d.ntp, randFreshAddr(r, d.ntp, "10.1"))
	}
	if r.Chance(50) {
		d.logHosts = append(d.logHosts, randFreshAddr(r, d.logHosts, "10.2"))
	}
	if r.Chance(60) {
		d.logBuffered = []int{16384, 32768, 65536}[r.Intn(3)]
	}
	if r.Chance(30) {
		d.communities = append(d.communities, community{name: "rw-" + r.Hex(6), rw: true})
	}
	for i := 0; i < r.Between(1, 2); i++ {
		d.tacacs = append(d.tacacs, tacacsServer{name: fmt.Sprintf("TAC%d", i+1), addr: randAddr(r, "10.3"), key: r.Hex(18)})
	}
	for i := 0; i < r.Between(0, 2); i++ {
		d.addVRF(r)
	}
	if c.switching {
		for i := 0; i < r.Between(1, 2)*scale; i++ {
			d.addVLAN(r)
		}
	}
	d.ifaces = append(d.ifaces, iface{kind: ifLoopback, index: 0, desc: "router id", addr: randAddr(r, "10.255"), plen: 32})
	for i := 0; i < r.Between(2, 3)*scale; i++ {
		d.addInterface(r, c)
	}
	for i := 0; i < scale; i++ {
		d.addACL(r)
	}
	if r.Chance(30) {
		d.addACL(r)
	}
	for i := 0; i < r.Between(1, 2)*scale; i++ {
		d.addRoute(r)
	}
	if r.Chance(80) {
		d.newBGP(r, scale)
	}
	return d
}

func (d *device) addVRF(r *rng) bool {
	for range 4 {
		name := r.Pick(vrfNames...)
		if !slices.ContainsFunc(d.vrfs, func(v vrf) bool { return v.name == name }) {
			d.vrfs = append(d.vrfs, vrf{name: name, id: r.Between(1, 999)})
			return true
		}
	}
	return false
}

func (d *device) addVLAN(r *rng) bool {
	for range 4 {
		id := r.Between(2, 399)
		if !slices.ContainsFunc(d.vlans, func(v vlan) bool { return v.id == id }) {
			d.vlans = append(d.vlans, vlan{id: id, name: fmt.Sprintf("%s-%d", r.Pick(roles...), id)})
			slices.SortFunc(d.vlans, func(a, b vlan) int { return a.id - b.id })
			return true
		}
	}
	return false
}

func (d *device) hasIface(kind, index int) bool {
	return slices.ContainsFunc(d.ifaces, func(i iface) bool { return i.kind == kind && i.index == index })
}

func (d *device) addInterface(r *rng, c caps) bool {
	if c.switching && len(d.vlans) > 0 && r.Chance(25) {
		v := d.vlans[r.Intn(len(d.vlans))]
		if d.hasIface(ifSVI, v.id) {
			return false
		}
		d.ifaces = append(d.ifaces, iface{kind: ifSVI, index: v.id, desc: v.name + " gateway", addr: randIPv4(r), plen: 24})
		d.sortIfaces()
		return true
	}
	for range 4 {
		if d.addPort(r, c, r.Between(1, 48)) {
			return true
		}
	}
	return false
}

// addPort adds physical interface number port unless it exists.
func (d *device) addPort(r *rng, c caps, port int) bool {
	if d.hasIface(ifPhysical, port) {
		return false
	}
	it := iface{kind: ifPhysical, index: port, desc: fmt.Sprintf(r.Pick(linkDesc...), r.Pick(sites...), r.Between(1, 12))}
	if c.switching && len(d.vlans) > 0 && r.Chance(35) {
		d.makeSwitchport(r, &it)
	} else {
		it.addr, it.plen = randIPv4(r), []int{24, 30, 31, 29}[r.Intn(4)]
		if len(d.vrfs) > 0 && r.Chance(30) {
			it.vrf = d.vrfs[r.Intn(len(d.vrfs))].name
		}
	}
	if r.Chance(30) {
		it.mtu = []int{1500, 9000, 9100, 9216}[r.Intn(4)]
	}
	it.shut = r.Chance(15)
	d.ifaces = append(d.ifaces, it)
	d.sortIfaces()
	return true
}

func (d *device) makeSwitchport(r *rng, it *iface) {
	it.addr, it.plen, it.vrf, it.secondary = "", 0, "", nil
	if r.Chance(60) {
		it.l2, it.vlan = "access", d.vlans[r.Intn(len(d.vlans))].id
		return
	}
	it.l2 = "trunk"
	ids := make([]int, 0, len(d.vlans))
	for _, v := range d.vlans {
		if r.Chance(70) || len(ids) == 0 {
			ids = append(ids, v.id)
		}
	}
	it.trunk = joinInts(ids)
}

func joinInts(ids []int) string {
	s := ""
	for i, id := range ids {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprint(id)
	}
	return s
}

func (d *device) sortIfaces() {
	slices.SortStableFunc(d.ifaces, func(a, b iface) int {
		if a.kind != b.kind {
			return a.kind - b.kind
		}
		return a.index - b.index
	})
}

func (d *device) addACL(r *rng) bool {
	for try := range 4 {
		name := r.Pick(aclNames...)
		if len(d.acls) >= len(aclNames) || try == 3 {
			name = fmt.Sprintf("%s-%d", name, len(d.acls)+1)
		}
		if slices.ContainsFunc(d.acls, func(a acl) bool { return a.name == name }) {
			continue
		}
		a := acl{name: name}
		n := r.Between(1, 4)
		for i := 0; i < n; i++ {
			e := a.newEntry(r)
			e.seq = 10 * (len(a.entries) + 1)
			a.entries = append(a.entries, e)
		}
		last := aclEntry{seq: 10 * (len(a.entries) + 1), action: "deny", proto: "ip"}
		a.entries = append(a.entries, last)
		d.acls = append(d.acls, a)
		return true
	}
	return false
}

// newEntry returns a random rule that is not in the list yet (nor the final
// "deny ip any any").
func (a *acl) newEntry(r *rng) aclEntry {
	for {
		e := randomEntry(r)
		if !sameRule(e, aclEntry{action: "deny", proto: "ip"}) &&
			!slices.ContainsFunc(a.entries, func(x aclEntry) bool { return sameRule(x, e) }) {
			return e
		}
	}
}

func randomEntry(r *rng) aclEntry {
	e := aclEntry{action: r.Pick("permit", "permit", "deny"), proto: r.Pick(protos...)}
	if r.Chance(60) {
		e.src, e.srcLen = randNetwork(r)
	}
	if r.Chance(50) {
		e.dst, e.dstLen = randAddr(r, "10.4"), 32
	} else if r.Chance(60) {
		e.dst, e.dstLen = randNetwork(r)
	}
	if e.proto == "tcp" || e.proto == "udp" {
		e.port = ports[r.Intn(len(ports))]
	}
	return e
}

func (d *device) addRoute(r *rng) bool {
	rt := route{nextHop: randAddr(r, "10.5")}
	rt.prefix, rt.plen = randNetwork(r)
	if len(d.vrfs) > 0 && r.Chance(30) {
		rt.vrf = d.vrfs[r.Intn(len(d.vrfs))].name
	}
	if slices.ContainsFunc(d.routes, func(x route) bool { return x.vrf == rt.vrf && x.prefix == rt.prefix && x.plen == rt.plen }) {
		return false
	}
	d.routes = append(d.routes, rt)
	return true
}

func (d *device) newBGP(r *rng, scale int) {
	d.bgp = &bgp{asn: r.Between(64512, 65534), routerID: d.loopback()}
	for i := 0; i < r.Between(0, 2); i++ {
		p, l := randNetwork(r)
		d.bgp.networks = append(d.bgp.networks, route{prefix: p, plen: l})
	}
	for i := 0; i < r.Between(1, 2)*scale; i++ {
		d.addNeighbor(r)
	}
}

func (d *device) addNeighbor(r *rng) bool {
	n := neighbor{addr: randAddr(r, "10.6"), remoteAS: r.Between(64512, 65534), desc: r.Pick(peers...), ipv4: r.Chance(85)}
	if r.Chance(15) {
		n.remoteAS = d.bgp.asn
	}
	if n.ipv4 && r.Chance(50) {
		n.policyIn = r.Pick(policies...)
	}
	if n.ipv4 && r.Chance(30) {
		n.policyOut = r.Pick(policies...)
	}
	if slices.ContainsFunc(d.bgp.neighbors, func(x neighbor) bool { return x.addr == n.addr }) {
		return false
	}
	d.bgp.neighbors = append(d.bgp.neighbors, n)
	return true
}

// policiesUsed lists the route maps the neighbours reference, sorted.
func (d *device) policiesUsed() []string {
	var out []string
	if d.bgp == nil {
		return nil
	}
	for _, n := range d.bgp.neighbors {
		for _, p := range []string{n.policyIn, n.policyOut} {
			if p != "" && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out
}

// vrfsUsed reports whether a VRF is referenced by an interface or a route.
func (d *device) vrfUsed(name string) bool {
	return slices.ContainsFunc(d.ifaces, func(i iface) bool { return i.vrf == name }) ||
		slices.ContainsFunc(d.routes, func(x route) bool { return x.vrf == name })
}

func (d *device) clone() *device {
	c := *d
	c.nameServers = slices.Clone(d.nameServers)
	c.ntp = slices.Clone(d.ntp)
	c.logHosts = slices.Clone(d.logHosts)
	c.communities = slices.Clone(d.communities)
	c.tacacs = slices.Clone(d.tacacs)
	c.vlans = slices.Clone(d.vlans)
	c.vrfs = slices.Clone(d.vrfs)
	c.ifaces = slices.Clone(d.ifaces)
	for i := range c.ifaces {
		c.ifaces[i].secondary = slices.Clone(d.ifaces[i].secondary)
	}
	c.acls = slices.Clone(d.acls)
	for i := range c.acls {
		c.acls[i].entries = slices.Clone(d.acls[i].entries)
	}
	c.routes = slices.Clone(d.routes)
	if d.bgp != nil {
		b := *d.bgp
		b.networks = slices.Clone(d.bgp.networks)
		b.neighbors = slices.Clone(d.bgp.neighbors)
		c.bgp = &b
	}
	return &c
}

// loopback returns the address of Loopback0 (the router ID).
func (d *device) loopback() string {
	for _, it := range d.ifaces {
		if it.kind == ifLoopback {
			return it.addr
		}
	}
	return "10.255.255.1"
}

// routedPorts lists the indexes of the physical interfaces with an address.
func (d *device) routedPorts() []int {
	var out []int
	for i, it := range d.ifaces {
		if it.kind == ifPhysical && it.addr != "" {
			out = append(out, i)
		}
	}
	return out
}

// addSecondaries gives some routed ports a secondary address (at least
// one when there is a routed port).
func (d *device) addSecondaries(r *rng) {
	ports := d.routedPorts()
	for n, i := range ports {
		if r.Chance(50) || (n == len(ports)-1 && !d.hasSecondary()) {
			d.ifaces[i].secondary = append(d.ifaces[i].secondary, randIPv4(r))
		}
	}
}

func (d *device) hasSecondary() bool {
	return slices.ContainsFunc(d.ifaces, func(it iface) bool { return len(it.secondary) > 0 })
}

// mutateSecondary adds, removes or replaces a secondary address.
func (d *device) mutateSecondary(r *rng) bool {
	ports := d.routedPorts()
	if len(ports) == 0 {
		return false
	}
	it := &d.ifaces[ports[r.Intn(len(ports))]]
	switch {
	case len(it.secondary) == 0 || r.Chance(25):
		it.secondary = append(it.secondary, randIPv4(r))
	case r.Chance(65):
		it.secondary = it.secondary[:len(it.secondary)-1]
	default:
		it.secondary[0] = randIPv4(r)
	}
	return true
}
