package service

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/auth"
	"github.com/unet-dev/unet/sqlstore"
)

var _ unet.IdentityService = (*Service)(nil)

// identityState is the identity configuration of a Service: the pepper of
// API token digests, the argon2id parameters of new password hashes, and
// the in-memory throttle of last-used updates.
type identityState struct {
	mu       sync.Mutex
	pepper   []byte
	argon    auth.Argon2Params
	argonSet bool
	lastUsed map[string]time.Time
}

// SetTokenPepper sets the key of the API token digests (at least
// auth.MinPepperLen bytes). Without one, tokens can be neither created nor
// used.
func (s *Service) SetTokenPepper(pepper []byte) error {
	if len(pepper) < auth.MinPepperLen {
		return unet.Errorf(unet.EINVALID, "the token pepper must be at least %d bytes (it is %d)", auth.MinPepperLen, len(pepper))
	}
	s.ident.mu.Lock()
	defer s.ident.mu.Unlock()
	s.ident.pepper = slices.Clone(pepper)
	s.tokens.invalidate()
	return nil
}

// SetArgon2 sets the argon2id parameters of new password hashes (default
// auth.DefaultArgon2).
func (s *Service) SetArgon2(p auth.Argon2Params) {
	s.ident.mu.Lock()
	defer s.ident.mu.Unlock()
	s.ident.argon, s.ident.argonSet = p, true
}

func (s *Service) argon() auth.Argon2Params {
	s.ident.mu.Lock()
	defer s.ident.mu.Unlock()
	if s.ident.argonSet {
		return s.ident.argon
	}
	return auth.DefaultArgon2
}

func (s *Service) pepper() ([]byte, error) {
	s.ident.mu.Lock()
	defer s.ident.mu.Unlock()
	if s.ident.pepper == nil {
		return nil, unet.Errorf(unet.EINVALID, "no token pepper is configured: give --token-pepper env:NAME or file:PATH (or UNET_TOKEN_PEPPER, or token_pepper in the [server] section of the config file); it keys the digests of API tokens")
	}
	return s.ident.pepper, nil
}

// namePattern is what user and role names may be.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

const nameRule = "use 1 to 64 letters, digits, '.', '_', '@' and '-', starting with a letter or digit"

// requireAdmin refuses a remote caller that lacks perm (the route checked
// its own permission; this guards actions on other users' objects).
func requireAdmin(ctx context.Context, perm unet.Permission, what string) error {
	if p := unet.PrincipalFrom(ctx); p != nil && !p.Can(perm) {
		return unet.Errorf(unet.EFORBIDDEN, "%s needs permission %s", what, perm)
	}
	return nil
}

func publicUser(u *sqlstore.StoredUser) *unet.User {
	out := u.User
	return &out
}

// CreateUser adds a user with an optional password and roles.
func (s *Service) CreateUser(ctx context.Context, nu unet.NewUser) (*unet.User, error) {
	var fe []unet.FieldError
	if !namePattern.MatchString(nu.Name) {
		fe = append(fe, unet.FieldError{Field: "name", Message: nameRule})
	}
	if nu.Email != "" {
		if _, err := mail.ParseAddress(nu.Email); err != nil || len(nu.Email) > 254 {
			fe = append(fe, unet.FieldError{Field: "email", Message: "is not an email address"})
		}
	}
	if err := checkPassword(nu.Password, true); err != nil {
		fe = append(fe, unet.FieldError{Field: "password", Message: err.Error()})
	}
	if len(fe) > 0 {
		return nil, unet.Invalid("invalid user", fe...)
	}
	hash := ""
	if nu.Password != "" {
		h, err := auth.HashPassword(nu.Password, s.argon())
		if err != nil {
			return nil, unet.Internal(fmt.Errorf("hash password: %w", err))
		}
		hash = h
	}
	now := s.now()
	u := &sqlstore.StoredUser{PasswordHash: hash}
	u.ID, u.Name, u.Email, u.CreatedAt, u.UpdatedAt, u.HasPass = newID(), nu.Name, nu.Email, now, now, hash != ""
	err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		if _, err := tx.Reader().GetUser(ctx, nu.Name); err == nil {
			return unet.Errorf(unet.ECONFLICT, "user %q already exists", nu.Name)
		}
		if err := tx.InsertUser(ctx, u); err != nil {
			return err
		}
		for _, role := range nu.Roles {
			if err := s.checkRole(ctx, tx.Reader(), role); err != nil {
				return err
			}
			if err := tx.PutGrant(ctx, u.ID, unet.Grant{Role: role}, now); err != nil {
				return err
			}
		}
		return s.auditLocal(ctx, tx, unet.PermUsersWrite, "users add", "users/"+nu.Name, "roles: "+strings.Join(nu.Roles, ","))
	})
	s.invalidateSessions()
	if err != nil {
		return nil, err
	}
	return s.GetUser(ctx, nu.Name)
}

