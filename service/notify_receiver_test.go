package service_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// hookRequest is one request a hookReceiver got.
type hookRequest struct {
	ID     string
	Type   string
	Event  unet.Event
	At     time.Time
	Status int
}

// hookReceiver is a Standard Webhooks receiver on loopback. It checks every
// request's signature with its own code (from the convention, not from the
// package that signs), answers 500 to the first failFirst requests and to
// the IDs in failIDs, and records everything.
type hookReceiver struct {
	t      *testing.T
	secret string // the whsec_ secret shared with the sender ("" unsigned)
	srv    *httptest.Server

	mu        sync.Mutex
	failFirst int
	failIDs   map[string]bool
	all       []hookRequest
	delivered []hookRequest
	badSig    int
	changed   chan struct{}
}

func newHookReceiver(t *testing.T, secret string) *hookReceiver {
	r := &hookReceiver{t: t, secret: secret, failIDs: map[string]bool{}, changed: make(chan struct{}, 1)}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

// verifySignature checks a Standard Webhooks signature header: the key is
// the base64 part of a whsec_ secret; the signed content is
// id.timestamp.body; the header lists space-separated v1,BASE64 values.
func verifySignature(secret string, h http.Header, body []byte) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return fmt.Errorf("missing webhook headers (id %q, timestamp %q, signature %q)", id, ts, sigs)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp %q: %v", ts, err)
	}
	if d := time.Since(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("timestamp %s is %s off", ts, d)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + ts + "."))
	m.Write(body)
	want := m.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		v, b64, ok := strings.Cut(s, ",")
		if !ok || v != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(b64)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("no valid v1 signature in %q", sigs)
}

func (r *hookReceiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	rec := hookRequest{ID: req.Header.Get("webhook-id"), At: time.Now()}
	var p struct {
		Type      string     `json:"type"`
		Timestamp string     `json:"timestamp"`
		Data      unet.Event `json:"data"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		r.t.Errorf("receiver: body %q: %v", body, err)
	}
	rec.Type, rec.Event = p.Type, p.Data
	if _, err := time.Parse(time.RFC3339, p.Timestamp); err != nil || p.Type != p.Data.Type {
		r.t.Errorf("receiver: envelope timestamp %q, type %q for event type %q", p.Timestamp, p.Type, p.Data.Type)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	defer func() {
		select {
		case r.changed <- struct{}{}:
		default:
		}
	}()
	if r.secret != "" {
		if err := verifySignature(r.secret, req.Header, body); err != nil {
			r.badSig++
			r.t.Errorf("receiver: %v", err)
			rec.Status = http.StatusUnauthorized
			r.all = append(r.all, rec)
			w.WriteHeader(rec.Status)
			return
		}
	} else if req.Header.Get("webhook-signature") != "" {
		r.t.Errorf("receiver: unsigned subscription sent a signature")
	}
	rec.Status = http.StatusNoContent
	if r.failFirst > 0 || r.failIDs[rec.ID] {
		if r.failFirst > 0 {
			r.failFirst--
		}
		rec.Status = http.StatusServiceUnavailable
	}
	r.all = append(r.all, rec)
	if rec.Status < 300 {
		r.delivered = append(r.delivered, rec)
	}
	w.WriteHeader(rec.Status)
}

// waitDelivered waits until n requests were accepted and returns them.
func (r *hookReceiver) waitDelivered(n int, within time.Duration) []hookRequest {
	r.t.Helper()
	deadline := time.After(within)
	for {
		r.mu.Lock()
		got := append([]hookRequest(nil), r.delivered...)
		all := len(r.all)
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-r.changed:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			r.t.Fatalf("receiver: %d of %d deliveries accepted (%d requests) within %s", len(got), n, all, within)
		}
	}
}

func (r *hookReceiver) requests() []hookRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hookRequest(nil), r.all...)
}

// runWorker runs the notification worker until the test ends.
func runWorker(t *testing.T, svc *service.Service, cfg service.NotifyConfig) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		svc.RunNotifications(ctx, cfg)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// createNodes creates nodes named prefix-0… and returns their names, in
// order: each is one change.applied event.
func createNodes(t *testing.T, svc *service.Service, prefix string, n int) []string {
	t.Helper()
	var names []string
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s-%d", prefix, i)
		if _, err := svc.CreateNode(actx(), &unet.Node{Name: name, Vendor: "cisco"}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	return names
}

// subjects returns the event subjects of requests, in order.
func subjects(reqs []hookRequest) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.Event.Subject
	}
	return out
}
