package httpapi_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/sqlstore"
)

// serveReal runs Server.Serve (the path of `unet serve`) on a random loopback
// port over SQLite and returns its address.
func serveReal(t *testing.T) string {
	t.Helper()
	return strings.TrimPrefix(startLive(t, sqlstore.SQLite, sqlstore.Options{}, httpapi.Options{}).url, "http://")
}

// rawExchange writes raw request bytes on one connection and reads the
// responses to the given number of requests.
func rawExchange(t *testing.T, addr, raw string, answers int) []*http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	var out []*http.Response
	for range answers {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("read response %d: %v", len(out)+1, err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body = io.NopCloser(strings.NewReader(string(body)))
		out = append(out, resp)
	}
	return out
}

func problemOf(t *testing.T, resp *http.Response) httpapi.Problem {
	t.Helper()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != httpapi.ProblemContentType {
		t.Fatalf("Content-Type %q, want %s; body %q", ct, httpapi.ProblemContentType, body)
	}
	var p httpapi.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("problem body %q: %v", body, err)
	}
	if p.Status != resp.StatusCode || p.RequestID == "" || p.RequestID != resp.Header.Get(httpapi.RequestIDHeader) {
		t.Fatalf("problem %+v does not match status %d / request ID %q", p, resp.StatusCode, resp.Header.Get(httpapi.RequestIDHeader))
	}
	return p
}

// TestMalformedPercentEncodingInPath: net/http refuses such a request line
// before any handler runs; the answer is still problem+json.
func TestMalformedPercentEncodingInPath(t *testing.T) {
	addr := serveReal(t)
	for _, target := range []string{"/api/v1/nodes/%zz", "/api/v1/nodes/leaf%2", "/api/v1/nodes/%"} {
		resp := rawExchange(t, addr, "GET "+target+" HTTP/1.1\r\nHost: localhost\r\n\r\n", 1)[0]
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: status %d, want 400", target, resp.StatusCode)
		}
		p := problemOf(t, resp)
		if p.Code != "invalid" || !strings.Contains(p.Detail, "malformed percent-encoding") {
			t.Fatalf("%s: problem %+v", target, p)
		}
	}
	// On a kept-alive connection, after a good request.
	resps := rawExchange(t, addr, "GET /api/v1/vendors HTTP/1.1\r\nHost: localhost\r\n\r\n"+
		"GET /api/v1/nodes/%zz HTTP/1.1\r\nHost: localhost\r\n\r\n", 2)
	if resps[0].StatusCode != http.StatusOK || resps[0].Header.Get("Content-Type") != "application/json" {
		t.Fatalf("good request: %d %s", resps[0].StatusCode, resps[0].Header.Get("Content-Type"))
	}
	if p := problemOf(t, resps[1]); p.Status != http.StatusBadRequest || !strings.Contains(p.Detail, `"%zz"`) {
		t.Fatalf("second request: %+v", p)
	}
}

// TestOtherUnparsableRequestsAreProblems: the other answers net/http writes
// itself are problem+json too.
func TestOtherUnparsableRequestsAreProblems(t *testing.T) {
	addr := serveReal(t)
	resp := rawExchange(t, addr, "GET /api/v1/vendors HTTP/1.1\r\n\r\n", 1)[0]
	if p := problemOf(t, resp); p.Status != 400 || !strings.Contains(p.Detail, "Host") {
		t.Fatalf("missing Host: %+v", p)
	}
	resp = rawExchange(t, addr, "GET /api/v1/vendors HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n", 1)[0]
	if p := problemOf(t, resp); p.Status != 400 || p.Code != "invalid" {
		t.Fatalf("malformed header: %+v", p)
	}
	big := fmt.Sprintf("GET /api/v1/vendors HTTP/1.1\r\nHost: localhost\r\nX-Big: %s\r\n\r\n", strings.Repeat("b", 200<<10))
	resp = rawExchange(t, addr, big, 1)[0]
	if p := problemOf(t, resp); p.Status != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("oversized header: %+v", p)
	}
}

func TestMalformedQueryStringIsProblem(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	a := ts.send(t, "GET", "/api/v1/nodes?limit=%zz", nil)
	if a.status != http.StatusBadRequest {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if p := a.problem(t); !strings.Contains(p.Detail, "malformed query string") {
		t.Fatalf("problem %+v", p)
	}
}

// TestFieldLimitsAre422: a value over a limit or with a control character is
// a 422 whose field errors name the field.
func TestFieldLimitsAre422(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	for field, body := range map[string]map[string]any{
		"model":       {"name": "leaf1", "vendor": "cisco", "model": strings.Repeat("m", 129)},
		"name":        {"name": "leaf\x1b[31m1", "vendor": "cisco"},
		"custom_data": {"name": "leaf1", "vendor": "cisco", "custom_data": map[string]any{"k": deep(40)}},
		"tags":        {"name": "leaf1", "vendor": "cisco", "tags": []string{strings.Repeat("t", 65)}},
	} {
		a := ts.send(t, "POST", "/api/v1/nodes", body)
		if a.status != http.StatusUnprocessableEntity {
			t.Fatalf("%s: status %d: %s", field, a.status, a.body)
		}
		p := a.problem(t)
		named := false
		for _, e := range p.Errors {
			named = named || e.Field == field || strings.HasPrefix(e.Field, field+".")
		}
		if p.Code != "invalid" || !named {
			t.Fatalf("%s: problem %+v does not name the field", field, p)
		}
	}
}

func deep(n int) any {
	var v any = 1
	for range n {
		v = []any{v}
	}
	return v
}
