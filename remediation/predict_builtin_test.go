package remediation

import "testing"

func predBuiltin(t *testing.T, dialect string) *Rules {
	t.Helper()
	r, err := Builtin(dialect)
	if err != nil {
		t.Fatalf("Builtin(%s): %v", dialect, err)
	}
	return r
}

// Predict with the built-in tables: the behaviours that come from the
// tables rather than from the command text.

func TestPredictBuiltinIOS(t *testing.T) {
	runPredictCases(t, "ios", predBuiltin(t, "ios"), []predictCase{
		{
			name:     "ACL entries typed without numbers are numbered after the last one",
			running:  "ip access-list extended A\n permit tcp any any eq 22\n deny ip any any\n",
			commands: "ip access-list extended A\n  permit udp any any eq 53\n  15 permit tcp any any eq 443\n",
			want:     "ip access-list extended A\n 10 permit tcp any any eq 22\n 15 permit tcp any any eq 443\n 20 deny ip any any\n 30 permit udp any any eq 53\n",
		},
		{
			name:     "remarks and show banners are dropped, exit-address-family too",
			running:  "Building configuration...\n!\nip access-list extended A\n remark ssh\n permit tcp any any eq 22\nrouter bgp 1\n address-family ipv4\n  network 10.0.0.0\n exit-address-family\n!\nend\n",
			commands: "router bgp 1\n  address-family ipv4\n    network 10.1.0.0\n  exit-address-family\n",
			want:     "ip access-list extended A\n 10 permit tcp any any eq 22\nrouter bgp 1\n address-family ipv4\n  network 10.0.0.0\n  network 10.1.0.0\n",
		},
		{
			name:     "a banner typed again replaces the old body",
			running:  "hostname r1\nbanner motd ^C\nold text\n^C\ninterface Gi1\n description x\n",
			commands: "banner motd ^C\nnew text\nline 2\n^C\n",
			want:     "hostname r1\nbanner motd ^C\nnew text\nline 2\n^C\ninterface Gi1\n description x\n",
		},
		{
			name:     "negate_with: logging console debugging removes the level",
			running:  "logging console 6\nhostname r1\n",
			commands: "logging console debugging\n",
			want:     "hostname r1\n",
		},
		{
			name:     "idempotent interface settings replace in place",
			running:  "interface Gi1\n description a\n ip address 10.0.0.1 255.255.255.0\n switchport mode access\n",
			commands: "interface Gi1\n  switchport mode trunk\n  description b\n",
			want:     "interface Gi1\n description b\n ip address 10.0.0.1 255.255.255.0\n switchport mode trunk\n",
		},
	})
}

func TestPredictBuiltinNXOS(t *testing.T) {
	runPredictCases(t, "nxos", predBuiltin(t, "nxos"), []predictCase{
		{
			name:     "negate_with under a VRF address family",
			running:  "router bgp 1\n  vrf A\n    address-family ipv4 unicast\n      maximum-paths ibgp 4\n      network 10.0.0.0/8\n",
			commands: "router bgp 1\n  vrf A\n    address-family ipv4 unicast\n      default maximum-paths ibgp\n",
			want:     "router bgp 1\n  vrf A\n    address-family ipv4 unicast\n      network 10.0.0.0/8\n",
		},
		{
			name:     "ACL entries by sequence number",
			running:  "ip access-list A\n  10 permit ip any any\n  30 deny ip any any\n",
			commands: "ip access-list A\n  no 30 deny ip any any\n  20 deny tcp any any\n",
			want:     "ip access-list A\n  10 permit ip any any\n  20 deny tcp any any\n",
		},
	})
}

func TestPredictBuiltinEOS(t *testing.T) {
	runPredictCases(t, "eos", predBuiltin(t, "eos"), []predictCase{
		{
			name:     "default form removes the interface setting",
			running:  "interface Ethernet1\n   logging event link-status\n   mtu 9000\n",
			commands: "interface Ethernet1\n  default logging event link-status\n",
			want:     "interface Ethernet1\n   mtu 9000\n",
		},
		{
			name:     "a BGP neighbour description is idempotent",
			running:  "router bgp 1\n   neighbor 10.0.0.1 remote-as 2\n   neighbor 10.0.0.1 description old\n",
			commands: "router bgp 1\n  neighbor 10.0.0.1 description new\n",
			want:     "router bgp 1\n   neighbor 10.0.0.1 remote-as 2\n   neighbor 10.0.0.1 description new\n",
		},
	})
}

func TestPredictBuiltinIOSXR(t *testing.T) {
	runPredictCases(t, "iosxr", predBuiltin(t, "iosxr"), []predictCase{
		{
			name:     "an ACL entry replaces the entry with its number",
			running:  "ipv4 access-list A\n 10 permit ipv4 any any\n 20 deny ipv4 any any\n",
			commands: "ipv4 access-list A\n  10 permit tcp any any\n",
			want:     "ipv4 access-list A\n 10 permit tcp any any\n 20 deny ipv4 any any\n",
		},
		{
			name:     "prefix-set re-entered is replaced whole",
			running:  "prefix-set PS\n  10.0.0.0/8,\n  172.16.0.0/12\nend-set\n",
			commands: "prefix-set PS\n  192.168.0.0/16\nend-set\n",
			want:     "prefix-set PS\n  192.168.0.0/16\nend-set\n",
		},
	})
}

func TestPredictBuiltinJunos(t *testing.T) {
	runPredictCases(t, "junos", predBuiltin(t, "junos"), []predictCase{
		{
			name:     "without idempotent rules a changed value is a delete and a set",
			running:  "system {\n    host-name r1;\n}\n",
			commands: "delete system host-name r1\nset system host-name r2\n",
			want:     "system {\n    host-name r2;\n}\n",
		},
	})
	runPredictCases(t, "junos-set", predBuiltin(t, "junos-set"), []predictCase{
		{
			name:     "delete of a whole subtree",
			running:  "set system host-name r1\nset protocols bgp group A neighbor 10.0.0.1\nset protocols bgp group A type external\n",
			commands: "delete protocols bgp group A\nset protocols bgp group B type internal\n",
			want:     "set system host-name r1\nset protocols bgp group B type internal\n",
		},
	})
}
