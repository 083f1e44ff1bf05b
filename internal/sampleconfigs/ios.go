package sampleconfigs

// IOSOptions sizes a generated Cisco IOS configuration.
type IOSOptions struct {
	Hostname    string
	AccessPorts int // switch ports (GigabitEthernet1/0/N, FastEthernet0/N)
	ACLEntries  int // entries of the extended access list EDGE-IN
	Neighbors   int // BGP neighbors
}

// IOS generates a Cisco IOS / IOS-XE configuration of a branch router with
// an access switch stack: VLANs, QoS, routed and switched interfaces, OSPF,
// BGP with address families, named and numbered access lists, prefix lists,
// route maps, SNMP, a multi-line banner and console/VTY lines.
func IOS(seed uint64, o IOSOptions) string {
	r := newRNG(seed)
	var w writer
	w.line("!")
	w.line("! Last configuration change at 09:%02d:%02d UTC Mon Mar 4 2024 by netops", r.Intn(60), r.Intn(60))
	w.line("!")
	w.line("version 15.%d", 2+r.Intn(4))
	w.line("service timestamps debug datetime msec")
	w.line("service timestamps log datetime msec")
	w.line("service password-encryption")
	w.line("no service pad")
	w.line("!")
	w.line("hostname %s", o.Hostname)
	w.line("!")
	w.line("boot-start-marker")
	w.line("boot-end-marker")
	w.line("!")
	w.line("logging buffered 51200 warnings")
	w.line("enable secret 5 $1$%s$%s", r.Hex(4), r.Hex(22))
	w.line("!")
	w.line("aaa new-model")
	w.line("aaa authentication login default group tacacs+ local")
	w.line("aaa authorization exec default group tacacs+ local")
	w.line("aaa accounting exec default start-stop group tacacs+")
	w.line("!")
	w.line("clock timezone UTC 0 0")
	w.line("ip domain name %s.example.net", r.Pick(sites...))
	w.line("ip name-server 192.0.2.53 192.0.2.54")
	w.line("ip cef")
	w.line("no ip http server")
	w.line("no ip http secure-server")
	w.line("ip ssh version 2")
	w.line("!")
	w.line("username netops privilege 15 secret 5 $1$%s$%s", r.Hex(4), r.Hex(22))
	w.line("!")
	vlans := []int{10, 20, 30, 40, 99}
	for i, v := range vlans {
		w.line("vlan %d", v)
		w.line(" name %s", roles[i%len(roles)])
	}
	w.line("!")
	iosQoS(&w)
	w.line("interface Loopback0")
	w.line(" ip address 10.255.%d.%d 255.255.255.255", r.Intn(256), 1+r.Intn(254))
	w.line("!")
	for i := range 2 {
		w.line("interface GigabitEthernet0/%d", i)
		w.line(" description WAN to ISP-%c circuit %s", 'A'+i, r.Hex(8))
		w.line(" ip address 203.0.113.%d 255.255.255.252", 4*i+2)
		w.line(" ip access-group EDGE-IN in")
		w.line(" ip nat outside")
		w.line(" service-policy output WAN-OUT")
		w.line(" duplex auto")
		w.line(" speed auto")
		w.line(" no shutdown")
		w.line("!")
	}
	w.line("interface GigabitEthernet0/2")
	w.line(" description LAN trunk")
	w.line(" no ip address")
	w.line("!")
	for i, v := range vlans[:4] {
		w.line("interface GigabitEthernet0/2.%d", v)
		w.line(" encapsulation dot1Q %d", v)
		w.line(" ip address 10.%d.%d.1 255.255.255.0", 16+i, v)
		w.line(" ip helper-address 192.0.2.67")
		w.line(" ip nat inside")
		w.line("!")
	}
	for i := range o.AccessPorts {
		name := "GigabitEthernet1/0/"
		n := i%48 + 1
		if i >= 48 {
			name = "FastEthernet" + string(rune('0'+i/48%10)) + "/"
		}
		w.line("interface %s%d", name, n)
		v := vlans[r.Intn(4)]
		w.line(" description %s port %d (%s)", roles[r.Intn(len(roles))], i+1, r.Pick(sites...))
		w.line(" switchport mode access")
		w.line(" switchport access vlan %d", v)
		if r.Chance(50) {
			w.line(" switchport voice vlan 20")
		}
		w.line(" spanning-tree portfast")
		if r.Chance(30) {
			w.line(" storm-control broadcast level 1.00")
		}
		if r.Chance(15) {
			w.line(" shutdown")
		}
		w.line("!")
	}
	w.line("interface Vlan99")
	w.line(" description management")
	w.line(" ip address 10.99.0.%d 255.255.255.0", 2+r.Intn(200))
	w.line("!")
	w.line("router ospf 1")
	w.line(" router-id 10.255.0.1")
	w.line(" log-adjacency-changes")
	w.line(" passive-interface default")
	w.line(" no passive-interface GigabitEthernet0/2.10")
	w.line(" network 10.0.0.0 0.255.255.255 area 0")
	w.line("!")
	iosBGP(&w, r, o.Neighbors)
	w.line("ip nat inside source list 10 interface GigabitEthernet0/0 overload")
	w.line("ip route 0.0.0.0 0.0.0.0 203.0.113.1")
	w.line("ip route 0.0.0.0 0.0.0.0 203.0.113.5 250")
	w.line("ip route 192.0.2.0 255.255.255.0 Null0 tag 666")
	w.line("!")
	iosACLs(&w, r, o.ACLEntries)
	iosRouteMaps(&w, r)
	w.line("snmp-server community %s RO 10", r.Hex(12))
	w.line("snmp-server location %s rack %d", r.Pick(sites...), 1+r.Intn(40))
	w.line("snmp-server contact noc@example.net")
	w.line("snmp-server enable traps snmp authentication linkdown linkup coldstart warmstart")
	w.line("snmp-server enable traps bgp")
	w.line("snmp-server host 192.0.2.162 version 2c %s", r.Hex(12))
	w.line("tacacs-server host 192.0.2.49")
	w.line("tacacs-server key 7 %s", r.Hex(20))
	w.line("!")
	w.line("banner exec ^C")
	w.line("%s", o.Hostname)
	w.line("^C")
	w.line("banner motd ^C")
	w.raw(banner + "\n")
	w.line("^C")
	w.line("!")
	w.line("line con 0")
	w.line(" exec-timeout 5 0")
	w.line(" logging synchronous")
	w.line("line aux 0")
	w.line(" no exec")
	w.line("line vty 0 4")
	w.line(" access-class MGMT in")
	w.line(" exec-timeout 10 0")
	w.line(" transport input ssh")
	w.line("line vty 5 15")
	w.line(" transport input none")
	w.line("!")
	w.line("ntp source Loopback0")
	w.line("ntp server 192.0.2.123 prefer")
	w.line("ntp server 192.0.2.124")
	w.line("end")
	return w.String()
}

