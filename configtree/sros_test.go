package configtree

import (
	"strings"
	"testing"
)

func TestSROSStructure(t *testing.T) {
	src := `# TiMOS-C-22.10.R4 cpm/hops64 Nokia 7750 SR-1
# Generated MON DEC 07 00:58:12 2026 UTC

exit all
configure
#--------------------------------------------------
echo "Port Configuration"
#--------------------------------------------------
    port 1/1/1
        description "core"
        ethernet
            mtu 9212
        exit
        no shutdown
    exit
#--------------------------------------------------
echo "Router (Network Side) Configuration"
#--------------------------------------------------
    router Base
        interface "system"
            address 10.255.0.1/32
        exit
#--------------------------------------------------
echo "ISIS Configuration"
#--------------------------------------------------
        isis 0
            level-capability level-2
        exit
    exit

exit all
`
	want := `4 exit all
5 configure
7 echo "Port Configuration" [key Port Configuration]
  9 port 1/1/1 [close 15 exit]
    10 description "core"
    11 ethernet [close 13 exit]
      12 mtu 9212
    14 no shutdown
17 echo "Router (Network Side) Configuration" [key Router (Network Side) Configuration]
  19 router Base
    20 interface "system" [close 22 exit]
      21 address 10.255.0.1/32
24 echo "ISIS Configuration" [key ISIS Configuration]
  26 isis 0 [close 28 exit]
    27 level-capability level-2
  29 exit
31 exit all
`
	// A column-0 section banner interrupts "router Base" as it does in
	// netutils: "isis 0" belongs to the ISIS banner, and the "exit" that
	// would have closed "router Base" has no open block at its
	// indentation, so it is a statement.
	tree := checkBlockOutline(t, DialectSROS, src, want)
	again, err := ParseString(tree.String(), DialectSROS)
	if err != nil {
		t.Fatal(err)
	}
	if again.String() != tree.String() || again.Len() != tree.Len() {
		t.Errorf("emit+parse changed the tree: %d statements, want %d", again.Len(), tree.Len())
	}
}

// "exit all" closes every open block; an exit deeper than any open block
// is a statement.
func TestSROSExitAll(t *testing.T) {
	src := "configure\n    system\n        time\n            zone CET\n    exit all\nsystem\n"
	want := `1 configure
  2 system
    3 time
      4 zone CET
5 exit all
6 system
`
	checkBlockOutline(t, DialectSROS, src, want)
}

func TestSROSErrors(t *testing.T) {
	var b strings.Builder
	for i := 0; i <= MaxDepth; i++ {
		b.WriteString(strings.Repeat(" ", i) + "x\n")
	}
	checkBlockParseError(t, DialectSROS, b.String(), "line 1001", "nested deeper")
	checkBlockParseError(t, DialectSROS, "a\n"+strings.Repeat("b", MaxLineLength+1)+"\n", "line 2", "longer than")
}

func TestSROSSlice(t *testing.T) {
	src := netutils1Config(t, "nokia_sros", "pe_7750_services")
	got := sliceBlock(t, src, DialectSROS, `Router \(Network Side\) Configuration||router Base||interface "to-p1"`)
	want := `echo "Router (Network Side) Configuration"
    router Base
        interface "to-p1"
            address 10.1.0.0/31
            port 1/1/c1/1
            no shutdown
        exit
`
	if got != want {
		t.Errorf("interface slice:\n%s\nwant:\n%s", got, want)
	}
	// Services by type, whatever their number.
	got = sliceBlock(t, src, DialectSROS, `*||service||(vpls|epipe) .*||sap .*`)
	want = `echo "Service Configuration"
    service
        vpls 200 name "CUST-B-ELAN" customer 200 create
            sap 1/1/c4/1:200 create
                no shutdown
            exit
        exit
        epipe 300 name "CUST-B-EPL" customer 200 create
            sap 1/1/c4/1:300 create
                no shutdown
            exit
        exit
    exit
`
	if got != want {
		t.Errorf("service slice:\n%s\nwant:\n%s", got, want)
	}
}
