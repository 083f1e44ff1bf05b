package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

func TestReadyzWhenDatabaseFileIsRemoved(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	if a := ts.send(t, "GET", "/readyz", nil); a.status != 200 {
		t.Fatalf("readyz on a healthy database: %d %s", a.status, a.body)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(ts.file + suffix)
	}
	a := ts.send(t, "GET", "/readyz", nil)
	var h httpapi.Health
	a.decode(t, &h)
	if a.status != http.StatusServiceUnavailable || h.Status != "unavailable" || !strings.Contains(h.Reason, "is gone") {
		t.Fatalf("readyz after removing the file: %d %+v", a.status, h)
	}
	if a := ts.send(t, "GET", "/healthz", nil); a.status != 200 {
		t.Fatalf("healthz must stay up: %d", a.status)
	}
}

func TestReadyzWhenDatabaseIsClosed(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	ts.db.Close()
	a := ts.send(t, "GET", "/readyz", nil)
	var h httpapi.Health
	a.decode(t, &h)
	if a.status != http.StatusServiceUnavailable || !strings.Contains(h.Reason, "database unreachable") {
		t.Fatalf("readyz with a closed database: %d %+v", a.status, h)
	}
	// Requests that need the database answer 500 problem documents, not hang.
	p := ts.send(t, "GET", "/api/v1/nodes", nil)
	if p.status != http.StatusInternalServerError || !strings.Contains(p.problem(t).Detail, "internal error (request id") {
		t.Fatalf("list on a closed database: %d %s", p.status, p.body)
	}
}

func TestReadyzWhenNotMigrated(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "fresh.db")
	db, err := sqlstore.Open(ctx, "sqlite://"+file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	srv, err := httpapi.New(service.New(db), httpapi.Options{Ready: httpapi.DatabaseReady(db, file)})
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: newHTTPTest(srv), api: srv}
	defer ts.Close()
	a := ts.send(t, "GET", "/readyz", nil)
	var h httpapi.Health
	a.decode(t, &h)
	if a.status != http.StatusServiceUnavailable || !strings.Contains(h.Reason, "migrate") {
		t.Fatalf("readyz before migrating: %d %+v", a.status, h)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if a := ts.send(t, "GET", "/readyz", nil); a.status != 200 {
		t.Fatalf("readyz after migrating: %d %s", a.status, a.body)
	}
}

// serverProcess is this test binary running as a server (see TestMain).
type serverProcess struct {
	cmd  *exec.Cmd
	url  string
	out  *bufio.Reader
	file string
}

func startServerProcess(t *testing.T, file string) *serverProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serverEnv+"="+file)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	out := bufio.NewReader(stdout)
	line, err := out.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "LISTEN ") {
		t.Fatalf("server process did not start: %q %v", line, err)
	}
	return &serverProcess{cmd: cmd, url: "http://" + strings.TrimSpace(strings.TrimPrefix(line, "LISTEN ")), out: out, file: file}
}

// counts opens the database file afresh and counts the inventory.
func counts(t *testing.T, file string) (nodes, links, changes int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for table, n := range map[string]*int{"nodes": &nodes, "links": &links, "changes": &changes} {
		if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
	}
	return nodes, links, changes
}

// TestKillDuringImport kills the server (SIGKILL) while an import is being
// written: reopened, the database holds either the whole import or none of it.
func TestKillDuringImport(t *testing.T) {
	const n = 5000
	body, err := json.Marshal(bundle(n))
	if err != nil {
		t.Fatal(err)
	}
	sawNothing, sawAll := false, false
	for i, delay := range []time.Duration{0, 150 * time.Millisecond, 600 * time.Millisecond, 30 * time.Second} {
		file := filepath.Join(t.TempDir(), "kill.db")
		sp := startServerProcess(t, file)
		done := make(chan error, 1)
		go func() {
			resp, err := http.Post(sp.url+"/api/v1/import", "application/json", bytes.NewReader(body))
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					err = &unet.Error{Code: unet.EINTERNAL, Message: resp.Status}
				}
			}
			done <- err
		}()
		// Wait until the import's transaction holds the database, then wait delay.
		if !waitForWriter(t, file) {
			t.Fatalf("run %d: the import never started writing", i)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run %d: import failed: %v", i, err)
			}
			_ = sp.cmd.Process.Signal(syscall.SIGKILL)
		case <-time.After(delay):
			if err := sp.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			<-done
		}
		_ = sp.cmd.Wait()
		nodes, links, changes := counts(t, file)
		switch {
		case nodes == 0 && links == 0 && changes == 0:
			sawNothing = true
		case nodes == n && links == n-1 && changes == 1+n+(n-1):
			sawAll = true
		default:
			t.Fatalf("run %d (kill after %s): partial import: %d nodes, %d links, %d changes", i, delay, nodes, links, changes)
		}
		t.Logf("run %d (kill after %s): %d nodes, %d links, %d changes", i, delay, nodes, links, changes)
	}
	if !sawNothing || !sawAll {
		t.Fatalf("expected both outcomes across runs (untouched: %v, complete: %v)", sawNothing, sawAll)
	}
}

// TestGracefulShutdownFinishesInFlightImport sends SIGTERM while an import
// runs: the server stops accepting, answers the import, then exits 0.
func TestGracefulShutdownFinishesInFlightImport(t *testing.T) {
	const n = 3000
	body, _ := json.Marshal(bundle(n))
	file := filepath.Join(t.TempDir(), "term.db")
	sp := startServerProcess(t, file)
	done := make(chan int, 1)
	go func() {
		resp, err := http.Post(sp.url+"/api/v1/import", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Error(err)
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	if !waitForWriter(t, file) {
		t.Fatal("the import never started writing")
	}
	if err := sp.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if status := <-done; status != 200 {
		t.Fatalf("in-flight import answered %d during shutdown", status)
	}
	line, _ := sp.out.ReadString('\n')
	if err := sp.cmd.Wait(); err != nil || strings.TrimSpace(line) != "STOPPED" {
		t.Fatalf("server exit: %v, last line %q", err, line)
	}
	if _, err := http.Get(sp.url + "/healthz"); err == nil {
		t.Fatal("server still accepts after shutdown")
	}
	if nodes, _, _ := counts(t, file); nodes != n {
		t.Fatalf("%d nodes after graceful shutdown, want %d", nodes, n)
	}
}

// waitForWriter waits (at most 20 s) until a write transaction holds the
// database: a probe connection then fails to BEGIN IMMEDIATE with "busy".
func waitForWriter(t *testing.T, file string) bool {
	t.Helper()
	ctx := context.Background()
	conn, done := lockProbe(t, file)
	defer done()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			if strings.Contains(err.Error(), "busy") || strings.Contains(err.Error(), "locked") {
				return true
			}
			t.Fatalf("probe: %v", err)
		}
		if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
			t.Fatalf("probe: %v", err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	return false
}

// lockProbe opens a connection to the SQLite file that never waits for a
// lock (busy_timeout 0): BEGIN IMMEDIATE on it fails at once while another
// transaction holds the write lock. The caller closes it with done.
func lockProbe(t *testing.T, file string) (conn *sql.Conn, done func()) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	conn, err = db.Conn(context.Background())
	if err != nil {
		_ = db.Close()
		t.Fatal(err)
	}
	return conn, func() {
		_ = conn.Close()
		_ = db.Close()
	}
}
