package cli_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/unet-dev/unet/cli"
)

// TestPolicyParseErrorExitsTheSameEverywhere: one broken rule file exits 65
// with file:line:col from validate, eval, report and apply alike.
func TestPolicyParseErrorExitsTheSameEverywhere(t *testing.T) {
	r := newRunner(t)
	r.ok("demo")
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.rules")
	if err := os.WriteFile(bad, []byte("RULE \"x\" WHEN node.vendor == THEN ASSERT node.model IS NOT NULL\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"policy", "validate", dir}, {"policy", "eval", "--path", dir}, {"policy", "eval", "--path", dir, "--store"},
		{"policy", "report", "--path", dir}, {"policy", "apply", "--path", dir, "--dry-run"}, {"nodes", "show", "lon-core-01", "--eval", "--path", dir}} {
		r.fails(cli.ExitPolicyParse, []string{"bad.rules:1:"}, append(args, "-o", "table")...)
	}
	if out := strings.TrimSpace(r.ok("policy", "results")); out != "[]" {
		t.Fatalf("a broken rule file stored results: %.200s", out)
	}
}

// TestExitCodesOfServerAnswers: 68 only when the server cannot be reached; a
// server answering 503 exits 75 and one answering 500 exits 70.
func TestExitCodesOfServerAnswers(t *testing.T) {
	answer := func(status int, code string) string {
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"type":"about:blank","title":"x","status":` + strconv.Itoa(status) + `,"code":"` + code + `","detail":"server says ` + code + `"}`))
		}))
		t.Cleanup(hs.Close)
		return hs.URL
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	for _, c := range []struct {
		server string
		want   int
	}{
		{closed, cli.ExitUnreachable},
		{answer(http.StatusServiceUnavailable, "unavailable"), cli.ExitUnavailable},
		{answer(http.StatusInternalServerError, "internal"), cli.ExitInternal},
		{answer(http.StatusUnauthorized, "unauthorized"), cli.ExitAuth},
	} {
		var out, errb bytes.Buffer
		code := cli.Run(context.Background(), []string{"--server", c.server, "nodes", "list"}, cli.Env{Stdout: &out, Stderr: &errb,
			Getenv: func(string) string { return "" }})
		if code != c.want {
			t.Errorf("server %s: exit %d, want %d (%s)", c.server, code, c.want, errb.String())
		}
	}
}

// TestExitCodesOfLocalFailures: a port already in use exits 71, a corrupt
// database 74, an unreachable database 75.
func TestExitCodesOfLocalFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	r := newRunner(t)
	r.fails(cli.ExitListen, []string{"cannot listen on " + ln.Addr().String()}, "serve", "--listen", ln.Addr().String(), "--no-snmp")

	corrupt := filepath.Join(t.TempDir(), "corrupt.db")
	if err := os.WriteFile(corrupt, bytes.Repeat([]byte("not a database "), 400), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := &runner{t: t, db: "sqlite://" + corrupt, env: map[string]string{}}
	bad.fails(cli.ExitDatabase, []string{corrupt, "not a usable μNet database"}, "nodes", "list")

	down := &runner{t: t, db: "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", env: map[string]string{}}
	down.fails(cli.ExitUnavailable, []string{"cannot reach database"}, "nodes", "list")
}
