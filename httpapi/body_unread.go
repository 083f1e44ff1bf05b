package httpapi

import (
	"errors"
	"io"
	"net/http"
	"sync/atomic"
)

// bodyTracker remembers whether a request body was read to its end.
type bodyTracker struct {
	io.ReadCloser
	ended atomic.Bool
}

func (b *bodyTracker) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if errors.Is(err, io.EOF) {
		b.ended.Store(true)
	}
	return n, err
}

// trackBody wraps r's body so that closeIfUnread can tell whether the
// handler read it to its end.
func trackBody(r *http.Request) *bodyTracker {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	b := &bodyTracker{ReadCloser: r.Body}
	r.Body = b
	return b
}

// closeIfUnread marks the answer "Connection: close" when the request had a
// body the handler did not read to its end (a refusal before the body). Left
// to itself, net/http would read the rest of the body before it sent the
// answer, so a sender that holds its body open (or trickles it) would hold
// the answer and the handler's goroutine until the read timeout.
func closeIfUnread(w http.ResponseWriter, r *http.Request, b *bodyTracker) {
	if b != nil && r.ContentLength != 0 && !b.ended.Load() {
		w.Header().Set("Connection", "close")
	}
}
