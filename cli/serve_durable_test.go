package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestServeRefusesSecondServerOnSameSQLiteFile: while one server serves a
// SQLite file, a second one on the same file exits with a clear error; once
// the first has stopped, a server starts again (the lock is not left behind).
func TestServeRefusesSecondServerOnSameSQLiteFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "one.db")
	_, logs, stop := startServe(t, []string{"--db", "sqlite://" + file}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var errb bytes.Buffer
	code := runServeCLI(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--db", file}, Env{Stdout: io.Discard, Stderr: &errb})
	if code != ExitUnavailable || !strings.Contains(errb.String(), "is already served by process "+strconv.Itoa(os.Getpid())) ||
		!strings.Contains(errb.String(), "one server per SQLite database") {
		t.Fatalf("second server on the same file: exit %d, %s", code, errb.String())
	}
	// The same file under another name: a symbolic link and a hard link.
	sym := filepath.Join(filepath.Dir(file), "sym.db")
	hard := filepath.Join(filepath.Dir(file), "hard.db")
	if err := os.Symlink(file, sym); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(file, hard); err != nil {
		t.Fatal(err)
	}
	for _, other := range []string{sym, hard} {
		errb.Reset()
		code := runServeCLI(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--db", other}, Env{Stdout: io.Discard, Stderr: &errb})
		if code != ExitUnavailable || !strings.Contains(errb.String(), "is already served by") {
			t.Fatalf("second server through %s: exit %d, %s", filepath.Base(other), code, errb.String())
		}
	}
	if code := stop(); code != ExitOK {
		t.Fatalf("first server exited %d: %s", code, logs.String())
	}
	_, _, stop = startServe(t, []string{"--db", "sqlite://" + file}, nil)
	if code := stop(); code != ExitOK {
		t.Fatalf("server after the first stopped: exit %d", code)
	}
}

// TestServePortInUseBeforeLoadingData: a port in use is reported before the
// database is created, migrated or loaded with the demo dataset.
func TestServePortInUseBeforeLoadingData(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	file := filepath.Join(t.TempDir(), "demo.db")
	var errb bytes.Buffer
	code := runServeCLI(context.Background(), []string{"serve", "--demo", "--listen", ln.Addr().String(), "--db", "sqlite://" + file},
		Env{Stdout: io.Discard, Stderr: &errb})
	if code != ExitListen || !strings.Contains(errb.String(), "cannot listen on "+ln.Addr().String()) {
		t.Fatalf("port in use: exit %d, %s", code, errb.String())
	}
	if strings.Contains(errb.String(), "demo dataset loaded") || strings.Contains(errb.String(), "migrated") {
		t.Fatalf("data was loaded before the port was checked: %s", errb.String())
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("the database file was created before the port was checked (stat: %v)", err)
	}
}

// TestServeSQLiteSyncFlag: --sqlite-sync takes full or normal (also from the
// config file); anything else is a usage error, before the port is taken.
func TestServeSQLiteSyncFlag(t *testing.T) {
	dir := t.TempDir()
	_, _, stop := startServe(t, []string{"--db", "sqlite://" + filepath.Join(dir, "n.db"), "--sqlite-sync", "normal"}, nil)
	if code := stop(); code != ExitOK {
		t.Fatalf("--sqlite-sync normal: exit %d", code)
	}
	var errb bytes.Buffer
	code := runServeCLI(context.Background(), []string{"serve", "--listen", "127.0.0.1:0", "--db", filepath.Join(dir, "x.db"), "--sqlite-sync", "off"},
		Env{Stdout: io.Discard, Stderr: &errb})
	if code != ExitUsage || !strings.Contains(errb.String(), `unknown SQLite sync mode "off"`) {
		t.Fatalf("--sqlite-sync off: exit %d, %s", code, errb.String())
	}
	cfg := filepath.Join(dir, "unet.toml")
	if err := os.WriteFile(cfg, []byte("[server]\nwrite_timeout = \"4s\"\n[database]\nlock_timeout = \"5s\"\nsqlite_sync = \"normal\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	code = runServeCLI(context.Background(), []string{"serve", "--listen", "127.0.0.1:0", "--db", filepath.Join(dir, "y.db"), "--config", cfg},
		Env{Stdout: io.Discard, Stderr: &errb})
	if code != ExitUsage || !strings.Contains(errb.String(), "must be shorter than the request deadline") {
		t.Fatalf("lock timeout above the request deadline: exit %d, %s", code, errb.String())
	}
}
