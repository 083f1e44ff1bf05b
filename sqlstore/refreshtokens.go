package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/unet-dev/unet"
)

// StoredRefreshToken is a refresh_tokens row: one single-use refresh token
// of a session (its family), stored as the peppered HMAC digest of its
// secret only.
type StoredRefreshToken struct {
	ID        string
	Family    string
	UserID    string
	Digest    string
	ExpiresAt time.Time
	UsedAt    *time.Time
	RevokedAt *time.Time
	CreatedAt time.Time
	// User and UserDisabled are read with the token (the owner's name and
	// state).
	User         string
	UserDisabled bool
}

// GetRefreshToken reads a refresh token with its owner's name and state.
func (r Reader) GetRefreshToken(ctx context.Context, id string) (*StoredRefreshToken, error) {
	var t StoredRefreshToken
	var expires, created string
	var used, revoked sql.NullString
	var disabled int
	err := r.q.QueryRowContext(ctx, `SELECT t.id, t.family, t.user_id, t.digest, t.expires_at, t.used_at, t.revoked_at, t.created_at, u.name, u.disabled
		FROM refresh_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1`, id).
		Scan(&t.ID, &t.Family, &t.UserID, &t.Digest, &expires, &used, &revoked, &created, &t.User, &disabled)
	if err != nil {
		return nil, notFound(err, "refresh token", id)
	}
	t.ExpiresAt, t.CreatedAt = parseTime(expires), parseTime(created)
	t.UsedAt, t.RevokedAt = nullTime(used), nullTime(revoked)
	t.UserDisabled = disabled != 0
	return &t, nil
}

// InsertRefreshToken stores a new refresh token.
func (tx *Tx) InsertRefreshToken(ctx context.Context, t *StoredRefreshToken) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO refresh_tokens (id, family, user_id, digest, expires_at, created_at)
		VALUES ($1,$2,$3,$4,$5,$6)`, t.ID, t.Family, t.UserID, t.Digest, fmtTime(t.ExpiresAt), fmtTime(t.CreatedAt))
	if err != nil {
		return fmt.Errorf("add refresh token: %w", err)
	}
	return nil
}

// UseRefreshToken marks a refresh token used, once: it reports false when
// the token was used (or revoked) before, by this call's competitor too.
func (tx *Tx) UseRefreshToken(ctx context.Context, id string, at time.Time) (bool, error) {
	res, err := tx.q.ExecContext(ctx, `UPDATE refresh_tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL`, id, fmtTime(at))
	if err != nil {
		return false, fmt.Errorf("use refresh token: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("use refresh token: %w", err)
	}
	return n == 1, nil
}

// RevokeRefreshFamily revokes every refresh token of a session.
func (tx *Tx) RevokeRefreshFamily(ctx context.Context, family string, at time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE family = $1`, family, fmtTime(at)); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

// PurgeRefreshTokens deletes the refresh tokens that expired before t.
func (tx *Tx) PurgeRefreshTokens(ctx context.Context, before time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM refresh_tokens WHERE expires_at < $1`, fmtTime(before)); err != nil {
		return fmt.Errorf("purge refresh tokens: %w", err)
	}
	return nil
}

// UserAuth is what the identity snapshot of a server holds per user:
// whether it is enabled, when it last changed, and its grants.
type UserAuth struct {
	Name      string
	Disabled  bool
	UpdatedAt time.Time
	Grants    []unet.Grant
}

// ListUserAuth reads every user's state and grants in one query: the
// snapshot that lets access tokens be checked without a query per request.
func (r Reader) ListUserAuth(ctx context.Context) (map[string]*UserAuth, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT u.name, u.disabled, u.updated_at, COALESCE(g.role, ''), COALESCE(g.scope, '')
		FROM users u LEFT JOIN grants g ON g.user_id = u.id ORDER BY u.name, g.role`)
	if err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	defer rows.Close()
	out := map[string]*UserAuth{}
	for rows.Next() {
		var name, updated, role, scope string
		var disabled int
		if err := rows.Scan(&name, &disabled, &updated, &role, &scope); err != nil {
			return nil, fmt.Errorf("read users: %w", err)
		}
		u := out[name]
		if u == nil {
			u = &UserAuth{Name: name, Disabled: disabled != 0, UpdatedAt: parseTime(updated)}
			out[name] = u
		}
		if role != "" {
			u.Grants = append(u.Grants, unet.Grant{Role: role, Scope: scope})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	return out, nil
}

// SetPasswordHash replaces a user's password hash without touching its
// update time: a re-hash under new parameters is not a change of the user.
func (tx *Tx) SetPasswordHash(ctx context.Context, userID, hash string) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, userID, hash)
	if err != nil {
		return fmt.Errorf("re-hash password: %w", err)
	}
	return oneRowOf(res, "user", userID)
}
