package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unet-dev/unet/httpapi"
)

func TestLivez(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	for _, path := range []string{"/livez", "/healthz"} {
		// Probes answer whatever the Host: orchestrators probe by address.
		a := ts.send(t, "GET", path, nil, "Host", "10.1.2.3:8080")
		var h httpapi.Health
		a.decode(t, &h)
		if a.status != http.StatusOK || h.Status != "ok" || h.Database != nil || h.Workers != nil {
			t.Errorf("%s: %d %s", path, a.status, a.body)
		}
	}
}

// workerStates is a settable Options.Workers.
type workerStates struct {
	mu sync.Mutex
	ws []httpapi.WorkerHealth
}

func (s *workerStates) set(ws ...httpapi.WorkerHealth) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ws = ws
}

func (s *workerStates) get() []httpapi.WorkerHealth {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]httpapi.WorkerHealth(nil), s.ws...)
}

func TestReadyzReportsWorkers(t *testing.T) {
	states := &workerStates{}
	ts := startServer(t, httpapi.Options{Workers: states.get})
	progress := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	sched := httpapi.WorkerHealth{Name: "policy_scheduler", LastProgress: progress, Interval: 5 * time.Minute, Healthy: true}
	snmp := httpapi.WorkerHealth{Name: "snmp_scheduler", LastProgress: progress, Interval: 15 * time.Minute, Healthy: true}
	states.set(sched, snmp)

	a := ts.send(t, "GET", "/readyz", nil)
	var h httpapi.Health
	a.decode(t, &h)
	if a.status != http.StatusOK || h.Status != "ok" || h.Reason != "" {
		t.Fatalf("all healthy: %d %s", a.status, a.body)
	}
	if h.Database == nil || !h.Database.Healthy {
		t.Errorf("database: %s", a.body)
	}
	if len(h.Workers) != 2 || h.Workers[0].Name != "policy_scheduler" || !h.Workers[0].Healthy ||
		h.Workers[0].IntervalSeconds != 300 || h.Workers[0].LastProgress == nil || !h.Workers[0].LastProgress.Equal(progress) {
		t.Errorf("workers: %s", a.body)
	}

	// The SNMP scheduler stalls: not ready, and the answer says which.
	snmp.Healthy = false
	states.set(sched, snmp)
	a = ts.send(t, "GET", "/readyz", nil)
	h = httpapi.Health{}
	a.decode(t, &h)
	if a.status != http.StatusServiceUnavailable || h.Status != "unavailable" || a.header.Get("Retry-After") == "" {
		t.Fatalf("stalled worker: %d %s", a.status, a.body)
	}
	if !strings.Contains(h.Reason, "snmp_scheduler") || strings.Contains(h.Reason, "policy_scheduler") ||
		!strings.Contains(h.Reason, "2026-03-01T12:00:00Z") || !strings.Contains(h.Reason, "15m0s") {
		t.Errorf("reason %q", h.Reason)
	}
	if len(h.Workers) != 2 || !h.Workers[0].Healthy || h.Workers[1].Healthy || h.Workers[1].Name != "snmp_scheduler" {
		t.Errorf("workers: %s", a.body)
	}
	if h.Database == nil || !h.Database.Healthy {
		t.Errorf("database: %s", a.body)
	}

	// A worker that never made progress has no last_progress.
	states.set(sched, httpapi.WorkerHealth{Name: "git_syncer", Interval: time.Minute})
	a = ts.send(t, "GET", "/readyz", nil)
	var raw struct {
		Workers []map[string]any `json:"workers"`
	}
	if err := json.Unmarshal(a.body, &raw); err != nil {
		t.Fatal(err)
	}
	if a.status != http.StatusServiceUnavailable || len(raw.Workers) != 2 || raw.Workers[1]["last_progress"] != nil ||
		raw.Workers[1]["healthy"] != false || !strings.Contains(string(a.body), "git_syncer has made no progress yet") {
		t.Errorf("never progressed: %d %s", a.status, a.body)
	}

	// It catches up: ready again. /livez never cared.
	states.set(sched)
	if a := ts.send(t, "GET", "/readyz", nil); a.status != http.StatusOK {
		t.Errorf("recovered: %d %s", a.status, a.body)
	}
	states.set(snmp)
	if a := ts.send(t, "GET", "/livez", nil); a.status != http.StatusOK {
		t.Errorf("livez with a stalled worker: %d %s", a.status, a.body)
	}
}

func TestReadyzDatabaseAndWorkerBothReported(t *testing.T) {
	ts := startServer(t, httpapi.Options{Workers: func() []httpapi.WorkerHealth {
		return []httpapi.WorkerHealth{{Name: "outbox", Interval: time.Second}}
	}})
	ts.db.Close()
	a := ts.send(t, "GET", "/readyz", nil)
	var h httpapi.Health
	a.decode(t, &h)
	if a.status != http.StatusServiceUnavailable || h.Database == nil || h.Database.Healthy || h.Database.Reason == "" ||
		len(h.Workers) != 1 || !strings.Contains(h.Reason, "database") || !strings.Contains(h.Reason, "outbox") {
		t.Errorf("%d %s", a.status, a.body)
	}
}

func TestOpenAPIDescribesProbes(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	var doc struct {
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	ts.send(t, "GET", "/api/v1/openapi.json", nil).decode(t, &doc)
	for _, p := range []string{"/livez", "/healthz", "/readyz"} {
		if doc.Paths[p]["get"] == nil {
			t.Errorf("no GET %s in the document", p)
		}
	}
	if _, ok := doc.Paths["/readyz"]["get"]["responses"].(map[string]any)["503"]; !ok {
		t.Error("/readyz: no 503 answer")
	}
	for schema, fields := range map[string][]string{"Health": {"status", "reason", "database", "workers"},
		"WorkerReport": {"name", "healthy", "last_progress", "interval_seconds"}} {
		for _, f := range fields {
			if _, ok := doc.Components.Schemas[schema].Properties[f]; !ok {
				t.Errorf("schema %s has no %s", schema, f)
			}
		}
	}
}
