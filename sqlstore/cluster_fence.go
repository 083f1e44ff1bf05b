package sqlstore

import (
	"context"

	"github.com/unet-dev/unet"
)

// checkFence refuses to commit a transaction whose context carries a fence
// that is no longer the lease's current token: a deposed leader's writes
// must not land after its successor started. The lease row is read under
// the transaction's lock (FOR UPDATE on PostgreSQL, the write lock SQLite
// takes at BEGIN), so the lease cannot change hands before the commit.
func (tx *Tx) checkFence(ctx context.Context, f unet.Fence) error {
	l, ok, err := readLease(ctx, tx.q, f.Lease, forUpdate(tx.engine))
	if err != nil {
		return err
	}
	switch {
	case !ok:
		return unet.Errorf(unet.ECONFLICT, "lease %q was never taken: a write fenced with token %d is refused", f.Lease, f.Token)
	case l.Token != f.Token:
		return unet.Errorf(unet.ECONFLICT, "lease %q has moved on to token %d (held by %q): a write fenced with stale token %d is refused",
			f.Lease, l.Token, l.Holder, f.Token)
	case l.Holder == "":
		return unet.Errorf(unet.ECONFLICT, "lease %q (token %d) was released: a write fenced with it is refused", f.Lease, f.Token)
	}
	return nil
}
