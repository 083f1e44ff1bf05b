package service_test

import (
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// TestNodeHistoryCorruptSnapshot checks that a stored status snapshot that
// does not decode is reported instead of read as zero interfaces.
func TestNodeHistoryCorruptSnapshot(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		n := ok(svc.CreateNode(ctx, &unet.Node{Name: "r1", Vendor: "generic"}, unet.WriteOptions{})).v(t)
		at := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
		if _, err := svc.DB().SQL().ExecContext(ctx, `INSERT INTO status_history (id, node_id, time, reachable, version, error, snapshot)
			VALUES ('h1', $1, $2, 1, '', '', '{"interfaces_up": 3, "interfaces_to')`, n.ID, at); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ListNodeHistory(ctx, n.ID, time.Time{}); err == nil {
			t.Fatal("history with a corrupt snapshot: no error")
		}
	})
}
