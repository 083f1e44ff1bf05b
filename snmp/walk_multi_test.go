package snmp

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet/internal/testutil"
)

// holesDevice is a simulated agent whose interface columns have different
// lengths: ifType has holes (no row 3 or 7), ifMtu ends after row 2,
// ifSpeed is missing, ifAlias has row 5 only, ifHCInOctets lacks row 4 (so
// its 32-bit ifInOctets is read for that row alone), and ifXTable is the last
// object of the agent, so its columns end with endOfMibView.
func holesDevice(rows int) string {
	type rec struct{ oid, tag, val string }
	recs := []rec{
		{"1.3.6.1.2.1.1.1.0", "4", "holes agent"},
		{"1.3.6.1.2.1.1.2.0", "6", "1.3.6.1.4.1.8072.3.2.10"},
		{"1.3.6.1.2.1.1.3.0", "67", "5000"},
		{"1.3.6.1.2.1.1.5.0", "4", "holes"},
	}
	for i := 1; i <= rows; i++ {
		e := func(col int) string { return fmt.Sprintf("1.3.6.1.2.1.2.2.1.%d.%d", col, i) }
		x := func(col int) string { return fmt.Sprintf("1.3.6.1.2.1.31.1.1.1.%d.%d", col, i) }
		recs = append(recs, rec{e(1), "2", fmt.Sprint(i)}, rec{e(2), "4", fmt.Sprintf("port %d", i)})
		if i != 3 && i != 7 {
			recs = append(recs, rec{e(3), "2", "6"})
		}
		if i <= 2 {
			recs = append(recs, rec{e(4), "2", "9000"})
		}
		recs = append(recs, rec{e(8), "2", "1"}, rec{e(10), "65", fmt.Sprint(i * 100)},
			rec{x(1), "4", fmt.Sprintf("p%d", i)})
		if i != 4 {
			recs = append(recs, rec{x(6), "70", fmt.Sprint(i * 1000)})
		}
		if i == 5 {
			recs = append(recs, rec{x(18), "4", "the fifth"})
		}
	}
	slices.SortFunc(recs, func(a, b rec) int { return compareOID(a.oid, b.oid) })
	var b strings.Builder
	for _, r := range recs {
		fmt.Fprintf(&b, "%s|%s|%s\n", r.oid, r.tag, r.val)
	}
	return b.String()
}

