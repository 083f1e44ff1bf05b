package remediation

import (
	"testing"
)

const iosRunning = `hostname r1
no ip domain lookup
interface Gi0/1
 description old
 ip address 10.0.0.1 255.255.255.0
 shutdown
interface Gi0/2
 description x
ip access-list extended A
 permit ip any host 1.1.1.1
 deny ip any any
ntp server 1.1.1.1
router bgp 1
 neighbor 1.1.1.1 remote-as 2
 address-family ipv4
  neighbor 1.1.1.1 activate
logging console 7
`

const iosIntended = `hostname r2
interface Gi0/1
 description new
 ip address 10.0.0.2 255.255.255.0
interface Gi0/3
 description y
ip access-list extended A
 permit ip any host 1.1.1.2
 deny ip any any
ntp server 1.1.1.2
router bgp 1
 neighbor 1.1.1.2 remote-as 2
 address-family ipv4
  neighbor 1.1.1.2 activate
`

func TestRemediateIOS(t *testing.T) {
	got := remediateText(t, "ios", iosRunning, iosIntended, Options{})
	want := lines(
		"no hostname r1",
		"ip domain lookup",
		"no interface Gi0/2",
		"no ntp server 1.1.1.1",
		"logging console debugging",
		"hostname r2",
		"interface Gi0/1",
		"  description new",
		"  ip address 10.0.0.2 255.255.255.0",
		"  no shutdown",
		"interface Gi0/3",
		"  description y",
		"ip access-list extended A",
		"  no 10 permit ip any host 1.1.1.1",
		"  10 permit ip any host 1.1.1.2",
		"ntp server 1.1.1.2",
		"router bgp 1",
		"  no neighbor 1.1.1.1 remote-as 2",
		"  neighbor 1.1.1.2 remote-as 2",
		"  address-family ipv4",
		"    no neighbor 1.1.1.1 activate",
		"    neighbor 1.1.1.2 activate",
	)
	if got != want {
		t.Errorf("remediation:\n%s\nwant:\n%s", got, want)
	}
}

func TestRollbackIOS(t *testing.T) {
	got := remediateText(t, "ios", iosRunning, iosIntended, Options{Rollback: true})
	want := lines(
		"no hostname r2",
		"no interface Gi0/3",
		"no ntp server 1.1.1.2",
		"hostname r1",
		"no ip domain lookup",
		"interface Gi0/1",
		"  description old",
		"  ip address 10.0.0.1 255.255.255.0",
		"  shutdown",
		"interface Gi0/2",
		"  description x",
		"ip access-list extended A",
		"  no 10 permit ip any host 1.1.1.2",
		"  10 permit ip any host 1.1.1.1",
		"ntp server 1.1.1.1",
		"router bgp 1",
		"  no neighbor 1.1.1.2 remote-as 2",
		"  neighbor 1.1.1.1 remote-as 2",
		"  address-family ipv4",
		"    no neighbor 1.1.1.2 activate",
		"    neighbor 1.1.1.1 activate",
		"logging console 7",
	)
	if got != want {
		t.Errorf("rollback:\n%s\nwant:\n%s", got, want)
	}
}

func TestRemediateIdenticalIsEmpty(t *testing.T) {
	res := remediateResult(t, "ios", iosRunning, iosRunning, Options{})
	if len(res.Commands) != 0 || len(res.Stats) != 0 {
		t.Errorf("identical configurations: %d commands, stats %v", len(res.Commands), res.Stats)
	}
}
