package httpapi

import (
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/unet-dev/unet"
)

// TransportOptions are the transport-level defences of the server: which Host
// names it answers to and which peers may name the client's address in
// X-Forwarded-For. They apply in every auth mode (docs/security.md,
// Transport).
type TransportOptions struct {
	// AllowedHosts are the host names and addresses a request's Host header
	// may name, any port (default: localhost, 127.0.0.1 and ::1). An entry
	// "*.example.net" allows every name under example.net; "*" allows any
	// Host and turns the check off. See DefaultAllowedHosts.
	AllowedHosts []string
	// TrustedProxies are the networks of reverse proxies whose
	// X-Forwarded-For header is believed (see ClientIP).
	TrustedProxies []netip.Prefix
}

// securityHeaders are set on every answer of the server. The value slices
// are shared by all answers (nothing appends to these headers), which saves
// an allocation per header and request.
var securityHeaders = map[string][]string{
	"Referrer-Policy":         {"no-referrer"},
	"X-Frame-Options":         {"DENY"},
	"Content-Security-Policy": {"default-src 'none'; frame-ancestors 'none'"},
}

// hstsValue is the Strict-Transport-Security of answers over TLS: one year,
// this host only (other hosts of the domain may still serve plain HTTP).
var hstsValue = []string{"max-age=31536000"}

// setSecurityHeaders adds the headers that keep a browser from framing or
// leaking API answers; Strict-Transport-Security under TLS. (nosniff and
// no-store are set by base.)
func setSecurityHeaders(h http.Header, r *http.Request) {
	for k, v := range securityHeaders {
		h[k] = v
	}
	if r.TLS != nil {
		h["Strict-Transport-Security"] = hstsValue
	}
}

// screen refuses what a browser could be tricked into sending to the server:
// a Host that is not one of the allowed hosts (DNS rebinding, 421) and a
// mutating request from a foreign origin (CSRF, 403). The third defence, a
// JSON body (checkBodyType), runs once the route is known.
//
// The health probes answer whatever the Host: load balancers and
// orchestrators probe by address, and the answer tells a page nothing.
func (s *Server) screen(r *http.Request) error {
	if !s.hostAllowed(r.Host) && !healthProbe(r) {
		return &httpError{status: http.StatusMisdirectedRequest, err: unet.Errorf(unet.EFORBIDDEN,
			"Host %q is not one of this server's allowed hosts; use one of them or add it with --allowed-hosts", r.Host)}
	}
	if !mutating(r.Method) {
		return nil
	}
	return checkOrigin(r)
}

// healthProbe reports whether r is a read of a health probe.
func healthProbe(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && healthPath(r.URL.Path)
}

// mutating reports whether a method may change state.
func mutating(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return false
	}
	return true
}

// checkBodyType refuses a request body that is not JSON (a form or a
// text/plain post, which a browser sends cross-site without a CORS preflight),
// after the permission check so that an unauthenticated client learns
// nothing more. A body without a Content-Type is refused too: a browser sends
// one for a Blob without a type. The webhook receiver (a public route) is
// exempt: it authenticates each delivery by its signature and takes what the
// Git host sends.
func checkBodyType(r *http.Request, rt Route) error {
	if rt.Permission == PermPublic || !mutating(r.Method) || r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return statusError(http.StatusUnsupportedMediaType, unet.EINVALID,
			"request body without Content-Type: send application/json")
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return statusError(http.StatusUnsupportedMediaType, unet.EINVALID,
			"unsupported Content-Type "+ct+": send application/json")
	}
	return nil
}

// checkOrigin refuses a mutating request that a browser sent on behalf of
// another site: an Origin header (when present) must name the very host and
// port the request was sent to, and Sec-Fetch-Site must not say cross-site.
// Clients other than browsers (the CLI, scripts) send neither header.
func checkOrigin(r *http.Request) error {
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		return statusError(http.StatusForbidden, unet.EFORBIDDEN,
			"cross-site request refused (Sec-Fetch-Site: "+site+")")
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || origin == "null" || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return statusError(http.StatusForbidden, unet.EFORBIDDEN, "cross-origin request refused (Origin: "+origin+")")
	}
	if !strings.EqualFold(stripDefaultPort(u.Host, u.Scheme), stripDefaultPort(r.Host, "")) {
		return statusError(http.StatusForbidden, unet.EFORBIDDEN,
			"cross-origin request refused: Origin "+origin+" is not this server ("+r.Host+")")
	}
	return nil
}

// stripDefaultPort drops the default port of scheme from host:port; with no
// scheme, either default port (a request's Host behind a TLS proxy may name
// :443 while the request itself came over plain HTTP).
func stripDefaultPort(hostport, scheme string) string {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return strings.TrimSuffix(hostport, ".")
	}
	if (port == "80" && scheme != "https") || (port == "443" && scheme != "http") {
		return joinHost(host, "")
	}
	return joinHost(host, port)
}

func joinHost(host, port string) string {
	host = strings.TrimSuffix(host, ".")
	if port == "" {
		if strings.Contains(host, ":") {
			return "[" + host + "]"
		}
		return host
	}
	return net.JoinHostPort(host, port)
}

// hostAllowed reports whether the Host header names an allowed host.
func (s *Server) hostAllowed(hostport string) bool {
	if s.anyHost {
		return true
	}
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if host == "" {
		return false
	}
	if s.hosts[host] {
		return true
	}
	for _, suffix := range s.hostSuffixes {
		if strings.HasSuffix(host, suffix) && len(host) > len(suffix) {
			return true
		}
	}
	return false
}

// setAllowedHosts prepares the Host check from the options.
func (s *Server) setAllowedHosts(list []string) {
	if len(list) == 0 {
		list = []string{"localhost", "127.0.0.1", "::1"}
	}
	s.hosts = map[string]bool{}
	for _, h := range list {
		h = normalizeHost(h)
		switch {
		case h == "*":
			s.anyHost = true
		case strings.HasPrefix(h, "*."):
			s.hostSuffixes = append(s.hostSuffixes, h[1:])
		case h != "":
			s.hosts[h] = true
		}
	}
}

// normalizeHost lowers a host name and drops brackets, a trailing dot and a
// port.
func normalizeHost(h string) string {
	h = strings.TrimSpace(h)
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.ToLower(strings.TrimSuffix(strings.Trim(h, "[]"), "."))
}
