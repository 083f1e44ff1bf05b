package notify

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/unet-dev/unet"
)

// TestReceiverTextIsPrintable: what a hostile receiver answers reaches the
// delivery error as one line without control characters, so it cannot
// drive the terminal of whoever lists the deliveries.
func TestReceiverTextIsPrintable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("\x1b[2J\x1b]0;pwned\x07bad\r\ngateway\x00\xff\u009b31m"))
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res := Send(ctx, Target{Kind: unet.NotifyWebhook, URL: srv.URL, Format: unet.FormatStandard},
		unet.Event{ID: 1, Type: unet.EventChangeApplied, Time: time.Now(), Summary: "s"})
	if res.Err == nil || res.Status != http.StatusBadGateway {
		t.Fatalf("result %+v", res)
	}
	msg := res.Err.Error()
	for _, r := range msg {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			t.Fatalf("control or invalid character %U in %q", r, msg)
		}
	}
	if !strings.Contains(msg, "bad  gateway") || !strings.Contains(msg, "?[2J") {
		t.Fatalf("the text is not kept readable: %q", msg)
	}
}
