package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// StoredToken is an api_tokens row: the metadata, the owner's ID and the
// HMAC digest of the secret (never the secret).
type StoredToken struct {
	unet.APIToken
	UserID string
	Digest string
}

const tokenCols = `t.id, u.name, t.user_id, t.digest, t.description, t.read_only, t.allow_ips, t.expires_at, t.last_used, t.created_at, t.revoked_at`

func nullTime(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t := parseTime(s.String)
	return &t
}

func optTimeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return fmtTime(*t)
}

func scanToken(s rowScanner) (*StoredToken, error) {
	var t StoredToken
	var ro int
	var allow, created string
	var expires, used, revoked sql.NullString
	if err := s.Scan(&t.ID, &t.User, &t.UserID, &t.Digest, &t.Description, &ro, &allow, &expires, &used, &created, &revoked); err != nil {
		return nil, err
	}
	t.ReadOnly = ro != 0
	t.AllowIPs = strings.Fields(allow)
	t.ExpiresAt, t.LastUsed, t.RevokedAt = nullTime(expires), nullTime(used), nullTime(revoked)
	t.CreatedAt = parseTime(created)
	return &t, nil
}

// GetToken returns an API token by ID.
func (r Reader) GetToken(ctx context.Context, id string) (*StoredToken, error) {
	t, err := scanToken(r.q.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1`, id))
	return t, notFound(err, "API token", id)
}

// ListTokens returns the API tokens of a user (every user's for ""), oldest
// first.
func (r Reader) ListTokens(ctx context.Context, user string) ([]StoredToken, error) {
	var w where
	if user != "" {
		w.add("u.name = ?", user)
	}
	out, err := queryItems(ctx, r, `SELECT `+tokenCols+` FROM api_tokens t JOIN users u ON u.id = t.user_id`+w.String()+` ORDER BY t.created_at, t.id`, w.args, scanToken)
	if err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	return out, nil
}

// InsertToken stores a new API token.
func (tx *Tx) InsertToken(ctx context.Context, t *StoredToken) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, digest, description, read_only, allow_ips, expires_at, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, t.ID, t.UserID, t.Digest, t.Description, boolInt(t.ReadOnly),
		strings.Join(t.AllowIPs, " "), optTimeArg(t.ExpiresAt), fmtTime(t.CreatedAt))
	if err != nil {
		return fmt.Errorf("add API token: %w", err)
	}
	return nil
}

// RevokeToken marks a token revoked at the given time (a token revoked
// before keeps its first revocation time).
func (tx *Tx) RevokeToken(ctx context.Context, id string, at time.Time) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1`, id, fmtTime(at))
	if err != nil {
		return fmt.Errorf("revoke API token %s: %w", id, err)
	}
	return oneRowOf(res, "API token", id)
}

// TouchToken records the last use of a token.
func (tx *Tx) TouchToken(ctx context.Context, id string, at time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE api_tokens SET last_used = $2 WHERE id = $1`, id, fmtTime(at)); err != nil {
		return fmt.Errorf("record use of API token %s: %w", id, err)
	}
	return nil
}

// TokenAuth is what verifying an API token needs, read in one query: the
// token, whether its owner is disabled, and the owner's grants.
type TokenAuth struct {
	StoredToken
	UserDisabled bool
	Grants       []unet.Grant
}

// GetTokenAuth reads a token with its owner's state and grants in one
// query (one row per grant).
func (r Reader) GetTokenAuth(ctx context.Context, id string) (*TokenAuth, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+tokenCols+`, u.disabled, COALESCE(g.role, ''), COALESCE(g.scope, '')
		FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN grants g ON g.user_id = u.id WHERE t.id = $1 ORDER BY g.role`, id)
	if err != nil {
		return nil, fmt.Errorf("read API token %s: %w", id, err)
	}
	defer rows.Close()
	var out *TokenAuth
	for rows.Next() {
		var disabled int
		var g unet.Grant
		t, err := scanToken(tokenAuthRow{rows: rows, extra: []any{&disabled, &g.Role, &g.Scope}})
		if err != nil {
			return nil, fmt.Errorf("read API token %s: %w", id, err)
		}
		if out == nil {
			out = &TokenAuth{StoredToken: *t, UserDisabled: disabled != 0, Grants: []unet.Grant{}}
		}
		if g.Role != "" {
			out.Grants = append(out.Grants, g)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read API token %s: %w", id, err)
	}
	if out == nil {
		return nil, unet.Errorf(unet.ENOTFOUND, "API token %q not found", id)
	}
	return out, nil
}

// tokenAuthRow scans the token columns followed by extra destinations.
type tokenAuthRow struct {
	rows  *sql.Rows
	extra []any
}

func (t tokenAuthRow) Scan(dest ...any) error { return t.rows.Scan(append(dest, t.extra...)...) }
