package service

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/auth"
	"github.com/unet-dev/unet/sqlstore"
)

// lastUsedEvery is how often a token's last_used column is written at most.
const lastUsedEvery = time.Minute

// CreateToken creates an API token for a user and returns it, this once,
// with its secret. A caller may create tokens for itself (the default user
// through the API); for another user it needs users:write.
func (s *Service) CreateToken(ctx context.Context, req unet.TokenRequest) (*unet.NewAPIToken, error) {
	pepper, err := s.pepper()
	if err != nil {
		return nil, err
	}
	p := unet.PrincipalFrom(ctx)
	if req.User == "" && p != nil {
		req.User = p.User
	}
	if req.User == "" {
		return nil, unet.Invalid("invalid token request", unet.FieldError{Field: "user", Message: "name the user the token acts as (--user)"})
	}
	if p != nil && req.User != p.User {
		if err := requireAdmin(ctx, unet.PermUsersWrite, "creating a token for another user"); err != nil {
			return nil, err
		}
	}
	var fe []unet.FieldError
	var allow []string
	for _, a := range req.AllowIPs {
		pfx, err := parsePrefix(a)
		if err != nil {
			fe = append(fe, unet.FieldError{Field: "allow_ips", Message: fmt.Sprintf("%q is not an address or CIDR prefix", a)})
			continue
		}
		allow = append(allow, pfx.String())
	}
	now := s.now()
	if req.ExpiresAt != nil && !req.ExpiresAt.After(now) {
		fe = append(fe, unet.FieldError{Field: "expires_at", Message: "is not in the future"})
	}
	if len(req.Description) > 1024 {
		fe = append(fe, unet.FieldError{Field: "description", Message: "is longer than 1024 bytes"})
	}
	if len(fe) > 0 {
		return nil, unet.Invalid("invalid token request", fe...)
	}
	id, secret, token, err := auth.NewToken()
	if err != nil {
		return nil, unet.Internal(fmt.Errorf("generate token: %w", err))
	}
	st := &sqlstore.StoredToken{Digest: auth.Digest(pepper, id, secret)}
	st.ID, st.User, st.Description, st.ReadOnly, st.AllowIPs, st.CreatedAt = id, req.User, req.Description, req.ReadOnly, allow, now
	if req.ExpiresAt != nil {
		e := req.ExpiresAt.UTC().Truncate(time.Microsecond)
		st.ExpiresAt = &e
	}
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		u, err := tx.Reader().GetUser(ctx, req.User)
		if err != nil {
			return err
		}
		st.UserID = u.ID
		if err := tx.InsertToken(ctx, st); err != nil {
			return err
		}
		return s.auditLocal(ctx, tx, unet.PermTokensWrite, "tokens create", "tokens/"+id, "user: "+req.User)
	})
	if err != nil {
		return nil, err
	}
	return &unet.NewAPIToken{APIToken: st.APIToken, Token: token}, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

// ListTokens lists API tokens (never their secrets). A remote caller
// without users:read sees only its own tokens.
func (s *Service) ListTokens(ctx context.Context, user string) ([]unet.APIToken, error) {
	if p := unet.PrincipalFrom(ctx); p != nil && user != p.User && !p.Can(unet.PermUsersRead) {
		if user != "" {
			return nil, unet.Errorf(unet.EFORBIDDEN, "listing another user's tokens needs permission %s", unet.PermUsersRead)
		}
		user = p.User
	}
	ts, err := s.db.Reader().ListTokens(ctx, user)
	if err != nil {
		return nil, err
	}
	out := make([]unet.APIToken, len(ts))
	for i := range ts {
		out[i] = ts[i].APIToken
	}
	return out, nil
}

// RevokeToken revokes an API token; it stops working at once.
func (s *Service) RevokeToken(ctx context.Context, id string) error {
	// After the commit: a request between the revocation and the commit
	// must not leave the old row remembered.
	defer s.invalidateSessions()
	return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		t, err := tx.Reader().GetToken(ctx, id)
		if err != nil {
			return err
		}
		if p := unet.PrincipalFrom(ctx); p != nil && t.User != p.User {
			if err := requireAdmin(ctx, unet.PermUsersWrite, "revoking another user's token"); err != nil {
				return err
			}
		}
		if err := tx.RevokeToken(ctx, id, s.now()); err != nil {
			return err
		}
		return s.auditLocal(ctx, tx, unet.PermTokensWrite, "tokens revoke", "tokens/"+id, "user: "+t.User)
	})
}

// AuthenticateToken verifies an API token presented from source and
// returns its principal. Every failure is unauthorized: a malformed,
// unknown or wrong token, a revoked or expired one, a disabled user, or a
// source outside the token's allow-list. The messages never repeat the
// token.
func (s *Service) AuthenticateToken(ctx context.Context, token string, source netip.Addr) (*unet.Principal, error) {
	pepper, err := s.pepper()
	if err != nil {
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: "API tokens cannot be verified: the server has no token pepper configured", Err: err}
	}
	id, secret, err := auth.ParseToken(token)
	if err != nil {
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "invalid API token")
	}
	t, perms, err := s.tokenAuth(ctx, id)
	if err != nil {
		if unet.ErrorCode(err) == unet.ENOTFOUND {
			return nil, unet.Errorf(unet.EUNAUTHORIZED, "invalid API token")
		}
	}
	if !auth.DigestEqual(t.Digest, auth.Digest(pepper, id, secret)) {
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "invalid API token")
	}
	now := s.now()
	switch {
	case t.RevokedAt != nil:
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "API token %s is revoked", id)
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "API token %s expired at %s", id, t.ExpiresAt.Format(time.RFC3339))
	}
	if len(t.AllowIPs) > 0 && !allowed(t.AllowIPs, source) {
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "API token %s may not be used from %s", id, source)
	}
	if t.UserDisabled {
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "user %s is disabled", t.User)
	}
	s.touchToken(ctx, id, now)
	return &unet.Principal{User: t.User, Method: unet.AuthMethodToken, TokenID: id, ReadOnly: t.ReadOnly,
		Grants: slices.Clone(t.Grants), Permissions: slices.Clone(perms)}, nil
}

func allowed(list []string, a netip.Addr) bool {
	a = a.Unmap()
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil && p.Contains(a) {
			return true
		}
	}
	return false
}

// touchToken records a token's use at most once per lastUsedEvery: an
// in-memory throttle in front of the database write. A failed write is not
// the request's failure; the next use tries again.
func (s *Service) touchToken(ctx context.Context, id string, now time.Time) {
	s.ident.mu.Lock()
	if s.ident.lastUsed == nil {
		s.ident.lastUsed = map[string]time.Time{}
	}
	last, ok := s.ident.lastUsed[id]
	if ok && now.Sub(last) < lastUsedEvery {
		s.ident.mu.Unlock()
		return
	}
	s.ident.lastUsed[id] = now
	s.ident.mu.Unlock()
	wctx := context.WithoutCancel(ctx)
	err := s.db.WithTx(wctx, func(tx *sqlstore.Tx) error { return tx.TouchToken(wctx, id, now) })
	if err != nil {
		s.ident.mu.Lock()
		delete(s.ident.lastUsed, id)
		s.ident.mu.Unlock()
	}
}
