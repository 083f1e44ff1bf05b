package snmp

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

// A poll cycle logs its start (debug) and its end (info) with the same run
// id, and a second cycle has another.
func TestSchedulerLogsCycleRuns(t *testing.T) {
	silentHost, silentPort := testutil.SilentUDP(t)
	src := &listSource{asg: []Assignment{{Target: Target{ID: "silent", Host: silentHost, Port: silentPort}, Profile: fastProfile(t, "x")}}}
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := NewScheduler(src, &batchSink{}, Options{Secrets: testSecrets, Logger: log})
	for range 2 {
		if _, err := s.PollAll(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	var started, ended []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatal(err)
		}
		switch rec["msg"] {
		case "snmp: poll cycle started":
			started = append(started, rec)
		case "snmp: poll cycle":
			ended = append(ended, rec)
		}
	}
	if len(started) != 2 || len(ended) != 2 {
		t.Fatalf("%d start and %d end lines, want 2 of each:\n%s", len(started), len(ended), buf.String())
	}
	for i := range 2 {
		if started[i]["run"] == "" || started[i]["run"] != ended[i]["run"] || started[i]["level"] != "DEBUG" ||
			ended[i]["level"] != "INFO" || ended[i]["failed"] != 1.0 || started[i]["targets"] != 1.0 {
			t.Errorf("cycle %d: start %v, end %v", i, started[i], ended[i])
		}
	}
	if started[0]["run"] == started[1]["run"] {
		t.Errorf("two cycles with one run id %v", started[0]["run"])
	}
}
