package service

import (
	"context"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// RecordAudit appends an entry to the audit log in its own transaction.
// The HTTP layer calls it for every mutating request and every denial.
func (s *Service) RecordAudit(ctx context.Context, e *unet.AuditEntry) error {
	if e.ID == "" {
		e.ID = newID()
	}
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error { return tx.InsertAudit(ctx, e) })
}

// ListAudit lists audit entries, newest first.
func (s *Service) ListAudit(ctx context.Context, f unet.AuditFilter) (*unet.List[unet.AuditEntry], error) {
	switch f.Outcome {
	case "", unet.OutcomeOK, unet.OutcomeDenied, unet.OutcomeError:
	default:
		return nil, unet.Invalid("invalid audit filter", unet.FieldError{Field: "outcome", Message: "want ok, denied or error"})
	}
	return s.db.Reader().ListAudit(ctx, f)
}

// auditLocal records an identity change made on the trusted local path (a
// command on the database: no principal in ctx) in the same transaction as
// the change. Requests through the API are recorded by the HTTP layer.
//
// Every identity mutation calls it, so it also drops the cache of verified
// API tokens (identityChanged).
func (s *Service) auditLocal(ctx context.Context, tx *sqlstore.Tx, perm unet.Permission, action, object, detail string) error {
	s.identityChanged(tx)
	if unet.PrincipalFrom(ctx) != nil {
		return nil
	}
	return tx.InsertAudit(ctx, &unet.AuditEntry{ID: newID(), Time: s.now(), Actor: unet.ActorFrom(ctx),
		AuthMethod: unet.AuthMethodLocal, Permission: perm, Method: "CLI", Route: action, Object: object,
		Outcome: unet.OutcomeOK, Detail: detail})
}
