package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/unet-dev/unet"
)

const roleCols = `name, description, permissions, created_at`

func scanRole(s rowScanner) (*unet.Role, error) {
	var r unet.Role
	var perms, created string
	if err := s.Scan(&r.Name, &r.Description, &perms, &created); err != nil {
		return nil, err
	}
	r.Permissions = []unet.Permission{}
	for _, p := range strings.Fields(perms) {
		r.Permissions = append(r.Permissions, unet.Permission(p))
	}
	r.CreatedAt = parseTime(created)
	return &r, nil
}

// GetRole returns a custom role.
func (r Reader) GetRole(ctx context.Context, name string) (*unet.Role, error) {
	role, err := scanRole(r.q.QueryRowContext(ctx, `SELECT `+roleCols+` FROM roles WHERE name = $1`, name))
	return role, notFound(err, "role", name)
}

// ListRoles returns the custom roles ordered by name.
func (r Reader) ListRoles(ctx context.Context) ([]unet.Role, error) {
	return queryItems(ctx, r, `SELECT `+roleCols+` FROM roles ORDER BY name`, nil, scanRole)
}

// InsertRole adds a custom role.
func (tx *Tx) InsertRole(ctx context.Context, r *unet.Role) error {
	perms := make([]string, len(r.Permissions))
	for i, p := range r.Permissions {
		perms[i] = string(p)
	}
	_, err := tx.q.ExecContext(ctx, `INSERT INTO roles (`+roleCols+`) VALUES ($1,$2,$3,$4)`,
		r.Name, r.Description, strings.Join(perms, " "), fmtTime(r.CreatedAt))
	if err != nil {
		return fmt.Errorf("add role %s: %w", r.Name, err)
	}
	return nil
}

// DeleteRole removes a custom role.
func (tx *Tx) DeleteRole(ctx context.Context, name string) error {
	res, err := tx.q.ExecContext(ctx, `DELETE FROM roles WHERE name = $1`, name)
	if err != nil {
		return fmt.Errorf("remove role %s: %w", name, err)
	}
	return oneRowOf(res, "role", name)
}
