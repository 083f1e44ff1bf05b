package httpapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// TestEventStreamAheadOfLog: a stream resumed after an ID the log has not
// reached (a client of a database since restored from an older archive,
// or a made-up ID) starts at the newest event, announces that position
// and carries the events committed from then on, instead of staying
// silent until the IDs catch up.
func TestEventStreamAheadOfLog(t *testing.T) {
	srv := serveAPI(t, httpapi.Options{ShutdownTimeout: 5 * time.Second})
	ctx := unet.WithActor(context.Background(), "tester")
	if _, err := srv.svc.CreateNode(ctx, &unet.Node{Name: "n1", Vendor: "arista"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	last, err := srv.svc.LastEventID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	frames, _, closeStream := openStream(t, srv.url+httpapi.BasePath+"/events", "Last-Event-ID", "9223372036854775807")
	defer closeStream()
	select {
	case f := <-frames:
		if f.id != "1" || f.event != "" || last != 1 {
			t.Fatalf("start frame %+v, want the position %d", f, last)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no start frame")
	}
	if _, err := srv.svc.CreateNode(ctx, &unet.Node{Name: "n2", Vendor: "arista"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	f, ok := nextEvent(t, frames, 5*time.Second)
	if !ok || f.id != "2" {
		t.Fatalf("event after the resume: %+v %v", f, ok)
	}
}
