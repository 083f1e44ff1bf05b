package service_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// hookSecret is a Standard Webhooks secret: whsec_ and 24 random-looking
// bytes in base64.
var hookSecret = "whsec_" + base64.StdEncoding.EncodeToString([]byte("0123456789abcdefghijklmn"))

// withHookEnv makes env:UNET_GIT_HOOK_* references resolve to values.
func withHookEnv(t *testing.T, svc *service.Service, vals map[string]string) {
	t.Helper()
	err := svc.SetSecrets(service.SecretsConfig{LookupEnv: func(k string) (string, bool) { v, ok := vals[k]; return v, ok }})
	if err != nil {
		t.Fatal(err)
	}
}

func fieldsOf(err error) []string {
	ue, ok := err.(*unet.Error)
	if !ok {
		return nil
	}
	var out []string
	for _, f := range ue.Fields {
		out = append(out, f.Field)
	}
	return out
}

// TestNotificationSubscriptions: validation with positioned field errors
// and no partial write, a new subscription starting at the current last
// event, redaction of inline URLs, duplicates refused, and adds and
// removes recorded in the change log with their change.applied events.
func TestNotificationSubscriptions(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		createNodes(t, svc, "before", 2)
		bad := []struct {
			sub    unet.Subscription
			fields []string
		}{
			{unet.Subscription{Name: "bad name!", URL: "https://x.example/h", Events: []string{"git.*"}}, []string{"name"}},
			{unet.Subscription{Name: "a", URL: "https://x.example/h"}, []string{"events"}},
			{unet.Subscription{Name: "a", URL: "https://x.example/h", Events: []string{"gti.*", "change.applied"}}, []string{"events[0]"}},
			{unet.Subscription{Name: "a", URL: "ftp://x.example/h", Events: []string{"*"}}, []string{"url"}},
			{unet.Subscription{Name: "a", URL: "hunter2-token", Events: []string{"*"}}, []string{"url"}},
			{unet.Subscription{Name: "a", URL: "https://x.example/h", Format: "teams", Events: []string{"*"}}, []string{"format"}},
			{unet.Subscription{Name: "a", URL: "https://x.example/h", Format: "slack", SecretRef: "env:UNET_GIT_K", Events: []string{"*"}}, []string{"secret_ref"}},
			{unet.Subscription{Name: "a", URL: "https://x.example/h", SecretRef: "env:HOME", Events: []string{"*"}}, []string{"secret_ref"}},
			{unet.Subscription{Name: "a", SMTP: &unet.SMTPSettings{Server: "http://mail", From: "x", To: []string{"ops@example.com", "not an address"}},
				Events: []string{"*"}}, []string{"smtp.server", "smtp.from", "smtp.to[1]"}},
			{unet.Subscription{Name: "a", SMTP: &unet.SMTPSettings{Server: "smtp://mail:25", From: "u@example.com", PasswordRef: "env:UNET_GIT_PW"},
				Events: []string{"*"}}, []string{"smtp.to", "smtp.username"}},
			// A pattern list beyond the bound, and a pattern too long, are refused.
			{unet.Subscription{Name: "a", URL: "https://x.example/h", Events: slices.Repeat([]string{"git.*"}, 20000)}, []string{"events"}},
			{unet.Subscription{Name: "a", URL: "https://x.example/h", Events: []string{"git." + strings.Repeat("*", 300)}}, []string{"events[0]"}},
		}
		for i, c := range bad {
			_, err := svc.AddSubscription(ctx, c.sub, unet.WriteOptions{})
			mustCode(t, err, unet.EINVALID)
			if got := fieldsOf(err); !slices.Equal(got, c.fields) {
				t.Errorf("case %d: fields %v, want %v (%v)", i, got, c.fields, err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("case %d: the error repeats the value: %v", i, err)
			}
		}
		if list, _ := svc.ListSubscriptions(ctx); len(list) != 0 {
			t.Fatalf("invalid adds wrote %v", list)
		}

		evs, err := svc.ListEvents(ctx, unet.EventFilter{})
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1].ID
		sub, err := svc.AddSubscription(ctx, unet.Subscription{Name: "hook", URL: "https://user:pw@hooks.example.com/in?token=s3cr3t",
			Events: []string{"change.applied", "git.*"}}, unet.WriteOptions{Reason: "ops channel"})
		if err != nil {
			t.Fatal(err)
		}
		if sub.Cursor != last || sub.Kind != unet.NotifyWebhook || sub.Format != unet.FormatStandard || sub.Version != 1 || sub.CreatedBy != "tester" {
			t.Fatalf("added %+v; want cursor %d, kind webhook, format standard", sub, last)
		}
		if _, err := svc.AddSubscription(ctx, unet.Subscription{Name: "hook", URL: "https://x.example/", Events: []string{"*"}}, unet.WriteOptions{}); unet.ErrorCode(err) != unet.ECONFLICT {
			t.Fatalf("duplicate name: %v", err)
		}
		if _, err := svc.AddSubscription(ctx, unet.Subscription{Name: "chat", URL: "env:UNET_GIT_SLACK_URL", Format: unet.FormatSlack,
			Events: []string{"changeset.*"}}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		list, err := svc.ListSubscriptions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Name != "chat" || list[1].Name != "hook" {
			t.Fatalf("list %+v", list)
		}
		if list[0].URL != "env:UNET_GIT_SLACK_URL" {
			t.Errorf("a URL reference is shown as %q", list[0].URL)
		}
		if got := list[1].URL; strings.Contains(got, "s3cr3t") || strings.Contains(got, "pw") || !strings.HasPrefix(got, "https://") ||
			!strings.Contains(got, "hooks.example.com/in") {
			t.Errorf("inline URL shown as %q", got)
		}
		if got, want := list[1].URL, "https://***@hooks.example.com/in?***"; got != want {
			t.Errorf("inline URL shown as %q, want %q as documented", got, want)
		}
		// The add is in the change log (redacted) and was an event.
		ch, err := svc.ListChanges(ctx, unet.ChangeFilter{Object: "notification/hook"})
		if err != nil {
			t.Fatal(err)
		}
		if len(ch.Items) != 1 || ch.Items[0].Op != unet.OpCreate || ch.Items[0].Reason != "ops channel" || strings.Contains(string(ch.Items[0].After), "s3cr3t") {
			t.Fatalf("change log of the add: %+v", ch.Items)
		}
		evs, err = svc.ListEvents(ctx, unet.EventFilter{After: last})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 2 || evs[0].Subject != "notification/hook" || evs[0].Type != unet.EventChangeApplied {
			t.Fatalf("events after the adds: %+v", evs)
		}
		if err := svc.RemoveSubscription(ctx, "hook", unet.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		mustCode(t, svc.RemoveSubscription(ctx, "hook", unet.DeleteOptions{}), unet.ENOTFOUND)
		_, err = svc.GetSubscription(ctx, "hook")
		mustCode(t, err, unet.ENOTFOUND)
		ch, err = svc.ListChanges(ctx, unet.ChangeFilter{Object: "notification/hook"})
		if err != nil || len(ch.Items) != 2 {
			t.Fatalf("change log after the remove: %+v %v", ch, err)
		}
	})
}

