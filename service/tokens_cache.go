package service

import (
	"sync"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// tokenRowsMax bounds the API token rows kept in memory.
const tokenRowsMax = 10_000

// tokenRows remembers, for DefaultSnapshotTTL at most, the rows of API
// tokens that were just accepted (token, owner's state and grants) with the
// permissions of those grants, so that a busy automation does not cost a
// query per request. The secret's digest is still compared, and expiry and
// the allow-list still checked, on every request. Any identity change
// through this server (a token revoked, a user disabled, removed, changed,
// a role granted or revoked) drops the whole memory at once; a change
// through another server on the same database is seen within the
// lifetime.
type tokenRows struct {
	mu sync.Mutex
	m  map[string]tokenRow
}

type tokenRow struct {
	t     *sqlstore.TokenAuth
	perms []unet.Permission
	at    time.Time
}

// get returns the remembered row of token id if it is fresh.
func (c *tokenRows) get(id string, ttl time.Duration) (*sqlstore.TokenAuth, []unet.Permission, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[id]
	if !ok || time.Since(r.at) >= ttl {
		return nil, nil, false
	}
	return r.t, r.perms, true
}

// put remembers the row of an accepted token.
func (c *tokenRows) put(id string, t *sqlstore.TokenAuth, perms []unet.Permission) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= tokenRowsMax {
		c.m = make(map[string]tokenRow)
	}
	c.m[id] = tokenRow{t: t, perms: perms, at: time.Now()}
}

// clear forgets every row.
func (c *tokenRows) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
}
