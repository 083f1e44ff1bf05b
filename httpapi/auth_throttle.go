package httpapi

import (
	"net/netip"
	"strings"
	"sync"
	"time"
)

// LoginThrottlePolicy is when failed logins slow a user name or a source
// address down: after Free failures of a user name (FreePerAddress of a
// source address, which many users behind one NAT may share) within
// Window, each further failure locks the key for Base, then twice as long,
// and so on up to Max. A key without a failure for Window is forgotten.
type LoginThrottlePolicy struct {
	Free           int
	FreePerAddress int
	Window         time.Duration
	Base           time.Duration
	Max            time.Duration
	// MaxKeys bounds the keys remembered (default 100,000): past it, the
	// forgotten ones go first, then arbitrary ones.
	MaxKeys int
}

// DefaultLoginThrottle is the policy of a server: after 5 failures of a
// user name (20 from an address) in 15 minutes, 1 s, 2 s, 4 s … capped at
// 60 s.
var DefaultLoginThrottle = LoginThrottlePolicy{Free: 5, FreePerAddress: 20, Window: 15 * time.Minute, Base: time.Second,
	Max: time.Minute, MaxKeys: 100_000}

// LoginThrottle counts failed logins per user name and per source address
// (IPv6 per /64) in the server's memory. A locked key is answered 429 with
// Retry-After at once, without checking the password: the handler never
// sleeps, so a flood of attempts holds no connection and no goroutine.
type LoginThrottle struct {
	policy LoginThrottlePolicy
	now    func() time.Time
	mu     sync.Mutex
	keys   map[string]*loginFailures
}

type loginFailures struct {
	n     int
	first time.Time
	until time.Time
}

// NewLoginThrottle returns a throttle with policy p (zero fields take the
// defaults) and clock now (nil: time.Now).
func NewLoginThrottle(p LoginThrottlePolicy, now func() time.Time) *LoginThrottle {
	d := DefaultLoginThrottle
	if p.Free <= 0 {
		p.Free = d.Free
	}
	if p.FreePerAddress <= 0 {
		p.FreePerAddress = d.FreePerAddress
	}
	if p.Window <= 0 {
		p.Window = d.Window
	}
	if p.Base <= 0 {
		p.Base = d.Base
	}
	if p.Max <= 0 {
		p.Max = d.Max
	}
	if p.MaxKeys <= 0 {
		p.MaxKeys = d.MaxKeys
	}
	if now == nil {
		now = time.Now
	}
	return &LoginThrottle{policy: p, now: now, keys: map[string]*loginFailures{}}
}

// loginKeys are the throttle keys of a login attempt.
func loginKeys(user string, source netip.Addr) []string {
	keys := []string{"user:" + user}
	if source.IsValid() {
		if source.Is6() && !source.Is4In6() {
			p, _ := source.Prefix(64)
			keys = append(keys, "net:"+p.String())
		} else {
			keys = append(keys, "ip:"+source.String())
		}
	}
	return keys
}

// Wait returns how long the longest-locked of keys stays locked (0: none
// is).
func (t *LoginThrottle) Wait(keys ...string) time.Duration {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		if f := t.keys[k]; f != nil && f.until.After(now) {
			wait = max(wait, f.until.Sub(now))
		}
	}
	return wait
}

// Fail records a failed login for each of keys.
func (t *LoginThrottle) Fail(keys ...string) {
	now := t.now()
	p := t.policy
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		f := t.keys[k]
		if f == nil || now.Sub(f.first) > p.Window {
			if f == nil && len(t.keys) >= p.MaxKeys {
				t.prune(now)
			}
			f = &loginFailures{first: now}
			t.keys[k] = f
		}
		f.n++
		free := p.Free
		if !strings.HasPrefix(k, "user:") {
			free = p.FreePerAddress
		}
		if f.n > free {
			delay := p.Max
			if shift := f.n - free - 1; shift < 16 {
				delay = min(p.Max, p.Base<<shift)
			}
			f.until = now.Add(delay)
		}
	}
}

// Forget clears the failures of a key (a user who logged in).
func (t *LoginThrottle) Forget(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, key)
}

// prune drops the keys without a failure in the window, then arbitrary
// ones until there is room. Called with mu held.
func (t *LoginThrottle) prune(now time.Time) {
	for k, f := range t.keys {
		if now.Sub(f.first) > t.policy.Window && !f.until.After(now) {
			delete(t.keys, k)
		}
	}
	for k := range t.keys {
		if len(t.keys) < t.policy.MaxKeys {
			break
		}
		delete(t.keys, k)
	}
}
