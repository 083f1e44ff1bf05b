package httpapi

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// EventPage is the JSON answer of the event route: events oldest first and
// Next, the ID to pass as `after` for the following page (the last event's,
// or the `after` asked for when there was none).
type EventPage struct {
	Items []unet.Event `json:"items"`
	Next  int64        `json:"next"`
}

// EventStreamContentType is the media type of the Server-Sent Events stream.
const EventStreamContentType = "text/event-stream"

// Timing of the event stream.
const (
	// eventKeepAlive is how long a stream stays silent before a comment
	// line tells proxies and the client that it is alive.
	eventKeepAlive = 15 * time.Second
	// eventPoll is how often a stream looks for events committed by other
	// replicas (this process's commits wake it at once).
	eventPoll = time.Second
	// eventWriteTimeout bounds each write to a stream's client.
	eventWriteTimeout = 30 * time.Second
	// eventRetry is the reconnection delay the stream suggests to clients.
	eventRetry = 2 * time.Second
	// eventBatch is how many events a stream reads at a time.
	eventBatch = 500
)

// LastEventIDHeader is the header with which an SSE client resumes.
const LastEventIDHeader = "Last-Event-ID"

func (s *Server) eventRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: BasePath + "/events", Permission: PermEventsRead, OperationID: "listEvents", Tag: "events",
			Summary: "The event log, oldest first: a JSON page, or with Accept: text/event-stream a Server-Sent Events stream " +
				"(id: event ID, event: type, data: the event as JSON) that follows new events and resumes after Last-Event-ID",
			Query: []Param{
				{Name: "after", Type: "integer", Description: "only events after this event ID (a stream resuming with the Last-Event-ID header ignores it); " +
					"a stream without either starts with the events committed from now on"},
				{Name: "type", Type: "string", Description: "comma-separated type patterns (git.*,changeset.approved); default: all"},
				{Name: "limit", Type: "integer", Description: "page size of the JSON answer (default 100, at most 10000)"},
			},
			Status: http.StatusOK, Result: EventPage{}, Stream: true, handle: s.listEvents},
	}
}

// wantsEventStream reports whether the request accepts text/event-stream
// (and so gets the stream rather than a JSON page).
func wantsEventStream(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && mt == EventStreamContentType {
			return true
		}
	}
	return false
}

// eventParams reads the position and the type patterns of an event request;
// set is false when neither `after` nor Last-Event-ID named a position.
func eventParams(r *http.Request, stream bool) (after int64, set bool, types []string, err error) {
	q := r.URL.Query()
	raw, name := q.Get("after"), "query parameter after"
	if h := r.Header.Get(LastEventIDHeader); stream && h != "" {
		raw, name = h, "header "+LastEventIDHeader
	}
	if raw != "" {
		after, err = strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
		if err != nil || after < 0 {
			return 0, false, nil, statusError(http.StatusBadRequest, unet.EINVALID,
				fmt.Sprintf("%s must be an event ID (a non-negative integer), not %q", name, raw))
		}
		set = true
	}
	types, err = unet.ParseEventPatterns(q.Get("type"))
	if err != nil {
		return 0, false, nil, err
	}
	return after, set, types, nil
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) error {
	stream := wantsEventStream(r)
	after, set, types, err := eventParams(r, stream)
	if err != nil {
		return err
	}
	if stream {
		return s.streamEvents(w, r, after, set, types)
	}
	limit, err := intParam(r.URL.Query(), "limit")
	if err != nil {
		return err
	}
	if limit < 0 || limit > 10000 {
		return statusError(http.StatusBadRequest, unet.EINVALID, "limit must be between 0 and 10000")
	}
	items, err := s.svc.ListEvents(r.Context(), unet.EventFilter{After: after, Types: types, Limit: limit})
	if err != nil {
		return err
	}
	page := EventPage{Items: items, Next: after}
	if page.Items == nil {
		page.Items = []unet.Event{}
	}
	if n := len(page.Items); n > 0 {
		page.Next = page.Items[n-1].ID
	}
	s.writeJSON(w, http.StatusOK, page)
	return nil
}

// stopStreams ends the event streams: a graceful shutdown has begun.
func (s *Server) stopStreams() { s.stoppingOnce.Do(func() { close(s.stopping) }) }

// streamEvents answers with the Server-Sent Events stream of the events
// after `after` (from the newest when !set) whose type matches types. The
// stream reads the log in pages of every type, so its position moves past
// the events it filters out; each write has its own deadline, so that the
// server's write timeout does not cut the stream and a stalled client does
// not hold it forever. It ends when the client goes or the server shuts
// down.
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request, after int64, set bool, types []string) error {
	ctx := r.Context()
	// Read before the stream starts even when resuming, so that a refusal
	// (a scoped grant) is an error answer rather than a silent stream.
	last, err := s.svc.LastEventID(ctx)
	if err != nil {
		return err
	}
	// A position beyond the newest event (a database restored from an
	// older archive, a made-up ID) would keep the stream silent until the
	// IDs catch up: it starts at the newest event instead.
	if !set || after > last {
		after = last
	}
	rc := http.NewResponseController(w)
	// No read deadline: the server's would cancel the request once it
	// passes, while the client, having sent its request, stays silent.
	_ = rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", EventStreamContentType)
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	var buf []byte
	send := func() error {
		if len(buf) == 0 {
			return nil
		}
		_ = rc.SetWriteDeadline(time.Now().Add(eventWriteTimeout))
		_, err := w.Write(buf)
		if err == nil {
			err = rc.Flush()
		}
		buf = buf[:0]
		return err
	}
	// The starting position, so that a client that reconnects before any
	// event came resumes from it rather than from its own "now".
	buf = fmt.Appendf(buf, "retry: %d\nid: %d\n\n", eventRetry.Milliseconds(), after)
	if err := send(); err != nil {
		return nil
	}
	poll := time.NewTicker(eventPoll)
	defer poll.Stop()
	lastWrite := time.Now()
	for {
		// Taken before reading: a commit after the read wakes the wait.
		wake := s.svc.EventsWake()
		evs, err := s.svc.ListEvents(ctx, unet.EventFilter{After: after, Limit: eventBatch})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.log.LogAttrs(ctx, slog.LevelWarn, "event stream: read events", slog.Any("error", err))
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
			buf = fmt.Appendf(buf, "id: %d\nevent: %s\ndata: %s\n\n", e.ID, e.Type, data)
		}
		if len(buf) > 0 {
			if err := send(); err != nil {
				return nil
			}
			lastWrite = time.Now()
		}
		if len(evs) == eventBatch {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.stopping:
			return nil
		case <-wake:
		case <-poll.C:
			if time.Since(lastWrite) >= eventKeepAlive {
				buf = append(buf, ": keep-alive\n\n"...)
				if err := send(); err != nil {
					return nil
				}
				lastWrite = time.Now()
			}
		}
	}
}
