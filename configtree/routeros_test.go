package configtree

import (
	"os"
	"strings"
	"testing"
)

func TestRouterOSStructureAndKeys(t *testing.T) {
	src := "# 2024-03-12 10:15:02 by RouterOS 7.13.5\n# software id = 3H4K-QW7T\n/interface bridge\nadd name=bridge-lan \\\n    protocol-mode=rstp\n" +
		"/ip service\nset telnet disabled=yes\n/system ntp client\nset enabled=yes\n/ip address add address=10.0.0.1/24 interface=ether1\nset 0 comment=lan\n"
	wantLines(t, entryLines(t, src, DialectRouterOS), []string{
		"0|/interface bridge|",
		"0|add name=bridge-lan \\|",
		"1|    protocol-mode=rstp|add name=bridge-lan \\",
		"0|/ip service|",
		"0|set telnet disabled=yes|",
		"0|/system ntp client|",
		"0|set enabled=yes|",
		"0|/ip address add address=10.0.0.1/24 interface=ether1|",
		"0|set 0 comment=lan|",
	})
	wantLines(t, keysOf(t, src, DialectRouterOS), []string{
		"/interface bridge",
		"/interface bridge add name=bridge-lan \\",
		"protocol-mode=rstp",
		"/ip service",
		"/ip service set telnet disabled=yes",
		"/system ntp client",
		"/system ntp client set enabled=yes",
		"/ip address add address=10.0.0.1/24 interface=ether1",
		"/ip address set 0 comment=lan",
	})
	// Commands before any menu keep their own text as key.
	wantLines(t, keysOf(t, "set x=1\n", DialectRouterOS), []string{"set x=1"})
}

func TestRouterOSMenu(t *testing.T) {
	for in, want := range map[string]string{
		"/ip firewall filter":                       "/ip firewall filter",
		"/ip address add address=10.0.0.1/24":       "/ip address",
		"/system note set note=\"x\"":               "/system note",
		"/interface ethernet set [ find ] mtu=1500": "/interface ethernet",
		"/":                                "/",
		"/routing bgp template \\":         "/routing bgp template",
		"/ip   dns    set servers=1.1.1.1": "/ip   dns",
	} {
		if got := string(routerosMenu([]byte(in))); got != want {
			t.Errorf("routerosMenu(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRouterOSSliceByMenu(t *testing.T) {
	src, err := os.ReadFile("testdata/netutils/mikrotik_routeros/gateway_ccr.conf")
	if err != nil {
		t.Fatal(err)
	}
	got, err := SliceText(src, DialectRouterOS, MustParseMatch("/ip firewall nat .*"))
	if err != nil {
		t.Fatal(err)
	}
	want := "add action=masquerade chain=srcnat comment=\"defconf: masquerade\" \\\n    out-interface-list=WAN\n" +
		"add action=dst-nat chain=dstnat comment=\"web server\" dst-port=443 in-interface=ether1 \\\n    protocol=tcp to-addresses=10.20.30.10 to-ports=443\n"
	if got != want {
		t.Errorf("slice of the nat menu:\n%s\nwant:\n%s", got, want)
	}
	// "set enabled=yes" exists under one menu only: matching by menu keeps
	// the others out.
	got, err = SliceText(src, DialectRouterOS, MustParseMatch("/system ntp client set .*"))
	if err != nil {
		t.Fatal(err)
	}
	if got != "set enabled=yes\n" {
		t.Errorf("ntp client slice %q", got)
	}
	got, err = SliceText(src, DialectRouterOS, MustParseMatch("/ip service set (telnet|ftp) .*"))
	if err != nil {
		t.Fatal(err)
	}
	if got != "set telnet disabled=yes\nset ftp disabled=yes\n" {
		t.Errorf("service slice %q", got)
	}
	if strings.Contains(got, "/ip service") {
		t.Error("menu header selected without being matched")
	}
}
