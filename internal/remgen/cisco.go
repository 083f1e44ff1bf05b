package remgen

// ios prints a Cisco IOS-XE configuration (a Catalyst routing switch).
func ios(d *device) string {
	var w writer
	w.line("!")
	w.line("hostname %s", d.hostname)
	w.line("!")
	for _, v := range d.vrfs {
		w.line("vrf definition %s", v.name)
		w.line(" rd 65000:%d", v.id)
		w.line(" !")
		w.line(" address-family ipv4")
		w.line(" exit-address-family")
		w.line("!")
	}
	w.line("aaa new-model")
	w.line("aaa group server tacacs+ TACACS")
	for _, t := range d.tacacs {
		w.line(" server name %s", t.name)
	}
	w.line("aaa authentication login default group TACACS local")
	w.line("aaa authorization exec default group TACACS local")
	w.line("!")
	w.line("ip domain name %s", d.domain)
	w.line("ip name-server %s", join(d.nameServers))
	w.line("!")
	for _, v := range d.vlans {
		w.line("vlan %d", v.id)
		w.line(" name %s", v.name)
		w.line("!")
	}
	for _, it := range d.ifaces {
		w.line("interface %s", ifName("ios", it))
		w.line(" description %s", it.desc)
		switch it.l2 {
		case "access":
			w.line(" switchport access vlan %d", it.vlan)
			w.line(" switchport mode access")
		case "trunk":
			w.line(" switchport trunk allowed vlan %s", it.trunk)
			w.line(" switchport mode trunk")
		}
		if it.mtu != 0 {
			w.line(" mtu %d", it.mtu)
		}
		if it.vrf != "" {
			w.line(" vrf forwarding %s", it.vrf)
		}
		if it.addr != "" {
			w.line(" ip address %s %s", it.addr, mask(it.plen))
			for _, a := range it.secondary {
				w.line(" ip address %s %s secondary", a, mask(it.plen))
			}
		}
		if it.shut {
			w.line(" shutdown")
		}
		w.line("!")
	}
	if b := d.bgp; b != nil {
		w.line("router bgp %d", b.asn)
		w.line(" bgp router-id %s", b.routerID)
		w.line(" bgp log-neighbor-changes")
		w.line(" no bgp default ipv4-unicast")
		for _, n := range b.neighbors {
			w.line(" neighbor %s remote-as %d", n.addr, n.remoteAS)
			w.line(" neighbor %s description %s", n.addr, n.desc)
		}
		w.line(" !")
		w.line(" address-family ipv4")
		for _, p := range b.networks {
			w.line("  network %s mask %s", p.prefix, mask(p.plen))
		}
		for _, n := range b.neighbors {
			if !n.ipv4 {
				continue
			}
			w.line("  neighbor %s activate", n.addr)
			if n.policyIn != "" {
				w.line("  neighbor %s route-map %s in", n.addr, n.policyIn)
			}
			if n.policyOut != "" {
				w.line("  neighbor %s route-map %s out", n.addr, n.policyOut)
			}
		}
		w.line(" exit-address-family")
		w.line("!")
	}
	for _, rt := range d.routes {
		if rt.vrf == "" {
			w.line("ip route %s %s %s", rt.prefix, mask(rt.plen), rt.nextHop)
		} else {
			w.line("ip route vrf %s %s %s %s", rt.vrf, rt.prefix, mask(rt.plen), rt.nextHop)
		}
	}
	w.line("!")
	for _, a := range d.acls {
		w.line("ip access-list extended %s", a.name)
		for _, e := range a.entries {
			w.line(" %s", aclRule(e, wildcardOrAny))
		}
		w.line("!")
	}
	for _, p := range d.policiesUsed() {
		w.line("route-map %s permit 10", p)
		w.line(" set local-preference %d", policyPref(p))
		w.line("!")
	}
	if d.logBuffered != 0 {
		w.line("logging buffered %d", d.logBuffered)
	}
	for _, h := range d.logHosts {
		w.line("logging host %s", h)
	}
	w.line("!")
	for _, c := range d.communities {
		w.line("snmp-server community %s %s", c.name, roRW(c.rw, "RO", "RW"))
	}
	w.line("snmp-server location %s", d.snmpLoc)
	w.line("!")
	for _, t := range d.tacacs {
		w.line("tacacs server %s", t.name)
		w.line(" address ipv4 %s", t.addr)
		w.line(" key 7 %s", t.key)
		w.line("!")
	}
	for _, n := range d.ntp {
		w.line("ntp server %s", n)
	}
	w.line("!")
	w.line("end")
	return w.String()
}

