package configtree

import (
	"strings"
	"testing"
)

func TestOnyxStructure(t *testing.T) {
	src := `##
## VLAN configuration
##
   vlan 10
   vlan 10 name "servers"

no spanning-tree
# ldap bind-password ********
   banner login "
Authorized access only.

"
   banner motd "one line"
   interface ethernet 1/1 mtu 9216 force
`
	want := `4 vlan 10
5 vlan 10 name "servers"
7 no spanning-tree
9 banner login "
Authorized access only.

"
13 banner motd "one line"
14 interface ethernet 1/1 mtu 9216 force
`
	tree := checkBlockOutline(t, DialectOnyx, src, want)
	for _, st := range tree.Statements {
		if st.Depth != 0 || len(st.Children) != 0 || st.Text != st.Key || strings.HasPrefix(st.Text, " ") {
			t.Errorf("statement %q: want a top-level statement without indentation", st.Text)
		}
	}
}

func TestOnyxErrors(t *testing.T) {
	checkBlockParseError(t, DialectOnyx, "hostname a\n   banner login \"\nno end\n", "line 2", "banner is not terminated")
}

func TestOnyxSlice(t *testing.T) {
	src := netutils1Config(t, "nvidia_onyx", "sn2410_leaf_mlag")
	got := sliceBlock(t, src, DialectOnyx, `interface ethernet 1/1 .*`)
	want := `interface ethernet 1/1 speed 25G force
interface ethernet 1/1 mtu 9216 force
interface ethernet 1/1 mlag-channel-group 1 mode active
interface ethernet 1/1 description "server rack B01 eth0"
`
	if got != want {
		t.Errorf("slice:\n%s\nwant:\n%s", got, want)
	}
	if got := sliceBlock(t, src, DialectOnyx, `banner login .*`); !strings.HasPrefix(got, "banner login \"\nAuthorized access only.\n") {
		t.Errorf("banner slice: %q", got)
	}
}
