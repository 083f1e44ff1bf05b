package httpapi

import (
	"fmt"
	"net"
	"net/netip"
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

// CheckListenAddr refuses to serve without authentication anywhere but on
// loopback: in auth mode none anyone who reaches the port may change the
// inventory.
func CheckListenAddr(addr string, a Authorizer) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("listen address %q: want HOST:PORT, e.g. 127.0.0.1:8080", addr)
	}
	if a.Mode() == "none" && !IsLoopback(addr) {
		return fmt.Errorf("refusing to listen on %s with auth mode none: anyone who can reach it could change the inventory; "+
			"listen on a loopback address such as 127.0.0.1:8080 (or put an authenticating proxy in front on loopback)", addr)
	}
	return nil
}
