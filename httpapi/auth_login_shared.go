package httpapi

import "net/netip"

// LoginThrottleKeys are the keys a failed password login of user from
// source counts against: the same keys for the API's login route and for
// the web interface's sign-in form, so that both share one throttle.
func LoginThrottleKeys(user string, source netip.Addr) []string { return loginKeys(user, source) }

// AcquireLoginSlot takes one of the slots that bound the password logins
// verified at once (shared by the API's login route and the web
// interface's sign-in form). It answers false when none is free; otherwise
// release gives the slot back.
func AcquireLoginSlot() (release func(), ok bool) {
	select {
	case loginSlots <- struct{}{}:
		return func() { <-loginSlots }, true
	default:
		return nil, false
	}
}
