package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// TestEventsCommitOrder: events get IDs in commit order, concurrent writers
// included, a rolled-back transaction writes none, and ListEvents pages and
// filters by type pattern.
func TestEventsCommitOrder(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := openBoth(t, engine)
			wake := db.EventsWake()
			errBoom := errors.New("boom")
			err := db.WithTx(ctx, func(tx *sqlstore.Tx) error {
				tx.Emit(unet.Event{Type: "git.rejected", Time: time.Now(), Summary: "never"})
				return errBoom
			})
			if !errors.Is(err, errBoom) {
				t.Fatal(err)
			}
			select {
			case <-wake:
				t.Fatal("a rolled-back transaction woke the event readers")
			default:
			}
			const writers, each = 4, 10
			var wg sync.WaitGroup
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; i < each; i++ {
						err := db.WithTx(ctx, func(tx *sqlstore.Tx) error {
							typ := unet.EventGitActivated
							if i%2 == 1 {
								typ = unet.EventChangeApplied
							}
							tx.Emit(unet.Event{Type: typ, Time: time.Now(), Actor: fmt.Sprint(w), Summary: fmt.Sprintf("%d/%d a", w, i)})
							tx.Emit(unet.Event{Type: typ, Time: time.Now(), Actor: fmt.Sprint(w), Summary: fmt.Sprintf("%d/%d b", w, i)})
							return nil
						})
						if err != nil {
							t.Error(err)
						}
					}
				}(w)
			}
			wg.Wait()
			select {
			case <-wake:
			default:
				t.Fatal("committed events did not wake the readers")
			}
			all, err := db.Reader().ListEvents(ctx, unet.EventFilter{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != 2*writers*each {
				t.Fatalf("%d events, want %d", len(all), 2*writers*each)
			}
			for i := 0; i < len(all); i += 2 {
				a, b := all[i], all[i+1]
				if b.ID != a.ID+1 || a.Actor != b.Actor || a.Summary[:len(a.Summary)-1] != b.Summary[:len(b.Summary)-1] {
					t.Fatalf("one transaction's events are not adjacent: %+v %+v", a, b)
				}
				if string(a.Data) != "{}" {
					t.Fatalf("empty data stored as %q", a.Data)
				}
			}
			last, err := db.Reader().LastEventID(ctx)
			if err != nil || last < all[len(all)-1].ID {
				t.Fatalf("last id %d (%v), newest listed %d", last, err, all[len(all)-1].ID)
			}
			git, err := db.Reader().ListEvents(ctx, unet.EventFilter{Types: []string{"git.*"}, Limit: 7, After: all[3].ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(git) != 7 {
				t.Fatalf("%d git events, want 7", len(git))
			}
			for _, e := range git {
				if e.Type != unet.EventGitActivated || e.ID <= all[3].ID {
					t.Fatalf("filter let through %+v", e)
				}
			}
		})
	}
}
