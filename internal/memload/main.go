// Command memload measures the peak memory of a μNet server under hostile
// loads: it starts the server binary it is given over a fresh SQLite
// database with the demo dataset, sends each load, and reads the server's
// peak resident set size (VmHWM in /proc/PID/status, reset between loads
// through /proc/PID/clear_refs). Linux only.
//
//	go build -o unet ./cmd/unet
//	go run ./internal/memload -unet ./unet
//
// The loads:
//
//   - 100 concurrent webhook posts of 32 MiB (chunked, no Content-Length) with
//     a wrong signature, to a source that has a webhook secret;
//   - 100 concurrent unsigned webhook posts of 32 MiB to the same source;
//   - 100 concurrent webhook posts of 32 MiB to an unknown source;
//   - 3 concurrent policy evaluations whose rule file has 20,000 SET lines,
//     against the demo inventory (51 nodes) and, with -nodes N, N more nodes
//     added through the API first, as any client with write access can.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	bin := flag.String("unet", "./unet", "unet binary to start")
	posts := flag.Int("posts", 100, "concurrent webhook posts per load")
	postBytes := flag.Int64("post-bytes", 32<<20, "body size of each webhook post")
	evals := flag.Int("evals", 3, "concurrent evaluate requests")
	sets := flag.Int("sets", 20000, "SET lines in the rule file of each evaluate request")
	config := flag.String("config", "", "TOML config file passed to unet serve")
	nodes := flag.Int("nodes", 0, "nodes to add to the demo inventory (through POST /api/v1/import) before the loads")
	flag.Parse()
	if err := run(*bin, *config, *posts, *postBytes, *evals, *sets, *nodes); err != nil {
		fmt.Fprintln(os.Stderr, "memload:", err)
		os.Exit(1)
	}
}

func run(bin, config string, posts int, postBytes int64, evals, sets, nodes int) error {
	dir, err := os.MkdirTemp("", "memload-")
	if err != nil {
		return err
	}
	// Best-effort cleanup of a temporary directory: the measurements are
	// the result.
	defer func() { _ = os.RemoveAll(dir) }()
	srv, err := startServer(bin, dir, config)
	if err != nil {
		return err
	}
	defer srv.stop()
	fmt.Printf("server pid %d at %s, RSS after start %s\n", srv.cmd.Process.Pid, srv.base, mib(srv.status("VmRSS")))

	// The default allow-list of secret references admits files below the
	// server's data directory (unet-data in its working directory).
	secrets := filepath.Join(dir, "unet-data", "secrets")
	if err := os.MkdirAll(secrets, 0o700); err != nil {
		return err
	}
	secretFile := filepath.Join(secrets, "webhook-secret")
	if err := os.WriteFile(secretFile, []byte("memload-secret\n"), 0o600); err != nil {
		return err
	}
	repo := filepath.Join(dir, "net.git")
	if out, err := exec.Command("git", "init", "--bare", "-q", repo).CombinedOutput(); err != nil {
		return fmt.Errorf("git init: %v: %s", err, out)
	}
	src := map[string]any{"name": "net", "url": "file://" + repo, "kind": "policies", "webhook_secret_ref": "file:" + secretFile}
	if st, body, err := srv.postJSON("/api/v1/git/sources", src); err != nil || st != http.StatusCreated {
		return fmt.Errorf("create the Git source: %d %s %v", st, body, err)
	}

	if nodes > 0 {
		recs := make([]map[string]string, nodes)
		for i := range recs {
			recs[i] = map[string]string{"name": fmt.Sprintf("memload-%04d", i), "domain": "example.net", "vendor": "cisco",
				"role": "access", "location": "EMEA/London-Campus/Building-1/MDF"}
		}
		if st, body, err := srv.postJSON("/api/v1/import", map[string]any{"nodes": recs}); err != nil || st != http.StatusOK {
			return fmt.Errorf("add %d nodes: %d %s %v", nodes, st, body, err)
		}
		fmt.Printf("added %d nodes (%d in all)\n", nodes, 51+nodes)
	}

	type load struct {
		name string
		fn   func() map[string]int
	}
	hook := func(path string, headers ...string) func() map[string]int {
		return func() map[string]int {
			return srv.concurrent(posts, func() (int, error) { return srv.postStream(path, postBytes, headers...) })
		}
	}
	rules := hostileRules(sets)
	evalBody, err := json.Marshal(map[string]any{"files": []map[string]string{{"name": "hostile.rules", "content": rules}}})
	if err != nil {
		return err
	}
	loads := []load{
		{fmt.Sprintf("%d × %d MiB webhook posts, wrong signature", posts, postBytes>>20),
			hook("/api/v1/git/webhooks/net", "X-Hub-Signature-256", "sha256="+strings.Repeat("0", 64), "X-GitHub-Delivery", "x")},
		{fmt.Sprintf("%d × %d MiB webhook posts, unsigned", posts, postBytes>>20), hook("/api/v1/git/webhooks/net")},
		{fmt.Sprintf("%d × %d MiB webhook posts, unknown source", posts, postBytes>>20),
			hook("/api/v1/git/webhooks/nope", "X-Hub-Signature-256", "sha256="+strings.Repeat("0", 64))},
		{fmt.Sprintf("%d × evaluate, %d SET lines (%d KiB of rules)", evals, sets, len(rules)>>10), func() map[string]int {
			return srv.concurrent(evals, func() (int, error) { return srv.postBody("/api/v1/policies/evaluate", evalBody) })
		}},
	}
	fmt.Println()
	fmt.Println("| load | answers | peak RSS (VmHWM) |")
	fmt.Println("|---|---|---:|")
	for _, l := range loads {
		if err := srv.resetPeak(); err != nil {
			return err
		}
		start := time.Now()
		answers := l.fn()
		if srv.exited() {
			return fmt.Errorf("%s: the server died: %s", l.name, srv.stderr.String())
		}
		fmt.Printf("| %s | %s in %s | %s |\n", l.name, summary(answers), time.Since(start).Round(100*time.Millisecond), mib(srv.status("VmHWM")))
	}
	return nil
}

