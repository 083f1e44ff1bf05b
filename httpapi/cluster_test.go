package httpapi_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/cluster"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

func TestClusterStatusRoute(t *testing.T) {
	ctx := context.Background()
	url := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	open := func() *sqlstore.DB {
		db, err := sqlstore.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	db := open()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	targets := func(context.Context) ([]string, error) { return []string{"n1", "n2", "n3", "n4", "n5", "n6"}, nil }
	members := map[string]*cluster.DBCoordinator{}
	for _, id := range []string{"first", "second"} {
		c, err := cluster.New(open(), cluster.Options{ID: id, Address: id + ":8080", Version: "v-test", Targets: targets})
		if err != nil {
			t.Fatal(err)
		}
		mctx, stop := context.WithCancel(ctx)
		t.Cleanup(stop)
		if err := c.Start(mctx); err != nil {
			t.Fatal(err)
		}
		members[id] = c
	}
	api, err := httpapi.New(service.New(db), httpapi.Options{Cluster: members["second"]})
	if err != nil {
		t.Fatal(err)
	}
	ts := newHTTPTest(api)
	defer ts.Close()
	client, err := httpapi.NewClient(ts.URL, httpapi.ClientOptions{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()

	st, err := client.ClusterStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// "first" started first, took the lease, and keeps it.
	if st.Self != "second" || st.Leader != "first" || st.LeaseToken != 1 || len(st.Members) != 2 ||
		st.HeartbeatSeconds != cluster.DefaultHeartbeat.Seconds() || st.LeaseTTLSeconds != cluster.DefaultLeaseTTL.Seconds() {
		t.Fatalf("status: %+v", st)
	}
	total := 0
	for _, m := range st.Members {
		if !m.Live || m.Version != "v-test" || m.Address != m.ID+":8080" || m.Leader != (m.ID == "first") || time.Since(m.LastHeartbeat) > time.Minute {
			t.Errorf("member: %+v", m)
		}
		total += m.Share
	}
	if total != 6 {
		t.Errorf("shares add up to %d of 6 targets", total)
	}

	// A server without a coordinator says so.
	bare, err := httpapi.New(service.New(db), httpapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bs := newHTTPTest(bare)
	defer bs.Close()
	resp, err := http.Get(bs.URL + httpapi.BasePath + "/cluster")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("without a coordinator: %d", resp.StatusCode)
	}
	bc, err := httpapi.NewClient(bs.URL, httpapi.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer bc.Close()
	if _, err := bc.ClusterStatus(ctx); unet.ErrorCode(err) != unet.EUNAVAILABLE {
		t.Fatalf("client without a coordinator: %v", err)
	}
}