// sequentialPoll walks like the poller did before it kept several requests
// in flight: one gosnmp session, one request at a time, one row per column
// per request. It is the reference the concurrent walk must match.
func sequentialPoll(t *testing.T, target Target, profile Profile) *PollResult {
	t.Helper()
	p := profile.WithDefaults()
	g, err := newSession(context.Background(), testSecrets, target, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Connect(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = g.Conn.Close() }() // a finished walk: nothing to lose
	c := newCollector(time.Now())
	w := &walker{send: sessionSender{g: g}, reps: 1, inFlight: 1, walkAll: true}
	if err := w.bulk(c.scalars(), c.columns()); err != nil {
		t.Fatalf("sequential walk: %v", err)
	}
	return c.result()
}

// comparable strips what differs between two polls of one agent.
func comparable(r *PollResult) (System, []Interface) {
	sys := r.System
	sys.UpTime = 0
	its := slices.Clone(r.Interfaces)
	for i := range its {
		its[i].LastChange = time.Time{}
	}
	return sys, its
}

func simProfile(t *testing.T, community string) Profile {
	t.Setenv("UNET_TEST_SIM_COMMUNITY", community)
	return Profile{Name: "sim", Version: V2c, CommunityRef: "env:UNET_TEST_SIM_COMMUNITY", Timeout: 5 * time.Second, Retries: 1}
}

// The concurrent multi-column walk returns what the sequential walk does
// on columns of different lengths, with holes, a column that ends early
// and columns that end at the end of the agent's MIB, whether the agent
// answers in full or caps its responses at 23 variables (snmpsimd 0.4
// loops on caps that the number of columns asked does not divide: 23 is
// the number of interface columns).
func TestMultiColumnWalkMatchesSequential(t *testing.T) {
	for _, maxVarbinds := range []int{1024, 23} {
		t.Run(fmt.Sprintf("max-varbinds-%d", maxVarbinds), func(t *testing.T) {
			sim := testutil.StartSNMPSimRecords(t, "holes", holesDevice(30), maxVarbinds)
			p := simProfile(t, "holes")
			target := Target{ID: "holes", Host: sim.Host, Port: sim.Port}
			want := sequentialPoll(t, target, p)
			got, err := Poll(context.Background(), testSecrets, target, p)
			if err != nil {
				t.Fatal(err)
			}
			wantSys, wantIfs := comparable(want)
			gotSys, gotIfs := comparable(got)
			if gotSys != wantSys {
				t.Errorf("system:\n got %+v\nwant %+v", gotSys, wantSys)
			}
			if !reflect.DeepEqual(gotIfs, wantIfs) {
				t.Errorf("interfaces:\n got %+v\nwant %+v", gotIfs, wantIfs)
			}
			if len(gotIfs) != 30 {
				t.Fatalf("%d interfaces, want 30", len(gotIfs))
			}
			for _, it := range gotIfs {
				wantType, wantMTU, wantAlias := 6, 0, ""
				if it.Index == 3 || it.Index == 7 {
					wantType = 0
				}
				if it.Index <= 2 {
					wantMTU = 9000
				}
				if it.Index == 5 {
					wantAlias = "the fifth"
				}
				wantIn := uint64(it.Index * 1000)
				if it.Index == 4 {
					wantIn = 400
				}
				if it.Type != wantType || it.MTU != wantMTU || it.Alias != wantAlias || it.Speed != 0 ||
					it.Name != fmt.Sprintf("p%d", it.Index) || it.InOctets != wantIn {
					t.Errorf("interface %d: %+v", it.Index, it)
				}
			}
			t.Logf("%d requests (cap %d)", got.Requests, maxVarbinds)
		})
	}
}

// A poll keeps several requests in flight to one agent, never more than
// maxInFlightPerDevice, and the result equals the sequential walk's.
func TestPollInFlightBoundPerDevice(t *testing.T) {
	sim := testutil.StartSNMPSim(t, 1, 48, 46)
	proxy := startAgentProxy(t, sim.Host, sim.Port, 5*time.Millisecond, 0)
	p := simProfile(t, testutil.SimCommunity(1))
	got, err := Poll(context.Background(), testSecrets, proxy.target("in-flight"), p)
	if err != nil {
		t.Fatal(err)
	}
	maxInFlight, asked, _, _ := proxy.stats()
	if maxInFlight < 2 || maxInFlight > maxInFlightPerDevice {
		t.Errorf("at most %d requests in flight at once, want 2..%d", maxInFlight, maxInFlightPerDevice)
	}
	if len(asked) != got.Requests {
		t.Errorf("proxy relayed %d requests, the poll counted %d", len(asked), got.Requests)
	}
	want := sequentialPoll(t, Target{ID: "direct", Host: sim.Host, Port: sim.Port}, p)
	_, wantIfs := comparable(want)
	if _, gotIfs := comparable(got); !reflect.DeepEqual(gotIfs, wantIfs) {
		t.Errorf("interfaces differ from the sequential walk:\n got %+v\nwant %+v", gotIfs, wantIfs)
	}
	t.Logf("%d requests, at most %d in flight", got.Requests, maxInFlight)
}

// The poller learns how many variables a capped agent returns per response
// and remembers it per target: the next poll asks for no more from its
// first request on, and every response comes back whole.
func TestPollRemembersAgentBudget(t *testing.T) {
	sim := testutil.StartSNMPSim(t, 1, 48, 46)
	proxy := startAgentProxy(t, sim.Host, sim.Port, 0, 0)
	p := simProfile(t, testutil.SimCommunity(1))
	target := proxy.target("budget")
	key := budgetKey(target, target.addr(p.WithDefaults()))
	if b := learnedBudget(key); b != 0 {
		t.Fatalf("budget %d before the first poll", b)
	}
	first, err := Poll(context.Background(), testSecrets, target, p)
	if err != nil {
		t.Fatal(err)
	}
	_, asked, _, _ := proxy.stats()
	budget := learnedBudget(key)
	if budget <= 0 || budget > 46 {
		t.Fatalf("learned budget %d, want 1..46 (the agent's cap)", budget)
	}
	if asked[0] <= 46 {
		t.Errorf("first request of the first poll asked %d repetitions; it should start from the profile's 25 per column", asked[0])
	}
	second, err := Poll(context.Background(), testSecrets, target, p)
	if err != nil {
		t.Fatal(err)
	}
	_, asked, answered, _ := proxy.stats()
	for i, a := range asked {
		if a > budget {
			t.Errorf("second poll, request %d asked %d repetitions, over the learned %d", i, a, budget)
		}
	}
	if second.Requests > first.Requests {
		t.Errorf("second poll took %d requests, the first %d", second.Requests, first.Requests)
	}
	if len(second.Interfaces) != 48 || len(answered) != second.Requests {
		t.Errorf("second poll: %d interfaces, %d responses for %d requests", len(second.Interfaces), len(answered), second.Requests)
	}
	// Another target on the same agent learns on its own.
	if b := learnedBudget(budgetKey(proxy.target("other"), target.addr(p.WithDefaults()))); b != 0 {
		t.Errorf("budget %d for a target never polled", b)
	}
	t.Logf("budget %d, requests %d then %d", budget, first.Requests, second.Requests)
}

// An agent that answers tooBig to requests over its size makes the poller
// halve its requests until they fit, remember the size, and send no
// request too big on the next poll; the result is the full walk.
func TestPollShrinksOnTooBig(t *testing.T) {
	sim := testutil.StartSNMPSim(t, 1, 48, 1024)
	proxy := startAgentProxy(t, sim.Host, sim.Port, 0, 30)
	p := simProfile(t, testutil.SimCommunity(1))
	target := proxy.target("too-big")
	first, err := Poll(context.Background(), testSecrets, target, p)
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, tooBig := proxy.stats()
	if tooBig == 0 {
		t.Fatal("the agent never answered tooBig: the test does not test it")
	}
	budget := learnedBudget(budgetKey(target, target.addr(p.WithDefaults())))
	if budget <= 0 || budget > 30 {
		t.Errorf("learned budget %d after tooBig above 30 variables", budget)
	}
	want := sequentialPoll(t, Target{ID: "direct", Host: sim.Host, Port: sim.Port}, p)
	_, wantIfs := comparable(want)
	if _, gotIfs := comparable(first); !reflect.DeepEqual(gotIfs, wantIfs) {
		t.Errorf("interfaces differ from the sequential walk:\n got %+v\nwant %+v", gotIfs, wantIfs)
	}
	second, err := Poll(context.Background(), testSecrets, target, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, tooBig := proxy.stats(); tooBig != 0 {
		t.Errorf("second poll got %d tooBig answers; the learned size should fit", tooBig)
	}
	if len(second.Interfaces) != 48 {
		t.Errorf("second poll: %d interfaces", len(second.Interfaces))
	}
	t.Logf("%d tooBig answers, budget %d, requests %d then %d", tooBig, budget, first.Requests, second.Requests)
}

// Polls reuse pooled sockets, and the pool is empty once no poll runs.
func TestPollSocketsPooled(t *testing.T) {
	sim := testutil.StartSNMPSim(t, 4, 8, 1024)
	for i := 1; i <= 4; i++ {
		t.Setenv(fmt.Sprintf("UNET_TEST_SIM_COMMUNITY_%d", i), testutil.SimCommunity(i))
	}
	src := make(simTargets, 4)
	for i := range src {
		src[i] = Assignment{
			Profile: Profile{Name: "sim", Version: V2c, CommunityRef: "env:UNET_TEST_SIM_COMMUNITY_1", Timeout: 5 * time.Second, Retries: 1},
			Target: Target{ID: fmt.Sprint(i + 1), Host: sim.Host, Port: sim.Port,
				CommunityRef: fmt.Sprintf("env:UNET_TEST_SIM_COMMUNITY_%d", i+1)},
		}
	}
	sched := NewScheduler(src, discardSink{}, Options{Secrets: testSecrets, Concurrency: 4})
	b, err := sched.PollAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range b.Outcomes {
		if o.Err != nil || len(o.Result.Interfaces) != 8 {
			t.Fatalf("target %s: %v", o.Target.ID, o.Err)
		}
	}
	if n := socketsOpen(); n != 0 {
		t.Errorf("%d sockets open after the polls ended", n)
	}
}

type simTargets []Assignment

func (s simTargets) Targets(context.Context) ([]Assignment, error) { return s, nil }

type discardSink struct{}

func (discardSink) WriteBatch(context.Context, Batch) error { return nil }
