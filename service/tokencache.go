package service

import (
	"context"
	"sync"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// TokenCacheTTL bounds how long a verified API token's row (owner's state,
// grants and their permissions included) is reused without reading the
// database again. Identity changes made through this Service drop the cache
// at once; the TTL bounds how long a change made by another process on the
// same database (another replica, a command on the database) takes to be
// seen here.
const TokenCacheTTL = 5 * time.Second

// maxCachedTokens bounds the tokens held; past it the cache starts over.
const maxCachedTokens = 10000

// tokenCache holds the token rows read by AuthenticateToken, so that an API
// token costs an HMAC and a map lookup instead of a query per request. Every
// check (digest, revocation, expiry, allow-list, disabled owner) still runs
// on each request, on the cached row.
//
// Invalidation: every identity mutation calls auditLocal inside its
// transaction, which calls invalidate there and again once the transaction
// has committed. A verification that read the database concurrently keeps
// its result only if no invalidation happened meanwhile (the generation is
// the same before and after its read), so a row read before a change
// committed is never cached afterwards.
type tokenCache struct {
	mu      sync.Mutex
	gen     uint64
	entries map[string]cachedToken
}

type cachedToken struct {
	row    *sqlstore.TokenAuth
	perms  []unet.Permission
	gen    uint64
	loaded time.Time
}

// get returns the cached row of id, if it is fresh; and the generation to
// pass to put after reading the database.
func (c *tokenCache) get(id string, now time.Time, ttl time.Duration) (cachedToken, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if ok && e.gen == c.gen && now.Sub(e.loaded) < ttl {
		return e, true, c.gen
	}
	return cachedToken{}, false, c.gen
}

// put caches a row read at generation gen, unless an invalidation came
// since.
func (c *tokenCache) put(id string, e cachedToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.gen != c.gen {
		return
	}
	if c.entries == nil || len(c.entries) >= maxCachedTokens {
		c.entries = map[string]cachedToken{}
	}
	c.entries[id] = e
}

// invalidate drops every cached row.
func (c *tokenCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
}

// tokenAuth reads a token's row and its owner's permissions, from the
// cache when fresh.
func (s *Service) tokenAuth(ctx context.Context, id string) (*sqlstore.TokenAuth, []unet.Permission, error) {
	now := time.Now()
	// The session snapshot's lifetime bounds the staleness of every
	// identity view of this process; the token cache never exceeds it.
	e, ok, gen := s.tokens.get(id, now, min(TokenCacheTTL, s.sessionConfig().SnapshotTTL))
	if ok {
		return e.row, e.perms, nil
	}
	t, err := s.db.Reader().GetTokenAuth(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	perms, err := s.permissionsOf(ctx, t.Grants)
	if err != nil {
		return nil, nil, err
	}
	s.tokens.put(id, cachedToken{row: t, perms: perms, gen: gen, loaded: now})
	return t, perms, nil
}

// identityChanged drops the token cache now and once tx has committed: the
// hook of every identity mutation (called by auditLocal).
func (s *Service) identityChanged(tx *sqlstore.Tx) {
	s.tokens.invalidate()
	tx.OnCommit(s.tokens.invalidate)
}