// TestNotificationStandardWebhook: events are delivered in order to a real
// receiver that verifies the Standard Webhooks signature independently;
// the cursor follows; events of other types are not sent; notify test
// reports the outcome.
func TestNotificationStandardWebhook(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		withHookEnv(t, svc, map[string]string{"UNET_GIT_HOOK_SECRET": hookSecret})
		rcv := newHookReceiver(t, hookSecret)
		createNodes(t, svc, "old", 1) // before the subscription: not sent
		if _, err := svc.AddSubscription(ctx, unet.Subscription{Name: "hook", URL: rcv.srv.URL + "/hook", SecretRef: "env:UNET_GIT_HOOK_SECRET",
			Events: []string{"change.applied"}}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddSubscription(ctx, unet.Subscription{Name: "other", URL: rcv.srv.URL + "/other", SecretRef: "env:UNET_GIT_HOOK_SECRET",
			Events: []string{"git.*"}}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		runWorker(t, svc, service.NotifyConfig{RetryBase: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond})
		names := createNodes(t, svc, "sw", 5)
		// A subscription is sent the events after the last one before
		// it: its own add (a change.applied), the second add, the nodes.
		got := rcv.waitDelivered(7, 20*time.Second)
		want := []string{"notification/hook", "notification/other"}
		for _, n := range names {
			want = append(want, "node/"+n)
		}
		if s := subjects(got); !slices.Equal(s, want) {
			t.Fatalf("delivered %v, want %v", s, want)
		}
		for i, r := range got {
			if r.ID != fmt.Sprintf("msg_unet_event_%d", r.Event.ID) || r.Type != unet.EventChangeApplied {
				t.Errorf("delivery %d: id %q type %q for event %d", i, r.ID, r.Type, r.Event.ID)
			}
			if i > 0 && r.Event.ID <= got[i-1].Event.ID {
				t.Errorf("out of order: %d after %d", r.Event.ID, got[i-1].Event.ID)
			}
		}
		time.Sleep(300 * time.Millisecond)
		if n := len(rcv.requests()); n != 7 {
			t.Errorf("%d requests, want 7 (no duplicates, nothing for the git.* subscription)", n)
		}
		waitFor(t, func() bool {
			s, err := svc.GetSubscription(ctx, "hook")
			return err == nil && s.Cursor == got[6].Event.ID
		})
		ds, err := svc.ListDeliveries(ctx, "hook", unet.DeliveryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 7 || ds[0].EventID != got[6].Event.ID || ds[0].Outcome != unet.DeliveryDelivered || ds[0].Status != 204 || ds[0].Subscription != "hook" {
			t.Fatalf("deliveries %+v", ds)
		}

		d, err := svc.TestSubscription(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		if d.Outcome != unet.DeliveryTest || d.Status != 204 || d.Error != "" {
			t.Fatalf("test delivery %+v", d)
		}
		last := rcv.requests()[len(rcv.requests())-1]
		if last.Type != unet.EventNotifyTest || !strings.HasPrefix(last.ID, "msg_unet_test_") {
			t.Fatalf("test request %+v", last)
		}
		if rcv.badSig != 0 {
			t.Fatalf("%d bad signatures", rcv.badSig)
		}
	})
}

// TestNotificationRetries: a receiver that fails the first deliveries sees
// retries with a backoff bounded by base·2^(n-1), then every event once
// accepted, in order.
func TestNotificationRetries(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		rcv := newHookReceiver(t, "")
		rcv.failFirst = 5
		if _, err := svc.AddSubscription(ctx, unet.Subscription{Name: "hook", URL: rcv.srv.URL, Events: []string{"change.applied"}}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		const base, cap = 40 * time.Millisecond, 400 * time.Millisecond
		runWorker(t, svc, service.NotifyConfig{RetryBase: base, RetryMax: cap})
		names := createNodes(t, svc, "r", 3)
		got := rcv.waitDelivered(4, 30*time.Second)
		want := []string{"notification/hook", "node/r-0", "node/r-1", "node/r-2"}
		if s := subjects(got); !slices.Equal(s, want) || len(names) != 3 {
			t.Fatalf("delivered %v, want %v", s, want)
		}
		all := rcv.requests()
		if len(all) != 9 {
			t.Fatalf("%d requests, want 5 failures and 4 deliveries: %+v", len(all), all)
		}
		// The head was retried: the first six requests all carry the first
		// event, the same webhook-id each time.
		for i := 0; i < 6; i++ {
			if all[i].ID != got[0].ID || (i < 5) != (all[i].Status == 503) {
				t.Fatalf("request %d: %+v (first event %s)", i, all[i], got[0].ID)
			}
		}
		// Gaps: attempt n waits at most base·2^(n-1) (plus scheduling).
		for i := 1; i < 6; i++ {
			gap := all[i].At.Sub(all[i-1].At)
			ceil := min(base<<(i-1), cap)
			if gap > ceil+500*time.Millisecond {
				t.Errorf("gap %d is %s, above its backoff bound %s", i, gap, ceil)
			}
		}
		ds, err := svc.ListDeliveries(ctx, "hook", unet.DeliveryFilter{Outcome: unet.DeliveryFailed})
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 5 {
			t.Fatalf("%d failed deliveries recorded, want 5", len(ds))
		}
		for i, d := range ds { // newest first: attempts 5..1
			if d.Attempt != 5-i || d.Status != 503 || !strings.Contains(d.Error, "503") {
				t.Errorf("failed delivery %d: %+v", i, d)
			}
		}
		ok, err := svc.ListDeliveries(ctx, "hook", unet.DeliveryFilter{Outcome: unet.DeliveryDelivered, Limit: 1})
		if err != nil || len(ok) != 1 {
			t.Fatalf("delivered: %+v %v", ok, err)
		}
		waitFor(t, func() bool {
			s, err := svc.GetSubscription(ctx, "hook")
			return err == nil && s.Attempts == 0 && s.FirstFailure == nil && s.LastError == ""
		})
	})
}

// TestNotificationBackoff: the backoff is full jitter under a ceiling that
// doubles per attempt up to the cap.
func TestNotificationBackoff(t *testing.T) {
	base, cap := 100*time.Millisecond, 3*time.Second
	for attempt := 1; attempt <= 8; attempt++ {
		ceil := min(base<<(attempt-1), cap)
		var most time.Duration
		for i := 0; i < 2000; i++ {
			d := service.Backoff(base, cap, attempt)
			if d < 0 || d >= ceil {
				t.Fatalf("attempt %d: %s outside [0, %s)", attempt, d, ceil)
			}
			most = max(most, d)
		}
		if most < ceil*8/10 {
			t.Errorf("attempt %d: longest of 2000 waits %s, far below the ceiling %s", attempt, most, ceil)
		}
	}
}

// TestNotificationDeadLetter: an event that keeps failing past the give-up
// time becomes a dead letter (in deliveries and in the list's count), the
// following events are delivered in order, and a redelivery sends it again.
func TestNotificationDeadLetter(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		rcv := newHookReceiver(t, "")
		if _, err := svc.AddSubscription(ctx, unet.Subscription{Name: "hook", URL: rcv.srv.URL, Events: []string{"change.applied"}}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		createNodes(t, svc, "d", 1)
		evs, err := svc.ListEvents(ctx, unet.EventFilter{Types: []string{unet.EventChangeApplied}})
		if err != nil {
			t.Fatal(err)
		}
		poison := evs[len(evs)-1]
		rcv.mu.Lock()
		rcv.failIDs[fmt.Sprintf("msg_unet_event_%d", poison.ID)] = true
		rcv.mu.Unlock()
		createNodes(t, svc, "e", 2)
		runWorker(t, svc, service.NotifyConfig{RetryBase: 20 * time.Millisecond, RetryMax: 80 * time.Millisecond, GiveUp: 500 * time.Millisecond})
		got := rcv.waitDelivered(3, 30*time.Second)
		if s := subjects(got); !slices.Equal(s, []string{"notification/hook", "node/e-0", "node/e-1"}) {
			t.Fatalf("delivered %v", s)
		}
		all := rcv.requests()[1:]
		first := all[0].At
		var lastPoison time.Time
		for _, r := range all {
			if r.Event.ID == poison.ID {
				lastPoison = r.At
			} else if lastPoison.IsZero() {
				t.Fatalf("event %d sent before the head %d was given up on", r.Event.ID, poison.ID)
			}
		}
		if lastPoison.Sub(poison.Time) < 500*time.Millisecond || lastPoison.Sub(first) <= 0 {
			t.Errorf("given up %s after the event (%s after its first attempt), before the give-up time",
				lastPoison.Sub(poison.Time), lastPoison.Sub(first))
		}
		dead, err := svc.ListDeliveries(ctx, "hook", unet.DeliveryFilter{Outcome: unet.DeliveryDead})
		if err != nil {
			t.Fatal(err)
		}
		if len(dead) != 1 || dead[0].EventID != poison.ID || dead[0].Attempt < 2 || dead[0].Status != 503 {
			t.Fatalf("dead letters %+v", dead)
		}
		s, err := svc.GetSubscription(ctx, "hook")
		if err != nil || s.Dead != 1 {
			t.Fatalf("subscription %+v %v", s, err)
		}
		// Not a dead letter: refused; the dead one goes again.
		_, err = svc.Redeliver(ctx, "hook", got[1].Event.ID)
		mustCode(t, err, unet.EINVALID)
		rcv.mu.Lock()
		rcv.failIDs = map[string]bool{}
		rcv.mu.Unlock()
		d, err := svc.Redeliver(ctx, "hook", poison.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Outcome != unet.DeliveryDelivered || d.Attempt != dead[0].Attempt+1 {
			t.Fatalf("redelivery %+v", d)
		}
		if got := rcv.waitDelivered(4, 5*time.Second); got[3].Event.ID != poison.ID {
			t.Fatalf("redelivered %+v", got[3])
		}
	})
}

// TestNotificationBacklogDrains: behind a receiver that was down for longer
// than the give-up time, every queued event older than it gets one attempt
// and becomes a dead letter (the backlog does not take a give-up time per
// event), in order; the events after them are delivered.
func TestNotificationBacklogDrains(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		rcv := newHookReceiver(t, "")
		if _, err := svc.AddSubscription(ctx, unet.Subscription{Name: "hook", URL: rcv.srv.URL, Events: []string{"change.applied"}}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		createNodes(t, svc, "old", 4)
		evs, err := svc.ListEvents(ctx, unet.EventFilter{Types: []string{unet.EventChangeApplied}})
		if err != nil {
			t.Fatal(err)
		}
		rcv.mu.Lock()
		for _, e := range evs {
			rcv.failIDs[fmt.Sprintf("msg_unet_event_%d", e.ID)] = true
		}
		rcv.mu.Unlock()
		const giveUp = 300 * time.Millisecond
		time.Sleep(giveUp + 50*time.Millisecond)
		runWorker(t, svc, service.NotifyConfig{RetryBase: time.Second, RetryMax: time.Second, GiveUp: giveUp})
		dead := func() []unet.Delivery {
			ds, err := svc.ListDeliveries(ctx, "hook", unet.DeliveryFilter{Outcome: unet.DeliveryDead})
			if err != nil {
				t.Fatal(err)
			}
			return ds
		}
		deadline := time.Now().Add(20 * time.Second)
		for len(dead()) < len(evs) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		ds := dead()
		if len(ds) != len(evs) {
			t.Fatalf("%d dead letters, want %d: %+v", len(ds), len(evs), ds)
		}
		for _, d := range ds {
			if d.Attempt != 1 {
				t.Fatalf("an event older than the give-up time was tried %d times: %+v", d.Attempt, d)
			}
		}
		createNodes(t, svc, "new", 1)
		got := rcv.waitDelivered(1, 10*time.Second)
		if s := subjects(got); !slices.Equal(s, []string{"node/new-0"}) {
			t.Fatalf("delivered after the backlog: %v", s)
		}
	})
}

