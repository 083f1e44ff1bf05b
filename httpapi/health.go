package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
)

// Health is the answer of the health probes: /livez and its older name
// /healthz (the process serves HTTP), and /readyz (the server can do its
// work: the database and every background worker).
type Health struct {
	Status string `json:"status"`           // "ok" or "unavailable"
	Reason string `json:"reason,omitempty"` // why the server is not ready
	// Database is the database's readiness (/readyz; absent without a
	// probe).
	Database *DatabaseHealth `json:"database,omitempty"`
	// Workers are the background workers and their progress (/readyz;
	// absent when the server runs none).
	Workers []WorkerReport `json:"workers,omitempty"`
}

// DatabaseHealth is the database's part of the /readyz answer.
type DatabaseHealth struct {
	Healthy bool   `json:"healthy"`
	Reason  string `json:"reason,omitempty"` // why it is not
}

// WorkerReport is a background worker's part of the /readyz answer.
type WorkerReport struct {
	Name    string `json:"name"`
	Healthy bool   `json:"healthy"`
	// LastProgress is when the worker last completed a cycle (absent: not
	// yet).
	LastProgress *time.Time `json:"last_progress,omitempty"`
	// IntervalSeconds is how often the worker is expected to make progress.
	IntervalSeconds float64 `json:"interval_seconds"`
}

// WorkerHealth is what Options.Workers tells of one background worker: its
// name, when it last made progress, how often it is expected to, and whether
// it did within that interval. Its fields are those of metrics.WorkerState,
// so one converts to the other.
type WorkerHealth struct {
	Name         string
	LastProgress time.Time
	Interval     time.Duration
	Healthy      bool
}

// healthPath reports whether path is one of the health probes, which answer
// whatever the Host and outside the abuse limits.
func healthPath(path string) bool {
	return path == "/livez" || path == "/healthz" || path == "/readyz"
}

// livez answers 200 while the process serves HTTP at all.
func (s *Server) livez(w http.ResponseWriter, r *http.Request) error {
	s.writeJSON(w, http.StatusOK, Health{Status: "ok"})
	return nil
}

// readyz answers 200 when the readiness probe of the database passes within
// two seconds and every background worker made progress within its
// interval, 503 otherwise; the body details each of them and the reason.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	h := Health{Status: "ok"}
	var reasons []string
	if s.opts.Ready != nil {
		h.Database = &DatabaseHealth{Healthy: true}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.opts.Ready(ctx); err != nil {
			h.Database = &DatabaseHealth{Reason: err.Error()}
			reasons = append(reasons, err.Error())
		}
	}
	if s.opts.Workers != nil {
		for _, wk := range s.opts.Workers() {
			rep := WorkerReport{Name: wk.Name, Healthy: wk.Healthy, IntervalSeconds: wk.Interval.Seconds()}
			if !wk.LastProgress.IsZero() {
				t := wk.LastProgress.UTC()
				rep.LastProgress = &t
			}
			h.Workers = append(h.Workers, rep)
			if !wk.Healthy {
				reasons = append(reasons, stalled(wk))
			}
		}
	}
	if len(reasons) > 0 {
		h.Status, h.Reason = "unavailable", strings.Join(reasons, "; ")
		w.Header().Set("Retry-After", "5")
		s.writeJSON(w, http.StatusServiceUnavailable, h)
		return nil
	}
	s.writeJSON(w, http.StatusOK, h)
	return nil
}

// stalled says why a worker is unhealthy.
func stalled(wk WorkerHealth) string {
	if wk.LastProgress.IsZero() {
		return fmt.Sprintf("worker %s has made no progress yet (expected every %s)", wk.Name, wk.Interval)
	}
	return fmt.Sprintf("worker %s has made no progress since %s (expected every %s)", wk.Name,
		wk.LastProgress.UTC().Format(time.RFC3339), wk.Interval)
}

// Database is what the readiness probe asks of the database: that it
// answers, that its schema is the expected one, and that writes can be made
// (sqlstore.DB: not blocked by a lock someone else holds, file still in
// place). It is a declared dependency, not a capability discovered at run
// time: a database that cannot tell whether writes work does not satisfy it.
type Database interface {
	Ping(ctx context.Context) error
	CheckSchema(ctx context.Context) error
	CheckWrites(ctx context.Context) error
}

// DatabaseReady returns a readiness probe: the database answers, its schema
// is the one this binary expects, and writes are not blocked (see
// sqlstore.DB.CheckWrites). For a file database (file != ""), the file
// must also still be the one that was opened: a removed or replaced SQLite
// file leaves the open connections working on a file nobody else sees.
func DatabaseReady(db Database, file string) func(context.Context) error {
	var opened os.FileInfo
	if file != "" {
		// A file that cannot be read now is reported by every probe below;
		// without its identity only the replacement check is skipped.
		opened, _ = os.Stat(file)
	}
	return func(ctx context.Context) error {
		if file != "" {
			fi, err := os.Stat(file)
			if err != nil {
				return fmt.Errorf("database file %s is gone: %w", file, err)
			}
			if opened != nil && !os.SameFile(opened, fi) {
				return fmt.Errorf("database file %s was replaced since the server opened it: restart the server", file)
			}
		}
		if err := db.Ping(ctx); err != nil {
			return fmt.Errorf("database unreachable: %w", err)
		}
		if err := db.CheckSchema(ctx); err != nil {
			return err
		}
		return db.CheckWrites(ctx)
	}
}