func iosQoS(w *writer) {
	w.line("class-map match-any VOICE")
	w.line(" match dscp ef")
	w.line("class-map match-any VIDEO")
	w.line(" match dscp af41 af42")
	w.line("class-map match-all SCAVENGER")
	w.line(" match dscp cs1")
	w.line("!")
	w.line("policy-map WAN-CHILD")
	w.line(" class VOICE")
	w.line("  priority percent 20")
	w.line(" class VIDEO")
	w.line("  bandwidth remaining percent 30")
	w.line(" class SCAVENGER")
	w.line("  bandwidth remaining percent 1")
	w.line(" class class-default")
	w.line("  fair-queue")
	w.line("  random-detect dscp-based")
	w.line("policy-map WAN-OUT")
	w.line(" class class-default")
	w.line("  shape average 100000000")
	w.line("   service-policy WAN-CHILD")
	w.line("!")
}

func iosBGP(w *writer, r *rng, neighbors int) {
	w.line("router bgp 65001")
	w.line(" bgp router-id 10.255.0.1")
	w.line(" bgp log-neighbor-changes")
	w.line(" neighbor 203.0.113.1 remote-as 64500")
	w.line(" neighbor 203.0.113.1 description ISP-A")
	w.line(" neighbor 203.0.113.5 remote-as 64501")
	w.line(" neighbor 203.0.113.5 description ISP-B")
	for i := range neighbors {
		ip := [2]int{i / 250, i%250 + 1}
		w.line(" neighbor 10.1.%d.%d remote-as %d", ip[0], ip[1], 65100+r.Intn(20))
		w.line(" neighbor 10.1.%d.%d description %s-%d", ip[0], ip[1], customers[r.Intn(len(customers))], i)
	}
	w.line(" !")
	w.line(" address-family ipv4")
	w.line("  network 198.51.100.0 mask 255.255.255.0")
	w.line("  neighbor 203.0.113.1 activate")
	w.line("  neighbor 203.0.113.1 route-map ISP-IN in")
	w.line("  neighbor 203.0.113.1 route-map ISP-OUT out")
	w.line("  neighbor 203.0.113.5 activate")
	w.line("  neighbor 203.0.113.5 route-map ISP-IN in")
	w.line("  neighbor 203.0.113.5 route-map ISP-OUT out")
	for i := range neighbors {
		w.line("  neighbor 10.1.%d.%d activate", i/250, i%250+1)
	}
	w.line(" exit-address-family")
	w.line("!")
}

