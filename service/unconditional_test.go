package service_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// TestUnconditionalWritesNeverConflict runs 32 concurrent writers that patch
// the same node, link and location without naming a version: none may get a
// conflict (a write without If-Match is unconditional), and no patch may be
// lost. Then 32 writers race to patch and to delete: a delete without a
// version is unconditional too.
func TestUnconditionalWritesNeverConflict(t *testing.T) {
	const writers = 32
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			svc := newService(t, engine)
			seed(t, svc)
			ctx := actx()
			link := ok(svc.ListLinks(ctx, unet.LinkFilter{})).v(t).Items[0]
			targets := []struct {
				kind  string
				patch func(key string, i int) error
				get   func() (unet.Meta, error)
			}{
				{"node", func(k string, i int) error {
					_, err := svc.UpdateNode(ctx, "leaf1", unet.Patch{"custom_data": map[string]any{k: i}}, unet.WriteOptions{})
					return err
				}, func() (unet.Meta, error) {
					n, err := svc.GetNode(ctx, "leaf1")
					if err != nil {
						return unet.Meta{}, err
					}
					return n.Meta, nil
				}},
				{"link", func(k string, i int) error {
					_, err := svc.UpdateLink(ctx, link.ID, unet.Patch{"custom_data": map[string]any{k: i}}, unet.WriteOptions{})
					return err
				}, func() (unet.Meta, error) {
					l, err := svc.GetLink(ctx, link.ID)
					if err != nil {
						return unet.Meta{}, err
					}
					return l.Meta, nil
				}},
				{"location", func(k string, i int) error {
					_, err := svc.UpdateLocation(ctx, "Site", unet.Patch{"custom_data": map[string]any{k: i}}, unet.WriteOptions{})
					return err
				}, func() (unet.Meta, error) {
					l, err := svc.GetLocation(ctx, "Site")
					if err != nil {
						return unet.Meta{}, err
					}
					return l.Meta, nil
				}},
			}
			for _, tg := range targets {
				before, err := tg.get()
				if err != nil {
					t.Fatal(err)
				}
				errs := make(chan error, writers)
				var wg sync.WaitGroup
				for w := 0; w < writers; w++ {
					wg.Add(1)
					go func(w int) {
						defer wg.Done()
						if err := tg.patch(fmt.Sprintf("w%02d", w), w); err != nil {
							errs <- fmt.Errorf("%s writer %d: %w", tg.kind, w, err)
						}
					}(w)
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Error(err)
				}
				after, err := tg.get()
				if err != nil {
					t.Fatal(err)
				}
				for w := 0; w < writers; w++ {
					if _, ok := after.CustomData[fmt.Sprintf("w%02d", w)]; !ok {
						t.Errorf("%s: the patch of writer %d was lost", tg.kind, w)
					}
				}
				if after.Version != before.Version+writers {
					t.Errorf("%s: version %d after %d patches from version %d", tg.kind, after.Version, writers, before.Version)
				}
			}

			// Patches and one unconditional delete race: the delete succeeds.
			ok(svc.CreateNode(ctx, &unet.Node{Name: "doomed", Vendor: "cisco"}, unet.WriteOptions{})).v(t)
			errs := make(chan error, writers)
			var wg sync.WaitGroup
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					if w == writers/2 {
						if err := svc.DeleteNode(ctx, "doomed", unet.DeleteOptions{}); err != nil {
							errs <- fmt.Errorf("delete: %w", err)
						}
						return
					}
					_, err := svc.UpdateNode(ctx, "doomed", unet.Patch{"custom_data": map[string]any{fmt.Sprint(w): w}}, unet.WriteOptions{})
					if err != nil && unet.ErrorCode(err) != unet.ENOTFOUND {
						errs <- fmt.Errorf("writer %d: %w", w, err)
					}
				}(w)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if _, err := svc.GetNode(ctx, "doomed"); unet.ErrorCode(err) != unet.ENOTFOUND {
				t.Fatalf("node still there after an unconditional delete: %v", err)
			}
		})
	}
}

// TestConditionalWritesStillConflict: a write that names a stale version
// reports the conflict, on both engines, even while others write.
func TestConditionalWritesStillConflict(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			svc := newService(t, engine)
			seed(t, svc)
			ctx := actx()
			n := ok(svc.GetNode(ctx, "leaf1")).v(t)
			ok(svc.UpdateNode(ctx, "leaf1", unet.Patch{"role": "spine"}, unet.WriteOptions{})).v(t)
			_, err := svc.UpdateNode(ctx, "leaf1", unet.Patch{"role": "leaf"}, unet.WriteOptions{IfVersion: n.Version})
			mustCode(t, err, unet.ECONFLICT)
			mustCode(t, svc.DeleteNode(ctx, "spine1", unet.DeleteOptions{IfVersion: 99}), unet.ECONFLICT)
		})
	}
}
