package sampleconfigs

import "strings"

// JunosOptions sizes a generated Juniper JunOS configuration.
type JunosOptions struct {
	Hostname   string
	Ports      int // ge-0/0/N switch ports
	Neighbors  int // BGP neighbors in group IBGP
	StaticNets int // static routes
}

// Junos generates a JunOS configuration in curly-brace form of a campus
// switch-router: system settings with "[ ... ]" lists, login classes and
// users, services, syslog and NTP, chassis, routed and switched interfaces
// (one inactive), SNMP, static routes in both the one-line and the block
// form, OSPF, BGP, LLDP and RSTP, policy options, a firewall filter with
// comments, and VLANs. Statements carry "##" and "/* */" comments and
// quoted strings with separators inside.
func Junos(seed uint64, o JunosOptions) string {
	r := newRNG(seed)
	var w junosWriter
	w.line("## Last commit: 2024-05-1%d 0%d:%02d:%02d UTC by netops", r.Intn(10), r.Intn(10), r.Intn(60), r.Intn(60))
	w.line("version 20.4R3.%d;", 1+r.Intn(9))
	w.open("system")
	w.line("host-name %s;", o.Hostname)
	w.line("time-zone UTC;")
	w.open("root-authentication")
	w.line("encrypted-password \"$6$%s$%s\"; ## SECRET-DATA", r.Hex(8), r.Hex(43))
	w.close()
	w.line("domain-search [ lab.example.net %s.example.net ];", r.Pick(sites...))
	w.line("name-server [ 192.0.2.53 192.0.2.54 ];")
	w.open("login")
	w.line("message \"Authorised access only; activity is logged {monitored}\";")
	w.open("class noc")
	w.line("idle-timeout 30;")
	w.line("permissions [ view view-configuration interface routing ];")
	w.close()
	for i, u := range []string{"netops", "noc", "backup"} {
		w.open("user " + u)
		w.line("full-name \"%s account\";", strings.ToUpper(u[:1])+u[1:])
		w.line("uid %d;", 2000+i)
		w.line("class %s;", []string{"super-user", "noc", "read-only"}[i])
		w.open("authentication")
		w.line("encrypted-password \"$6$%s$%s\"; ## SECRET-DATA", r.Hex(8), r.Hex(43))
		if i == 0 {
			w.line("ssh-ed25519 \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI%s netops@jump\"; ## SECRET-DATA", r.Hex(43))
		}
		w.close()
		w.close()
	}
	w.close()
	w.open("services")
	w.open("ssh")
	w.line("root-login deny;")
	w.line("protocol-version v2;")
	w.close()
	w.open("netconf")
	w.line("ssh;")
	w.close()
	w.close()
	w.open("syslog")
	w.open("user *")
	w.line("any emergency;")
	w.close()
	w.open("host 192.0.2.140")
	w.line("any notice;")
	w.line("authorization info;")
	w.close()
	w.open("file messages")
	w.line("any notice;")
	w.line("authorization info;")
	w.close()
	w.close()
	w.open("ntp")
	w.line("boot-server 192.0.2.10;")
	w.line("server 192.0.2.10 prefer;")
	w.line("server 192.0.2.11;")
	w.close()
	w.close()
	w.open("chassis")
	w.open("aggregated-devices")
	w.open("ethernet")
	w.line("device-count 4;")
	w.close()
	w.close()
	w.close()
	w.open("interfaces")
	for i := range 2 {
		w.open("ge-0/0/%d", i)
		w.line("description \"uplink to core-%d (ae0; lacp)\";", i+1)
		w.open("ether-options")
		w.line("802.3ad ae0;")
		w.close()
		w.close()
	}
	vlans := []string{"USERS", "VOICE", "PRINTERS", "CAMERAS"}
	for i := range o.Ports {
		n := i + 2
		if i == 3 {
			w.raw(strings.Repeat("    ", w.depth) + "/* reserved for the lab */\n")
			w.inactive = true
		}
		w.open("ge-0/0/%d", n)
		if r.Chance(70) {
			w.line("description \"%s port %d\";", roles[r.Intn(len(roles))], n)
		}
		if r.Chance(10) {
			w.line("disable;")
		}
		w.open("unit 0")
		w.open("family ethernet-switching")
		w.line("interface-mode access;")
		w.open("vlan")
		w.line("members %s;", vlans[r.Intn(len(vlans))])
		w.close()
		w.close()
		w.close()
		w.close()
	}
	w.open("ae0")
	w.open("aggregated-ether-options")
	w.line("lacp {")
	w.depth++
	w.line("active;")
	w.close()
	w.close()
	w.open("unit 0")
	w.open("family inet")
	w.line("address 10.0.%d.1/31;", r.Intn(100))
	w.close()
	w.close()
	w.close()
	w.open("irb")
	for i := range vlans {
		w.open("unit %d", 10*(i+1))
		w.open("family inet")
		w.line("address 10.%d.%d.1/24;", 16+i, 10*(i+1))
		w.close()
		w.close()
	}
	w.close()
	w.open("lo0")
	w.open("unit 0")
	w.open("family inet")
	w.open("filter")
	w.line("input PROTECT-RE;")
	w.close()
	w.line("address 10.255.0.%d/32;", 1+r.Intn(200))
	w.close()
	w.close()
	w.close()
	w.close()
	w.open("snmp")
	w.line("location \"%s, rack %d\";", r.Pick(sites...), 1+r.Intn(40))
	w.line("contact \"noc@example.net\";")
	w.open("community %s", r.Hex(10))
	w.line("authorization read-only;")
	w.open("clients")
	w.line("192.0.2.0/24;")
	w.line("10.99.0.0/16;")
	w.line("0.0.0.0/0 restrict;")
	w.close()
	w.close()
	w.open("trap-group NMS")
	w.line("categories {")
	w.depth++
	w.line("link;")
	w.line("authentication;")
	w.close()
	w.open("targets")
	w.line("192.0.2.162;")
	w.close()
	w.close()
	w.close()
	w.open("routing-options")
	w.line("router-id 10.255.0.1;")
	w.line("autonomous-system 65001;")
	w.open("static")
	w.line("route 0.0.0.0/0 next-hop 10.0.0.0;")
	for i := range o.StaticNets {
		if i%3 == 0 {
			w.open("route 172.%d.%d.0/24", 16+i/256, i%256)
			w.line("next-hop 10.0.0.0;")
			w.line("no-readvertise;")
			w.line("tag %d;", 100+r.Intn(900))
			w.close()
		} else {
			w.line("route 172.%d.%d.0/24 discard;", 16+i/256, i%256)
		}
	}
	w.close()
	w.close()
	w.open("protocols")
	w.open("ospf")
	w.open("area 0.0.0.0")
	w.open("interface ae0.0")
	w.line("interface-type p2p;")
	w.line("bfd-liveness-detection {")
	w.depth++
	w.line("minimum-interval 300;")
	w.close()
	w.close()
	w.open("interface lo0.0")
	w.line("passive;")
	w.close()
	for i := range vlans {
		w.line("interface irb.%d passive;", 10*(i+1))
	}
	w.close()
	w.close()
	w.open("bgp")
	w.open("group IBGP")
	w.line("type internal;")
	w.line("local-address 10.255.0.1;")
	w.line("family inet {")
	w.depth++
	w.line("unicast;")
	w.close()
	w.line("export EXPORT-LOOPBACK;")
	for i := range o.Neighbors {
		w.open("neighbor 10.255.1.%d", i+1)
		w.line("description \"core-%d %s\";", i+1, r.Pick(sites...))
		w.close()
	}
	w.close()
	w.close()
	w.open("lldp")
	w.line("interface all;")
	w.close()
	w.open("rstp")
	for i := range min(o.Ports, 4) {
		w.open("interface ge-0/0/%d", i+2)
		w.line("edge;")
		w.close()
	}
	w.close()
	w.close()
	w.open("policy-options")
	w.open("prefix-list MGMT")
	w.line("192.0.2.0/24;")
	w.line("10.99.0.0/16;")
	w.close()
	w.open("policy-statement EXPORT-LOOPBACK")
	w.open("term LO")
	w.open("from")
	w.line("protocol direct;")
	w.line("route-filter 10.255.0.0/16 orlonger;")
	w.close()
	w.line("then accept;")
	w.close()
	w.line("then reject;")
	w.close()
	w.close()
	w.open("firewall")
	w.open("family inet")
	w.open("filter PROTECT-RE")
	w.open("term SSH")
	w.open("from")
	w.open("source-prefix-list")
	w.line("MGMT;")
	w.close()
	w.line("protocol tcp;")
	w.line("destination-port [ ssh 830 ];")
	w.close()
	w.line("then accept;")
	w.close()
	w.open("term ICMP")
	w.open("from")
	w.line("protocol icmp;")
	w.line("icmp-type [ echo-request echo-reply unreachable time-exceeded ];")
	w.close()
	w.open("then")
	w.line("policer ICMP-1M;")
	w.line("accept;")
	w.close()
	w.close()
	w.raw(strings.Repeat("    ", w.depth) + "/* drop and count everything else */\n")
	w.open("term DEFAULT")
	w.open("then")
	w.line("count re-drop;")
	w.line("discard;")
	w.close()
	w.close()
	w.close()
	w.close()
	w.open("policer ICMP-1M")
	w.open("if-exceeding")
	w.line("bandwidth-limit 1m;")
	w.line("burst-size-limit 15k;")
	w.close()
	w.line("then discard;")
	w.close()
	w.close()
	w.open("vlans")
	for i, v := range vlans {
		w.open(v)
		if i == 1 {
			w.line("description \"IP phones\";")
		}
		w.line("vlan-id %d;", 10*(i+1))
		w.line("l3-interface irb.%d;", 10*(i+1))
		w.close()
	}
	w.close()
	return w.String()
}

// junosWriter indents by nesting depth, four spaces a level, as JunOS
// shows a configuration.
type junosWriter struct {
	writer
	depth    int
	inactive bool // the next open block is marked "inactive:"
}

func (w *junosWriter) line(format string, args ...any) {
	w.raw(strings.Repeat("    ", w.depth))
	w.writer.line(format, args...)
}

// open starts a block; a pending inactive mark is applied to it.
func (w *junosWriter) open(format string, args ...any) {
	if w.inactive {
		format = "inactive: " + format
		w.inactive = false
	}
	w.line(format+" {", args...)
	w.depth++
}

func (w *junosWriter) close() {
	w.depth--
	w.line("}")
}
