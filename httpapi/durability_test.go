package httpapi_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// syncBuffer is a log sink a running server writes to while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// liveServer is a server run by httpapi.Server.Serve (with its timeouts) on a
// random loopback port, over a database of either engine.
type liveServer struct {
	url   string
	db    *sqlstore.DB
	dbURL string
	file  string
	logs  *syncBuffer
}

func engineURL(t *testing.T, engine string) (dbURL, file string) {
	t.Helper()
	if engine == sqlstore.Postgres {
		return testutil.NewPostgresDB(t), ""
	}
	file = filepath.Join(t.TempDir(), "unet.db")
	return "sqlite://" + file, file
}

func startLive(t *testing.T, engine string, dbo sqlstore.Options, o httpapi.Options) *liveServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	dbURL, file := engineURL(t, engine)
	db, err := sqlstore.OpenWith(ctx, dbURL, dbo)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	o.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o.AccessLog = true
	o.Ready = httpapi.DatabaseReady(db, file)
	api, err := httpapi.New(service.New(db), o)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- api.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		db.Close()
	})
	return &liveServer{url: "http://" + ln.Addr().String(), db: db, dbURL: dbURL, file: file, logs: logs}
}

// do sends a JSON request and reads the whole answer.
func do(ctx context.Context, method, url string, body any, headers ...string) (answer, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return answer{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: data}, err
}

func mustDo(t *testing.T, method, url string, body any, headers ...string) answer {
	t.Helper()
	a, err := do(context.Background(), method, url, body, headers...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return a
}

// wantUnavailable checks a 503 problem document with Retry-After.
func wantUnavailable(t *testing.T, what string, a answer, detail string) {
	t.Helper()
	if a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") == "" {
		t.Fatalf("%s: %d (Retry-After %q) %s, want 503 with Retry-After", what, a.status, a.header.Get("Retry-After"), a.body)
	}
	p := a.problem(t)
	if p.Code != unet.EUNAVAILABLE || !strings.Contains(p.Detail, detail) {
		t.Fatalf("%s: problem %+v, want code unavailable and detail with %q", what, p, detail)
	}
}

