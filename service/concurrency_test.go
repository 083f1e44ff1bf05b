package service_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// TestConcurrentWriters runs 8 writers for a few seconds against one database —
// for SQLite through two separate connection pools on the same file, as a CLI
// and a server would. Writers increment a shared counter with optimistic
// concurrency (retrying on conflict) and create their own nodes. No error other
// than a version conflict may reach a caller, and no increment may be lost.
func TestConcurrentWriters(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			svcs := servicesOn(t, dbURL(t, engine), 2)
			actor := unet.WithActor(ctx, "writer")
			ok(svcs[0].CreateNode(actor, &unet.Node{Name: "counter", Vendor: "generic", Meta: unet.Meta{CustomData: map[string]any{"n": 0}}}, unet.WriteOptions{})).v(t)

			var increments, creates, conflicts atomic.Int64
			errs := make(chan error, 8)
			deadline := time.Now().Add(3 * time.Second)
			var wg sync.WaitGroup
			for w := 0; w < 8; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					svc := svcs[w%2]
					for i := 0; time.Now().Before(deadline); i++ {
						if i%4 == 3 {
							_, err := svc.CreateNode(actor, &unet.Node{Name: fmt.Sprintf("w%d-n%d", w, i), Vendor: "cisco"}, unet.WriteOptions{})
							if err != nil {
								errs <- fmt.Errorf("writer %d create: %w", w, err)
								return
							}
							creates.Add(1)
							continue
						}
						n, err := svc.GetNode(actor, "counter")
						if err != nil {
							errs <- fmt.Errorf("writer %d read: %w", w, err)
							return
						}
						v := int(n.CustomData["n"].(float64))
						_, err = svc.UpdateNode(actor, "counter", unet.Patch{"custom_data": map[string]any{"n": v + 1}}, unet.WriteOptions{IfVersion: n.Version})
						switch unet.ErrorCode(err) {
						case "":
							increments.Add(1)
						case unet.ECONFLICT:
							conflicts.Add(1)
						default:
							errs <- fmt.Errorf("writer %d update: %w", w, err)
							return
						}
					}
				}(w)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			n := ok(svcs[1].GetNode(ctx, "counter")).v(t)
			if got := int64(n.CustomData["n"].(float64)); got != increments.Load() || int64(n.Version) != increments.Load()+1 {
				t.Fatalf("lost updates: counter %d, version %d, successful increments %d", got, n.Version, increments.Load())
			}
			all := ok(svcs[0].ListNodes(ctx, unet.NodeFilter{Page: unet.Page{Limit: 1}})).v(t)
			if int64(all.Total) != creates.Load()+1 {
				t.Fatalf("nodes: %d, creates %d", all.Total, creates.Load())
			}
			t.Logf("%s: %d increments, %d conflicts (retried), %d creates", engine, increments.Load(), conflicts.Load(), creates.Load())
		})
	}
}