// nxos prints a Cisco NX-OS configuration (a Nexus leaf switch).
func nxos(d *device) string {
	var w writer
	w.line("hostname %s", d.hostname)
	w.line("")
	w.line("feature tacacs+")
	if d.bgp != nil {
		w.line("feature bgp")
	}
	w.line("feature interface-vlan")
	w.line("")
	for _, t := range d.tacacs {
		w.line("tacacs-server host %s key 7 \"%s\"", t.addr, t.key)
	}
	w.line("aaa group server tacacs+ TACACS")
	for _, t := range d.tacacs {
		w.line("  server %s", t.addr)
	}
	w.line("  use-vrf management")
	w.line("aaa authentication login default group TACACS")
	w.line("ip domain-name %s", d.domain)
	w.line("ip name-server %s", join(d.nameServers))
	w.line("")
	w.line("snmp-server location %s", d.snmpLoc)
	for _, c := range d.communities {
		w.line("snmp-server community %s group %s", c.name, roRW(c.rw, "network-operator", "network-admin"))
	}
	for _, n := range d.ntp {
		w.line("ntp server %s use-vrf management", n)
	}
	w.line("")
	for _, a := range d.acls {
		w.line("ip access-list %s", a.name)
		for _, e := range a.entries {
			w.line("  %d %s", e.seq, aclRule(e, cidrOrAny))
		}
	}
	for _, rt := range d.routes {
		if rt.vrf == "" {
			w.line("ip route %s/%d %s", rt.prefix, rt.plen, rt.nextHop)
		}
	}
	for _, v := range d.vlans {
		w.line("vlan %d", v.id)
		w.line("  name %s", v.name)
	}
	w.line("")
	for _, p := range d.policiesUsed() {
		w.line("route-map %s permit 10", p)
		w.line("  set local-preference %d", policyPref(p))
	}
	for _, v := range d.vrfs {
		w.line("vrf context %s", v.name)
		w.line("  rd 65000:%d", v.id)
		for _, rt := range d.routes {
			if rt.vrf == v.name {
				w.line("  ip route %s/%d %s", rt.prefix, rt.plen, rt.nextHop)
			}
		}
		w.line("  address-family ipv4 unicast")
	}
	w.line("")
	for _, it := range d.ifaces {
		w.line("")
		w.line("interface %s", ifName("nxos", it))
		w.line("  description %s", it.desc)
		if it.kind == ifPhysical {
			switch it.l2 {
			case "access":
				w.line("  switchport")
				w.line("  switchport access vlan %d", it.vlan)
			case "trunk":
				w.line("  switchport")
				w.line("  switchport mode trunk")
				w.line("  switchport trunk allowed vlan %s", it.trunk)
			default:
				w.line("  no switchport")
			}
			if it.mtu != 0 {
				w.line("  mtu %d", it.mtu)
			}
		}
		if it.vrf != "" {
			w.line("  vrf member %s", it.vrf)
		}
		if it.addr != "" {
			w.line("  ip address %s/%d", it.addr, it.plen)
			for _, a := range it.secondary {
				w.line("  ip address %s/%d secondary", a, it.plen)
			}
		}
		if it.kind != ifLoopback {
			if it.shut {
				w.line("  shutdown")
			} else {
				w.line("  no shutdown")
			}
		}
	}
	w.line("")
	if b := d.bgp; b != nil {
		w.line("router bgp %d", b.asn)
		w.line("  router-id %s", b.routerID)
		w.line("  log-neighbor-changes")
		w.line("  address-family ipv4 unicast")
		for _, p := range b.networks {
			w.line("    network %s/%d", p.prefix, p.plen)
		}
		for _, n := range b.neighbors {
			w.line("  neighbor %s", n.addr)
			w.line("    remote-as %d", n.remoteAS)
			w.line("    description %s", n.desc)
			if n.ipv4 {
				w.line("    address-family ipv4 unicast")
				if n.policyIn != "" {
					w.line("      route-map %s in", n.policyIn)
				}
				if n.policyOut != "" {
					w.line("      route-map %s out", n.policyOut)
				}
			}
		}
	}
	w.line("")
	for _, h := range d.logHosts {
		w.line("logging server %s 5 use-vrf management", h)
	}
	if d.logBuffered != 0 {
		w.line("logging logfile messages 5 size %d", d.logBuffered*64)
	}
	return w.String()
}

