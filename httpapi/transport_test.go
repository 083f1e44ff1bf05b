package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// rawRequest sends one request with the given Host and headers.
func rawRequest(t *testing.T, ts *testServer, method, path, host, body string, headers ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

func TestDNSRebindingHostRefused(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	port := ts.URL[strings.LastIndex(ts.URL, ":")+1:]
	// A page of attacker.example whose name now resolves to 127.0.0.1.
	for _, host := range []string{"attacker.example:" + port, "attacker.example", "127.0.0.2:" + port, "localhost.attacker.example"} {
		a := rawRequest(t, ts, "GET", "/api/v1/nodes", host, "")
		if a.status != http.StatusMisdirectedRequest {
			t.Fatalf("Host %s: %d %s, want 421", host, a.status, a.body)
		}
		if p := a.problem(t); p.Code != unet.EFORBIDDEN || !strings.Contains(p.Detail, "allowed hosts") {
			t.Errorf("Host %s: %+v", host, p)
		}
	}
	// Health probes answer whatever the Host (load balancers probe by address).
	for _, path := range []string{"/healthz", "/readyz"} {
		if a := rawRequest(t, ts, "GET", path, "10.1.2.3:"+port, ""); a.status != http.StatusOK {
			t.Errorf("probe %s by address: %d %s", path, a.status, a.body)
		}
	}
	for _, host := range []string{"localhost:" + port, "LOCALHOST", "127.0.0.1:" + port, "[::1]:" + port, "localhost."} {
		if a := rawRequest(t, ts, "GET", "/api/v1/nodes", host, ""); a.status != http.StatusOK {
			t.Errorf("Host %s: %d %s", host, a.status, a.body)
		}
	}

	// --allowed-hosts: names, a domain wildcard, or any.
	ts = startServer(t, httpapi.Options{Transport: httpapi.TransportOptions{AllowedHosts: []string{"unet.example.net", "*.lab.example"}}})
	for host, want := range map[string]int{"unet.example.net:8443": 200, "a.lab.example": 200, "lab.example": 421, "localhost": 421} {
		if a := rawRequest(t, ts, "GET", "/api/v1/nodes", host, ""); a.status != want {
			t.Errorf("allowed-hosts, Host %s: %d, want %d", host, a.status, want)
		}
	}
	ts = startServer(t, httpapi.Options{Transport: httpapi.TransportOptions{AllowedHosts: []string{"*"}}})
	if a := rawRequest(t, ts, "GET", "/api/v1/nodes", "anything.example", ""); a.status != http.StatusOK {
		t.Errorf("allowed-hosts *: %d", a.status)
	}
}

func TestCrossSiteOriginRefused(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	host := strings.TrimPrefix(ts.URL, "http://")
	vendor := func(name string) string { return `{"name":"` + name + `"}` }
	cases := []struct {
		name    string
		headers []string
		want    int
	}{
		{"foreign origin", []string{"Origin", "http://attacker.example"}, http.StatusForbidden},
		{"same host other port", []string{"Origin", "http://127.0.0.1:1"}, http.StatusForbidden},
		{"opaque origin", []string{"Origin", "null"}, http.StatusForbidden},
		{"fetch metadata cross-site", []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"fetch metadata same-site", []string{"Sec-Fetch-Site", "same-site"}, http.StatusForbidden},
		{"same origin", []string{"Origin", "http://" + host, "Sec-Fetch-Site", "same-origin"}, http.StatusCreated},
		{"no origin (CLI, scripts)", nil, http.StatusCreated},
	}
	for i, c := range cases {
		h := append([]string{"Content-Type", "application/json"}, c.headers...)
		a := rawRequest(t, ts, "POST", "/api/v1/vendors", "", vendor("v"+string(rune('a'+i))), h...)
		if a.status != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, a.status, a.body, c.want)
			continue
		}
		if c.want == http.StatusForbidden {
			if p := a.problem(t); p.Code != unet.EFORBIDDEN || !strings.Contains(p.Detail, "cross-") {
				t.Errorf("%s: %+v", c.name, p)
			}
		}
	}
	// Reads from a foreign origin are not refused: without CORS headers the
	// browser does not let the page see the answer.
	if a := rawRequest(t, ts, "GET", "/api/v1/vendors", "", "", "Origin", "http://attacker.example"); a.status != http.StatusOK {
		t.Errorf("cross-origin GET: %d", a.status)
	}
	if a := rawRequest(t, ts, "GET", "/api/v1/vendors", "", ""); a.header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("the API sends CORS headers")
	}
	// Nothing of the refused writes landed.
	var page struct {
		Items []unet.Vendor `json:"items"`
	}
	rawRequest(t, ts, "GET", "/api/v1/vendors?limit=100", "", "").decode(t, &page)
	for _, v := range page.Items {
		if v.Name == "va" || v.Name == "vb" || v.Name == "vc" || v.Name == "vd" || v.Name == "ve" {
			t.Errorf("refused write created vendor %s", v.Name)
		}
	}
}

