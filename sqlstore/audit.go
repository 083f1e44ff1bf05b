package sqlstore

import (
	"context"
	"fmt"

	"github.com/unet-dev/unet"
)

const auditCols = `id, time, actor, auth_method, permission, method, route, object, outcome, status, source_ip, request_id, detail`

func scanAudit(s rowScanner) (*unet.AuditEntry, error) {
	var e unet.AuditEntry
	var at, perm string
	if err := s.Scan(&e.ID, &at, &e.Actor, &e.AuthMethod, &perm, &e.Method, &e.Route, &e.Object, &e.Outcome, &e.Status,
		&e.SourceIP, &e.RequestID, &e.Detail); err != nil {
		return nil, err
	}
	e.Time, e.Permission = parseTime(at), unet.Permission(perm)
	return &e, nil
}

// InsertAudit appends an entry to the audit log. The table is append-only:
// there is no update or delete.
func (tx *Tx) InsertAudit(ctx context.Context, e *unet.AuditEntry) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO audit_log (`+auditCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		e.ID, fmtTime(e.Time), e.Actor, e.AuthMethod, string(e.Permission), e.Method, e.Route, e.Object, e.Outcome, e.Status,
		e.SourceIP, e.RequestID, e.Detail)
	if err != nil {
		return fmt.Errorf("append audit entry: %w", err)
	}
	return nil
}

// ListAudit returns audit entries, newest first.
func (r Reader) ListAudit(ctx context.Context, f unet.AuditFilter) (*unet.List[unet.AuditEntry], error) {
	var w where
	if f.Actor != "" {
		w.add("actor = ?", f.Actor)
	}
	if f.Outcome != "" {
		w.add("outcome = ?", f.Outcome)
	}
	if !f.Since.IsZero() {
		w.add("time >= ?", fmtTime(f.Since))
	}
	if !f.Until.IsZero() {
		w.add("time < ?", fmtTime(f.Until))
	}
	if f.Permission != "" {
		w.add("permission = ?", string(f.Permission))
	}
	return listNewest(ctx, r, "audit_log", auditCols, w, f.Page, scanAudit, func(e *unet.AuditEntry) string { return e.ID })
}
