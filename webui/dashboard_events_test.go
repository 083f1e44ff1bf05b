package webui_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// TestLiveEvents: GET /ui/events is a Server-Sent Events stream that,
// read with a real HTTP client, delivers the event a mutation through the
// API produced, of the types asked for only, and ends when the interface
// stops; a caller without events:read is refused.
func TestLiveEvents(t *testing.T) {
	s := startAuthUI(t, sqlstore.SQLite)
	admin := s.token(t, "admin", unet.RoleAdmin)
	if _, err := s.svc.CreateRole(setup(), unet.Role{Name: "nodes-only", Permissions: []unet.Permission{unet.PermNodesRead}}); err != nil {
		t.Fatal(err)
	}
	narrow := s.token(t, "narrow", "nodes-only")
	if got := s.as(t, narrow, http.MethodGet, "/ui/events", ""); got.status != http.StatusForbidden {
		t.Fatalf("GET /ui/events without events:read = %d", got.status)
	}
	if got := s.as(t, admin, http.MethodGet, "/ui/events?type=git.[", ""); got.status != http.StatusBadRequest {
		t.Fatalf("GET /ui/events with a bad pattern = %d", got.status)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/ui/events?type=change.applied", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+admin)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	rd := bufio.NewReader(resp.Body)
	// The opening block names the position.
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line == "\n" {
			break
		}
	}

	// A change set proposed (changeset.proposed, not asked for), then a
	// node created through the API (change.applied).
	if _, err := s.svc.ProposeChangeSet(setup(), unet.ChangeSetRequest{Title: "later",
		Ops: []unet.ChangeOp{{Op: unet.OpCreate, Kind: unet.KindVendor, Data: []byte(`{"name":"acme"}`)}}}); err != nil {
		t.Fatal(err)
	}
	if got := s.as(t, admin, http.MethodPost, "/api/v1/nodes", `{"name":"sw9","vendor":"cisco"}`); got.status != http.StatusCreated {
		t.Fatalf("create node: %d %s", got.status, got.body)
	}
	var ev unet.Event
	for ev.Type == "" {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended before the event: %v", err)
		}
		data, ok := strings.CutPrefix(strings.TrimSpace(line), "data: ")
		if !ok {
			continue
		}
		if err := json.Unmarshal([]byte(data), &ev); err != nil {
			t.Fatalf("event %q: %v", data, err)
		}
	}
	if ev.Type != unet.EventChangeApplied || ev.Actor != "admin" || !strings.Contains(string(ev.Data), "sw9") {
		t.Fatalf("event = %+v %s", ev, ev.Data)
	}

	// The interface stops: the stream ends.
	s.stop()
	done := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, rd)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("stream ended with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end when the interface stopped")
	}
}