// eos prints an Arista EOS configuration (a data-centre leaf).
func eos(d *device) string {
	var w writer
	w.line("! device: %s (DCS-7050SX3-48YC8, EOS-4.30.4M)", d.hostname)
	w.line("!")
	w.line("hostname %s", d.hostname)
	w.line("ip domain-name %s", d.domain)
	for _, n := range d.nameServers {
		w.line("ip name-server vrf default %s", n)
	}
	w.line("!")
	for _, n := range d.ntp {
		w.line("ntp server %s", n)
	}
	w.line("!")
	w.line("snmp-server location %s", d.snmpLoc)
	for _, c := range d.communities {
		w.line("snmp-server community %s %s", c.name, roRW(c.rw, "ro", "rw"))
	}
	w.line("!")
	for _, t := range d.tacacs {
		w.line("tacacs-server host %s key 7 %s", t.addr, t.key)
	}
	w.line("!")
	w.line("aaa group server tacacs+ TACACS")
	for _, t := range d.tacacs {
		w.line("   server %s", t.addr)
	}
	w.line("!")
	w.line("aaa authentication login default group TACACS local")
	w.line("aaa authorization exec default group TACACS local")
	w.line("!")
	for _, v := range d.vlans {
		w.line("vlan %d", v.id)
		w.line("   name %s", v.name)
		w.line("!")
	}
	for _, v := range d.vrfs {
		w.line("vrf instance %s", v.name)
		w.line("!")
	}
	for _, it := range d.ifaces {
		w.line("interface %s", ifName("eos", it))
		w.line("   description %s", it.desc)
		if it.kind == ifPhysical {
			if it.shut {
				w.line("   shutdown")
			} else {
				w.line("   no shutdown")
			}
			if it.mtu != 0 {
				w.line("   mtu %d", it.mtu)
			}
			switch it.l2 {
			case "access":
				w.line("   switchport access vlan %d", it.vlan)
			case "trunk":
				w.line("   switchport trunk allowed vlan %s", it.trunk)
				w.line("   switchport mode trunk")
			default:
				w.line("   no switchport")
			}
		}
		if it.vrf != "" {
			w.line("   vrf %s", it.vrf)
		}
		if it.addr != "" {
			w.line("   ip address %s/%d", it.addr, it.plen)
			for _, a := range it.secondary {
				w.line("   ip address %s/%d secondary", a, it.plen)
			}
		}
		w.line("!")
	}
	for _, a := range d.acls {
		w.line("ip access-list %s", a.name)
		for _, e := range a.entries {
			w.line("   %d %s", e.seq, aclRule(e, hostOrCIDR))
		}
		w.line("!")
	}
	w.line("ip routing")
	for _, v := range d.vrfs {
		w.line("ip routing vrf %s", v.name)
	}
	w.line("!")
	for _, rt := range d.routes {
		if rt.vrf == "" {
			w.line("ip route %s/%d %s", rt.prefix, rt.plen, rt.nextHop)
		} else {
			w.line("ip route vrf %s %s/%d %s", rt.vrf, rt.prefix, rt.plen, rt.nextHop)
		}
	}
	w.line("!")
	for _, p := range d.policiesUsed() {
		w.line("route-map %s permit 10", p)
		w.line("   set local-preference %d", policyPref(p))
		w.line("!")
	}
	if b := d.bgp; b != nil {
		w.line("router bgp %d", b.asn)
		w.line("   router-id %s", b.routerID)
		w.line("   no bgp default ipv4-unicast")
		for _, n := range b.neighbors {
			w.line("   neighbor %s remote-as %d", n.addr, n.remoteAS)
			w.line("   neighbor %s description %s", n.addr, n.desc)
		}
		w.line("   !")
		w.line("   address-family ipv4")
		for _, n := range b.neighbors {
			if !n.ipv4 {
				continue
			}
			w.line("      neighbor %s activate", n.addr)
			if n.policyIn != "" {
				w.line("      neighbor %s route-map %s in", n.addr, n.policyIn)
			}
			if n.policyOut != "" {
				w.line("      neighbor %s route-map %s out", n.addr, n.policyOut)
			}
		}
		for _, p := range b.networks {
			w.line("      network %s/%d", p.prefix, p.plen)
		}
		w.line("!")
	}
	if d.logBuffered != 0 {
		w.line("logging buffered %d", d.logBuffered)
	}
	for _, h := range d.logHosts {
		w.line("logging host %s", h)
	}
	w.line("!")
	w.line("end")
	return w.String()
}

