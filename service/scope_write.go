package service

import (
	"context"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// writePerms maps the inventory kinds of the change log to the permission
// that writes them.
var writePerms = map[string]unet.Permission{
	unet.KindNode:     unet.PermNodesWrite,
	unet.KindLink:     unet.PermLinksWrite,
	unet.KindLocation: unet.PermLocationsWrite,
	unet.KindVendor:   unet.PermVendorsWrite,
}

// writeScopes holds the write scopes of one mutation's principal and the
// evaluators of its current transaction. Every inventory write passes
// through mutation.record, which checks the object before and after the
// change there, inside the transaction: a refusal rolls the whole command
// back (an import is refused atomically).
type writeScopes struct {
	err    error
	scopes map[string]*scope // by object kind; absent = unscoped
	tx     *sqlstore.Tx
	evals  map[string]*scopeEval
}

// writeScopesOf resolves the write scopes of the principal of ctx; nil when
// no write is scoped.
func (s *Service) writeScopesOf(ctx context.Context) *writeScopes {
	w := &writeScopes{scopes: map[string]*scope{}}
	for kind, perm := range writePerms {
		sc, err := s.scopeOf(ctx, perm)
		if err != nil {
			return &writeScopes{err: err}
		}
		if sc != nil {
			w.scopes[kind] = sc
		}
	}
	if len(w.scopes) == 0 {
		return nil
	}
	return w
}

// check refuses (forbidden, naming the scope) a write of kind whose object
// is outside the writer's scope before or after the change.
func (w *writeScopes) check(ctx context.Context, tx *sqlstore.Tx, kind, name string, before, after any) error {
	if w == nil {
		return nil
	}
	if w.err != nil {
		return w.err
	}
	if w.tx != tx {
		// A new transaction (a retried command): start from fresh caches.
		w.tx, w.evals = tx, map[string]*scopeEval{}
	}
	for _, e := range w.evals {
		e.remember(after)
	}
	sc, ok := w.scopes[kind]
	if !ok {
		return nil
	}
	if kind == unet.KindVendor {
		return globalWrite(sc, kind, name)
	}
	e := w.evals[kind]
	if e == nil {
		e = newScopeEval(ctx, tx.Reader(), sc)
		w.evals[kind] = e
	}
	if before != nil && !e.objectOK(kind, before) {
		return outOfScope(sc, kind, name, "before")
	}
	if after != nil && !e.objectOK(kind, after) {
		return outOfScope(sc, kind, name, "after")
	}
	return nil
}
