package snmp

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet/internal/testutil"
)

// v2cProfile returns a v2c profile whose community comes from an
// environment variable set for the test.
func v2cProfile(t *testing.T, community string) Profile {
	t.Setenv("UNET_TEST_SNMP_COMMUNITY", community)
	return Profile{Name: "lab-v2c", Version: V2c, CommunityRef: "env:UNET_TEST_SNMP_COMMUNITY", Timeout: time.Second, Retries: 1}
}

// v3Profile returns a v3 profile for a test agent user, with keys stored in
// files referenced by file: references.
func v3Profile(t *testing.T, u testutil.SNMPUser) Profile {
	dir := t.TempDir()
	write := func(name, v string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(v+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return "file:" + p
	}
	auth := map[string]AuthProto{"SHA": AuthSHA, "SHA-256": AuthSHA256, "SHA-512": AuthSHA512}
	priv := map[string]PrivProto{"AES": PrivAES, "AES-192": PrivAES192, "AES-256": PrivAES256}
	p := Profile{Name: "lab-" + u.Name, Version: V3, User: u.Name, AuthProto: auth[u.AuthProto],
		AuthKeyRef: write("auth", u.AuthKey), Timeout: time.Second, Retries: 1}
	if u.PrivProto != "" {
		p.PrivProto = priv[u.PrivProto]
		p.PrivKeyRef = write("priv", u.PrivKey)
	}
	return p
}

func agentTarget(a *testutil.SNMPD) Target {
	return Target{ID: "node-1", Name: "agent", Host: a.Host, Port: a.Port}
}

func TestPollV2cSystemAndInterfaces(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	res, err := Poll(context.Background(), testSecrets, agentTarget(agent), v2cProfile(t, agent.Community))
	if err != nil {
		t.Fatalf("Poll: %v", err)
	}
	sys := res.System
	if sys.Name != testutil.SNMPSysName || sys.Contact != testutil.SNMPSysContact || sys.Location != testutil.SNMPSysLocation {
		t.Errorf("system = %+v", sys)
	}
	if !strings.HasPrefix(sys.Descr, "Linux ") {
		t.Errorf("sysDescr = %q, want the Linux kernel description", sys.Descr)
	}
	if sys.ObjectID != "1.3.6.1.4.1.8072.3.2.10" || res.Enterprise != 8072 || res.Vendor != "net-snmp" {
		t.Errorf("objectID %q enterprise %d vendor %q", sys.ObjectID, res.Enterprise, res.Vendor)
	}
	if sys.UpTime <= 0 || sys.UpTime > time.Hour {
		t.Errorf("sysUpTime = %s for an agent started just now", sys.UpTime)
	}
	if res.TargetID != "node-1" || res.Addr != agent.Addr() || res.Requests < 1 || res.Time.IsZero() {
		t.Errorf("result header: id %q addr %q requests %d time %v", res.TargetID, res.Addr, res.Requests, res.Time)
	}
	// net-snmp only serves hrProcessorLoad after its first one-minute sample.
	if res.CPUPercent != nil && (*res.CPUPercent < 0 || *res.CPUPercent > 100) {
		t.Errorf("CPU %v%%", *res.CPUPercent)
	}
	if res.MemoryTotal == nil || res.MemoryUsed == nil || *res.MemoryTotal == 0 || *res.MemoryUsed > *res.MemoryTotal {
		t.Errorf("HOST-RESOURCES CPU/memory: cpu %v used %v total %v", res.CPUPercent, res.MemoryUsed, res.MemoryTotal)
	}
	var lo *Interface
	for i := range res.Interfaces {
		if i > 0 && res.Interfaces[i-1].Index >= res.Interfaces[i].Index {
			t.Errorf("interfaces not sorted by index: %d then %d", res.Interfaces[i-1].Index, res.Interfaces[i].Index)
		}
		if res.Interfaces[i].Name == "lo" {
			lo = &res.Interfaces[i]
		}
	}
	if lo == nil {
		t.Fatalf("no loopback interface in %+v", res.Interfaces)
	}
	if lo.Type != 24 || lo.Descr != "lo" || lo.AdminStatus != "up" || lo.OperStatus != "up" || lo.MTU < 1500 || !lo.HighCapacity || lo.MAC != "" {
		t.Errorf("loopback = %+v", *lo)
	}
	if lo.Speed != 10_000_000 {
		t.Errorf("loopback speed %d, want 10000000 as net-snmp reports it", lo.Speed)
	}
	if lo.InOctets == 0 || lo.OutOctets == 0 {
		t.Errorf("loopback counters are zero after SNMP traffic on it: %+v", *lo)
	}
	if lo.LastChange.IsZero() || lo.LastChange.After(time.Now()) {
		t.Errorf("loopback last change = %v", lo.LastChange)
	}
}

// The multi-column walk returns the same rows whatever the page size, so
// truncated and partial pages are stitched correctly.
func TestPollMaxRepetitionsDoNotChangeResult(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	base := v2cProfile(t, agent.Community)
	strip := func(in []Interface) []Interface {
		out := make([]Interface, len(in))
		for i, it := range in {
			out[i] = Interface{Index: it.Index, Name: it.Name, Descr: it.Descr, Type: it.Type, MTU: it.MTU, Speed: it.Speed,
				MAC: it.MAC, AdminStatus: it.AdminStatus, OperStatus: it.OperStatus, Alias: it.Alias}
		}
		return out
	}
	var want []Interface
	var wantReq int
	for _, reps := range []int{100, 1, 2, 3, 25} {
		p := base
		p.MaxRepetitions = reps
		// A target of its own per page size: the poller remembers how much
		// an agent returns per response, which would override the profile.
		target := agentTarget(agent)
		target.ID = fmt.Sprintf("reps-%d", reps)
		res, err := Poll(context.Background(), testSecrets, target, p)
		if err != nil {
			t.Fatalf("reps %d: %v", reps, err)
		}
		got := strip(res.Interfaces)
		if want == nil {
			want, wantReq = got, res.Requests
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("reps %d: interfaces differ\n got %+v\nwant %+v", reps, got, want)
		}
		if reps < 3 && res.Requests <= wantReq {
			t.Errorf("reps %d took %d requests, no more than reps 100 (%d)", reps, res.Requests, wantReq)
		}
	}
}

func TestPollV3(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	for _, u := range agent.Users {
		t.Run(u.Name, func(t *testing.T) {
			p := v3Profile(t, u)
			res, err := Poll(context.Background(), testSecrets, agentTarget(agent), p)
			if err != nil {
				t.Fatalf("Poll %s (%s): %v", u.Name, p.SecurityLevel(), err)
			}
			if res.System.Name != testutil.SNMPSysName || len(res.Interfaces) == 0 {
				t.Errorf("sysName %q, %d interfaces", res.System.Name, len(res.Interfaces))
			}
		})
	}
}

func TestPollErrors(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	silentHost, silentPort := testutil.SilentUDP(t)
	privUser := agent.User(t, "unet-priv")
	authUser := agent.User(t, "unet-auth")

	wrongAuth := v3Profile(t, testutil.SNMPUser{Name: authUser.Name, AuthProto: authUser.AuthProto, AuthKey: "not-the-right-key"})
	wrongAuthPriv := v3Profile(t, testutil.SNMPUser{Name: privUser.Name, AuthProto: privUser.AuthProto, AuthKey: "not-the-right-key",
		PrivProto: privUser.PrivProto, PrivKey: privUser.PrivKey})
	wrongPriv := v3Profile(t, testutil.SNMPUser{Name: privUser.Name, AuthProto: privUser.AuthProto, AuthKey: privUser.AuthKey,
		PrivProto: privUser.PrivProto, PrivKey: "not-the-right-key"})
	wrongPriv.Timeout = 200 * time.Millisecond
	unknownUser := v3Profile(t, testutil.SNMPUser{Name: "nobody-here", AuthProto: "SHA", AuthKey: "whatever-key"})
	wrongLevel := v3Profile(t, testutil.SNMPUser{Name: authUser.Name, AuthProto: authUser.AuthProto, AuthKey: authUser.AuthKey,
		PrivProto: "AES", PrivKey: "some-priv-key"})
	wrongProto := v3Profile(t, testutil.SNMPUser{Name: authUser.Name, AuthProto: "SHA-256", AuthKey: authUser.AuthKey})
	fast := v2cProfile(t, agent.Community)
	fast.Timeout = 200 * time.Millisecond
	wrongCommunity := fast
	wrongCommunity.CommunityRef = "env:UNET_TEST_WRONG_COMMUNITY"
	t.Setenv("UNET_TEST_WRONG_COMMUNITY", "not-the-community")
	unresolved := fast
	unresolved.CommunityRef = "env:UNET_TEST_NOT_SET_ANYWHERE"

	tests := []struct {
		name     string
		target   Target
		profile  Profile
		want     error
		contains []string
	}{
		{"wrong auth key", agentTarget(agent), wrongAuth, ErrAuth, []string{"authentication failed", authUser.Name, "auth key"}},
		{"wrong auth key authPriv", agentTarget(agent), wrongAuthPriv, ErrAuth, []string{"authentication failed", privUser.Name}},
		{"wrong priv key", agentTarget(agent), wrongPriv, ErrAuth, []string{"privacy key"}},
		{"unknown user", agentTarget(agent), unknownUser, ErrAuth, []string{"nobody-here"}},
		{"priv for an authNoPriv user", agentTarget(agent), wrongLevel, ErrAuth, []string{"security level"}},
		{"wrong auth protocol", agentTarget(agent), wrongProto, ErrAuth, []string{"auth_proto"}},
		{"silent port", Target{ID: "x", Host: silentHost, Port: silentPort}, fast, ErrTimeout, []string{"no response after 2 attempt(s) of 200ms", "community"}},
		{"wrong community", agentTarget(agent), wrongCommunity, ErrTimeout, []string{"community"}},
		{"unresolvable community", agentTarget(agent), unresolved, ErrConfig, []string{"UNET_TEST_NOT_SET_ANYWHERE is not set"}},
		{"invalid profile", agentTarget(agent), Profile{Name: "bad", Version: "1"}, ErrConfig, []string{`unknown "1"`}},
		{"no host", Target{ID: "x"}, fast, ErrConfig, []string{"no host"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			res, err := Poll(context.Background(), testSecrets, tt.target, tt.profile)
			if err == nil {
				t.Fatalf("Poll succeeded: %v", res)
			}
			t.Logf("error: %v", err)
			if !errors.Is(err, tt.want) {
				t.Errorf("error %q is not %v", err, tt.want)
			}
			var pe *PollError
			if !errors.As(err, &pe) {
				t.Errorf("error %T is not a *PollError", err)
			}
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
			for _, leak := range []string{agent.Community, authUser.AuthKey, privUser.PrivKey, "not-the-right-key"} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("error %q leaks a credential", err)
				}
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
}

func TestPollContextDeadline(t *testing.T) {
	host, port := testutil.SilentUDP(t)
	t.Setenv("UNET_TEST_SNMP_COMMUNITY", "public")
	p := Profile{Name: "slow", Version: V2c, CommunityRef: "env:UNET_TEST_SNMP_COMMUNITY", Timeout: 10 * time.Second, Retries: 3}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Poll(ctx, testSecrets, Target{Host: host, Port: port}, p)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("want ErrTimeout, got %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("poll ignored the context deadline: took %s", d)
	}
}

// An agent that caps its GETBULK responses (here snmpsimd limited to 46
// variables) still yields every row, and the poller asks for no more rows
// than the agent returns.
func TestPollCappedAgent(t *testing.T) {
	sim := testutil.StartSNMPSim(t, 1, 48, 46)
	t.Setenv("UNET_TEST_SIM_COMMUNITY", testutil.SimCommunity(1))
	p := Profile{Name: "sim", Version: V2c, CommunityRef: "env:UNET_TEST_SIM_COMMUNITY", Timeout: 5 * time.Second, Retries: 1}
	res, err := Poll(context.Background(), testSecrets, Target{ID: "sim", Host: sim.Host, Port: sim.Port}, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Interfaces) != 48 || res.Vendor != "cisco" || res.Platform != PlatformIOS || res.Version != "15.2(7)E3" {
		t.Fatalf("%d interfaces, vendor %q platform %q version %q", len(res.Interfaces), res.Vendor, res.Platform, res.Version)
	}
	last := res.Interfaces[47]
	want := Interface{Index: 48, Name: "Gi1/0/48", Descr: "GigabitEthernet1/0/48", Alias: "uplink 48", Type: 6, MTU: 1500,
		Speed: 1_000_000_000, MAC: "00:00:5e:00:53:30", AdminStatus: "up", OperStatus: "down",
		InOctets: 48_000_000, OutOctets: 96_000_000, InUcastPkts: 480_000, OutUcastPkts: 960_000, HighCapacity: true,
		LastChange: res.Time.Add(-(123456789 - 1000) * 10 * time.Millisecond).Truncate(10 * time.Millisecond)}
	if last != want {
		t.Errorf("interface 48:\n got %+v\nwant %+v", last, want)
	}
	// 22 columns x 48 rows = 1056 variables, at most 46 (2 rows) per
	// response: 24 requests and the first.
	if res.Requests > 30 {
		t.Errorf("%d requests for 1056 variables at 46 per response", res.Requests)
	}
	t.Logf("%d requests", res.Requests)
}
