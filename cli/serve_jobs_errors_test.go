package cli

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a logger writing from another
// goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestEvaluateLoopLogsAnUnreadableChangeLog: when the change log cannot be
// read, the evaluation loop says so in the server log instead of silently
// seeing no change.
func TestEvaluateLoopLogsAnUnreadableChangeLog(t *testing.T) {
	svc := newLocalService(t)
	if err := svc.Close(); err != nil { // every read now fails
		t.Fatal(err)
	}
	var logs syncBuffer
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		evaluateLoop(ctx, svc, time.Hour, 10*time.Millisecond, slog.New(slog.NewTextHandler(&logs, nil)))
		close(done)
	}()
	defer func() { stop(); <-done }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "read the change log for policy evaluation") {
		if time.Now().After(deadline) {
			t.Fatalf("no warning about the change log in the server log:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "list changes:") {
		t.Fatalf("the warning does not carry the error:\n%s", logs.String())
	}
}

// TestNodesInReportsAFailedListing: the nodes of changed environments that
// cannot be listed are an error, not an empty set (which skipped their
// re-evaluation).
func TestNodesInReportsAFailedListing(t *testing.T) {
	svc := newLocalService(t)
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	ids, err := nodesIn(context.Background(), svc, map[string]bool{"staging": true})
	if err == nil {
		t.Fatalf("nodesIn on a closed database: %v, no error", ids)
	}
}