func iosACLs(w *writer, r *rng, entries int) {
	w.line("ip access-list standard MGMT")
	w.line(" permit 192.0.2.0 0.0.0.255")
	w.line(" permit 10.99.0.0 0.0.0.255")
	w.line(" deny   any log")
	w.line("ip access-list extended EDGE-IN")
	w.line(" remark --- management ---")
	w.line(" permit tcp 192.0.2.0 0.0.0.255 host 203.0.113.2 eq 22")
	w.line(" permit udp any any eq ntp")
	w.line(" permit icmp any any echo-reply")
	ports := []string{"www", "443", "smtp", "domain", "22", "3389", "8080", "161"}
	for i := range entries {
		bits := 24 + r.Intn(9)
		src := r.Intn(223) + 1
		action := "permit"
		if r.Chance(25) {
			action = "deny  "
		}
		switch r.Intn(3) {
		case 0:
			w.line(" %s tcp %d.%d.%d.0 %s host 198.51.100.%d eq %s", action, src, r.Intn(256), r.Intn(256), wildcard(bits), 1+i%254, ports[r.Intn(len(ports))])
		case 1:
			w.line(" %s udp any 198.51.100.0 0.0.0.255 range %d %d", action, 1024+i, 2048+i)
		default:
			w.line(" %s ip %d.%d.0.0 %s any log", action, src, r.Intn(256), wildcard(16))
		}
	}
	w.line(" deny   ip any any log")
	w.line("ip access-list extended GUEST-IN")
	w.line(" deny   ip any 10.0.0.0 0.255.255.255")
	w.line(" permit ip any any")
	w.line("!")
	w.line("access-list 10 remark NAT pool")
	w.line("access-list 10 permit 10.16.0.0 0.15.255.255")
	w.line("access-list 110 permit tcp any any established")
	w.line("access-list 110 deny   ip any any log")
	w.line("!")
	w.line("ip prefix-list PL-OWN seq 5 permit 198.51.100.0/24")
	w.line("ip prefix-list PL-DEFAULT seq 5 permit 0.0.0.0/0")
	w.line("ip prefix-list PL-BOGONS seq 5 permit 10.0.0.0/8 le 32")
	w.line("ip prefix-list PL-BOGONS seq 10 permit 172.16.0.0/12 le 32")
	w.line("ip prefix-list PL-BOGONS seq 15 permit 192.168.0.0/16 le 32")
	w.line("!")
}

func iosRouteMaps(w *writer, r *rng) {
	w.line("route-map ISP-IN deny 10")
	w.line(" match ip address prefix-list PL-BOGONS")
	w.line("route-map ISP-IN permit 20")
	w.line(" match ip address prefix-list PL-DEFAULT")
	w.line(" set local-preference %d", 100+10*r.Intn(20))
	w.line("route-map ISP-OUT permit 10")
	w.line(" match ip address prefix-list PL-OWN")
	w.line(" set as-path prepend 65001 65001")
	w.line(" set community 65001:%d", 100+r.Intn(900))
	w.line("route-map ISP-OUT deny 20")
	w.line("!")
}
