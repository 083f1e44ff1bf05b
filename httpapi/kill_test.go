package httpapi_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/unet-dev/unet/sqlstore"
)

// buildUnet builds the real unet binary into a temporary directory.
func buildUnet(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "unet")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/unet-dev/unet/cmd/unet").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var servingURL = regexp.MustCompile(`msg=serving url=(http://127\.0\.0\.1:\d+)`)

// startUnetServe runs `unet --db dbURL serve` on a random loopback port and
// returns the process and its URL; its log is drained in the background.
// The cluster heartbeat is slowed to an hour: the kill tests time their
// kill by the database's write-lock episodes, and a heartbeat every 5 s
// would add episodes of its own.
func startUnetServe(t *testing.T, bin, dbURL string) (*exec.Cmd, string) {
	t.Helper()
	return startServeWith(t, bin, dbURL, "--cluster-heartbeat", "1h", "--cluster-lease-ttl", "2h")
}

// startServeWith runs `unet serve` on dbURL with the extra serve flags and
// returns the process (killed at the end of the test) and its URL.
func startServeWith(t *testing.T, bin, dbURL string, flags ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--db", dbURL, "serve", "--listen", "127.0.0.1:0"}, flags...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			if err := cmd.Process.Kill(); err != nil {
				t.Logf("kill: %v", err)
			}
			_ = cmd.Wait() // killed: the error is the signal
		}
	})
	lines := bufio.NewScanner(stderr)
	var seen []string
	for lines.Scan() {
		seen = append(seen, lines.Text())
		if m := servingURL.FindStringSubmatch(lines.Text()); m != nil {
			go func() { _, _ = io.Copy(io.Discard, stderr) }()
			return cmd, m[1]
		}
	}
	t.Fatalf("unet serve did not start: %q", seen)
	return nil, ""
}

// TestKillDuringWrites runs the real `unet serve`, writes to it from several
// clients at once (creates, then patches of what was created), kills it with
// SIGKILL in the middle, restarts it, and checks that every write answered
// with a 2xx is there.
func TestKillDuringWrites(t *testing.T) {
	bin := buildUnet(t)
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			dbURL, _ := engineURL(t, engine)
			cmd, url := startUnetServe(t, bin, dbURL)

			const writers, killAfter = 8, 150
			var mu sync.Mutex
			created := map[string]bool{} // name → patched (acknowledged)
			var acks atomic.Int64
			ctx, stop := context.WithCancel(context.Background())
			defer stop()
			var wg sync.WaitGroup
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; ctx.Err() == nil; i++ {
						name := fmt.Sprintf("k%d-%d", w, i)
						a, err := do(ctx, "POST", url+"/api/v1/nodes", map[string]any{"name": name, "vendor": "cisco"})
						if err != nil || a.status != http.StatusCreated {
							return
						}
						mu.Lock()
						created[name] = false
						mu.Unlock()
						acks.Add(1)
						a, err = do(ctx, "PATCH", url+"/api/v1/nodes/"+name, map[string]any{"custom_data": map[string]any{"patched": true}})
						if err != nil || a.status != http.StatusOK {
							return
						}
						mu.Lock()
						created[name] = true
						mu.Unlock()
						acks.Add(1)
					}
				}(w)
			}
			deadline := time.Now().Add(60 * time.Second)
			for acks.Load() < killAfter {
				if time.Now().After(deadline) {
					t.Fatalf("only %d writes acknowledged in 60 s", acks.Load())
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err == nil {
				t.Fatal("the server exited normally instead of being killed")
			}
			wg.Wait()
			stop()

			_, url = startUnetServe(t, bin, dbURL)
			mu.Lock()
			defer mu.Unlock()
			for name, patched := range created {
				a := mustDo(t, "GET", url+"/api/v1/nodes/"+name, nil)
				if a.status != http.StatusOK {
					t.Errorf("acknowledged create of %s lost after kill -9: %d %s", name, a.status, a.body)
					continue
				}
				var n struct {
					CustomData map[string]any `json:"custom_data"`
				}
				a.decode(t, &n)
				if patched && n.CustomData["patched"] != true {
					t.Errorf("acknowledged patch of %s lost after kill -9: %s", name, a.body)
				}
			}
			t.Logf("%s: %d acknowledged writes (%d nodes) all present after kill -9 and restart", engine, acks.Load(), len(created))
		})
	}
}
