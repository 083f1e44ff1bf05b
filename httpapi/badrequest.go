package httpapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// net/http answers a request it cannot parse (a request line with malformed
// percent-encoding such as GET /api/v1/nodes/%zz, a bad header, an oversized
// header block) itself, before any handler runs, with a fixed plain-text
// response written straight to the connection. problemListener wraps the
// connections of Serve so that such answers go out as problem+json like every
// other error of the API.
//
// The plain-text answer is recognised exactly: one write of
//
//	HTTP/1.1 <status> <text>\r\n
//	Content-Type: text/plain; charset=utf-8\r\n
//	Connection: close\r\n
//	\r\n
//	<status> <text>
//
// Responses produced by handlers can never have that shape: net/http writes
// their headers sorted (Connection before Content-Type) and always with a
// Date header.
type problemListener struct {
	net.Listener
	s *Server
}

// Accept wraps each plain connection. TLS connections are passed through
// unchanged: net/http must see the *tls.Conn to fill Request.TLS.
func (l problemListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if _, ok := c.(*tls.Conn); ok {
		return c, nil
	}
	return &problemConn{Conn: c, s: l.s}, nil
}

// maxRecent bounds the bytes kept of what the client sent last; they are
// only searched for the request line that could not be parsed.
const maxRecent = 16 << 10

// problemConn rewrites net/http's own plain-text error answers.
type problemConn struct {
	net.Conn
	s *Server

	mu     sync.Mutex
	recent []byte // the last bytes read, at most maxRecent
}

func (c *problemConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		got := p[:n]
		if len(got) >= maxRecent {
			c.recent = c.recent[:0]
			got = got[len(got)-maxRecent:]
		}
		c.recent = append(c.recent, got...)
		if over := len(c.recent) - maxRecent; over > 0 {
			c.recent = append(c.recent[:0], c.recent[over:]...)
		}
		c.mu.Unlock()
	}
	return n, err
}

func (c *problemConn) Write(p []byte) (int, error) {
	status, text, ok := plainError(p)
	if !ok {
		return c.Conn.Write(p)
	}
	c.mu.Lock()
	recent := bytes.Clone(c.recent)
	c.mu.Unlock()
	if _, err := c.Conn.Write(c.s.rawProblem(status, text, recent)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// CloseWrite lets net/http half-close the connection after an error answer,
// as it does on a bare TCP connection.
func (c *problemConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

const plainErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// plainError recognises net/http's own error answer and returns its status
// and text ("Bad Request", or "Bad Request: missing required Host header").
func plainError(p []byte) (int, string, bool) {
	rest, ok := bytes.CutPrefix(p, []byte("HTTP/1.1 "))
	if !ok {
		return 0, "", false
	}
	line, body, ok := bytes.Cut(rest, []byte(plainErrorHeaders))
	if !ok || !bytes.Equal(line, body) || len(line) < 5 || line[3] != ' ' {
		return 0, "", false
	}
	status, err := strconv.Atoi(string(line[:3]))
	if err != nil || status < 400 || status > 599 {
		return 0, "", false
	}
	return status, string(line[4:]), true
}

// rawProblem renders a complete HTTP response carrying the problem document
// of an unparsable request. recent is what the client sent last; when a
// request target in it has malformed percent-encoding, the detail says so.
func (s *Server) rawProblem(status int, text string, recent []byte) []byte {
	id := s.reqPrefix + strconv.FormatUint(s.reqSeq.Add(1), 36)
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Code: codeOfStatus(status),
		Detail: malformedDetail(status, text, recent), RequestID: id}
	body, err := json.Marshal(p)
	if err != nil {
		body = []byte(`{"type":"about:blank","title":"Bad Request","status":400,"code":"invalid"}`)
	}
	body = append(body, '\n')
	if s.opts.AccessLog {
		s.log.LogAttrs(context.Background(), slog.LevelInfo, "request", slog.String("request_id", id),
			slog.Int("status", status), slog.String("error", p.Detail))
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	fmt.Fprintf(&b, "Content-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n", ProblemContentType, len(body))
	fmt.Fprintf(&b, "%s: %s\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\r\n", RequestIDHeader, id)
	b.Write(body)
	return b.Bytes()
}

// malformedDetail explains why a request could not be parsed.
func malformedDetail(status int, text string, recent []byte) string {
	if status == http.StatusBadRequest {
		if msg := targetProblem(recent); msg != "" {
			return msg
		}
	}
	if _, why, ok := strings.Cut(text, ": "); ok {
		return "malformed request: " + why
	}
	switch status {
	case http.StatusBadRequest:
		return "malformed HTTP request: the request line or a header could not be parsed"
	case http.StatusRequestHeaderFieldsTooLarge:
		return "the request's header fields are too large"
	}
	return "the request could not be processed: " + strings.ToLower(text)
}

// targetProblem looks for a request line with malformed percent-encoding
// in what the client sent last and describes it, or returns "". net/http
// stops at the first such line, so the first one found is the culprit.
func targetProblem(recent []byte) string {
	for _, line := range bytes.Split(recent, []byte("\n")) {
		fields := strings.Fields(string(line))
		if len(fields) != 3 || !strings.HasPrefix(fields[2], "HTTP/") {
			continue
		}
		_, err := url.ParseRequestURI(fields[1])
		var esc url.EscapeError
		if errors.As(err, &esc) {
			return fmt.Sprintf("malformed percent-encoding %q in the request path: '%%' must be followed by two hexadecimal digits (write %%25 for a literal '%%')",
				string(esc))
		}
	}
	return ""
}