// iosxr prints a Cisco IOS-XR configuration (a provider edge router).
func iosxr(d *device) string {
	var w writer
	w.line("!! IOS XR Configuration 7.9.2")
	w.line("!")
	w.line("hostname %s", d.hostname)
	w.line("domain name %s", d.domain)
	for _, n := range d.nameServers {
		w.line("domain name-server %s", n)
	}
	if d.logBuffered != 0 {
		w.line("logging buffered %d", d.logBuffered*16)
	}
	for _, h := range d.logHosts {
		w.line("logging %s vrf default severity info", h)
	}
	for _, t := range d.tacacs {
		w.line("tacacs-server host %s port 49", t.addr)
		w.line(" key 7 %s", t.key)
		w.line("!")
	}
	w.line("aaa group server tacacs+ TACACS")
	for _, t := range d.tacacs {
		w.line(" server %s", t.addr)
	}
	w.line("!")
	w.line("aaa authentication login default group TACACS local")
	for _, c := range d.communities {
		w.line("snmp-server community %s %s", c.name, roRW(c.rw, "RO", "RW"))
	}
	w.line("snmp-server location %s", d.snmpLoc)
	w.line("ntp")
	for _, n := range d.ntp {
		w.line(" server %s", n)
	}
	w.line("!")
	for _, v := range d.vrfs {
		w.line("vrf %s", v.name)
		w.line(" rd 65000:%d", v.id)
		w.line(" address-family ipv4 unicast")
		w.line(" !")
		w.line("!")
	}
	for _, a := range d.acls {
		w.line("ipv4 access-list %s", a.name)
		for _, e := range a.entries {
			w.line(" %d %s", e.seq, aclRule(e, wildcardOrAny))
		}
		w.line("!")
	}
	for _, it := range d.ifaces {
		w.line("interface %s", ifName("iosxr", it))
		w.line(" description %s", it.desc)
		if it.mtu != 0 {
			w.line(" mtu %d", it.mtu+14)
		}
		if it.vrf != "" {
			w.line(" vrf %s", it.vrf)
		}
		if it.addr != "" {
			w.line(" ipv4 address %s %s", it.addr, mask(it.plen))
			for _, a := range it.secondary {
				w.line(" ipv4 address %s %s secondary", a, mask(it.plen))
			}
		}
		if it.shut {
			w.line(" shutdown")
		}
		w.line("!")
	}
	w.line("route-policy PASS")
	w.line("  pass")
	w.line("end-policy")
	w.line("!")
	for _, p := range d.policiesUsed() {
		w.line("route-policy %s", p)
		w.line("  set local-preference %d", policyPref(p))
		w.line("end-policy")
		w.line("!")
	}
	if len(d.routes) > 0 {
		w.line("router static")
		var global []route
		for _, rt := range d.routes {
			if rt.vrf == "" {
				global = append(global, rt)
			}
		}
		if len(global) > 0 {
			w.line(" address-family ipv4 unicast")
			for _, rt := range global {
				w.line("  %s/%d %s", rt.prefix, rt.plen, rt.nextHop)
			}
			w.line(" !")
		}
		for _, v := range d.vrfs {
			if !routesIn(d, v.name) {
				continue
			}
			w.line(" vrf %s", v.name)
			w.line("  address-family ipv4 unicast")
			for _, rt := range d.routes {
				if rt.vrf == v.name {
					w.line("   %s/%d %s", rt.prefix, rt.plen, rt.nextHop)
				}
			}
			w.line("  !")
			w.line(" !")
		}
		w.line("!")
	}
	if b := d.bgp; b != nil {
		w.line("router bgp %d", b.asn)
		w.line(" bgp router-id %s", b.routerID)
		w.line(" address-family ipv4 unicast")
		for _, p := range b.networks {
			w.line("  network %s/%d", p.prefix, p.plen)
		}
		w.line(" !")
		for _, n := range b.neighbors {
			w.line(" neighbor %s", n.addr)
			w.line("  remote-as %d", n.remoteAS)
			w.line("  description %s", n.desc)
			if n.ipv4 {
				w.line("  address-family ipv4 unicast")
				w.line("   route-policy %s in", orPass(n.policyIn))
				w.line("   route-policy %s out", orPass(n.policyOut))
				w.line("  !")
			}
			w.line(" !")
		}
		w.line("!")
	}
	w.line("end")
	return w.String()
}

func routesIn(d *device, vrfName string) bool {
	for _, rt := range d.routes {
		if rt.vrf == vrfName {
			return true
		}
	}
	return false
}

func orPass(p string) string {
	if p == "" {
		return "PASS"
	}
	return p
}

func roRW(rw bool, ro, rwText string) string {
	if rw {
		return rwText
	}
	return ro
}

// policyPref is the local preference a named policy sets.
func policyPref(name string) int {
	n := 0
	for i := 0; i < len(name); i++ {
		n += int(name[i])
	}
	return 50 + n%250
}

func join(l []string) string {
	s := ""
	for i, x := range l {
		if i > 0 {
			s += " "
		}
		s += x
	}
	return s
}
