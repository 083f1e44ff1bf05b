package httpapi_test

import (
	"encoding/json"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startNotifyServe runs `unet serve` on a SQLite file with short
// notification retries and a short leader lease, and returns the process
// and its URL.
func startNotifyServe(t *testing.T, bin, dbURL string) (*exec.Cmd, string) {
	t.Helper()
	return startServeWith(t, bin, dbURL, "--notify-retry-base", "100ms", "--notify-retry-max", "300ms",
		// The restarted server leads (and delivers) once the killed one's
		// lease has expired.
		"--cluster-heartbeat", "500ms", "--cluster-lease-ttl", "2s")
}

// TestNotifyKillBeforeDelivery: the real server is killed (SIGKILL) after
// an event was enqueued for a webhook whose receiver is not listening yet;
// once the receiver is up and the server restarted, the event is
// delivered, with the webhook-id derived from the event ID.
func TestNotifyKillBeforeDelivery(t *testing.T) {
	bin := buildUnet(t)
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	cmd, url := startNotifyServe(t, bin, dbURL)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // the receiver is down for now

	a := mustDo(t, "POST", url+"/api/v1/notifications", map[string]any{"name": "hook", "url": "http://" + addr + "/hook",
		"events": []string{"change.applied"}})
	if a.status != http.StatusCreated {
		t.Fatalf("add subscription: %d %s", a.status, a.body)
	}
	a = mustDo(t, "POST", url+"/api/v1/nodes", map[string]any{"name": "sw-kill", "vendor": "cisco"})
	if a.status != http.StatusCreated {
		t.Fatalf("create node: %d %s", a.status, a.body)
	}
	// Wait for a failed attempt, so the kill lands while the event is
	// enqueued and in retry.
	deadline := time.Now().Add(20 * time.Second)
	for {
		a = mustDo(t, "GET", url+"/api/v1/notifications/hook/deliveries?outcome=failed", nil)
		if a.status == http.StatusOK && strings.Contains(string(a.body), `"outcome":"failed"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no failed attempt within 20 s: %s", a.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil {
		t.Fatal("the server exited normally instead of being killed")
	}

	var mu sync.Mutex
	var got []map[string]any
	var ids []string
	recv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p map[string]any
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			t.Errorf("receiver: %v", err)
		}
		mu.Lock()
		got = append(got, p)
		ids = append(ids, r.Header.Get("webhook-id"))
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	})}
	rl, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("receiver on %s: %v", addr, err)
	}
	go func() { _ = recv.Serve(rl) }()
	t.Cleanup(func() { _ = recv.Close() })

	_, url = startNotifyServe(t, bin, dbURL)
	restarted := time.Now()
	deadline = time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		var found map[string]any
		var id string
		for i, p := range got {
			if d, ok := p["data"].(map[string]any); ok && d["subject"] == "node/sw-kill" {
				found, id = p, ids[i]
			}
		}
		mu.Unlock()
		if found != nil {
			d := found["data"].(map[string]any)
			if id != "msg_unet_event_"+jsonNumber(d["id"]) || found["type"] != "change.applied" {
				t.Fatalf("delivered %v with webhook-id %q", found, id)
			}
			t.Logf("delivered %s after the restart", time.Since(restarted).Round(time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the enqueued event was not delivered within 60 s of the restart (got %v)", got)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The delivery is recorded and the subscription is caught up.
	deadline = time.Now().Add(10 * time.Second)
	for {
		a = mustDo(t, "GET", url+"/api/v1/notifications/hook", nil)
		var sub struct {
			Attempts int    `json:"attempts"`
			Cursor   int64  `json:"cursor"`
			URL      string `json:"url"`
		}
		if err := json.Unmarshal(a.body, &sub); err != nil {
			t.Fatal(err)
		}
		if sub.Attempts == 0 && sub.Cursor > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("subscription not caught up: %s", a.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// jsonNumber formats a decoded JSON number as an integer.
func jsonNumber(v any) string {
	f, _ := v.(float64)
	b, _ := json.Marshal(int64(f))
	return string(b)
}