// hostileRules is one rule that makes n SETs on every node.
func hostileRules(n int) string {
	var b strings.Builder
	b.WriteString("RULE \"hostile\" SEVERITY info\nWHEN node.name IS NOT NULL\nTHEN {\n")
	for i := range n {
		sep := ";"
		if i == n-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "  SET custom_data.k%05d TO \"value number %d of a hostile rule file\"%s\n", i, i, sep)
	}
	b.WriteString("}\n")
	return b.String()
}

type server struct {
	cmd    *exec.Cmd
	base   string
	stderr *lockedBuffer
	done   chan struct{}
	// exitErr is the result of Wait, set before done is closed.
	exitErr error
	client  *http.Client
}

func startServer(bin, dir, config string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return nil, err
	}
	args := []string{"serve", "--demo", "--db", "sqlite://" + filepath.Join(dir, "unet.db"), "--listen", addr}
	if config != "" {
		args = append(args, "--config", config)
	}
	s := &server{cmd: exec.Command(bin, args...), base: "http://" + addr, stderr: &lockedBuffer{}, done: make(chan struct{}),
		client: &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
	s.cmd.Stderr = s.stderr
	s.cmd.Dir = dir
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		s.exitErr = s.cmd.Wait()
		close(s.done)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := s.client.Get(s.base + "/readyz")
		if err == nil {
			// Only the status matters; a failed close of the body changes
			// nothing.
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if s.exited() {
			return nil, fmt.Errorf("the server exited before it was ready (%v): %s", s.exitErr, s.stderr.String())
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("the server did not become ready: %s", s.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

func (s *server) stop() {
	if s.exited() {
		return
	}
	// A failed signal means the process is gone already: done follows.
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		// As above: a process that cannot be killed has exited.
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// status returns a field of /proc/PID/status in bytes.
func (s *server) status(field string) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/status")
	if err != nil {
		return -1
	}
	// Read only: closing it cannot lose anything.
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return -1
			}
			return kb << 10
		}
	}
	return -1
}

// resetPeak resets VmHWM to the current RSS.
func (s *server) resetPeak() error {
	return os.WriteFile("/proc/"+strconv.Itoa(s.cmd.Process.Pid)+"/clear_refs", []byte("5"), 0)
}

func (s *server) postJSON(path string, v any) (int, string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return 0, "", err
	}
	resp, err := s.client.Post(s.base+path, "application/json", bytes.NewReader(data))
	if err != nil {
		return 0, "", err
	}
	// The body is read to the end below; its close reports nothing useful.
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

func (s *server) postBody(path string, body []byte) (int, error) {
	resp, err := s.client.Post(s.base+path, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	// The body is read to the end below; its close reports nothing useful.
	defer func() { _ = resp.Body.Close() }()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

// postStream posts size bytes of JSON-looking filler without Content-Length.
func (s *server) postStream(path string, size int64, headers ...string) (int, error) {
	req, err := http.NewRequest(http.MethodPost, s.base+path, io.NopCloser(&filler{left: size}))
	if err != nil {
		return 0, err
	}
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	// The body is read to the end below; its close reports nothing useful.
	defer func() { _ = resp.Body.Close() }()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

// concurrent runs n copies of fn at once and counts the answers by status
// ("error" for requests that got no answer).
func (s *server) concurrent(n int, fn func() (int, error)) map[string]int {
	var mu sync.Mutex
	out := map[string]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			st, err := fn()
			key := strconv.Itoa(st)
			if st == 0 && err != nil {
				key = "no answer"
				if errors.Is(err, context.DeadlineExceeded) {
					key = "timeout"
				}
			}
			mu.Lock()
			out[key]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// filler reads as `{"pad":"xxxx…` for left bytes.
type filler struct {
	left int64
	done bool
}

func (f *filler) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > f.left {
		n = f.left
	}
	for i := range p[:n] {
		p[i] = 'x'
	}
	if !f.done {
		f.done = true
		n = int64(copy(p[:n], `{"pad":"`)) + 0
	}
	f.left -= n
	return int(n), nil
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 1<<20 {
		return len(p), nil
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func summary(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d× %s", m[k], k)
	}
	return strings.Join(parts, ", ")
}

func mib(b int64) string {
	if b < 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}
