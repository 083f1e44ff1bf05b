package service

import (
	"context"
	"crypto/ed25519"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/auth"
)

// AuthenticateJWT verifies a μNet access token and returns its principal,
// without a query in the common case: the signature is checked with the
// public keys of the snapshot, and the user's state and permissions come
// from the snapshot too (re-read every SnapshotTTL, at once after a change
// through this server). A token of another issuer (an OpenID provider's) is
// not refused but passed over: (nil, nil), so that the next authenticator
// may take it.
func (s *Service) AuthenticateJWT(ctx context.Context, token string) (*unet.Principal, error) {
	snap, err := s.snapshot(ctx, false)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if c := s.sess.verified.get(token, snap, now); c != nil {
		return s.principalOf(ctx, snap, c)
	}
	c, err := auth.ParseAccessToken(token, keyLookup(snap), JWTIssuer, JWTAudience, now)
	if errors.Is(err, auth.ErrUnknownKey) {
		if !ourIssuer(token) {
			return nil, nil
		}
		// A key made by another server since the last read: read again
		// (at most once per forcedReloadEvery).
		if snap, err = s.snapshot(ctx, true); err != nil {
			return nil, err
		}
		c, err = auth.ParseAccessToken(token, keyLookup(snap), JWTIssuer, JWTAudience, now)
	}
	if err != nil {
		if errors.Is(err, auth.ErrUnknownKey) {
			return nil, unet.Errorf(unet.EUNAUTHORIZED, "access token signed by an unknown key: log in again (unet login)")
		}
		if !ourIssuer(token) {
			return nil, nil
		}
		return nil, &unet.Error{Code: unet.EUNAUTHORIZED, Message: accessTokenMessage(err), Err: err}
	}
	s.sess.verified.put(token, c)
	return s.principalOf(ctx, snap, c)
}

// principalOf is the principal of a verified access token: its user as the
// snapshot knows it now.
func (s *Service) principalOf(ctx context.Context, snap *authSnapshot, c *auth.AccessClaims) (*unet.Principal, error) {
	var err error
	u := snap.users[c.Subject]
	if u == nil {
		if snap, err = s.snapshot(ctx, true); err != nil {
			return nil, err
		}
		if u = snap.users[c.Subject]; u == nil {
			return nil, unet.Errorf(unet.EUNAUTHORIZED, "user %s does not exist", c.Subject)
		}
	}
	if u.disabled {
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "user %s is disabled", c.Subject)
	}
	if c.IssuedAt != nil && c.IssuedAt.Before(u.updated.Truncate(time.Second)) {
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "user %s changed after this access token was issued: log in again", c.Subject)
	}
	return &unet.Principal{User: c.Subject, Method: unet.AuthMethodJWT, Grants: u.grants, Permissions: u.perms}, nil
}

func keyLookup(snap *authSnapshot) auth.KeyLookup {
	return func(kid string) (ed25519.PublicKey, bool) {
		k, ok := snap.pub[kid]
		return k, ok
	}
}

func accessTokenMessage(err error) string {
	if errors.Is(err, auth.ErrExpiredJWT) {
		return "access token expired: refresh it (unet login does it for you)"
	}
	return "invalid access token"
}

// ourIssuer reports whether an (unverified) token claims μNet as its
// issuer: only those are μNet's to refuse.
func ourIssuer(token string) bool {
	var c jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &c); err != nil {
		return false
	}
	return c.Issuer == JWTIssuer
}

// AuthenticateUser returns the principal of a user authenticated outside
// μNet's credentials — a verified client certificate whose subject names
// it (method names how). The user must exist and be enabled; like access
// tokens, the check reads the snapshot, not the database.
func (s *Service) AuthenticateUser(ctx context.Context, name, method string) (*unet.Principal, error) {
	snap, err := s.snapshot(ctx, false)
	if err != nil {
		return nil, err
	}
	u := snap.users[name]
	if u == nil {
		if snap, err = s.snapshot(ctx, true); err != nil {
			return nil, err
		}
		if u = snap.users[name]; u == nil {
			return nil, unet.Errorf(unet.EUNAUTHORIZED, "client certificate: no μNet user %q", name)
		}
	}
	if u.disabled {
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "user %s is disabled", name)
	}
	return &unet.Principal{User: name, Method: method, Grants: u.grants, Permissions: u.perms}, nil
}