func TestNonJSONBodyRefused(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		h := []string{}
		if ct != "" {
			h = []string{"Content-Type", ct}
		}
		a := rawRequest(t, ts, "POST", "/api/v1/vendors", "", `{"name":"plain"}`, h...)
		if a.status != http.StatusUnsupportedMediaType {
			t.Fatalf("Content-Type %q: %d %s, want 415", ct, a.status, a.body)
		}
		if p := a.problem(t); p.Code != unet.EINVALID || !strings.Contains(p.Detail, "application/json") {
			t.Errorf("Content-Type %q: %+v", ct, p)
		}
	}
	// PATCH takes JSON merge patches.
	if a := rawRequest(t, ts, "POST", "/api/v1/nodes", "", `{"name":"ok","vendor":"arista"}`, "Content-Type", "application/json; charset=utf-8"); a.status != http.StatusCreated {
		t.Fatalf("JSON: %d %s", a.status, a.body)
	}
	if a := rawRequest(t, ts, "PATCH", "/api/v1/nodes/ok", "", `{"role":"leaf"}`, "Content-Type", "application/merge-patch+json"); a.status != http.StatusOK {
		t.Fatalf("merge patch: %d %s", a.status, a.body)
	}
	// A bodiless write needs no Content-Type.
	if a := rawRequest(t, ts, "DELETE", "/api/v1/nodes/ok", "", ""); a.status != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", a.status, a.body)
	}
}

func TestSecurityHeadersOnPlainHTTP(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	for _, path := range []string{"/api/v1/vendors", "/api/v1/nodes/missing", "/healthz"} {
		a := rawRequest(t, ts, "GET", path, "", "")
		for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
			"Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
			if got := a.header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", path, k, got, v)
			}
		}
		if a.header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain HTTP", path)
		}
	}
}

// logBuffer collects JSON log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// clientIPs are the client_ip of the access log lines.
func (b *logBuffer) clientIPs(t *testing.T) []string {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, line := range bytes.Split(bytes.TrimSpace(b.buf.Bytes()), []byte("\n")) {
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatal(err)
		}
		if rec["msg"] == "request" {
			out = append(out, rec["client_ip"].(string))
		}
	}
	return out
}

