package httpapi

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
)

// IsLoopback reports whether a listen address (host:port) binds only to the
// loopback interface: localhost, 127.0.0.0/8 or ::1. An empty host (":8080")
// binds every interface and is not loopback.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.IsLoopback()
}

// ListenSecurity is what the listen rules need to know about a server.
type ListenSecurity struct {
	// Mode is the auth mode (Authorizer.Mode): "none" lets anyone do
	// anything; any other mode authenticates requests.
	Mode string
	// TLS is set when the server itself serves TLS.
	TLS bool
	// InsecureHTTP lets an authenticating server listen beyond loopback over
	// plain HTTP, for a TLS-terminating proxy in front (--insecure-http).
	InsecureHTTP bool
}

// CheckListen applies the listen rules. On loopback every mode may serve,
// with or without TLS. Anywhere else auth mode none is refused (anyone who
// can reach the port could change the inventory), and an authenticating
// mode needs TLS (passwords and tokens would cross the network in clear)
// unless InsecureHTTP says a TLS-terminating proxy is in front.
func CheckListen(addr string, sec ListenSecurity) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("listen address %q: want HOST:PORT, e.g. 127.0.0.1:8080", addr)
	}
	if IsLoopback(addr) {
		return nil
	}
	if sec.Mode == "none" || sec.Mode == "" {
		return fmt.Errorf("refusing to listen on %s with auth mode none: anyone who can reach it could change the inventory; "+
			"listen on a loopback address such as 127.0.0.1:8080 (or put an authenticating proxy in front on loopback)", addr)
	}
	if !sec.TLS && !sec.InsecureHTTP {
		return fmt.Errorf("refusing to listen on %s without TLS: credentials would cross the network in clear; "+
			"give --tls-cert and --tls-key (unet certs self-signed makes a pair), or --insecure-http when a TLS-terminating proxy is in front", addr)
	}
	return nil
}

// CheckListenAddr applies the listen rules to a server without TLS whose
// authorizer is a: CheckListen(addr, ListenSecurity{Mode: a.Mode()}).
func CheckListenAddr(addr string, a Authorizer) error {
	return CheckListen(addr, ListenSecurity{Mode: a.Mode()})
}

// DefaultAllowedHosts is the default of --allowed-hosts for a listen
// address: localhost, 127.0.0.1 and ::1, plus the listen host; a wildcard
// listen address (":8080", "0.0.0.0:8080", "[::]:8080") adds the machine's
// host name and the addresses of its interfaces instead.
func DefaultAllowedHosts(listen string) []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return hosts
	}
	if ip, err := netip.ParseAddr(host); host != "" && (err != nil || !ip.IsUnspecified()) {
		return appendNew(hosts, normalizeHost(host))
	}
	if name, err := os.Hostname(); err == nil && name != "" {
		hosts = appendNew(hosts, normalizeHost(name))
	}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if p, err := netip.ParsePrefix(a.String()); err == nil && !p.Addr().IsLinkLocalUnicast() {
				hosts = appendNew(hosts, p.Addr().Unmap().String())
			}
		}
	}
	return hosts
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
