package metrics

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// TestSNMPStateCollector: the summary's quantiles are over the ages of the
// nodes' last successful polls at scrape time, the nodes are counted by
// state, the stored state is read at most once per TTL, and a failing read
// leaves the SNMP state out of the scrape.
func TestSNMPStateCollector(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ago := func(s int) *time.Time { t := now.Add(-time.Duration(s) * time.Second); return &t }
	states := []SNMPNodeState{{Polled: true, Reachable: true, LastSuccess: ago(10)}}
	for i := 1; i <= 9; i++ {
		states = append(states, SNMPNodeState{Polled: true, Reachable: true, LastSuccess: ago(10 + i*10)})
	}
	states = append(states,
		SNMPNodeState{Polled: true, LastSuccess: ago(1000)}, // unreachable since
		SNMPNodeState{Polled: true},                         // never reached
		SNMPNodeState{})                                     // never polled
	loads := 0
	var fail error
	c := NewSNMPStateCollector(func(context.Context) ([]SNMPNodeState, error) {
		loads++
		return states, fail
	}, time.Minute, nil)
	c.now = func() time.Time { return now }
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)

	age := gatherDomain(t, reg, "unet_snmp_last_success_age_seconds", map[string]string{})
	// Ages: 10, 20, …, 100 and 1000.
	if !age.found || age.count != 11 || age.sum != 1550 {
		t.Fatalf("age summary: %+v", age)
	}
	if age.quantiles[0.5] != 60 || age.quantiles[0.9] != 100 || age.quantiles[0.99] != 1000 {
		t.Fatalf("quantiles: %v", age.quantiles)
	}
	for state, want := range map[string]float64{"reachable": 10, "unreachable": 2, "never_polled": 1} {
		if got := gatherDomain(t, reg, "unet_snmp_nodes", map[string]string{"state": state}).value; got != want {
			t.Fatalf("%s nodes: %v, want %v", state, got, want)
		}
	}

	// Within the TTL the states are not read again, and ages grow with
	// the clock.
	now = now.Add(30 * time.Second)
	if age := gatherDomain(t, reg, "unet_snmp_last_success_age_seconds", map[string]string{}); loads != 1 || age.quantiles[0.5] != 90 {
		t.Fatalf("within the TTL: %d loads, median %v", loads, age.quantiles[0.5])
	}
	now = now.Add(time.Minute)
	fail = errors.New("database is gone")
	if gatherDomain(t, reg, "unet_snmp_nodes", map[string]string{"state": "reachable"}).found || loads != 2 {
		t.Fatalf("a failed read: %d loads", loads)
	}

	// No polled node yet: an empty summary with NaN quantiles.
	fail, states = nil, nil
	age = gatherDomain(t, reg, "unet_snmp_last_success_age_seconds", map[string]string{})
	if !age.found || age.count != 0 || !math.IsNaN(age.quantiles[0.5]) {
		t.Fatalf("empty summary: %+v", age)
	}
}
