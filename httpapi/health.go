package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"
)

// Health is the answer of /healthz and /readyz.
type Health struct {
	Status string `json:"status"`           // "ok" or "unavailable"
	Reason string `json:"reason,omitempty"` // why the server is not ready
}

// healthz answers 200 while the process serves HTTP at all.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	s.writeJSON(w, http.StatusOK, Health{Status: "ok"})
	return nil
}

// readyz answers 200 when the readiness probe passes within two seconds, 503
// with its reason otherwise.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if s.opts.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.opts.Ready(ctx); err != nil {
			w.Header().Set("Retry-After", "5")
			s.writeJSON(w, http.StatusServiceUnavailable, Health{Status: "unavailable", Reason: err.Error()})
			return nil
		}
	}
	s.writeJSON(w, http.StatusOK, Health{Status: "ok"})
	return nil
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
