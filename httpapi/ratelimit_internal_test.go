package httpapi

import (
	"net/netip"
	"testing"
	"time"
)

// TestBucketSetBounded: 100,000 distinct addresses never make the bucket set
// hold more than its bound, and a recently used bucket survives the churn
// with its debt.
func TestBucketSetBounded(t *testing.T) {
	const bound = 10000
	b := newBucketSet(RateLimit{Rate: 0.01, Burst: 1}, bound)
	now := time.Now()
	if d := b.take("keep", now); d != 0 {
		t.Fatalf("first request refused: %v", d)
	}
	for i := range 100000 {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		b.take(a.String(), now)
		if i%1000 == 0 {
			if b.take("keep", now) == 0 {
				t.Fatalf("after %d addresses: the kept bucket lost its debt", i)
			}
		}
		if n := b.len(); n > bound {
			t.Fatalf("after %d addresses: %d buckets, bound %d", i+1, n, bound)
		}
	}
	if n := b.len(); n != bound {
		t.Errorf("%d buckets, want the bound %d", n, bound)
	}
	if newBucketSet(RateLimit{}, bound) != nil {
		t.Error("a zero limit makes buckets")
	}
	if d := newBucketSet(RateLimit{Rate: 1}, 0); d.max != DefaultMaxRateBuckets {
		t.Errorf("default bound %d", d.max)
	}
}

// TestDenialNotesBounded: one audit entry per key and interval, counting
// the refusals left out; the notes stay bounded under many keys.
func TestDenialNotesBounded(t *testing.T) {
	d := newDenialNotes(1000, time.Minute)
	now := time.Now()
	if ok, n := d.note("ip:a", now); !ok || n != 1 {
		t.Fatalf("first: %v %d", ok, n)
	}
	for i := range 5 {
		if ok, _ := d.note("ip:a", now.Add(time.Duration(i)*time.Second)); ok {
			t.Fatalf("refusal %d within the minute recorded", i+2)
		}
	}
	if ok, n := d.note("ip:a", now.Add(time.Minute)); !ok || n != 6 {
		t.Fatalf("after the minute: %v %d, want true 6", ok, n)
	}
	for i := range 100000 {
		d.note(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String(), now)
		if n := d.len(); n > 1000 {
			t.Fatalf("after %d keys: %d notes", i+1, n)
		}
	}
}

// TestRetryAfterRoundsUp: whole seconds, rounded up, at least 1.
func TestRetryAfterRoundsUp(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Millisecond: "1", time.Second: "1",
		1001 * time.Millisecond: "2", 100 * time.Second: "100"} {
		if got := retryAfter(d); got != want {
			t.Errorf("retryAfter(%v) = %s, want %s", d, got, want)
		}
	}
}
