package cli

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/metrics/metricstest"
)

// domainMetricValue is the value of a counter or gauge of metrics.Registry with
// exactly labels (0 when there is none), and whether it exists.
func domainMetricValue(t *testing.T, name string, labels map[string]string) (float64, bool) {
	t.Helper()
	s, ok, err := metricstest.Find(metrics.Registry, name, labels, false)
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	return s.Value, ok
}

func healthyWorkerNames() []string {
	var names []string
	for _, st := range metrics.WorkerStatus() {
		if st.Healthy {
			names = append(names, st.Name)
		}
	}
	return names
}

// TestServeReportsWorkersAndMetrics: `unet serve` registers its background
// workers (healthy while they run, gone once it stops), counts its
// scheduled evaluation and exports the SNMP state of the nodes.
func TestServeReportsWorkersAndMetrics(t *testing.T) {
	scheduled := func() float64 {
		v, _ := domainMetricValue(t, "unet_policy_evaluations_total", map[string]string{"trigger": "schedule", "outcome": "ok"})
		return v
	}
	before := scheduled()
	db := "sqlite://" + filepath.Join(t.TempDir(), "demo.db")
	base, logs, stop := startServe(t, []string{"--db", db, "--demo"}, nil)
	eventually(t, "the workers", func() bool {
		names := healthyWorkerNames()
		return slices.Contains(names, metrics.WorkerPolicyScheduler) && slices.Contains(names, metrics.WorkerSNMPScheduler) &&
			slices.Contains(names, metrics.WorkerGitSyncer)
	})
	eventually(t, "the scheduled evaluation", func() bool { return scheduled() > before })
	// /readyz reports the same workers, each healthy, next to the database.
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var ready struct {
		Workers []struct {
			Name    string `json:"name"`
			Healthy bool   `json:"healthy"`
		} `json:"workers"`
	}
	err = json.NewDecoder(resp.Body).Decode(&ready)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz: %d %v", resp.StatusCode, err)
	}
	var readyNames []string
	for _, w := range ready.Workers {
		if w.Healthy {
			readyNames = append(readyNames, w.Name)
		}
	}
	for _, w := range []string{metrics.WorkerPolicyScheduler, metrics.WorkerSNMPScheduler, metrics.WorkerGitSyncer} {
		if !slices.Contains(readyNames, w) {
			t.Errorf("/readyz does not report %s as healthy: %+v", w, ready.Workers)
		}
	}
	if _, ok := domainMetricValue(t, "unet_snmp_nodes", map[string]string{"state": "never_polled"}); !ok {
		t.Fatal("the SNMP state of the nodes is not exported")
	}
	if v, ok := domainMetricValue(t, "unet_worker_healthy", map[string]string{"worker": metrics.WorkerGitSyncer}); !ok || v != 1 {
		t.Fatalf("git syncer health gauge: %v %v", v, ok)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d: %s", code, logs.String())
	}
	if st := metrics.WorkerStatus(); len(st) != 0 {
		t.Fatalf("workers of a stopped server are reported: %+v", st)
	}
}

// TestEvaluateLoopCountsTriggers: the loop's first evaluation is a scheduled
// one, an inventory change starts one counted as a change, and every pass of
// the loop is progress.
func TestEvaluateLoopCountsTriggers(t *testing.T) {
	ctx := context.Background()
	svc := newLocalService(t)
	actor := unet.WithActor(ctx, "t")
	if _, err := svc.CreateNode(actor, &unet.Node{Name: "r1", Vendor: "cisco", Platform: "iosxe"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	svc.SetPolicySource(func(context.Context, string) ([]unet.PolicyFile, string, error) {
		return []unet.PolicyFile{{Name: "v.rules", Content: `RULE "model" WHEN node.vendor == "cisco" THEN ASSERT node.model IS NOT NULL`}}, "test", nil
	})
	count := func(trigger string) float64 {
		v, _ := domainMetricValue(t, "unet_policy_evaluations_total", map[string]string{"trigger": trigger, "outcome": "ok"})
		return v
	}
	sched, change := count("schedule"), count("change")
	loopCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		evaluateLoop(loopCtx, svc, time.Hour, 50*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	defer func() { stop(); <-done }()
	eventually(t, "the first evaluation", func() bool { return count("schedule") == sched+1 })
	failing := func() float64 {
		v, _ := domainMetricValue(t, "unet_policy_rule_failing_objects", map[string]string{"rule": "model", "severity": "medium"})
		return v
	}
	if failing() != 1 {
		t.Fatalf("failing objects after the first evaluation: %v", failing())
	}
	var first time.Time
	for _, st := range metrics.WorkerStatus() {
		if st.Name == metrics.WorkerPolicyScheduler {
			first = st.LastProgress
		}
	}
	if first.IsZero() {
		t.Fatal("the policy scheduler is not reported")
	}
	if _, err := svc.UpdateNode(actor, "r1", unet.Patch{"model": "C9300"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the evaluation of the change", func() bool { return count("change") == change+1 && failing() == 0 })
	eventually(t, "progress", func() bool {
		for _, st := range metrics.WorkerStatus() {
			if st.Name == metrics.WorkerPolicyScheduler && st.LastProgress.After(first) {
				return true
			}
		}
		return false
	})
	if count("schedule") != sched+1 {
		t.Fatalf("scheduled evaluations: %v, want %v", count("schedule"), sched+1)
	}
}