// TestWritesRefusedWhenDatabaseFileRemoved: once the SQLite file is removed
// while the server runs, writes answer 503 (they would be acknowledged into an
// unlinked file and lost), as /readyz does.
func TestWritesRefusedWhenDatabaseFileRemoved(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	if a := ts.send(t, "POST", "/api/v1/nodes", map[string]any{"name": "before", "vendor": "cisco"}); a.status != http.StatusCreated {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(ts.file + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	a := ts.send(t, "POST", "/api/v1/nodes", map[string]any{"name": "after", "vendor": "cisco"})
	wantUnavailable(t, "create after removal", a, "is gone")
	a = ts.send(t, "PATCH", "/api/v1/nodes/before", map[string]any{"role": "core"})
	wantUnavailable(t, "patch after removal", a, "is gone")
	a = ts.send(t, "DELETE", "/api/v1/nodes/before", nil)
	wantUnavailable(t, "delete after removal", a, "is gone")
	if a := ts.send(t, "GET", "/readyz", nil); a.status != http.StatusServiceUnavailable {
		t.Fatalf("readyz: %d", a.status)
	}
}

// TestWritesRefusedWhenDatabaseFileReplaced: a file moved over the database's
// path (a restored backup, say) is not written through the old connections.
func TestWritesRefusedWhenDatabaseFileReplaced(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	other := filepath.Join(t.TempDir(), "other.db")
	odb, err := sqlstore.Open(context.Background(), "sqlite://"+other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := odb.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := odb.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(other, ts.file); err != nil {
		t.Fatal(err)
	}
	a := ts.send(t, "POST", "/api/v1/nodes", map[string]any{"name": "lost", "vendor": "cisco"})
	wantUnavailable(t, "create after replacement", a, "was replaced")
	var h httpapi.Health
	r := ts.send(t, "GET", "/readyz", nil)
	r.decode(t, &h)
	if r.status != http.StatusServiceUnavailable || !strings.Contains(h.Reason, "replaced") {
		t.Fatalf("readyz: %d %+v", r.status, h)
	}
	if nodes, _, _ := counts(t, ts.file); nodes != 0 {
		t.Fatalf("%d nodes written into the new file through old connections", nodes)
	}
}

// holdLock takes a lock another process would: SQLite's write lock (BEGIN
// IMMEDIATE on a second pool), or a PostgreSQL lock on the nodes table. The
// returned function releases it.
func holdLock(t *testing.T, ls *liveServer, engine string) func() {
	t.Helper()
	ctx := context.Background()
	var db *sql.DB
	var err error
	if engine == sqlstore.Postgres {
		db, err = sql.Open("pgx", ls.dbURL)
	} else {
		db, err = sql.Open("sqlite", "file:"+ls.file)
	}
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{"BEGIN IMMEDIATE"}
	if engine == sqlstore.Postgres {
		stmts = []string{"BEGIN", "LOCK TABLE nodes IN EXCLUSIVE MODE"}
	}
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	released := false
	release := func() {
		if released {
			return
		}
		released = true
		if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
			t.Errorf("release the lock: %v", err)
		}
		conn.Close()
		db.Close()
	}
	t.Cleanup(release)
	return release
}

// TestExternalLockLongerThanWriteTimeout: another process holds the write
// lock longer than the server's write timeout. The write is answered 503 with
// Retry-After well before the client could time out, it is not committed when
// the lock goes away later, and /readyz reports writes blocked until they are
// not.
func TestExternalLockLongerThanWriteTimeout(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			ls := startLive(t, engine, sqlstore.Options{LockTimeout: time.Second}, httpapi.Options{WriteTimeout: 4 * time.Second})
			if a := mustDo(t, "POST", ls.url+"/api/v1/nodes", map[string]any{"name": "r1", "vendor": "cisco", "role": "access"}); a.status != http.StatusCreated {
				t.Fatalf("create: %d %s", a.status, a.body)
			}
			release := holdLock(t, ls, engine)
			// The client waits longer than the server's write timeout: the
			// server must answer, not leave it to time out.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			a, err := do(ctx, "PATCH", ls.url+"/api/v1/nodes/r1", map[string]any{"role": "core"})
			if err != nil {
				t.Fatalf("patch while locked: no answer: %v", err)
			}
			wantUnavailable(t, "patch while locked", a, "locked")
			var h httpapi.Health
			r := mustDo(t, "GET", ls.url+"/readyz", nil)
			r.decode(t, &h)
			if r.status != http.StatusServiceUnavailable || !strings.Contains(h.Reason, "writes are blocked") {
				t.Fatalf("readyz while locked: %d %+v", r.status, h)
			}
			release()
			if engine == sqlstore.SQLite {
				// The probe finds the lock free again.
				if r := mustDo(t, "GET", ls.url+"/readyz", nil); r.status != http.StatusOK {
					t.Fatalf("readyz after the lock is released: %d %s", r.status, r.body)
				}
			}
			g := mustDo(t, "GET", ls.url+"/api/v1/nodes/r1", nil)
			var n unet.Node
			g.decode(t, &n)
			if n.Role != "access" || n.Version != 1 {
				t.Fatalf("the refused write was committed after all: role %q version %d", n.Role, n.Version)
			}
			if a := mustDo(t, "PATCH", ls.url+"/api/v1/nodes/r1", map[string]any{"role": "core"}); a.status != http.StatusOK {
				t.Fatalf("patch after the lock is released: %d %s", a.status, a.body)
			}
			if r := mustDo(t, "GET", ls.url+"/readyz", nil); r.status != http.StatusOK {
				t.Fatalf("readyz after a successful write: %d %s", r.status, r.body)
			}
		})
	}
}

// TestUnconditionalPatchesOverHTTP: 32 concurrent PATCHes without If-Match on
// one node get no 409 on either engine, and none is lost.
func TestUnconditionalPatchesOverHTTP(t *testing.T) {
	const writers = 32
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			ls := startLive(t, engine, sqlstore.Options{}, httpapi.Options{MaxInFlight: 2 * writers})
			if a := mustDo(t, "POST", ls.url+"/api/v1/nodes", map[string]any{"name": "hot", "vendor": "cisco"}); a.status != http.StatusCreated {
				t.Fatalf("create: %d %s", a.status, a.body)
			}
			statuses := make(chan string, writers)
			var wg sync.WaitGroup
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					a, err := do(context.Background(), "PATCH", ls.url+"/api/v1/nodes/hot", map[string]any{"custom_data": map[string]any{fmt.Sprintf("w%02d", w): w}})
					switch {
					case err != nil:
						statuses <- err.Error()
					case a.status != http.StatusOK:
						statuses <- fmt.Sprintf("%d %s", a.status, a.body)
					}
				}(w)
			}
			wg.Wait()
			close(statuses)
			for s := range statuses {
				t.Error("unconditional PATCH: " + s)
			}
			var n unet.Node
			mustDo(t, "GET", ls.url+"/api/v1/nodes/hot", nil).decode(t, &n)
			if n.Version != 1+writers || len(n.CustomData) != writers {
				t.Fatalf("after %d patches: version %d, %d custom_data keys", writers, n.Version, len(n.CustomData))
			}
		})
	}
}

