package webui

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// Timing of the live-update stream (as the API's event stream).
const (
	liveKeepAlive    = 15 * time.Second
	livePoll         = time.Second
	liveWriteTimeout = 30 * time.Second
	liveRetry        = 2 * time.Second
	liveBatch        = 500
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
	ctx := r.Context()
	types, err := unet.ParseEventPatterns(r.URL.Query().Get("type"))
	if err != nil {
		return err
	}
	// Read before the stream starts, so that a refusal is an answer.
	last, err := u.svc.LastEventID(ctx)
	if err != nil {
		return err
	}
	after := last
	if h := strings.TrimSpace(r.Header.Get("Last-Event-ID")); h != "" {
		n, err := strconv.ParseInt(h, 10, 64)
		if err != nil || n < 0 {
			return unet.Errorf(unet.EINVALID, "header Last-Event-ID must be an event ID (a non-negative integer), not %q", h)
		}
		after = min(n, last)
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	var buf []byte
	send := func() error {
		if len(buf) == 0 {
			return nil
		}
		_ = rc.SetWriteDeadline(time.Now().Add(liveWriteTimeout))
		_, err := w.Write(buf)
		if err == nil {
			err = rc.Flush()
		}
		buf = buf[:0]
		return err
	}
	buf = fmt.Appendf(buf, "retry: %d\nid: %d\n\n", liveRetry.Milliseconds(), after)
	if send() != nil {
		return nil
	}
	poll := time.NewTicker(livePoll)
	defer poll.Stop()
	lastWrite := time.Now()
	for {
		wake := u.svc.EventsWake()
		evs, err := u.svc.ListEvents(ctx, unet.EventFilter{After: after, Limit: liveBatch})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			u.log.LogAttrs(ctx, slog.LevelWarn, "live updates: read events", slog.Any("error", err))
		}
		for i := range evs {
			e := &evs[i]
			after = e.ID
			if !unet.EventTypeMatches(types, e.Type) {
				continue
			}
			data, err := json.Marshal(e)
			if err != nil {
				continue
			}
			buf = fmt.Appendf(buf, "id: %d\ndata: %s\n\n", e.ID, data)
		}
		if len(buf) > 0 {
			if send() != nil {
				return nil
			}
			lastWrite = time.Now()
		}
		if len(evs) == liveBatch {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-u.opts.Stop:
			return nil
		case <-wake:
		case <-poll.C:
			if time.Since(lastWrite) >= liveKeepAlive {
				buf = append(buf, ": keep-alive\n\n"...)
				if send() != nil {
					return nil
				}
				lastWrite = time.Now()
			}
		}
	}
}
