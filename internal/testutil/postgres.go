// PostgreSQL clusters for tests.

package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver
)

// PostgresEnv names the variable holding the URL of a PostgreSQL cluster for
// tests (any database of it; tests create their own databases).
const PostgresEnv = "UNET_TEST_POSTGRES"

// PostgresMain runs a test binary with a PostgreSQL cluster: the one named by
// UNET_TEST_POSTGRES, or else a throw-away cluster started here (initdb +
// pg_ctl as the unprivileged "postgres" user when running as root) and stopped
// after the tests. Use it from TestMain: os.Exit(testutil.PostgresMain(m)).
func PostgresMain(m *testing.M) int {
	if os.Getenv(PostgresEnv) != "" {
		return m.Run()
	}
	url, stop, err := StartPostgres()
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot start PostgreSQL for the tests: %v\n"+
			"install it with `apt-get install -y postgresql`, or set %s to a cluster URL\n", err, PostgresEnv)
		return 1
	}
	defer stop()
	if err := os.Setenv(PostgresEnv, url); err != nil {
		fmt.Fprintf(os.Stderr, "cannot pass the PostgreSQL URL to the tests: %v\n", err)
		return 1
	}
	return m.Run()
}

func postgresBin() (string, error) {
	dirs, err := filepath.Glob("/usr/lib/postgresql/*/bin")
	if err != nil {
		return "", fmt.Errorf("find PostgreSQL: %w", err)
	}
	if len(dirs) == 0 {
		if p, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
		return "", fmt.Errorf("initdb not found")
	}
	// Directories named by major version; a name that is not a number sorts
	// first.
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi < vj
	})
	return dirs[len(dirs)-1], nil
}

// FreePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	// The listener only reserved a port number; closing it loses nothing.
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// StartPostgres starts a throw-away cluster on a free loopback port and returns
// its URL and a function that stops it and removes its files.
func StartPostgres() (string, func(), error) {
	bin, err := postgresBin()
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "unet-pg-")
	if err != nil {
		return "", nil, err
	}
	// Removing the cluster's files is best effort: a leftover is in the
	// system's temporary directory and a failure must not hide the error
	// being returned.
	removeDir := func() { _ = os.RemoveAll(dir) }
	runAs := func(name string, args ...string) *exec.Cmd {
		return exec.Command(filepath.Join(bin, name), args...)
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			removeDir()
			return "", nil, fmt.Errorf("running as root needs the postgres user: %w", err)
		}
		uid, uerr := strconv.Atoi(u.Uid)
		gid, gerr := strconv.Atoi(u.Gid)
		if err := errors.Join(uerr, gerr); err != nil {
			removeDir()
			return "", nil, fmt.Errorf("ids of the postgres user: %w", err)
		}
		if err := os.Chown(dir, uid, gid); err != nil {
			removeDir()
			return "", nil, err
		}
		runAs = func(name string, args ...string) *exec.Cmd {
			return exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(bin, name)}, args...)...)
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := runAs("initdb", "-D", data, "-U", "unet", "--auth=trust", "-E", "UTF8").CombinedOutput(); err != nil {
		removeDir()
		return "", nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	port, err := FreePort()
	if err != nil {
		removeDir()
		return "", nil, err
	}
	opts := fmt.Sprintf("-h 127.0.0.1 -p %d -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", port, dir)
	if out, err := runAs("pg_ctl", "-D", data, "-l", filepath.Join(dir, "server.log"), "-w", "-o", opts, "start").CombinedOutput(); err != nil {
		removeDir()
		return "", nil, fmt.Errorf("pg_ctl start: %v: %s", err, out)
	}
	stop := func() {
		// The cluster is throw-away: a failed stop leaves a process that
		// dies with the machine and the files removed below.
		_ = runAs("pg_ctl", "-D", data, "-m", "immediate", "stop").Run()
		removeDir()
	}
	return fmt.Sprintf("postgres://unet@127.0.0.1:%d/postgres?sslmode=disable", port), stop, nil
}

// NewPostgresDB creates an empty database in the test cluster and returns its
// URL; the database is dropped when the test ends. The test fails (it does not
// skip) when no cluster is configured.
func NewPostgresDB(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Fatalf("%s is not set: run the tests through TestMain with testutil.PostgresMain, or start a cluster (scripts/pg-test-cluster.sh) and export its URL", PostgresEnv)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", base, err)
	}
	defer func() { _ = admin.Close() }() // nothing was written through it
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	name := "unet_t_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", base, err)
	}
	u.Path = "/" + name
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer func() { _ = a.Close() }() // the DROP below is the only write
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := a.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	return u.String()
}
