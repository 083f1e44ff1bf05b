package configdiff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/unet-dev/unet/configtree"
)

// benchConfigs returns two IOS configurations of about 10k lines each: B
// changes every 50th interface description, drops every 97th interface,
// adds new ones and moves the BGP section to the top.
func benchConfigs() (string, string) {
	var a, b strings.Builder
	bgp := "router bgp 65000\n"
	for i := 0; i < 200; i++ {
		bgp += fmt.Sprintf(" neighbor 10.1.%d.%d remote-as %d\n", i/250, i%250, 65001+i%7)
	}
	b.WriteString(bgp)
	for i := 0; i < 1950; i++ {
		desc := fmt.Sprintf("port %d", i)
		sec := fmt.Sprintf("interface GigabitEthernet%d/%d\n description %%s\n switchport access vlan %d\n no shutdown\n", i/48, i%48, 100+i%50)
		fmt.Fprintf(&a, sec, desc)
		if i%97 == 0 {
			continue
		}
		if i%50 == 0 {
			desc = "changed " + desc
		}
		fmt.Fprintf(&b, sec, desc)
	}
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "interface Loopback%d\n ip address 10.255.0.%d 255.255.255.255\n", i, i)
	}
	a.WriteString(bgp)
	return a.String(), b.String()
}

func BenchmarkHierarchical10k(b *testing.B) {
	as, bs := benchConfigs()
	ta, err := configtree.ParseString(as, "ios")
	if err != nil {
		b.Fatal(err)
	}
	tb, err := configtree.ParseString(bs, "ios")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(as) + len(bs)))
	b.ReportAllocs()
	var d *HierDiff
	for b.Loop() {
		d = Hierarchical("a", "b", ta, tb)
	}
	if d.Equal {
		b.Fatal("no differences found")
	}
}

func BenchmarkHierarchical10kWithParse(b *testing.B) {
	as, bs := benchConfigs()
	b.SetBytes(int64(len(as) + len(bs)))
	b.ReportAllocs()
	for b.Loop() {
		ta, _ := configtree.ParseString(as, "ios")
		tb, _ := configtree.ParseString(bs, "ios")
		Hierarchical("a", "b", ta, tb)
	}
}

func BenchmarkLines10k(b *testing.B) {
	as, bs := benchConfigs()
	b.SetBytes(int64(len(as) + len(bs)))
	b.ReportAllocs()
	for b.Loop() {
		Lines("a", "b", as, bs, 3)
	}
}