// TestClientDisconnectIsNotLoggedAsError: a client that gives up while its
// write waits for a lock is logged as 499 (client closed request), not as a
// 500 with "context canceled".
func TestClientDisconnectIsNotLoggedAsError(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			ls := startLive(t, engine, sqlstore.Options{LockTimeout: 20 * time.Second}, httpapi.Options{WriteTimeout: 40 * time.Second})
			if a := mustDo(t, "POST", ls.url+"/api/v1/nodes", map[string]any{"name": "d1", "vendor": "cisco"}); a.status != http.StatusCreated {
				t.Fatalf("create: %d %s", a.status, a.body)
			}
			holdLock(t, ls, engine)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := do(ctx, "PATCH", ls.url+"/api/v1/nodes/d1", map[string]any{"role": "core"}, httpapi.RequestIDHeader, "gone-client")
				done <- err
			}()
			waitForLockWaiter(t, ls, engine)
			cancel()
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Fatalf("client: %v", err)
			}
			deadline := time.Now().Add(30 * time.Second)
			for !strings.Contains(ls.logs.String(), "request_id=gone-client") {
				if time.Now().After(deadline) {
					t.Fatalf("no access log line for the abandoned request:\n%s", ls.logs.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
			logs := ls.logs.String()
			if strings.Contains(logs, "level=ERROR") || strings.Contains(logs, "status=500") {
				t.Fatalf("a client disconnect was logged as a server error:\n%s", logs)
			}
			if !strings.Contains(logs, "status=499") || !strings.Contains(logs, "client closed request") {
				t.Fatalf("want status=499 and \"client closed request\" in the log:\n%s", logs)
			}
		})
	}
}

// waitForLockWaiter waits until the server's write waits for the lock: for
// PostgreSQL, a backend of the test database waits on a lock; SQLite does not
// show its waiters, so the wait there is a short pause.
func waitForLockWaiter(t *testing.T, ls *liveServer, engine string) {
	t.Helper()
	if engine != sqlstore.Postgres {
		time.Sleep(300 * time.Millisecond)
		return
	}
	db, err := sql.Open("pgx", ls.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the write never waited for the lock")
}

// TestRequestDeadlineAnswers503: a write still waiting when the request's
// deadline comes (here the lock timeout is longer than the deadline) is
// answered 503 with Retry-After, logged as a warning rather than an internal
// error, and never commits.
func TestRequestDeadlineAnswers503(t *testing.T) {
	ls := startLive(t, sqlstore.SQLite, sqlstore.Options{LockTimeout: 30 * time.Second},
		httpapi.Options{WriteTimeout: 10 * time.Second, RequestTimeout: 500 * time.Millisecond})
	if a := mustDo(t, "POST", ls.url+"/api/v1/nodes", map[string]any{"name": "slow", "vendor": "cisco", "role": "access"}); a.status != http.StatusCreated {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	release := holdLock(t, ls, sqlstore.SQLite)
	a := mustDo(t, "PATCH", ls.url+"/api/v1/nodes/slow", map[string]any{"role": "core"})
	wantUnavailable(t, "patch past the deadline", a, "deadline")
	release()
	var n unet.Node
	mustDo(t, "GET", ls.url+"/api/v1/nodes/slow", nil).decode(t, &n)
	if n.Role != "access" {
		t.Fatalf("the write answered 503 was committed: role %q", n.Role)
	}
	if logs := ls.logs.String(); strings.Contains(logs, "level=ERROR") {
		t.Fatalf("a request deadline was logged as an error:\n%s", logs)
	}
}

// TestWritesRefusedWhenWriteAheadLogRemoved: removing only the -wal file while
// the server runs would send commits into an unlinked log, lost at the next
// start; writes answer 503 instead.
func TestWritesRefusedWhenWriteAheadLogRemoved(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	if a := ts.send(t, "POST", "/api/v1/nodes", map[string]any{"name": "w1", "vendor": "cisco"}); a.status != http.StatusCreated {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	if err := os.Remove(ts.file + "-wal"); err != nil {
		t.Fatal(err)
	}
	a := ts.send(t, "POST", "/api/v1/nodes", map[string]any{"name": "w2", "vendor": "cisco"})
	wantUnavailable(t, "create after removing the log", a, "write-ahead log")
}