// TestNotificationFailures: unreachable receivers and unresolvable
// secrets fail with a clear error and no secret in it.
func TestNotificationFailures(t *testing.T) {
	svc := newService(t, "sqlite")
	ctx := actx()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	withHookEnv(t, svc, map[string]string{"UNET_GIT_SLACK": "http://" + addr + "/services/T000/B000/XXXSECRET"})
	for _, sub := range []unet.Subscription{
		{Name: "down", URL: "http://" + addr + "/hook?token=abc", Events: []string{"*"}},
		{Name: "slack", URL: "env:UNET_GIT_SLACK", Format: unet.FormatSlack, Events: []string{"*"}},
		{Name: "unset", URL: "env:UNET_GIT_UNSET", Events: []string{"*"}},
	} {
		if _, err := svc.AddSubscription(ctx, sub, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		d, err := svc.TestSubscription(ctx, sub.Name)
		if err != nil {
			t.Fatal(err)
		}
		if d.Error == "" || d.Status != 0 || strings.Contains(d.Error, "XXXSECRET") || strings.Contains(d.Error, "token=abc") {
			t.Errorf("%s: test delivery %+v", sub.Name, d)
		}
	}
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestNotificationSlack: a Slack subscription whose URL is a secret
// reference posts an incoming-webhook message, unsigned.
func TestNotificationSlack(t *testing.T) {
	svc := newService(t, "sqlite")
	ctx := actx()
	type post struct {
		text   string
		signed bool
		path   string
	}
	posts := make(chan post, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p map[string]any
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil || len(p) != 1 {
			t.Errorf("slack body %v: %v", p, err)
		}
		text, _ := p["text"].(string)
		posts <- post{text: text, signed: r.Header.Get("webhook-signature") != "", path: r.URL.Path}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	withHookEnv(t, svc, map[string]string{"UNET_GIT_SLACK_URL": srv.URL + "/services/T0/B0/secret"})
	if _, err := svc.AddSubscription(ctx, unet.Subscription{Name: "chat", URL: "env:UNET_GIT_SLACK_URL", Format: unet.FormatSlack,
		Events: []string{"change.applied"}}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	runWorker(t, svc, service.NotifyConfig{})
	createNodes(t, svc, "s", 1)
	for {
		select {
		case p := <-posts:
			if p.signed || p.path != "/services/T0/B0/secret" {
				t.Fatalf("slack post %+v", p)
			}
			if !strings.Contains(p.text, "tester created node s-0") {
				continue // the subscription's own add
			}
			if !strings.HasPrefix(p.text, "*[unet] tester created node s-0*\n`change.applied` · node/s-0 · by tester · ") {
				t.Fatalf("slack text %q", p.text)
			}
			return
		case <-time.After(20 * time.Second):
			t.Fatal("no slack post within 20 s")
		}
	}
}

// TestNotificationFencedWorker: a worker whose leader lease has moved on
// (a deposed leader) may still send, but cannot record a delivery or move
// the cursor: the rightful leader sends the event again (at least once).
func TestNotificationFencedWorker(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		rcv := newHookReceiver(t, "")
		sub, err := svc.AddSubscription(ctx, unet.Subscription{Name: "hook", URL: rcv.srv.URL, Events: []string{"change.applied"}}, unet.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		db := svc.DB()
		now := time.Now()
		old, ok, err := db.AcquireLease(context.Background(), "leader", "old", 0, now.Add(-2*time.Hour), time.Hour)
		if err != nil || !ok {
			t.Fatalf("lease: %v %v", ok, err)
		}
		if _, ok, err := db.AcquireLease(context.Background(), "leader", "new", 0, now, time.Hour); err != nil || !ok {
			t.Fatalf("take over: %v %v", ok, err)
		}
		stale := unet.WithFence(context.Background(), unet.Fence{Lease: "leader", Token: old.Token})
		wctx, cancel := context.WithCancel(stale)
		done := make(chan struct{})
		go func() {
			defer close(done)
			svc.RunNotifications(wctx, service.NotifyConfig{RetryBase: 10 * time.Millisecond})
		}()
		rcv.waitDelivered(2, 20*time.Second) // the same event, twice
		cancel()
		<-done
		reqs := rcv.requests()
		if reqs[0].ID != reqs[1].ID {
			t.Fatalf("the deposed worker moved on: %+v", reqs)
		}
		s, err := svc.GetSubscription(ctx, "hook")
		if err != nil || s.Cursor != sub.Cursor {
			t.Fatalf("cursor moved under a stale fence: %+v %v", s, err)
		}
		if ds, err := svc.ListDeliveries(ctx, "hook", unet.DeliveryFilter{}); err != nil || len(ds) != 0 {
			t.Fatalf("deliveries recorded under a stale fence: %+v %v", ds, err)
		}
	})
}

// TestNotificationPrunedHead: when the event being retried is pruned from
// the log, the next event is the head and starts with a fresh retry state.
func TestNotificationPrunedHead(t *testing.T) {
	svc := newService(t, "sqlite")
	ctx := actx()
	rcv := newHookReceiver(t, "")
	rcv.failFirst = 1 << 30
	if _, err := svc.AddSubscription(ctx, unet.Subscription{Name: "hook", URL: rcv.srv.URL, Events: []string{"change.applied"}}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	runWorker(t, svc, service.NotifyConfig{RetryBase: 20 * time.Millisecond, RetryMax: 40 * time.Millisecond})
	waitFor(t, func() bool {
		s, err := svc.GetSubscription(ctx, "hook")
		return err == nil && s.Attempts >= 3
	})
	evs, err := svc.ListEvents(ctx, unet.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	pruned := evs[len(evs)-1].ID
	if err := svc.DB().WithTx(context.Background(), func(tx *sqlstore.Tx) error {
		_, err := tx.PruneEvents(context.Background(), pruned+1)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	rcv.mu.Lock()
	rcv.failFirst = 0
	rcv.mu.Unlock()
	createNodes(t, svc, "p", 1)
	got := rcv.waitDelivered(1, 10*time.Second)
	if got[0].Event.Subject != "node/p-0" {
		t.Fatalf("delivered %+v", got[0])
	}
	var ds []unet.Delivery
	waitFor(t, func() bool {
		ds, err = svc.ListDeliveries(ctx, "hook", unet.DeliveryFilter{Outcome: unet.DeliveryDelivered})
		return err == nil && len(ds) > 0
	})
	if len(ds) != 1 || ds[0].Attempt != 1 || ds[0].EventID == pruned {
		t.Fatalf("delivery of the new head %+v %v", ds, err)
	}
}