func TestClientIPFromTrustedProxies(t *testing.T) {
	xff := []string{
		"",                                  // no header: the peer
		"203.0.113.7",                       // one proxy
		"198.51.100.1, 203.0.113.7",         // a spoofed entry left of the client
		"203.0.113.7, 127.0.0.9, 127.0.0.8", // a chain of trusted proxies
		"garbage, 127.0.0.9",                // unparsable entry: the last trusted hop
		"[2001:db8::1]:4711",                // address with port
	}
	run := func(trusted []netip.Prefix) []string {
		logs := &logBuffer{}
		ts := startServer(t, httpapi.Options{AccessLog: true, Logger: slog.New(slog.NewJSONHandler(logs, nil)),
			Transport: httpapi.TransportOptions{TrustedProxies: trusted}})
		for _, v := range xff {
			h := []string{}
			if v != "" {
				h = []string{httpapi.ForwardedForHeader, v}
			}
			rawRequest(t, ts, "GET", "/healthz", "", "", h...)
		}
		return logs.clientIPs(t)
	}
	trusted, err := httpapi.ParseTrustedProxies([]string{"127.0.0.0/8", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	got := run(trusted)
	want := []string{"127.0.0.1", "203.0.113.7", "203.0.113.7", "203.0.113.7", "127.0.0.9", "2001:db8::1"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("behind a trusted proxy: %v, want %v", got, want)
	}
	// The peer is not a trusted proxy: its header is ignored.
	other, _ := httpapi.ParseTrustedProxies([]string{"10.0.0.0/8"})
	for _, ip := range run(other) {
		if ip != "127.0.0.1" {
			t.Errorf("untrusted peer: client %s, want the peer 127.0.0.1", ip)
		}
	}
	if _, err := httpapi.ParseTrustedProxies([]string{"10.0.0.0/33"}); err == nil {
		t.Error("a bad CIDR was accepted")
	}
}

// otherMode is an authorizer of an authenticating mode.
type otherMode struct{ httpapi.NoAuth }

func (otherMode) Mode() string { return "local" }

func TestListenRules(t *testing.T) {
	cases := []struct {
		addr string
		sec  httpapi.ListenSecurity
		ok   bool
	}{
		{"127.0.0.1:8080", httpapi.ListenSecurity{Mode: "none"}, true},
		{"[::1]:8080", httpapi.ListenSecurity{Mode: "none", TLS: true}, true},
		{"localhost:8080", httpapi.ListenSecurity{Mode: "local"}, true},
		{"0.0.0.0:8080", httpapi.ListenSecurity{Mode: "none", TLS: true}, false},
		{":8080", httpapi.ListenSecurity{Mode: "none", InsecureHTTP: true}, false},
		{"192.0.2.1:8443", httpapi.ListenSecurity{Mode: "local"}, false},
		{"192.0.2.1:8443", httpapi.ListenSecurity{Mode: "oidc", TLS: true}, true},
		{"192.0.2.1:8080", httpapi.ListenSecurity{Mode: "local", InsecureHTTP: true}, true},
		{"no-port", httpapi.ListenSecurity{Mode: "local", TLS: true}, false},
	}
	for _, c := range cases {
		if err := httpapi.CheckListen(c.addr, c.sec); (err == nil) != c.ok {
			t.Errorf("%s %+v: %v", c.addr, c.sec, err)
		}
	}
	if err := httpapi.CheckListenAddr("0.0.0.0:8080", httpapi.NoAuth{}); err == nil || !strings.Contains(err.Error(), "auth mode none") {
		t.Errorf("NoAuth beyond loopback: %v", err)
	}
	if err := httpapi.CheckListenAddr("0.0.0.0:8080", otherMode{}); err == nil || !strings.Contains(err.Error(), "without TLS") {
		t.Errorf("authenticating mode without TLS beyond loopback: %v", err)
	}
}

func TestDefaultAllowedHosts(t *testing.T) {
	got := httpapi.DefaultAllowedHosts("unet.example.net:8443")
	if strings.Join(got, " ") != "localhost 127.0.0.1 ::1 unet.example.net" {
		t.Errorf("named listen host: %v", got)
	}
	got = httpapi.DefaultAllowedHosts("127.0.0.1:8080")
	if strings.Join(got, " ") != "localhost 127.0.0.1 ::1" {
		t.Errorf("loopback: %v", got)
	}
	wild := strings.Join(httpapi.DefaultAllowedHosts(":8080"), " ")
	if !strings.HasPrefix(wild, "localhost 127.0.0.1 ::1 ") {
		t.Errorf("wildcard: %v", wild)
	}
}
