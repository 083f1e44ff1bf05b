package httpapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// Client implements unet.Service over HTTP against a μNet server. Errors
// answered by the server come back as *unet.Error with the same code, message
// and field errors as in local mode; a server that cannot be reached is an
// error with code unavailable naming the URL.
type Client struct {
	base  string
	actor string
	token string
	// tokens, when set, supplies the credential instead of token.
	tokens TokenSource
	hc     *http.Client
}

var _ unet.Service = (*Client)(nil)

// ClientOptions configure a Client.
type ClientOptions struct {
	// Actor is sent as X-Unet-Actor when the context names none (servers
	// in auth mode none believe it; the others ignore it).
	Actor string
	// Token is sent as "Authorization: Bearer …" with every request.
	Token string
	// Tokens, when set, supplies the bearer credential of each request
	// instead of Token, and renews it once after a 401 answer (a login
	// session that refreshes itself).
	Tokens TokenSource
	// HTTPClient replaces the default client (keep-alive transport with a 5 s
	// connect timeout; requests are bounded by their context).
	HTTPClient *http.Client
	// RootCAs are the certificates the default client trusts for an https
	// server (nil: the system's).
	RootCAs *x509.CertPool
}

// NewClient returns a client of the server at baseURL (http or https; the
// API lives under /api/v1 of it).
func NewClient(baseURL string, o ClientOptions) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, unet.Errorf(unet.EINVALID, "server URL %q must look like http://host:port or https://host", baseURL)
	}
	hc := o.HTTPClient
	if hc == nil {
		tr := &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			MaxIdleConnsPerHost:   8,
			IdleConnTimeout:       90 * time.Second,
			ExpectContinueTimeout: time.Second,
			TLSClientConfig:       &tls.Config{RootCAs: o.RootCAs, MinVersion: tls.VersionTLS12},
		}
		hc = &http.Client{Transport: tr}
	}
	return &Client{base: strings.TrimRight(u.String(), "/"), actor: o.Actor, token: o.Token, tokens: o.Tokens, hc: hc}, nil
}

// URL returns the server's base URL.
func (c *Client) URL() string { return c.base }

// Close releases idle connections.
func (c *Client) Close() error {
	c.hc.CloseIdleConnections()
	return nil
}

// call describes one request.
type call struct {
	method  string
	path    string // under the base URL, already escaped
	query   url.Values
	ifMatch int // 0: no If-Match
	body    any
	out     any // decoded from a 2xx JSON answer; nil: body ignored
	// header holds request headers set after the defaults (Accept, …).
	header http.Header
}

// send builds and performs the request of a call; a transport failure is an
// unavailable *unet.Error naming the server.
func (c *Client) send(ctx context.Context, k call) (*http.Response, error) {
	var body io.Reader
	if k.body != nil {
		b, err := json.Marshal(k.body)
		if err != nil {
			return nil, unet.Internal(fmt.Errorf("encode request: %w", err))
		}
		body = bytes.NewReader(b)
	}
	target := c.base + k.path
	if len(k.query) > 0 {
		target += "?" + k.query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, k.method, target, body)
	if err != nil {
		return nil, unet.Errorf(unet.EINVALID, "bad request to %s: %v", c.base, err)
	}
	req.Header.Set("Accept", "application/json")
	if k.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	token := c.token
	if c.tokens != nil {
		t, err := c.tokens.Token(ctx)
		if err != nil {
			return nil, err
		}
		token = t
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if k.ifMatch > 0 {
		req.Header.Set("If-Match", etag(k.ifMatch))
	}
	for name, vs := range k.header {
		req.Header[name] = vs
	}
	if actor := unet.ActorFrom(ctx); actor != "unknown" {
		req.Header.Set(ActorHeader, actor)
	} else if c.actor != "" {
		req.Header.Set(ActorHeader, c.actor)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		cause := err
		var ue *url.Error
		if errors.As(err, &ue) {
			cause = ue.Err
		}
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("cannot reach μNet server %s: %v", c.base, cause), Err: err}
	}
	if resp.StatusCode == http.StatusUnauthorized && c.tokens != nil && !renewed(ctx) {
		// The session's access token was refused (expired early, key
		// rotated, user changed): renew it once and send again.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		if _, err := c.tokens.Renew(ctx, token); err != nil {
			return nil, err
		}
		return c.send(withRenewed(ctx), k)
	}
	return resp, nil
}

// do performs a call and maps every failure to a *unet.Error.
func (c *Client) do(ctx context.Context, k call) error {
	resp, err := c.send(ctx, k)
	if err != nil {
		return err
	}
	// The body is only read: closing it releases the connection and loses
	// nothing.
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode >= 400 {
		return c.problem(resp)
	}
	if k.out == nil || resp.StatusCode == http.StatusNoContent {
		// The call succeeded; the body is drained only so that the
		// connection can be reused, and a failure to drain changes nothing.
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(k.out); err != nil {
		return &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("unreadable answer from μNet server %s (%s %s): %v", c.base, k.method, k.path, err), Err: err}
	}
	return nil
}

// problem turns an error answer back into the *unet.Error the server had.
func (c *Client) problem(resp *http.Response) error {
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return &unet.Error{Code: codeOfStatus(resp.StatusCode),
			Message: fmt.Sprintf("μNet server %s answered %s with an unreadable body: %v", c.base, resp.Status, err), Err: err}
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil && (mt == ProblemContentType || mt == "application/json") {
		var p Problem
		if json.Unmarshal(data, &p) == nil && (p.Code != "" || p.Detail != "") {
			code := p.Code
			if code == "" {
				code = codeOfStatus(resp.StatusCode)
			}
			return &unet.Error{Code: code, Message: p.Detail, Fields: p.Errors}
		}
	}
	return &unet.Error{Code: codeOfStatus(resp.StatusCode),
		Message: fmt.Sprintf("μNet server %s answered %s", c.base, resp.Status)}
}

func itemPath(plural, ref string) string {
	return BasePath + "/" + plural + "/" + url.PathEscape(ref)
}

func pageQuery(q url.Values, p unet.Page) url.Values {
	if p.Limit != 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	if p.Offset != 0 {
		q.Set("offset", strconv.Itoa(p.Offset))
	}
	if p.Cursor != "" {
		q.Set("cursor", p.Cursor)
	}
	return q
}

// setIf adds a query parameter when its value is not empty.
func setIf(q url.Values, name, v string) {
	if v != "" {
		q.Set(name, v)
	}
}

func writeQuery(reason string) url.Values {
	q := url.Values{}
	setIf(q, "reason", reason)
	return q
}

// writeOptsQuery is the query of a direct write: reason and emergency.
func writeOptsQuery(o unet.WriteOptions) url.Values {
	q := writeQuery(o.Reason)
	if o.Emergency {
		q.Set("emergency", "true")
	}
	return q
}

func deleteQuery(o unet.DeleteOptions) url.Values {
	q := writeQuery(o.Reason)
	if o.Emergency {
		q.Set("emergency", "true")
	}
	if o.Cascade {
		q.Set("cascade", "true")
	}
	return q
}

// fetch performs k and decodes the answer into a new T.
func fetch[T any](ctx context.Context, c *Client, k call) (*T, error) {
	out := new(T)
	k.out = out
	if err := c.do(ctx, k); err != nil {
		return nil, err
	}
	return out, nil
}
