package service_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// TestListNodeStatuses: the polled state of every polled node, by FQDN;
// a reader scoped to a region sees only its nodes'.
func TestListNodeStatuses(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		alice, bob := scopeWorld(t, svc)
		now := time.Now().UTC()
		var ws []sqlstore.StatusWrite
		for _, name := range []string{"sin1", "lon2", "lon1"} {
			n := ok(svc.GetNode(actx(), name)).v(t)
			ws = append(ws, sqlstore.StatusWrite{Status: unet.NodeStatus{NodeID: n.ID, Reachable: name != "lon2",
				LastAttempt: now, LastSuccess: &now}})
		}
		i := 0
		if err := svc.DB().WithTx(context.Background(), func(tx *sqlstore.Tx) error {
			return tx.WriteStatuses(context.Background(), ws, func() string { i++; return fmt.Sprintf("snapshot-%d", i) })
		}); err != nil {
			t.Fatal(err)
		}
		names := func(ctx context.Context) []string {
			var out []string
			for _, st := range ok(svc.ListNodeStatuses(ctx)).v(t) {
				out = append(out, st.Node)
			}
			return out
		}
		if got, want := names(bob), []string{"lon1.example.net", "lon2.example.net", "sin1.example.net"}; !slices.Equal(got, want) {
			t.Errorf("unscoped reader: %v, want %v", got, want)
		}
		if got, want := names(alice), []string{"lon1.example.net", "lon2.example.net"}; !slices.Equal(got, want) {
			t.Errorf("reader scoped to EMEA: %v, want %v", got, want)
		}
	})
}
