package metrics_test

import (
	"context"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/service"
)

// TestDatabaseAndInventoryGauges writes through the service (which itself
// reports metrics, hence an external test package) and reads the pool and
// inventory gauges back.
func TestDatabaseAndInventoryGauges(t *testing.T) {
	metrics.Engines(t, func(t *testing.T, engine string) {
		db := metrics.OpenDB(t, engine, true)
		stop := metrics.WatchDB(db, nil)
		defer stop()
		db1 := map[string]string{"db_name": metrics.DBName}
		want := float64(db.SQL().Stats().MaxOpenConnections)
		if got := metrics.MustSample(t, "go_sql_max_open_connections", db1); got != want || want == 0 {
			t.Errorf("go_sql_max_open_connections %v, want %v", got, want)
		}
		metrics.MustSample(t, "go_sql_wait_count_total", db1)
		kinds := func() map[string]float64 {
			out := map[string]float64{}
			for _, k := range []string{"node", "link", "location", "vendor"} {
				out[k] = metrics.MustSample(t, "unet_inventory_objects", map[string]string{"kind": k})
			}
			out["open"] = metrics.MustSample(t, "unet_change_sets", map[string]string{"state": unet.ChangeSetOpen})
			out["proposed"] = metrics.MustSample(t, "unet_change_sets", map[string]string{"state": unet.ChangeSetProposed})
			out["emergency"] = metrics.MustSample(t, "unet_emergency_changes_pending", nil)
			return out
		}
		// The migrations seed the well-known vendors; nothing else exists.
		before := kinds()
		for k, v := range before {
			if v != 0 && k != "vendor" {
				t.Errorf("%s = %v in a new database", k, v)
			}
		}
		svc := service.New(db)
		ctx := unet.WithActor(context.Background(), "alice")
		if _, err := svc.CreateVendor(ctx, &unet.Vendor{Name: "acme"}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateNode(ctx, &unet.Node{Name: "leaf1", Domain: "example.net", Vendor: "acme"}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateLocation(ctx, &unet.Location{Name: "Lab", Type: "site"}, unet.WriteOptions{Emergency: true, Reason: "outage"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ProposeChangeSet(ctx, unet.ChangeSetRequest{Title: "new vendor",
			Ops: []unet.ChangeOp{{Op: unet.OpCreate, Kind: "vendor", Data: []byte(`{"name":"zeta"}`)}}}); err != nil {
			t.Fatal(err)
		}
		// Within the cache period the scrape answers the counts read before.
		if got := kinds(); got["node"] != 0 || got["vendor"] != before["vendor"] {
			t.Errorf("counts read again within the cache period: %v", got)
		}
		metrics.ExpireInventoryCache()
		got := kinds()
		for k, v := range map[string]float64{"node": 1, "vendor": 1, "location": 1, "link": 0, "proposed": 1, "open": 0, "emergency": 1} {
			if v += before[k]; got[k] != v {
				t.Errorf("%s = %v after the writes, want %v (all: %v)", k, got[k], v, got)
			}
		}
		// Reviewing the emergency change clears it.
		list, err := svc.ListEmergencyChanges(ctx, unet.EmergencyFilter{})
		if err != nil || len(list.Items) != 1 {
			t.Fatalf("emergency changes: %v %v", list, err)
		}
		if _, err := svc.ReviewEmergencyChange(unet.WithActor(context.Background(), "bob"), list.Items[0].Batch, "fine"); err != nil {
			t.Fatal(err)
		}
		if got := kinds()["emergency"]; got != 0 {
			t.Errorf("emergency changes pending after the review: %v", got)
		}
		stop()
		if _, ok := metrics.Sample(t, "unet_inventory_objects", nil); ok {
			t.Error("inventory still reported after the database is no longer watched")
		}
	})
}
