package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// sseFrame is one frame of an event stream as a client sees it.
type sseFrame struct {
	id    string
	event string
	data  string
}

// servedAPI is a server started with Serve on a random loopback port (so
// that its timeouts and shutdown are the real ones).
type servedAPI struct {
	url  string
	svc  *service.Service
	stop func() error
}

func serveAPI(t *testing.T, o httpapi.Options) *servedAPI {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "unet.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := service.New(db)
	api, err := httpapi.New(svc, o)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- api.Serve(sctx, ln) }()
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { _ = stop() })
	return &servedAPI{url: "http://" + ln.Addr().String(), svc: svc, stop: stop}
}

// openStream opens the event stream with the given headers and returns its
// frames as they come; cancel closes the connection.
func openStream(t *testing.T, url string, headers ...string) (frames <-chan sseFrame, resp *http.Response, cancel func()) {
	t.Helper()
	ctx, cancelCtx := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		cancelCtx()
		t.Fatal(err)
	}
	out := make(chan sseFrame, 100)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		var f sseFrame
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if f != (sseFrame{}) {
					out <- f
				}
				f = sseFrame{}
			case strings.HasPrefix(line, ":"):
				out <- sseFrame{event: "comment", data: line}
			case strings.HasPrefix(line, "id: "):
				f.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				f.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				f.data = line[6:]
			}
		}
	}()
	return out, resp, func() {
		cancelCtx()
		_ = resp.Body.Close()
	}
}

// nextEvent waits for the next event frame (skipping the bare start frame
// and comments).
func nextEvent(t *testing.T, frames <-chan sseFrame, within time.Duration) (sseFrame, bool) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case f, ok := <-frames:
			if !ok {
				return sseFrame{}, false
			}
			if f.event == "comment" || f.data == "" {
				continue
			}
			return f, true
		case <-deadline:
			return sseFrame{}, false
		}
	}
}

