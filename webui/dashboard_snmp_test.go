package webui_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/webui"
)

// TestDashboardSNMP: polled states stored as a poll cycle stores them
// give the reachability counts (reachable, failing, never polled), the
// failing node with its error, and the node whose detected version is not
// the intended one.
func TestDashboardSNMP(t *testing.T) {
	s := startUI(t, httpapi.Options{}, webui.Options{})
	b := inventory(5)
	b.Nodes[0].SoftwareVersion = "17.9.4"
	if _, err := s.svc.Import(setup(), b, unet.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	id := func(name string) string {
		n, err := s.svc.GetNode(setup(), name)
		if err != nil {
			t.Fatal(err)
		}
		return n.ID
	}
	now := time.Now().UTC()
	ws := []sqlstore.StatusWrite{
		{Status: unet.NodeStatus{NodeID: id("node-00000"), Reachable: true, LastAttempt: now, LastSuccess: &now, Version: "17.6.1"}},
		{Status: unet.NodeStatus{NodeID: id("node-00001"), Reachable: false, LastAttempt: now, Error: "request timeout", ConsecutiveFailures: 3}},
	}
	n := 0
	newID := func() string { n++; return fmt.Sprintf("snap-%d", n) }
	if err := s.db.WithTx(context.Background(), func(tx *sqlstore.Tx) error {
		return tx.WriteStatuses(context.Background(), ws, newID)
	}); err != nil {
		t.Fatal(err)
	}
	home := s.get(t, "/ui/")
	if home.status != http.StatusOK {
		t.Fatalf("GET /ui/ = %d:\n%s", home.status, home.body)
	}
	for _, frag := range []string{
		`<strong class="dash-count">1</strong> <span class="status-pass">reachable</span>`,
		`<strong class="dash-count">1</strong> <span class="status-fail">failing</span>`,
		`<strong class="dash-count">3</strong> never polled`,
		`<td><a href="/ui/nodes/node-00001">node-00001</a></td><td>3</td><td>never</td><td>request timeout</td>`,
		`<td><a href="/ui/nodes/node-00000">node-00000</a></td><td>ios</td><td>17.9.4</td><td>17.6.1</td>`,
	} {
		if !strings.Contains(home.body, frag) {
			t.Errorf("dashboard lacks %q:\n%s", frag, home.body)
		}
	}
}
