package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// CreateRole adds a custom role. Built-in role names are reserved and every
// permission must be in the vocabulary.
func (s *Service) CreateRole(ctx context.Context, r unet.Role) (*unet.Role, error) {
	var fe []unet.FieldError
	if !namePattern.MatchString(r.Name) {
		fe = append(fe, unet.FieldError{Field: "name", Message: nameRule})
	} else if _, ok := unet.BuiltinRole(r.Name); ok {
		fe = append(fe, unet.FieldError{Field: "name", Message: "is a built-in role"})
	}
	if len(r.Permissions) == 0 {
		fe = append(fe, unet.FieldError{Field: "permissions", Message: "give at least one permission"})
	}
	var perms []unet.Permission
	for _, p := range r.Permissions {
		if !unet.KnownPermission(p) {
			fe = append(fe, unet.FieldError{Field: "permissions", Message: fmt.Sprintf("unknown permission %q", p)})
			continue
		}
		if !slices.Contains(perms, p) {
			perms = append(perms, p)
		}
	}
	if len(r.Description) > 1024 {
		fe = append(fe, unet.FieldError{Field: "description", Message: "is longer than 1024 bytes"})
	}
	if len(fe) > 0 {
		return nil, unet.Invalid("invalid role", fe...)
	}
	slices.Sort(perms)
	role := unet.Role{Name: r.Name, Description: r.Description, Permissions: perms, CreatedAt: s.now()}
	err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		if _, err := tx.Reader().GetRole(ctx, r.Name); err == nil {
			return unet.Errorf(unet.ECONFLICT, "role %q already exists", r.Name)
		}
		if err := tx.InsertRole(ctx, &role); err != nil {
			return err
		}
		ps := make([]string, len(perms))
		for i, p := range perms {
			ps[i] = string(p)
		}
		return s.auditLocal(ctx, tx, unet.PermRolesWrite, "roles add", "roles/"+r.Name, "permissions: "+strings.Join(ps, " "))
	})
	if err != nil {
		return nil, err
	}
	return &role, nil
}

// GetRole returns a built-in or custom role.
func (s *Service) GetRole(ctx context.Context, name string) (*unet.Role, error) {
	if r, ok := unet.BuiltinRole(name); ok {
		return &r, nil
	}
	return s.db.Reader().GetRole(ctx, name)
}

// ListRoles lists the built-in roles, then the custom ones by name.
func (s *Service) ListRoles(ctx context.Context) ([]unet.Role, error) {
	custom, err := s.db.Reader().ListRoles(ctx)
	if err != nil {
		return nil, err
	}
	return append(unet.BuiltinRoles(), custom...), nil
}

// RemoveRole removes a custom role that nobody holds.
func (s *Service) RemoveRole(ctx context.Context, name string) error {
	if _, ok := unet.BuiltinRole(name); ok {
		return unet.Errorf(unet.EINVALID, "role %q is built in and cannot be removed", name)
	}
	return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		n, err := tx.Reader().CountGrants(ctx, name)
		if err != nil {
			return err
		}
		if n > 0 {
			return unet.Errorf(unet.ECONFLICT, "role %q is granted to %d user(s): revoke it first (unet users revoke USER %s)", name, n, name)
		}
		if err := tx.DeleteRole(ctx, name); err != nil {
			return err
		}
		return s.auditLocal(ctx, tx, unet.PermRolesWrite, "roles remove", "roles/"+name, "")
	})
}

// permissionsOf is the union of the permissions of grants' roles (a role
// removed since is ignored).
func (s *Service) permissionsOf(ctx context.Context, grants []unet.Grant) ([]unet.Permission, error) {
	var out []unet.Permission
	for _, g := range grants {
		r, err := s.GetRole(ctx, g.Role)
		if err != nil {
			if unet.ErrorCode(err) == unet.ENOTFOUND {
				continue
			}
			return nil, err
		}
		for _, p := range r.Permissions {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}
