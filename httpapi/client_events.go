package httpapi

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// ListEvents fetches one page of the event log.
func (c *Client) ListEvents(ctx context.Context, f unet.EventFilter) ([]unet.Event, error) {
	q := url.Values{}
	if f.After > 0 {
		q.Set("after", strconv.FormatInt(f.After, 10))
	}
	if len(f.Types) > 0 {
		q.Set("type", strings.Join(f.Types, ","))
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	p, err := fetch[EventPage](ctx, c, call{method: http.MethodGet, path: BasePath + "/events", query: q})
	if err != nil {
		return nil, err
	}
	return p.Items, nil
}

// LastEventID asks the server for the newest event ID: the position an
// event stream opened without one starts from.
func (c *Client) LastEventID(ctx context.Context) (int64, error) {
	var last int64
	err := c.StreamEvents(ctx, EventStreamRequest{}, func(id int64, e *unet.Event) error {
		last = id
		return errStreamDone
	})
	if errors.Is(err, errStreamDone) {
		err = nil
	}
	return last, err
}

// EventsWake returns nil: a client learns of new events from the stream
// (StreamEvents, FollowEvents), not from this process's commits.
func (c *Client) EventsWake() <-chan struct{} { return nil }

var errStreamDone = errors.New("stream done")

// EventStreamRequest opens an event stream: after event After (when Set;
// from the newest otherwise), of the types Types match.
type EventStreamRequest struct {
	After int64
	Set   bool
	Types []string
}

// StreamEvents opens the Server-Sent Events stream and calls fn with each
// position the server reports, in order: e is the event at that position,
// or nil for a bare position (the stream's start). It returns fn's error,
// ctx's, or why the stream ended (io.ErrUnexpectedEOF when the server
// closed it).
func (c *Client) StreamEvents(ctx context.Context, req EventStreamRequest, fn func(id int64, e *unet.Event) error) error {
	q := url.Values{}
	if len(req.Types) > 0 {
		q.Set("type", strings.Join(req.Types, ","))
	}
	h := http.Header{"Accept": {EventStreamContentType}}
	if req.Set {
		h.Set(LastEventIDHeader, strconv.FormatInt(req.After, 10))
	}
	resp, err := c.send(ctx, call{method: http.MethodGet, path: BasePath + "/events", query: q, header: h})
	if err != nil {
		return err
	}
	// The stream is only read: closing it loses nothing.
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode >= 400 {
		return c.problem(resp)
	}
	if mt := resp.Header.Get("Content-Type"); !strings.HasPrefix(mt, EventStreamContentType) {
		return &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("μNet server %s answered the event stream with %q", c.base, mt)}
	}
	return readEventStream(resp.Body, fn)
}

// readEventStream parses a text/event-stream body (the subset the server
// writes: id, event and data fields, comments, blank lines ending frames).
func readEventStream(body io.Reader, fn func(id int64, e *unet.Event) error) error {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var id int64
	var hasID bool
	var data strings.Builder
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			switch {
			case data.Len() > 0:
				var e unet.Event
				if err := json.Unmarshal([]byte(data.String()), &e); err != nil {
					return &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("unreadable event in the stream: %v", err), Err: err}
				}
				if err := fn(e.ID, &e); err != nil {
					return err
				}
			case hasID:
				if err := fn(id, nil); err != nil {
					return err
				}
			}
			data.Reset()
			hasID = false
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			if n, err := strconv.ParseInt(value, 10, 64); err == nil {
				id, hasID = n, true
			}
		case "data":
			if data.Len() > 0 {
				data.WriteByte('\n')
			}
			data.WriteString(value)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return io.ErrUnexpectedEOF
}

// FollowEvents streams events like StreamEvents and reconnects after a
// dropped connection (waiting 0.5 s, doubling up to 30 s, reset by each
// event), resuming after the last position seen: no event is missed or
// seen twice. It returns only with ctx's error, fn's, or an error the
// server answered (a refused permission, a bad pattern).
func (c *Client) FollowEvents(ctx context.Context, req EventStreamRequest, fn func(e *unet.Event) error) error {
	const first, most = 500 * time.Millisecond, 30 * time.Second
	backoff := first
	for {
		var fnErr error
		err := c.StreamEvents(ctx, req, func(id int64, e *unet.Event) error {
			req.After, req.Set = id, true
			backoff = first
			if e == nil {
				return nil
			}
			fnErr = fn(e)
			return fnErr
		})
		if fnErr != nil {
			return fnErr
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// Anything else but an answer of the server (a dropped or refused
		// connection, an unavailable server) is worth another try.
		var ue *unet.Error
		if errors.As(err, &ue) && ue.Code != unet.EUNAVAILABLE {
			return err
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		backoff = min(backoff*2, most)
	}
}
