package snmp

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/unet-dev/unet/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestPollResultGolden pins the JSON form of a poll result (what the API
// and the stores see) for a simulated 4-port Cisco switch.
func TestPollResultGolden(t *testing.T) {
	sim := testutil.StartSNMPSim(t, 1, 4, 1024)
	t.Setenv("UNET_TEST_SIM_COMMUNITY", testutil.SimCommunity(1))
	p := Profile{Name: "sim", Version: V2c, CommunityRef: "env:UNET_TEST_SIM_COMMUNITY", Timeout: 5 * time.Second, Retries: 1}
	res, err := Poll(context.Background(), testSecrets, Target{ID: "sim-1", Host: sim.Host, Port: sim.Port}, p)
	if err != nil {
		t.Fatal(err)
	}
	// Normalise what changes from run to run.
	epoch := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range res.Interfaces {
		if lc := res.Interfaces[i].LastChange; !lc.IsZero() {
			res.Interfaces[i].LastChange = epoch.Add(lc.Sub(res.Time).Round(time.Second))
		}
	}
	res.Time, res.Duration, res.Addr = epoch, 0, "127.0.0.1:161"
	got, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "poll_result.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestPollResultGolden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("poll result differs from %s (run with -update if the change is intended):\n%s", path, got)
	}
}
