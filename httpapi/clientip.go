package httpapi

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/unet-dev/unet"
)

// ForwardedForHeader names the client and the proxies a request went through,
// left to right; each proxy appends the address it received the request from.
const ForwardedForHeader = "X-Forwarded-For"

type clientIPKey struct{}

// ClientIP is the address of the client that sent r: the peer's address, or,
// when the peer is one of the trusted proxies (TransportOptions.TrustedProxies),
// the rightmost address of X-Forwarded-For that is not itself a trusted
// proxy. The access log, the audit log and the rate limits name clients by it.
// It is empty when the request did not pass through the server's middleware
// and its RemoteAddr is not an address.
func ClientIP(r *http.Request) string {
	if a := ClientAddr(r); a.IsValid() {
		return a.String()
	}
	return ""
}

// ClientAddr is ClientIP as a netip.Addr (invalid when unknown).
func ClientAddr(r *http.Request) netip.Addr {
	if a, ok := r.Context().Value(clientIPKey{}).(netip.Addr); ok {
		return a
	}
	return peerAddr(r.RemoteAddr)
}

// withClientIP returns ctx, the context of r, with the client address of r
// (and whether a trusted proxy received it over HTTPS) when proxies are
// trusted. Without trusted proxies the client is the peer, which ClientAddr
// reads from the request itself: ctx is returned as it is.
func withClientIP(ctx context.Context, r *http.Request, trusted []netip.Prefix) context.Context {
	if len(trusted) == 0 {
		return ctx
	}
	if r.TLS == nil && forwardedHTTPS(r, trusted) {
		ctx = context.WithValue(ctx, forwardedTLSKey{}, true)
	}
	if a := clientAddr(r, trusted); a.IsValid() {
		ctx = context.WithValue(ctx, clientIPKey{}, a)
	}
	return ctx
}

// ForwardedProtoHeader names the scheme a proxy received a request with.
const ForwardedProtoHeader = "X-Forwarded-Proto"

type forwardedTLSKey struct{}

// forwardedHTTPS reports whether a trusted proxy forwarded r after
// receiving it over HTTPS: the first scheme of X-Forwarded-Proto (the one
// the client used, where proxies append theirs) is https. Only a trusted
// peer's header is read.
func forwardedHTTPS(r *http.Request, trusted []netip.Prefix) bool {
	peer := peerAddr(r.RemoteAddr)
	if !peer.IsValid() || !inPrefixes(peer, trusted) {
		return false
	}
	first, _, _ := strings.Cut(r.Header.Get(ForwardedProtoHeader), ",")
	return strings.EqualFold(strings.TrimSpace(first), "https")
}

// OverTLS reports whether the client reached the server over TLS: r came
// over TLS, or a trusted proxy (TransportOptions.TrustedProxies) forwarded
// it with X-Forwarded-Proto: https. The web interface marks its cookies
// Secure by it, so that they stay Secure behind a proxy that terminates
// TLS.
func OverTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	v, _ := r.Context().Value(forwardedTLSKey{}).(bool)
	return v
}

// clientAddr walks X-Forwarded-For from the right while the addresses are
// trusted proxies. Only a trusted peer's header is read at all: anyone else
// could write any address in it. An entry that is not an address stops the
// walk at the last trusted hop.
func clientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	peer := peerAddr(r.RemoteAddr)
	if !peer.IsValid() || !inPrefixes(peer, trusted) {
		return peer
	}
	var hops []string
	for _, v := range r.Header.Values(ForwardedForHeader) {
		hops = append(hops, strings.Split(v, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a := parseHop(hops[i])
		if !a.IsValid() {
			break
		}
		client = a
		if !inPrefixes(a, trusted) {
			break
		}
	}
	return client
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a port.
func parseHop(s string) netip.Addr {
	s = strings.TrimSpace(s)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap()
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.Addr{}
	}
	return a.WithZone("").Unmap()
}

// peerAddr is the address of RemoteAddr (host:port or a bare address).
func peerAddr(remote string) netip.Addr {
	host := remote
	if h, _, err := net.SplitHostPort(remote); err == nil {
		host = h
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.WithZone("").Unmap()
}

func inPrefixes(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ParseTrustedProxies reads CIDRs (or bare addresses, taken as /32 or /128)
// as given to --trusted-proxy.
func ParseTrustedProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, unet.Errorf(unet.EINVALID, "trusted proxy %q is not a CIDR such as 10.0.0.0/8 or an address", s)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
