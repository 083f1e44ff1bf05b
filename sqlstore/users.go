package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/unet-dev/unet"
)

// StoredUser is a users row: the user and its password hash (PHC string,
// "" for a user without a password).
type StoredUser struct {
	unet.User
	PasswordHash string
}

const userCols = `id, name, email, password_hash, disabled, created_at, updated_at`

func scanUser(s rowScanner) (*StoredUser, error) {
	var u StoredUser
	var disabled int
	var created, updated string
	if err := s.Scan(&u.ID, &u.Name, &u.Email, &u.PasswordHash, &disabled, &created, &updated); err != nil {
		return nil, err
	}
	u.Disabled = disabled != 0
	u.HasPass = u.PasswordHash != ""
	u.CreatedAt, u.UpdatedAt = parseTime(created), parseTime(updated)
	u.Grants = []unet.Grant{}
	return &u, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// GetUser returns a user by name, with its grants.
func (r Reader) GetUser(ctx context.Context, name string) (*StoredUser, error) {
	u, err := scanUser(r.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE name = $1`, name))
	if err != nil {
		return nil, notFound(err, "user", name)
	}
	if u.Grants, err = r.grantsOf(ctx, u.ID); err != nil {
		return nil, err
	}
	return u, nil
}

// GetUserByID returns a user by ID, with its grants.
func (r Reader) GetUserByID(ctx context.Context, id string) (*StoredUser, error) {
	u, err := scanUser(r.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "user", id)
	}
	if u.Grants, err = r.grantsOf(ctx, u.ID); err != nil {
		return nil, err
	}
	return u, nil
}

// ListUsers returns every user ordered by name, with grants.
func (r Reader) ListUsers(ctx context.Context) ([]StoredUser, error) {
	users, err := queryItems(ctx, r, `SELECT `+userCols+` FROM users ORDER BY name`, nil, scanUser)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	for i := range users {
		if users[i].Grants, err = r.grantsOf(ctx, users[i].ID); err != nil {
			return nil, err
		}
	}
	return users, nil
}

func (r Reader) grantsOf(ctx context.Context, userID string) ([]unet.Grant, error) {
	return queryItems(ctx, r, `SELECT role, scope FROM grants WHERE user_id = $1 ORDER BY role`, []any{userID},
		func(s rowScanner) (*unet.Grant, error) {
			var g unet.Grant
			return &g, s.Scan(&g.Role, &g.Scope)
		})
}

// CountGrants counts the grants of a role.
func (r Reader) CountGrants(ctx context.Context, role string) (int, error) {
	var n int
	if err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM grants WHERE role = $1`, role).Scan(&n); err != nil {
		return 0, fmt.Errorf("count grants of %s: %w", role, err)
	}
	return n, nil
}

// InsertUser adds a user (its grants are added with PutGrant).
func (tx *Tx) InsertUser(ctx context.Context, u *StoredUser) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO users (`+userCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
		u.ID, u.Name, u.Email, u.PasswordHash, boolInt(u.Disabled), fmtTime(u.CreatedAt), fmtTime(u.UpdatedAt))
	if err != nil {
		return fmt.Errorf("add user %s: %w", u.Name, err)
	}
	return nil
}

// UpdateUser writes a user's email, password hash, disabled flag and update
// time.
func (tx *Tx) UpdateUser(ctx context.Context, u *StoredUser) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE users SET email = $2, password_hash = $3, disabled = $4, updated_at = $5 WHERE id = $1`,
		u.ID, u.Email, u.PasswordHash, boolInt(u.Disabled), fmtTime(u.UpdatedAt))
	if err != nil {
		return fmt.Errorf("update user %s: %w", u.Name, err)
	}
	return oneRowOf(res, "user", u.Name)
}

// DeleteUser removes a user with its grants, API tokens and refresh tokens.
func (tx *Tx) DeleteUser(ctx context.Context, id string) error {
	for _, q := range []string{`DELETE FROM grants WHERE user_id = $1`, `DELETE FROM api_tokens WHERE user_id = $1`,
		`DELETE FROM refresh_tokens WHERE user_id = $1`} {
		if _, err := tx.q.ExecContext(ctx, q, id); err != nil {
			return fmt.Errorf("remove user: %w", err)
		}
	}
	res, err := tx.q.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("remove user: %w", err)
	}
	return oneRowOf(res, "user", id)
}

// PutGrant grants a role to a user, replacing the scope of an existing
// grant of the same role.
func (tx *Tx) PutGrant(ctx context.Context, userID string, g unet.Grant, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO grants (user_id, role, scope, created_at) VALUES ($1,$2,$3,$4)
		ON CONFLICT (user_id, role) DO UPDATE SET scope = excluded.scope`, userID, g.Role, g.Scope, fmtTime(at))
	if err != nil {
		return fmt.Errorf("grant %s: %w", g.Role, err)
	}
	return nil
}

// DeleteGrant revokes a role from a user.
func (tx *Tx) DeleteGrant(ctx context.Context, userID, role string) error {
	res, err := tx.q.ExecContext(ctx, `DELETE FROM grants WHERE user_id = $1 AND role = $2`, userID, role)
	if err != nil {
		return fmt.Errorf("revoke %s: %w", role, err)
	}
	return oneRowOf(res, "grant", role)
}

// oneRowOf turns an update or delete that matched no row into not_found.
func oneRowOf(res sql.Result, kind, name string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s %s: %w", kind, name, err)
	}
	if n == 0 {
		return unet.Errorf(unet.ENOTFOUND, "%s %q not found", kind, name)
	}
	return nil
}