// checkPassword checks a new password ("" is allowed when optional).
func checkPassword(pw string, optional bool) error {
	switch {
	case pw == "" && optional:
		return nil
	case len(pw) < 8:
		return fmt.Errorf("must be at least 8 characters")
	case len(pw) > auth.MaxPasswordLen:
		return fmt.Errorf("must be at most %d bytes", auth.MaxPasswordLen)
	}
	return nil
}

// GetUser returns a user.
func (s *Service) GetUser(ctx context.Context, name string) (*unet.User, error) {
	u, err := s.db.Reader().GetUser(ctx, name)
	if err != nil {
		return nil, err
	}
	return publicUser(u), nil
}

// ListUsers lists the users ordered by name.
func (s *Service) ListUsers(ctx context.Context) ([]unet.User, error) {
	us, err := s.db.Reader().ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]unet.User, len(us))
	for i := range us {
		out[i] = us[i].User
	}
	return out, nil
}

// updateUser loads a user in a transaction, applies fn and writes it.
func (s *Service) updateUser(ctx context.Context, name, action string, fn func(r sqlstore.Reader, u *sqlstore.StoredUser) error) (*unet.User, error) {
	err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		u, err := tx.Reader().GetUser(ctx, name)
		if err != nil {
			return err
		}
		if err := fn(tx.Reader(), u); err != nil {
			return err
		}
		u.UpdatedAt = s.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		return s.auditLocal(ctx, tx, unet.PermUsersWrite, action, "users/"+name, "")
	})
	s.invalidateSessions()
	if err != nil {
		return nil, err
	}
	return s.GetUser(ctx, name)
}

// SetUserDisabled disables or enables a user.
func (s *Service) SetUserDisabled(ctx context.Context, name string, disabled bool) (*unet.User, error) {
	action := "users enable"
	if disabled {
		action = "users disable"
	}
	return s.updateUser(ctx, name, action, func(r sqlstore.Reader, u *sqlstore.StoredUser) error {
		if disabled && isAdmin(u) {
			if err := keepAdmin(ctx, r, name, "disabling"); err != nil {
				return err
			}
		}
		u.Disabled = disabled
		return nil
	})
}

// keepAdmin refuses, through the API, a change that would leave no enabled
// user holding the admin role: nobody could then manage users remotely.
// Removing, disabling or demoting the last admin stays possible on the
// trusted local path (commands on the database), which is also how access
// is recovered.
func keepAdmin(ctx context.Context, r sqlstore.Reader, user, action string) error {
	if unet.PrincipalFrom(ctx) == nil {
		return nil
	}
	users, err := r.ListUsers(ctx)
	if err != nil {
		return err
	}
	for i := range users {
		if users[i].Name != user && isAdmin(&users[i]) {
			return nil
		}
	}
	return unet.Errorf(unet.ECONFLICT, "%s %s would leave no enabled user with the admin role: grant admin to another user first (or do it on the database with the local CLI)", action, user)
}

// isAdmin reports whether a user holds the admin role (unscoped) and is
// enabled.
func isAdmin(u *sqlstore.StoredUser) bool {
	if u.Disabled {
		return false
	}
	for _, g := range u.Grants {
		if g.Role == unet.RoleAdmin && g.Scope == "" {
			return true
		}
	}
	return false
}

