package service_test

import (
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// TestScopedEventReadsRefused: the event log names objects of every scope
// (change.applied lists the changed objects, snmp.* names nodes), so a
// grant of events:read limited to a scope reads none of it, while an
// unscoped grant reads it all.
func TestScopedEventReadsRefused(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		_, bob := scopeWorld(t, svc)
		ok(svc.GrantRole(actx(), "alice", unet.Grant{Role: unet.RoleViewer, Scope: emeaScope})).v(t)
		alice := principalCtx(t, svc, "alice")

		if _, err := svc.ListEvents(alice, unet.EventFilter{}); unet.ErrorCode(err) != unet.EFORBIDDEN ||
			!strings.Contains(err.Error(), "unscoped") {
			t.Fatalf("scoped list of events: want forbidden, got %v", err)
		}
		if _, err := svc.LastEventID(alice); unet.ErrorCode(err) != unet.EFORBIDDEN {
			t.Fatalf("scoped last event ID: want forbidden, got %v", err)
		}
		evs := ok(svc.ListEvents(bob, unet.EventFilter{Limit: 1000})).v(t)
		found := false
		for _, e := range evs {
			found = found || strings.HasPrefix(e.Subject, "node/sin1")
		}
		if !found {
			t.Fatalf("unscoped viewer does not see the APAC node's creation in %d events", len(evs))
		}
		if _, err := svc.LastEventID(bob); err != nil {
			t.Fatal(err)
		}
	})
}

// TestScopedSubscriptionAddRefused: a subscription receives events of every
// scope, so adding or removing one needs an unscoped notifications:write
// grant; a scoped engineer gets 403 and nothing is written.
func TestScopedSubscriptionAddRefused(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		alice, _ := scopeWorld(t, svc)
		sub := unet.Subscription{Name: "all", URL: "https://hooks.example.com/in", Events: []string{"*"}}
		if _, err := svc.AddSubscription(alice, sub, unet.WriteOptions{}); unet.ErrorCode(err) != unet.EFORBIDDEN ||
			!strings.Contains(err.Error(), "unscoped") {
			t.Fatalf("scoped add: want forbidden, got %v", err)
		}
		if list := ok(svc.ListSubscriptions(actx())).v(t); len(list) != 0 {
			t.Fatalf("a refused add wrote %+v", list)
		}
		ok(svc.AddSubscription(actx(), sub, unet.WriteOptions{})).v(t)
		if err := svc.RemoveSubscription(alice, "all", unet.DeleteOptions{}); unet.ErrorCode(err) != unet.EFORBIDDEN {
			t.Fatalf("scoped remove: want forbidden, got %v", err)
		}
	})
}
