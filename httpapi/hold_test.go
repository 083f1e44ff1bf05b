package httpapi_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// heldRequest is a POST on its own connection whose chunked body stops after
// a first chunk, so that the server's handler stays in the middle of reading
// it until release.
type heldRequest struct {
	conn net.Conn
	done chan int // the answer's status (0 when there was none)
}

func holdRequest(t *testing.T, ts *testServer, path, first string, headers ...string) *heldRequest {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	var req strings.Builder
	fmt.Fprintf(&req, "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n", path)
	for i := 0; i+1 < len(headers); i += 2 {
		fmt.Fprintf(&req, "%s: %s\r\n", headers[i], headers[i+1])
	}
	fmt.Fprintf(&req, "\r\n%x\r\n%s\r\n", len(first), first)
	if _, err := io.WriteString(conn, req.String()); err != nil {
		t.Fatal(err)
	}
	h := &heldRequest{conn: conn, done: make(chan int, 1)}
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			h.done <- 0
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		h.done <- resp.StatusCode
	}()
	return h
}

// release ends the body and returns the answer's status.
func (h *heldRequest) release() int {
	_, _ = io.WriteString(h.conn, "0\r\n\r\n")
	st := <-h.done
	_ = h.conn.Close()
	return st
}

// holdSlots keeps n held requests inside the server until full reports the
// server full. A held request refused with 503 (a probe had the slot when it
// arrived) is replaced. The connections are closed when the test ends,
// before the server's clean-up waits for them.
func holdSlots(t *testing.T, ts *testServer, n int, path, first string, headers []string, full func() bool) []*heldRequest {
	t.Helper()
	held := make([]*heldRequest, n)
	for i := range held {
		held[i] = holdRequest(t, ts, path, first, headers...)
	}
	t.Cleanup(func() {
		for _, h := range held {
			_ = h.conn.Close()
		}
	})
	waitFor(t, "the server full of held requests", func() bool {
		for i, h := range held {
			select {
			case st := <-h.done:
				if st != http.StatusServiceUnavailable {
					t.Fatalf("held request answered %d before its body ended", st)
				}
				_ = h.conn.Close()
				held[i] = holdRequest(t, ts, path, first, headers...)
			default:
			}
		}
		return full()
	})
	return held
}
