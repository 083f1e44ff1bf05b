package configtree

import (
	"os"
	"strings"
	"testing"
)

func TestNetIronStructure(t *testing.T) {
	src := "!\nver V5.9.0eT163\nmodule 1 ni-mlx-8-port-10g-m\n!\nvlan 100 name CUST\n tagged ethe 1/1 to 1/2\n # comment\n router-interface ve 100\n!\n" +
		"router bgp\n local-as 65100\n address-family ipv4 unicast\n  network 203.0.113.0/24\n exit-address-family\n!\ninterface ve 100\n ip vrrp-extended vrid 1\n  backup priority 150\n  activate\n!\nend\n"
	wantLines(t, entryLines(t, src, DialectNetIron), []string{
		"0|ver V5.9.0eT163|",
		"0|module 1 ni-mlx-8-port-10g-m|",
		"0|vlan 100 name CUST|",
		"1| tagged ethe 1/1 to 1/2|vlan 100 name CUST",
		"1| router-interface ve 100|vlan 100 name CUST",
		"0|router bgp|",
		"1| local-as 65100|router bgp",
		"1| address-family ipv4 unicast|router bgp",
		"2|  network 203.0.113.0/24|router bgp >  address-family ipv4 unicast",
		// netutils' rule: exit-address-family is a sibling of the
		// address family it closes.
		"1| exit-address-family|router bgp",
		"0|interface ve 100|",
		"1| ip vrrp-extended vrid 1|interface ve 100",
		"2|  backup priority 150|interface ve 100 >  ip vrrp-extended vrid 1",
		"2|  activate|interface ve 100 >  ip vrrp-extended vrid 1",
		"0|end|",
	})
}

func TestNetIronSlice(t *testing.T) {
	src, err := os.ReadFile("testdata/netutils/extreme_netiron/xmr_ix_edge.conf")
	if err != nil {
		t.Fatal(err)
	}
	got, err := SliceText(src, DialectNetIron, MustParseMatch("router bgp||neighbor 185.1.50.11 .*"))
	if err != nil {
		t.Fatal(err)
	}
	want := "router bgp\n neighbor 185.1.50.11 remote-as 64701\n neighbor 185.1.50.11 peer-group IX-PEERS\n neighbor 185.1.50.11 description ix-peer-as64701\n"
	if got != want {
		t.Errorf("slice:\n%s\nwant:\n%s", got, want)
	}
	got, err = SliceText(src, DialectNetIron, MustParseMatch("route-map IX-IN .*"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "route-map IX-IN permit 20\n set local-preference 150\n") || strings.Contains(got, "IX-OUT") {
		t.Errorf("route-map slice: %q", got)
	}
}
