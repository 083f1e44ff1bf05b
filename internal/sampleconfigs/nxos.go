package sampleconfigs

// NXOSOptions sizes a generated Cisco NX-OS configuration.
type NXOSOptions struct {
	Hostname string
	Ports    int // Ethernet1/N server ports
	VRFs     int // tenant VRFs, each with an SVI and a BGP VRF section
	Spines   int // BGP neighbors (uplinks)
}

// NXOS generates a Cisco NX-OS configuration of a VXLAN/EVPN data-centre
// leaf in a vPC pair: features, a "#"-delimited banner, VLANs, tenant VRF
// contexts with static routes, vPC, SVIs, port-channels, server ports and
// BGP with neighbors, address families and per-VRF sections.
func NXOS(seed uint64, o NXOSOptions) string {
	r := newRNG(seed)
	var w writer
	w.line("!Command: show running-config")
	w.line("!Running configuration last done at: Tue Apr  9 1%d:%02d:%02d 2024", r.Intn(10), r.Intn(60), r.Intn(60))
	w.line("!Time: Tue Apr  9 12:00:00 2024")
	w.line("")
	w.line("version 9.3(%d) Bios:version 05.4%d", 8+r.Intn(4), r.Intn(10))
	w.line("hostname %s", o.Hostname)
	w.line("vdc %s id 1", o.Hostname)
	w.line("  limit-resource vlan minimum 16 maximum 4094")
	w.line("  limit-resource vrf minimum 2 maximum 4096")
	w.line("")
	for _, f := range []string{"nxapi", "scp-server", "bgp", "interface-vlan", "vn-segment-vlan-based", "lacp", "vpc", "lldp", "nv overlay"} {
		w.line("feature %s", f)
	}
	w.line("nv overlay evpn")
	w.line("")
	w.line("no password strength-check")
	w.line("username admin password 5 $5$%s$%s  role network-admin", r.Hex(6), r.Hex(43))
	w.line("ip domain-lookup")
	w.line("ip domain-name dc.example.net")
	w.line("ip name-server 192.0.2.53 use-vrf management")
	w.line("banner motd #")
	w.raw(banner + "\n")
	w.line("#")
	w.line("")
	w.line("copp profile strict")
	w.line("snmp-server contact noc@example.net")
	w.line("snmp-server location %s hall %d", r.Pick(sites...), 1+r.Intn(4))
	w.line("snmp-server user admin network-admin auth sha 0x%s priv aes-128 0x%s localizedkey", r.Hex(40), r.Hex(32))
	w.line("snmp-server community %s group network-operator", r.Hex(12))
	w.line("snmp-server host 192.0.2.162 traps version 2c %s", r.Hex(12))
	w.line("ntp server 192.0.2.123 use-vrf management")
	w.line("ntp server 192.0.2.124 use-vrf management")
	w.line("")
	w.line("ip prefix-list PL-LOOPBACKS seq 5 permit 10.255.0.0/16 eq 32")
	w.line("route-map RM-REDIST-CONNECTED permit 10")
	w.line("  match ip address prefix-list PL-LOOPBACKS")
	w.line("route-map RM-REDIST-CONNECTED deny 20")
	w.line("")
	w.line("vlan 1,10-%d,3000", 10+o.VRFs*10)
	for v := range o.VRFs {
		for k := range 2 {
			id := 100 + v*10 + k
			w.line("vlan %d", id)
			w.line("  name %s-%s", customers[v%len(customers)], roles[k])
			w.line("  vn-segment %d", 10000+id)
		}
	}
	w.line("vlan 3000")
	w.line("  name VPC-PEER-L3")
	w.line("")
	w.line("spanning-tree port type edge bpduguard default")
	w.line("spanning-tree vlan 1-3967 priority 16384")
	w.line("")
	w.line("vrf context management")
	w.line("  ip route 0.0.0.0/0 192.0.2.1")
	for v := range o.VRFs {
		w.line("vrf context %s", customers[v%len(customers)])
		w.line("  vni %d", 50000+v)
		w.line("  ip route 0.0.0.0/0 10.%d.255.1", 100+v)
		if r.Chance(50) {
			w.line("  ip route 172.16.%d.0/24 Null0 tag 666", v)
		}
		w.line("  rd auto")
		w.line("  address-family ipv4 unicast")
		w.line("    route-target both auto")
		w.line("    route-target both auto evpn")
	}
	w.line("")
	w.line("vpc domain 10")
	w.line("  peer-switch")
	w.line("  role priority %d", 10+r.Intn(20))
	w.line("  peer-keepalive destination 192.0.2.%d source 192.0.2.%d vrf management", 12, 11)
	w.line("  delay restore 150")
	w.line("  peer-gateway")
	w.line("  auto-recovery")
	w.line("  ip arp synchronize")
	w.line("")
	w.line("")
	w.line("interface Vlan1")
	w.line("")
	for v := range o.VRFs {
		for k := range 2 {
			id := 100 + v*10 + k
			w.line("interface Vlan%d", id)
			w.line("  description %s %s", customers[v%len(customers)], roles[k])
			w.line("  no shutdown")
			w.line("  vrf member %s", customers[v%len(customers)])
			w.line("  no ip redirects")
			w.line("  ip address 10.%d.%d.1/24", 100+v, k)
			w.line("  fabric forwarding mode anycast-gateway")
			w.line("")
		}
	}
	w.line("interface port-channel10")
	w.line("  description vPC peer-link")
	w.line("  switchport mode trunk")
	w.line("  spanning-tree port type network")
	w.line("  vpc peer-link")
	w.line("")
	for p := range o.Ports / 2 {
		w.line("interface port-channel%d", 100+p)
		w.line("  description server-%s-%02d bond", r.Pick(sites...), p)
		w.line("  switchport access vlan %d", 100+10*r.Intn(max(o.VRFs, 1)))
		w.line("  mtu 9216")
		w.line("  vpc %d", 100+p)
		w.line("")
	}
	w.line("interface nve1")
	w.line("  no shutdown")
	w.line("  host-reachability protocol bgp")
	w.line("  source-interface loopback1")
	for v := range o.VRFs {
		w.line("  member vni %d associate-vrf", 50000+v)
		w.line("  member vni %d", 10100+v*10)
		w.line("    ingress-replication protocol bgp")
	}
	w.line("")
	for i := range o.Ports + o.Spines {
		w.line("interface Ethernet1/%d", i+1)
		switch {
		case i < o.Ports:
			w.line("  description server-%02d eth%d", i/2, i%2)
			w.line("  switchport access vlan %d", 100+10*r.Intn(max(o.VRFs, 1)))
			w.line("  spanning-tree port type edge")
			w.line("  mtu 9216")
			w.line("  channel-group %d mode active", 100+i/2)
			if r.Chance(10) {
				w.line("  shutdown")
			} else {
				w.line("  no shutdown")
			}
		default:
			s := i - o.Ports
			w.line("  description to spine%d Ethernet1/%d", s+1, 1+r.Intn(32))
			w.line("  no switchport")
			w.line("  mtu 9216")
			w.line("  ip address 10.0.%d.%d/31", s, 2*r.Intn(100)+1)
			w.line("  no shutdown")
		}
		w.line("")
	}
	w.line("interface mgmt0")
	w.line("  vrf member management")
	w.line("  ip address 192.0.2.11/24")
	w.line("")
	w.line("interface loopback0")
	w.line("  description router-id")
	w.line("  ip address 10.255.0.%d/32", 1+r.Intn(200))
	w.line("")
	w.line("interface loopback1")
	w.line("  description vtep")
	w.line("  ip address 10.254.0.%d/32", 1+r.Intn(200))
	w.line("line console")
	w.line("  exec-timeout 5")
	w.line("line vty")
	w.line("  exec-timeout 10")
	w.line("  access-class MGMT in")
	w.line("boot nxos bootflash:/nxos.9.3.8.bin")
	w.line("router bgp 65101")
	w.line("  router-id 10.255.0.1")
	w.line("  log-neighbor-changes")
	w.line("  address-family ipv4 unicast")
	w.line("    redistribute direct route-map RM-REDIST-CONNECTED")
	w.line("    maximum-paths 4")
	w.line("  address-family l2vpn evpn")
	w.line("    advertise-pip")
	w.line("  template peer SPINES")
	w.line("    remote-as 65100")
	w.line("    address-family ipv4 unicast")
	w.line("      send-community")
	w.line("      send-community extended")
	for s := range o.Spines {
		w.line("  neighbor 10.0.%d.0", s)
		w.line("    inherit peer SPINES")
		w.line("    description spine%d", s+1)
		w.line("    address-family l2vpn evpn")
		w.line("      send-community extended")
	}
	for v := range o.VRFs {
		w.line("  vrf %s", customers[v%len(customers)])
		w.line("    address-family ipv4 unicast")
		w.line("      advertise l2vpn evpn")
		w.line("      redistribute direct route-map RM-REDIST-CONNECTED")
	}
	w.line("evpn")
	for v := range o.VRFs {
		w.line("  vni %d l2", 10100+v*10)
		w.line("    rd auto")
		w.line("    route-target import auto")
		w.line("    route-target export auto")
	}
	w.line("")
	w.line("")
	w.line("logging server 192.0.2.140 5 use-vrf management")
	w.line("logging timestamp milliseconds")
	return w.String()
}