// SetPassword replaces a user's password.
func (s *Service) SetPassword(ctx context.Context, name, password string) error {
	if err := checkPassword(password, false); err != nil {
		return unet.Invalid("invalid password", unet.FieldError{Field: "password", Message: err.Error()})
	}
	hash, err := auth.HashPassword(password, s.argon())
	if err != nil {
		return unet.Internal(fmt.Errorf("hash password: %w", err))
	}
	_, err = s.updateUser(ctx, name, "users passwd", func(_ sqlstore.Reader, u *sqlstore.StoredUser) error {
		u.PasswordHash = hash
		return nil
	})
	return err
}

// RemoveUser removes a user with its grants and tokens.
func (s *Service) RemoveUser(ctx context.Context, name string) error {
	defer s.invalidateSessions()
	return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		u, err := tx.Reader().GetUser(ctx, name)
		if err != nil {
			return err
		}
		if isAdmin(u) {
			if err := keepAdmin(ctx, tx.Reader(), name, "removing"); err != nil {
				return err
			}
		}
		if err := tx.DeleteUser(ctx, u.ID); err != nil {
			return err
		}
		return s.auditLocal(ctx, tx, unet.PermUsersWrite, "users remove", "users/"+name, "")
	})
}

// GrantRole grants a role to a user (replacing the scope of an existing
// grant of that role). A scope must parse as a selector of the policy
// language over nodes, locations or links (see scope.go); it is stored as
// written.
func (s *Service) GrantRole(ctx context.Context, user string, g unet.Grant) (*unet.User, error) {
	g.Scope = strings.TrimSpace(g.Scope)
	if err := validateScope(g.Scope); err != nil {
		return nil, err
	}
	err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		u, err := tx.Reader().GetUser(ctx, user)
		if err != nil {
			return err
		}
		if err := s.checkRole(ctx, tx.Reader(), g.Role); err != nil {
			return err
		}
		if err := tx.PutGrant(ctx, u.ID, g, s.now()); err != nil {
			return err
		}
		return s.auditLocal(ctx, tx, unet.PermUsersWrite, "users grant", "users/"+user, "role: "+g.Role)
	})
	s.invalidateSessions()
	if err != nil {
		return nil, err
	}
	return s.GetUser(ctx, user)
}

// RevokeRole revokes a role from a user.
func (s *Service) RevokeRole(ctx context.Context, user, role string) (*unet.User, error) {
	err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		u, err := tx.Reader().GetUser(ctx, user)
		if err != nil {
			return err
		}
		if role == unet.RoleAdmin && isAdmin(u) {
			if err := keepAdmin(ctx, tx.Reader(), user, "revoking admin from"); err != nil {
				return err
			}
		}
		if err := tx.DeleteGrant(ctx, u.ID, role); err != nil {
			if unet.ErrorCode(err) == unet.ENOTFOUND {
				return unet.Errorf(unet.ENOTFOUND, "user %q has no role %q", user, role)
			}
			return err
		}
		return s.auditLocal(ctx, tx, unet.PermUsersWrite, "users revoke", "users/"+user, "role: "+role)
	})
	s.invalidateSessions()
	if err != nil {
		return nil, err
	}
	return s.GetUser(ctx, user)
}

// checkRole refuses a role that is neither built in nor stored.
func (s *Service) checkRole(ctx context.Context, r sqlstore.Reader, name string) error {
	if _, ok := unet.BuiltinRole(name); ok {
		return nil
	}
	if _, err := r.GetRole(ctx, name); err != nil {
		if unet.ErrorCode(err) == unet.ENOTFOUND {
			return unet.Errorf(unet.ENOTFOUND, "role %q does not exist (see unet roles list)", name)
		}
		return err
	}
	return nil
}

// SetClock replaces the service's clock (UTC, microsecond precision is
// kept by the caller): for tests of expiry and throttling without waiting.
func (s *Service) SetClock(now func() time.Time) { s.now = now }
