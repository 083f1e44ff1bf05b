package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a buffer a running server may log to while a test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runServeCLI runs a command line with `serve` available, as Run does.
func runServeCLI(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	a := &app{env: env}
	root := a.rootCommand()
	if c, _, err := root.Find([]string{"serve"}); err != nil || c == root {
		serve := a.serveCommand()
		wrapArgs(serve)
		root.AddCommand(serve)
	}
	root.SetArgs(args)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		printError(env.Stderr, err)
		return exitCode(err, false)
	}
	return ExitOK
}

var servingRE = regexp.MustCompile(`"?url"?[=:]"?(https?://127\.0\.0\.1:\d+)`)

// startServe runs `unet serve` in the background and returns its URL, its log
// and a stop function that returns the exit code.
func startServe(t *testing.T, args []string, getenv func(string) string) (string, *lockedBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &lockedBuffer{}
	codec := make(chan int, 1)
	go func() {
		codec <- runServeCLI(ctx, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...),
			Env{Stdout: io.Discard, Stderr: logs, Getenv: getenv})
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := servingRE.FindStringSubmatch(logs.String()); m != nil {
			stopped := false
			stop := func() int {
				if stopped {
					return -1
				}
				stopped = true
				cancel()
				return <-codec
			}
			t.Cleanup(func() { stop() })
			return m[1], logs, stop
		}
		select {
		case code := <-codec:
			cancel()
			t.Fatalf("serve exited %d: %s", code, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start: %s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestServeDemoThenRemoteCLI(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "demo.db")
	url, logs, stop := startServe(t, []string{"--db", db, "--demo"}, nil)
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"--server", url, "nodes", "list", "--vendor", "arista", "-o", "json"},
		Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	var nodes []map[string]any
	if code != 0 || json.Unmarshal(out.Bytes(), &nodes) != nil || len(nodes) == 0 {
		t.Fatalf("remote nodes list: exit %d, %d nodes, stderr %s", code, len(nodes), errb.String())
	}
	resp, err := http.Get(url + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", err, resp)
	}
	resp.Body.Close()
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d after the signal: %s", code, logs.String())
	}
	for _, want := range []string{"demo dataset loaded", "shutting down", "server stopped", "database closed"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Error("the server still answers after stopping")
	}
}

func TestServeRefusesNonLoopbackWithoutAuth(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8080", ":8080", "192.0.2.1:80"} {
		var errb bytes.Buffer
		code := runServeCLI(context.Background(), []string{"--db", "sqlite://" + filepath.Join(t.TempDir(), "x.db"), "serve", "--listen", addr},
			Env{Stdout: io.Discard, Stderr: &errb})
		if code != ExitUsage || !strings.Contains(errb.String(), "refusing to listen on "+addr+" with auth mode none") {
			t.Errorf("%s: exit %d, %s", addr, code, errb.String())
		}
	}
	var errb bytes.Buffer
	code := runServeCLI(context.Background(), []string{"serve", "--auth-mode", "ldap"}, Env{Stdout: io.Discard, Stderr: &errb})
	if code != ExitUsage || !strings.Contains(errb.String(), `unknown auth mode "ldap"`) {
		t.Errorf("auth mode: exit %d, %s", code, errb.String())
	}
}

func TestServeConfigFileAndPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfgDB := filepath.Join(dir, "from-config.db")
	cfg := filepath.Join(dir, "unet.toml")
	content := "[server]\nlisten = \"127.0.0.1:0\"\naccess_log = true\nshutdown_timeout = \"5s\"\n\n[database]\nurl = \"sqlite://" + cfgDB + "\"\n\n[log]\nformat = \"json\"\n"
	if err := os.WriteFile(cfg, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	url, logs, stop := startServe(t, []string{"--config", cfg}, nil)
	resp, err := http.Get(url + "/api/v1/vendors")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("vendors: %v %v", err, resp)
	}
	resp.Body.Close()
	stop()
	if _, err := os.Stat(cfgDB); err != nil {
		t.Fatalf("the config file's database was not used: %v", err)
	}
	if !strings.Contains(logs.String(), `"msg":"request"`) || !strings.Contains(logs.String(), `"path":"/api/v1/vendors"`) {
		t.Errorf("JSON access log missing:\n%s", logs.String())
	}
	// UNET_DATABASE_URL overrides the file.
	envDB := filepath.Join(dir, "from-env.db")
	_, _, stop = startServe(t, []string{"--config", cfg}, func(k string) string {
		if k == "UNET_DATABASE_URL" {
			return "sqlite://" + envDB
		}
		return ""
	})
	stop()
	if _, err := os.Stat(envDB); err != nil {
		t.Fatalf("UNET_DATABASE_URL was not used: %v", err)
	}
	// Unknown keys in the config file are refused.
	if err := os.WriteFile(cfg, []byte("[server]\nlisten_addr = \"x\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	if code := runServeCLI(context.Background(), []string{"serve", "--config", cfg}, Env{Stdout: io.Discard, Stderr: &errb}); code != ExitInvalid ||
		!strings.Contains(errb.String(), "listen_addr") {
		t.Errorf("unknown config key: exit %d, %s", code, errb.String())
	}
}
