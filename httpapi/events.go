package httpapi

import (
	"fmt"
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

// streamEvents answers with the Server-Sent Events stream of the API
// (StreamEvents, each message named after its event's type).
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request, after int64, set bool, types []string) error {
	return StreamEvents(w, r, s.svc, StreamOptions{After: after, Resume: set, Types: types, Named: true, Stop: s.stopping, Log: s.log})
}
