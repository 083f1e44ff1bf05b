package httpapi

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/unet-dev/unet"
)

// StreamOptions describe one Server-Sent Events stream of events.
type StreamOptions struct {
	// After is the event the stream resumes after when Resume is set;
	// otherwise (or when After is past the newest event) the stream starts
	// with the events committed from now on.
	After  int64
	Resume bool
	// Types are the type patterns of the events sent (none: all).
	Types []string
	// Named gives each message its event's type as the event name (the
	// API's stream); without it each message is unnamed, so that one
	// listener of a browser's EventSource receives every type (the web
	// interface's stream).
	Named bool
	// Stop, when closed, ends the stream (the server shuts down).
	Stop <-chan struct{}
	// Log receives the errors of reading the events (nil: discarded).
	Log *slog.Logger
}

// StreamEvents answers with the Server-Sent Events stream of svc's events
// whose type matches o.Types. The stream reads the log in pages of every
// type, so its position moves past the events it filters out; each write
// has its own deadline, so that the server's write timeout does not cut
// the stream and a stalled client does not hold it forever. It ends when
// the client goes, or o.Stop is closed; it returns an error only before
// the stream starts (which is then an error answer).
func StreamEvents(w http.ResponseWriter, r *http.Request, svc unet.EventService, o StreamOptions) error {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx := r.Context()
	// Read before the stream starts even when resuming, so that a refusal
	// (a scoped grant) is an error answer rather than a silent stream.
	last, err := svc.LastEventID(ctx)
	if err != nil {
		return err
	}
	// A position beyond the newest event (a database restored from an
	// older archive, a made-up ID) would keep the stream silent until the
	// IDs catch up: it starts at the newest event instead.
	after := o.After
	if !o.Resume || after > last {
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
		wake := svc.EventsWake()
		evs, err := svc.ListEvents(ctx, unet.EventFilter{After: after, Limit: eventBatch})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			log.LogAttrs(ctx, slog.LevelWarn, "event stream: read events", slog.Any("error", err))
		}
		for i := range evs {
			e := &evs[i]
			after = e.ID
			if !unet.EventTypeMatches(o.Types, e.Type) {
				continue
			}
			data, err := json.Marshal(e)
			if err != nil {
				continue
			}
			if o.Named {
				buf = fmt.Appendf(buf, "id: %d\nevent: %s\ndata: %s\n\n", e.ID, e.Type, data)
			} else {
				buf = fmt.Appendf(buf, "id: %d\ndata: %s\n\n", e.ID, data)
			}
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
		case <-o.Stop:
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