// TestEventStreamResumes: the SSE stream delivers the events in order as
// they are committed (id, type, the event as JSON), outlives the server's
// write timeout, resumes after Last-Event-ID with exactly the missed
// events, filters by type, and ends when the server shuts down. Without
// the event-stream Accept header the route answers a JSON page.
func TestEventStreamResumes(t *testing.T) {
	srv := serveAPI(t, httpapi.Options{WriteTimeout: time.Second, ReadTimeout: time.Second, ShutdownTimeout: 20 * time.Second})
	ctx := unet.WithActor(context.Background(), "tester")
	node := func(name string) {
		t.Helper()
		if _, err := srv.svc.CreateNode(ctx, &unet.Node{Name: name, Vendor: "arista"}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	node("n1")
	node("n2")
	events := srv.url + httpapi.BasePath + "/events"

	frames, resp, closeStream := openStream(t, events+"?after=0")
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	seen := []string{}
	expect := func(frames <-chan sseFrame, subject string) sseFrame {
		t.Helper()
		f, ok := nextEvent(t, frames, 10*time.Second)
		if !ok {
			t.Fatalf("no event for %s (seen %v)", subject, seen)
		}
		var e unet.Event
		if err := json.Unmarshal([]byte(f.data), &e); err != nil {
			t.Fatalf("data %q: %v", f.data, err)
		}
		if f.event != unet.EventChangeApplied || e.Type != f.event || strconv.FormatInt(e.ID, 10) != f.id || e.Subject != subject || e.Actor != "tester" {
			t.Fatalf("frame %+v, want %s", f, subject)
		}
		seen = append(seen, f.id)
		return f
	}
	expect(frames, "node/n1")
	last := expect(frames, "node/n2")
	// Past the write timeout, the stream still carries new events.
	time.Sleep(2500 * time.Millisecond)
	node("n3")
	expect(frames, "node/n3")
	node("n4")
	last = expect(frames, "node/n4")

	// The client goes; events are committed meanwhile; it comes back with
	// the last ID it saw and gets exactly those.
	closeStream()
	node("n5")
	node("n6")
	frames, _, closeStream = openStream(t, events+"?after=0", "Last-Event-ID", last.id)
	expect(frames, "node/n5")
	expect(frames, "node/n6")
	if f, ok := nextEvent(t, frames, 500*time.Millisecond); ok {
		t.Fatalf("an event after the missed ones: %+v", f)
	}
	node("n7")
	expect(frames, "node/n7")
	closeStream()
	for i := 1; i < len(seen); i++ {
		a, _ := strconv.Atoi(seen[i-1])
		b, _ := strconv.Atoi(seen[i])
		if b <= a {
			t.Fatalf("IDs out of order: %v", seen)
		}
	}

	// Without a position the stream starts from now; a type filter keeps
	// other events out.
	fresh, _, closeFresh := openStream(t, events)
	filtered, _, closeFiltered := openStream(t, events+"?type=git.*,changeset.*")
	node("n8")
	f := expect(fresh, "node/n8")
	if other, ok := nextEvent(t, filtered, 1500*time.Millisecond); ok {
		t.Fatalf("the filtered stream carried %+v", other)
	}
	closeFiltered()

	// The JSON page.
	res, err := http.Get(events + "?after=" + seen[0] + "&limit=2")
	if err != nil {
		t.Fatal(err)
	}
	var page httpapi.EventPage
	if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK || len(page.Items) != 2 || strconv.FormatInt(page.Items[0].ID, 10) != seen[1] ||
		page.Next != page.Items[1].ID {
		t.Fatalf("page %d %+v", res.StatusCode, page)
	}
	for _, bad := range []string{"?after=x", "?type=[", "?limit=-1"} {
		res, err := http.Get(events + bad)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: %d", bad, res.StatusCode)
		}
	}
	_ = f

	// Shutdown ends the open stream at once rather than waiting for it.
	start := time.Now()
	if err := srv.stop(); err != nil {
		t.Fatalf("shutdown with an open stream: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("shutdown took %v with an open stream", d)
	}
	if _, ok := nextEvent(t, fresh, 2*time.Second); ok {
		t.Fatal("an event after shutdown")
	}
	closeFresh()
}

// TestEventClientFollowsAcrossRestarts: FollowEvents delivers every event
// once, in order, across a server that goes away and comes back on the
// same address.
func TestEventClientFollowsAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	dbURL := "sqlite://" + filepath.Join(dir, "unet.db")
	ctx := context.Background()
	open := func() (*service.Service, func()) {
		db, err := sqlstore.Open(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return service.New(db), func() { db.Close() }
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	start := func(ln net.Listener) (*service.Service, func()) {
		svc, closeDB := open()
		api, err := httpapi.New(svc, httpapi.Options{})
		if err != nil {
			t.Fatal(err)
		}
		sctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- api.Serve(sctx, ln) }()
		return svc, func() {
			cancel()
			if err := <-done; err != nil {
				t.Error(err)
			}
			closeDB()
		}
	}
	svc, stop := start(ln)
	c, err := httpapi.NewClient("http://"+addr, httpapi.ClientOptions{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan unet.Event, 100)
	fctx, cancelFollow := context.WithCancel(ctx)
	followed := make(chan error, 1)
	go func() {
		followed <- c.FollowEvents(fctx, httpapi.EventStreamRequest{After: 0, Set: true}, func(e *unet.Event) error {
			got <- *e
			return nil
		})
	}()
	wctx := unet.WithActor(ctx, "tester")
	create := func(svc *service.Service, name string) {
		t.Helper()
		if _, err := svc.CreateNode(wctx, &unet.Node{Name: name, Vendor: "arista"}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	want := func(n int) []string {
		t.Helper()
		var out []string
		for range n {
			select {
			case e := <-got:
				out = append(out, e.Subject)
			case <-time.After(15 * time.Second):
				t.Fatalf("events so far %v", out)
			}
		}
		return out
	}
	create(svc, "a1")
	create(svc, "a2")
	if g := want(2); fmt.Sprint(g) != "[node/a1 node/a2]" {
		t.Fatalf("before the restart: %v", g)
	}
	stop()
	// While the server is away, events are committed (by another process
	// on the same database).
	svc2, closeDB := open()
	create(svc2, "b1")
	create(svc2, "b2")
	closeDB()
	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	svc, stop = start(ln2)
	defer stop()
	create(svc, "c1")
	if g := want(3); fmt.Sprint(g) != "[node/b1 node/b2 node/c1]" {
		t.Fatalf("after the restart: %v", g)
	}
	select {
	case e := <-got:
		t.Fatalf("an event twice or unexpected: %+v", e)
	case <-time.After(300 * time.Millisecond):
	}
	cancelFollow()
	if err := <-followed; !errors.Is(err, context.Canceled) {
		t.Fatalf("follow ended with %v", err)
	}
}
