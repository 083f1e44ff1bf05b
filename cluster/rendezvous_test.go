package cluster_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/unet-dev/unet/cluster"
)

func keys(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("node-%04d", i)
	}
	return out
}

// moved counts the keys whose owner differs between two member sets.
func moved(ks, before, after []string) int {
	n := 0
	for _, k := range ks {
		if cluster.Owner(k, before) != cluster.Owner(k, after) {
			n++
		}
	}
	return n
}

func TestOwnerMovesOnlyAShare(t *testing.T) {
	ks := keys(1000)
	three := []string{"m-a", "m-b", "m-c"}
	four := append(append([]string(nil), three...), "m-d")
	// Balanced: each of 3 members owns about a third.
	for m, n := range cluster.Shares(ks, three) {
		if n < 250 || n > 420 {
			t.Errorf("member %s owns %d of 1000 keys", m, n)
		}
	}
	// A member joins: only keys it takes move, about a quarter.
	n := moved(ks, three, four)
	if n < 180 || n > 320 {
		t.Errorf("a join moved %d of 1000 keys, want about 250", n)
	}
	for _, k := range ks {
		if o3, o4 := cluster.Owner(k, three), cluster.Owner(k, four); o3 != o4 && o4 != "m-d" {
			t.Fatalf("key %s moved from %s to %s, not to the new member", k, o3, o4)
		}
	}
	// A member leaves: exactly its keys move.
	shares := cluster.Shares(ks, four)
	if n := moved(ks, four, three); n != shares["m-d"] {
		t.Errorf("a leave moved %d keys, the leaver owned %d", n, shares["m-d"])
	}
	// Order of the members does not matter.
	for _, k := range ks {
		if cluster.Owner(k, []string{"m-c", "m-a", "m-b"}) != cluster.Owner(k, three) {
			t.Fatalf("owner of %s depends on the order of members", k)
		}
	}
	if cluster.Owner("x", nil) != "" {
		t.Fatal("no members, yet an owner")
	}
}

// ownersOf checks that each key is owned by exactly one of rs and returns
// each key's owner.
func ownersOf(rs []*replica, ks []string) (map[string]string, bool) {
	out := map[string]string{}
	for _, k := range ks {
		n := 0
		for _, r := range rs {
			if r.c.Owns(k) {
				out[k] = r.c.Self()
				n++
			}
		}
		if n != 1 {
			return nil, false
		}
	}
	return out, true
}

func TestOwnsPartitionsLiveMembers(t *testing.T) {
	engines(t, func(t *testing.T, url string) {
		ks := keys(1000)
		rs := []*replica{start(t, url, "a"), start(t, url, "b"), start(t, url, "c")}
		var before map[string]string
		eventually(t, 3*ttl, "the three members partition the keys", func() bool {
			var ok bool
			before, ok = ownersOf(rs, ks)
			return ok && distinct(before) == 3
		})
		// Status (read from outside) counts the same shares the members poll.
		st, err := cluster.ReadStatus(context.Background(), rs[0].db, func(context.Context) ([]string, error) { return ks, nil })
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Members) != 3 || st.Self != "" || st.LeaseTTLSeconds != ttl.Seconds() || st.Leader == "" {
			t.Fatalf("status: %+v", st)
		}
		owned := map[string]int{}
		for _, o := range before {
			owned[o]++
		}
		for _, m := range st.Members {
			if !m.Live || m.Share != owned[m.ID] {
				t.Fatalf("member %s: live %v, share %d, owns %d", m.ID, m.Live, m.Share, owned[m.ID])
			}
		}
		// c dies: within two TTLs a and b own everything, and only c's keys moved.
		rs[2].kill()
		var after map[string]string
		eventually(t, 2*ttl+2*beat, "the two survivors partition the keys", func() bool {
			var ok bool
			after, ok = ownersOf(rs[:2], ks)
			return ok
		})
		for _, k := range ks {
			if before[k] != "c" && after[k] != before[k] {
				t.Fatalf("key %s moved from live member %s to %s", k, before[k], after[k])
			}
		}
		// The dead member owns nothing once its own heartbeat is too old.
		eventually(t, 2*ttl, "the dead member gives up its keys", func() bool {
			for _, k := range ks {
				if rs[2].c.Owns(k) {
					return false
				}
			}
			return true
		})
		st, err = rs[0].c.Status(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		live := 0
		for _, m := range st.Members {
			if m.Live {
				live++
			} else if m.ID != "c" {
				t.Fatalf("member %s reported dead", m.ID)
			}
		}
		if live != 2 || len(st.Members) != 3 {
			t.Fatalf("status after a death: %+v", st)
		}
	})
}

func distinct(m map[string]string) int {
	seen := map[string]bool{}
	for _, v := range m {
		seen[v] = true
	}
	return len(seen)
}

func TestSolo(t *testing.T) {
	c := cluster.Solo("only")
	if tok, ok := c.Leading(); !ok || tok != 1 || c.Self() != "only" || !c.Owns("anything") {
		t.Fatalf("solo: %d %v", tok, ok)
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.RunAsLeader(ctx, "job", func(ctx context.Context) { calls++ })
	}()
	cancel()
	<-done
	if calls > 1 {
		t.Fatalf("fn called %d times", calls)
	}
	st, err := c.Status(context.Background())
	if err != nil || st.Leader != "only" || len(st.Members) != 1 || !st.Members[0].Live {
		t.Fatalf("status: %+v %v", st, err)
	}
}
