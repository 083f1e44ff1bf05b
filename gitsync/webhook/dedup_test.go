package webhook

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestDedupReplays(t *testing.T) {
	d := NewDedup(100, time.Hour)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if d.Seen("github:a", t0) {
		t.Fatal("first delivery reported as duplicate")
	}
	if !d.Seen("github:a", t0.Add(time.Minute)) {
		t.Fatal("replayed delivery not detected")
	}
	if d.Seen("github:b", t0.Add(time.Minute)) {
		t.Fatal("other delivery reported as duplicate")
	}
	// After the TTL an id is forgotten.
	if d.Seen("github:a", t0.Add(time.Hour+time.Second)) {
		t.Fatal("delivery older than the TTL still remembered")
	}
	if !d.Seen("github:a", t0.Add(time.Hour+2*time.Second)) {
		t.Fatal("re-recorded delivery not detected")
	}
	for range 2 {
		if d.Seen("", t0) {
			t.Fatal("empty ids must never be duplicates")
		}
	}
}

func TestDedupBoundedSize(t *testing.T) {
	d := NewDedup(3, time.Hour)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 5 {
		d.Seen(fmt.Sprint("id-", i), now)
	}
	if d.Len() != 3 {
		t.Fatalf("len = %d, want 3", d.Len())
	}
	if d.Seen("id-0", now) {
		t.Fatal("oldest id not evicted")
	}
	if !d.Seen("id-4", now) {
		t.Fatal("newest id evicted")
	}
}

func TestDedupConcurrentDeliveriesTriggerOnce(t *testing.T) {
	d := NewDedup(0, 0)
	now := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	fresh := 0
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !d.Seen("gitea:42", now) {
				mu.Lock()
				fresh++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if fresh != 1 {
		t.Fatalf("%d deliveries accepted, want 1", fresh)
	}
}
