package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var debugAddrRE = regexp.MustCompile(`debug listener[^\n]*address=(127\.0\.0\.1:\d+)`)

func TestServeDebugListenerServesPprofOnlyThere(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	url, logs, stop := startServe(t, []string{"--db", db, "--no-snmp", "--debug-listen", ":0"}, nil)
	m := debugAddrRE.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no debug listener address in the log:\n%s", logs.String())
	}
	debugURL := "http://" + m[1]
	get := func(u string) (int, string) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	if code, body := get(debugURL + "/debug/pprof/"); code != http.StatusOK || !strings.Contains(body, "goroutine") || !strings.Contains(body, "heap") {
		t.Errorf("debug listener /debug/pprof/: %d %.200s", code, body)
	}
	if code, body := get(debugURL + "/debug/pprof/goroutine?debug=1"); code != http.StatusOK || !strings.Contains(body, "goroutine profile") {
		t.Errorf("goroutine profile: %d %.200s", code, body)
	}
	if code, _ := get(debugURL + "/api/v1/nodes"); code != http.StatusNotFound {
		t.Errorf("the debug listener serves the API: %d", code)
	}
	for _, p := range []string{"/debug/pprof/", "/debug/pprof/goroutine", "/debug/pprof/profile"} {
		if code, body := get(url + p); code != http.StatusNotFound {
			t.Errorf("main listener %s: %d %.200s", p, code, body)
		}
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d: %s", code, logs.String())
	}
	if _, err := http.Get(debugURL + "/debug/pprof/"); err == nil {
		t.Error("the debug listener still answers after the server stopped")
	}
}

func TestServeWithoutDebugListen(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	url, logs, _ := startServe(t, []string{"--db", db, "--no-snmp"}, nil)
	if strings.Contains(logs.String(), "debug listener") {
		t.Errorf("debug listener without --debug-listen:\n%s", logs.String())
	}
	resp, err := http.Get(url + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("main listener /debug/pprof/: %d", resp.StatusCode)
	}
}

func TestDebugAddress(t *testing.T) {
	for _, c := range []struct {
		in, want string
		remote   bool
		err      string
	}{
		{in: "6060", want: "127.0.0.1:6060"},
		{in: ":6060", want: "127.0.0.1:6060"},
		{in: "127.0.0.1:6060", want: "127.0.0.1:6060"},
		{in: "localhost:6060", want: "localhost:6060"},
		{in: "[::1]:6060", want: "[::1]:6060"},
		{in: "0.0.0.0:6060", err: "not a loopback address"},
		{in: "192.0.2.1:6060", err: "--debug-listen-allow-remote"},
		{in: "debug.example.net:6060", err: "not a loopback address"},
		{in: "0.0.0.0:6060", remote: true, want: "0.0.0.0:6060"},
		{in: "nonsense", err: "HOST:PORT"},
	} {
		got, err := debugAddress(c.in, c.remote)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: %q %v, want an error with %q", c.in, got, err, c.err)
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("%s: %q %v, want %s", c.in, got, err, c.want)
		}
	}
}

func TestServeRefusesRemoteDebugListen(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	var errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := runServeCLI(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--db", db, "--debug-listen", "0.0.0.0:0"},
		Env{Stdout: io.Discard, Stderr: &errb})
	if code != ExitUsage || !strings.Contains(errb.String(), "--debug-listen-allow-remote") {
		t.Errorf("exit %d: %s", code, errb.String())
	}
	// The config file key works like the flag.
	cfg := filepath.Join(t.TempDir(), "unet.toml")
	if err := os.WriteFile(cfg, []byte("[server]\ndebug_listen = \"192.0.2.1:6060\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	code = runServeCLI(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--db", db, "--config", cfg},
		Env{Stdout: io.Discard, Stderr: &errb})
	if code != ExitUsage || !strings.Contains(errb.String(), "192.0.2.1:6060") {
		t.Errorf("config key: exit %d: %s", code, errb.String())
	}
}
