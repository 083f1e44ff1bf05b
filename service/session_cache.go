package service

import (
	"sync"
	"time"

	"github.com/unet-dev/unet/auth"
)

// verifiedMax bounds the access tokens whose verified claims are kept.
const verifiedMax = 10_000

// verifiedTokens remembers the claims of access tokens whose signature was
// verified, so that the next request with the same token skips the
// Ed25519 verification (tens of microseconds). Only what never changes for
// a token is remembered — that its signature is valid and what it claims:
// the expiry and not-before times are checked against the clock on every
// use, the key must still be among the snapshot's verifying keys, and the
// user's state and rights come from the snapshot, as for a token verified
// anew. When full, the memory is dropped and refilled.
type verifiedTokens struct {
	mu sync.RWMutex
	m  map[string]*auth.AccessClaims
}

// get returns the remembered claims of token if they are still valid at
// now under snap's keys, else nil.
func (v *verifiedTokens) get(token string, snap *authSnapshot, now time.Time) *auth.AccessClaims {
	v.mu.RLock()
	c := v.m[token]
	v.mu.RUnlock()
	if c == nil {
		return nil
	}
	if _, ok := snap.pub[c.Kid]; !ok || c.ExpiresAt == nil || !now.Before(c.ExpiresAt.Time) ||
		(c.NotBefore != nil && now.Before(c.NotBefore.Time)) {
		return nil
	}
	return c
}

// put remembers the verified claims of token.
func (v *verifiedTokens) put(token string, c *auth.AccessClaims) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil || len(v.m) >= verifiedMax {
		v.m = make(map[string]*auth.AccessClaims)
	}
	v.m[token] = c
}
