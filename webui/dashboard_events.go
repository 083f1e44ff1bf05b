package webui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// events is GET /ui/events: the Server-Sent Events stream of the service's
// events (those of the types in the query parameter type, comma-separated
// patterns; default all) from now on, or after the Last-Event-ID a
// reconnecting browser sends. It is the API's stream (GET /api/v1/events)
// for pages, which authenticate with the session cookie: the same
// service calls, so the same permission and the same refusal of scoped
// readers. Each event is sent as a message without an event name, its
// data the event as JSON, so that one listener receives every type.
func (u *UI) events(w http.ResponseWriter, r *http.Request) error {
	types, err := unet.ParseEventPatterns(r.URL.Query().Get("type"))
	if err != nil {
		return err
	}
	o := httpapi.StreamOptions{Types: types, Stop: u.opts.Stop, Log: u.log}
	if h := strings.TrimSpace(r.Header.Get(httpapi.LastEventIDHeader)); h != "" {
		n, err := strconv.ParseInt(h, 10, 64)
		if err != nil || n < 0 {
			return unet.Errorf(unet.EINVALID, "header Last-Event-ID must be an event ID (a non-negative integer), not %q", h)
		}
		o.After, o.Resume = n, true
	}
	return httpapi.StreamEvents(w, r, u.svc, o)
}
