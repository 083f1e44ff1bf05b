package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
)

// jsonLines decodes the JSON log lines of b whose message is msg.
func jsonLines(t *testing.T, b *lockedBuffer, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

func debugJSONLogger(b *lockedBuffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// TestEvaluateLoopLogsRuns checks the evaluation loop's log: each run has an
// id on its start and end lines and names its trigger; a run that changed
// results ends at info, one that changed nothing at debug.
func TestEvaluateLoopLogsRuns(t *testing.T) {
	ctx := context.Background()
	svc := newLocalService(t)
	actor := unet.WithActor(ctx, "t")
	if _, err := svc.CreateNode(actor, &unet.Node{Name: "r1", Vendor: "cisco", Platform: "iosxe", SoftwareVersion: "17.3.1"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	svc.SetPolicySource(func(context.Context, string) ([]unet.PolicyFile, string, error) {
		return []unet.PolicyFile{{Name: "v.rules", Content: `RULE "min" WHEN node.platform == "iosxe" THEN ASSERT version(node.software_version) >= version("17.9.4")`}}, "test", nil
	})
	logs := &lockedBuffer{}
	loopCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		evaluateLoop(loopCtx, svc, time.Hour, 20*time.Millisecond, debugJSONLogger(logs))
		close(done)
	}()
	defer func() { stop(); <-done }()

	evaluated := func(n int) []map[string]any {
		t.Helper()
		var l []map[string]any
		eventually(t, "evaluation log lines", func() bool {
			l = jsonLines(t, logs, "policies evaluated")
			return len(l) >= n
		})
		return l
	}
	first := evaluated(1)[0]
	if first["level"] != "INFO" || first["trigger"] != "schedule" || first["changed"] != 1.0 || first["run"] == "" {
		t.Errorf("first evaluation: %v", first)
	}
	started := jsonLines(t, logs, "policy evaluation started")
	if len(started) == 0 || started[0]["run"] != first["run"] || started[0]["level"] != "DEBUG" {
		t.Errorf("start lines %v, want run %v at debug", started, first["run"])
	}

	// A change that leaves every result as it was: a debug line.
	if _, err := svc.UpdateNode(actor, "r1", unet.Patch{"role": "core"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	idle := evaluated(2)[1]
	if idle["level"] != "DEBUG" || idle["trigger"] != "change" || idle["changed"] != 0.0 || idle["run"] == first["run"] {
		t.Errorf("idle evaluation: %v", idle)
	}
	// A change that fixes the failure: info again.
	if _, err := svc.UpdateNode(actor, "r1", unet.Patch{"software_version": "17.12.1"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	fixed := evaluated(3)[2]
	if fixed["level"] != "INFO" || fixed["trigger"] != "change" || fixed["changed"] != 1.0 {
		t.Errorf("evaluation after the fix: %v", fixed)
	}
}

// TestGitScheduleLogsSyncs checks the Git schedule's log: a sync that
// activates a commit logs it at info with the sync's run id, a sync that
// finds nothing new ends at debug.
func TestGitScheduleLogsSyncs(t *testing.T) {
	ctx := context.Background()
	svc := newLocalService(t)
	repo := testutil.NewGitRepo(t, "net")
	c1 := repo.Commit("main", "baseline", map[string]string{"base.rules": scheduleRule("base")})
	if _, err := svc.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies, Interval: "1s"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	jobs, stop := context.WithCancel(ctx)
	wait := startGitSchedule(jobs, svc, gitScheduleOptions{Refresh: 50 * time.Millisecond}, debugJSONLogger(logs))
	defer func() { stop(); wait() }()

	var synced []map[string]any
	eventually(t, "two scheduled syncs", func() bool {
		synced = jsonLines(t, logs, "Git schedule: sync done")
		return len(synced) >= 2
	})
	first, second := synced[0], synced[1]
	if first["level"] != "INFO" || first["activated"] != 1.0 || first["source"] != "net" || first["run"] == "" {
		t.Errorf("first sync: %v", first)
	}
	if second["level"] != "DEBUG" || second["activated"] != 0.0 || second["unchanged"] != 1.0 || second["run"] == first["run"] {
		t.Errorf("second sync: %v", second)
	}
	act := jsonLines(t, logs, "Git schedule: commit activated")
	if len(act) != 1 || act[0]["run"] != first["run"] || act[0]["commit"] != c1 || act[0]["level"] != "INFO" {
		t.Errorf("activation lines: %v", act)
	}
	runs := map[any]bool{}
	for _, l := range jsonLines(t, logs, "Git schedule: sync started") {
		runs[l["run"]] = true
	}
	if !runs[first["run"]] || !runs[second["run"]] {
		t.Errorf("start lines lack the runs %v and %v: %v", first["run"], second["run"], runs)
	}
}
