package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/auth"
	"github.com/unet-dev/unet/sqlstore"
)

// errBadLogin is the one answer to a wrong user name or password: the same
// for an unknown user, a user without a password and a wrong password, so
// that a login does not reveal which user names exist.
const errBadLogin = "invalid user name or password"

// Login checks a user name and password and starts a session: an access
// token (JWT) and the first refresh token of a new family. An unknown user
// costs the same work as a known one (a dummy hash is verified). A password
// hashed under other argon2id parameters than the current ones is hashed
// again.
func (s *Service) Login(ctx context.Context, req unet.LoginRequest) (*unet.TokenPair, error) {
	var fe []unet.FieldError
	if req.Username == "" {
		fe = append(fe, unet.FieldError{Field: "username", Message: "is required"})
	}
	if req.Password == "" {
		fe = append(fe, unet.FieldError{Field: "password", Message: "is required"})
	}
	if len(fe) > 0 {
		return nil, unet.Invalid("invalid login", fe...)
	}
	pepper, err := s.pepper()
	if err != nil {
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: "login is not configured: the server has no token pepper", Err: err}
	}
	u, err := s.db.Reader().GetUser(ctx, req.Username)
	if err != nil && unet.ErrorCode(err) != unet.ENOTFOUND {
		return nil, err
	}
	if u == nil || u.PasswordHash == "" {
		_ = auth.VerifyPassword(s.dummyHash(), req.Password)
		return nil, unet.Errorf(unet.EUNAUTHORIZED, errBadLogin)
	}
	if err := auth.VerifyPassword(u.PasswordHash, req.Password); err != nil {
		return nil, unet.Errorf(unet.EUNAUTHORIZED, errBadLogin)
	}
	if u.Disabled {
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "user %s is disabled", u.Name)
	}
	if p := s.argon(); auth.NeedsRehash(u.PasswordHash, p) {
		if h, err := auth.HashPassword(req.Password, p); err == nil {
			// A failed re-hash is not the login's failure: the next login
			// tries again.
			_ = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error { return tx.SetPasswordHash(ctx, u.ID, h) })
		}
	}
	now := s.now()
	refresh, err := s.newRefreshToken(ctx, pepper, u.ID, newID(), now, func(tx *sqlstore.Tx) error {
		return tx.PurgeRefreshTokens(ctx, now.Add(-24*time.Hour))
	})
	if err != nil {
		return nil, err
	}
	return s.tokenPair(ctx, u.Name, u.Grants, refresh, now)
}

// dummyHash is a password hash under the current parameters, verified
// for unknown users so that they cost what a known user costs.
func (s *Service) dummyHash() string {
	p := s.argon()
	s.sess.mu.Lock()
	defer s.sess.mu.Unlock()
	if s.sess.dummy == "" || auth.NeedsRehash(s.sess.dummy, p) {
		h, err := auth.HashPassword("unet dummy password", p)
		if err != nil {
			return ""
		}
		s.sess.dummy = h
	}
	return s.sess.dummy
}

// newRefreshToken stores a new refresh token of family (in the same
// transaction as more, when given) and returns it.
func (s *Service) newRefreshToken(ctx context.Context, pepper []byte, userID, family string, now time.Time, more func(*sqlstore.Tx) error) (string, error) {
	id, sec, token, err := auth.NewRefreshToken()
	if err != nil {
		return "", unet.Internal(err)
	}
	cfg := s.sessionConfig()
	t := &sqlstore.StoredRefreshToken{ID: id, Family: family, UserID: userID, Digest: auth.RefreshDigest(pepper, id, sec),
		ExpiresAt: now.Add(cfg.RefreshTTL), CreatedAt: now}
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		if more != nil {
			if err := more(tx); err != nil {
				return err
			}
		}
		return tx.InsertRefreshToken(ctx, t)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// tokenPair signs an access token for user and pairs it with refresh.
func (s *Service) tokenPair(ctx context.Context, user string, grants []unet.Grant, refresh string, now time.Time) (*unet.TokenPair, error) {
	priv, kid, err := s.signer(ctx)
	if err != nil {
		return nil, err
	}
	cfg := s.sessionConfig()
	c := &auth.AccessClaims{Grants: grants}
	c.Issuer, c.Subject, c.Audience, c.ID = JWTIssuer, user, jwt.ClaimStrings{JWTAudience}, newID()
	c.IssuedAt, c.NotBefore = jwt.NewNumericDate(now), jwt.NewNumericDate(now)
	c.ExpiresAt = jwt.NewNumericDate(now.Add(cfg.AccessTTL))
	access, err := auth.SignAccessToken(priv, kid, c)
	if err != nil {
		return nil, unet.Internal(err)
	}
	return &unet.TokenPair{AccessToken: access, TokenType: "Bearer", ExpiresIn: int(cfg.AccessTTL / time.Second),
		RefreshToken: refresh, RefreshExpiresIn: int(cfg.RefreshTTL / time.Second), User: user}, nil
}

// errReused marks a refresh token presented a second time.
var errReused = errors.New("refresh token reused")

// Refresh exchanges a refresh token, once, for a new pair of the same
// session (family). A refresh token presented a second time means it was
// copied: the whole family is revoked, so that neither the thief nor the
// owner can go on, and the owner has to log in again.
func (s *Service) Refresh(ctx context.Context, req unet.RefreshRequest) (*unet.TokenPair, error) {
	t, pepper, err := s.checkRefreshToken(ctx, req.RefreshToken)
	if err != nil {
		return nil, err
	}
	now := s.now()
	switch {
	case t.RevokedAt != nil:
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "session ended (logged out or revoked): log in again")
	case t.UsedAt != nil:
		return nil, s.reused(ctx, t, now)
	case !now.Before(t.ExpiresAt):
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "refresh token expired at %s: log in again", t.ExpiresAt.Format(time.RFC3339))
	case t.UserDisabled:
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "user %s is disabled", t.User)
	}
	u, err := s.db.Reader().GetUserByID(ctx, t.UserID)
	if err != nil {
		if unet.ErrorCode(err) == unet.ENOTFOUND {
			return nil, unet.Errorf(unet.EUNAUTHORIZED, "invalid refresh token")
		}
		return nil, err
	}
	if u.UpdatedAt.After(t.CreatedAt) {
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "user %s changed (password, disabled) after this session started: log in again", u.Name)
	}
	refresh, err := s.newRefreshToken(ctx, pepper, t.UserID, t.Family, now, func(tx *sqlstore.Tx) error {
		ok, err := tx.UseRefreshToken(ctx, t.ID, now)
		if err != nil {
			return err
		}
		if !ok {
			return errReused
		}
		return nil
	})
	if errors.Is(err, errReused) {
		return nil, s.reused(ctx, t, now)
	}
	if err != nil {
		return nil, err
	}
	return s.tokenPair(ctx, u.Name, u.Grants, refresh, now)
}

// reused revokes the family of a reused refresh token and returns the
// error that says so.
func (s *Service) reused(ctx context.Context, t *sqlstore.StoredRefreshToken, now time.Time) error {
	wctx := context.WithoutCancel(ctx)
	err := s.db.WithTx(wctx, func(tx *sqlstore.Tx) error { return tx.RevokeRefreshFamily(wctx, t.Family, now) })
	if err != nil {
		return fmt.Errorf("revoke the session of a reused refresh token: %w", err)
	}
	// The message names the user, so that the audit log's entry of the
	// refusal says whose session was revoked.
	return unet.Errorf(unet.EUNAUTHORIZED, "refresh token already used: the session of user %s is revoked; log in again", t.User)
}

// checkRefreshToken reads a refresh token and checks its secret. Every
// failure is unauthorized and never repeats the token.
func (s *Service) checkRefreshToken(ctx context.Context, token string) (*sqlstore.StoredRefreshToken, []byte, error) {
	if token == "" {
		return nil, nil, unet.Invalid("invalid request", unet.FieldError{Field: "refresh_token", Message: "is required"})
	}
	pepper, err := s.pepper()
	if err != nil {
		return nil, nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: "sessions are not configured: the server has no token pepper", Err: err}
	}
	id, sec, err := auth.ParseRefreshToken(token)
	if err != nil {
		return nil, nil, unet.Errorf(unet.EUNAUTHORIZED, "invalid refresh token")
	}
	t, err := s.db.Reader().GetRefreshToken(ctx, id)
	if err != nil {
		if unet.ErrorCode(err) == unet.ENOTFOUND {
			return nil, nil, unet.Errorf(unet.EUNAUTHORIZED, "invalid refresh token")
		}
		return nil, nil, err
	}
	if !auth.DigestEqual(t.Digest, auth.RefreshDigest(pepper, id, sec)) {
		return nil, nil, unet.Errorf(unet.EUNAUTHORIZED, "invalid refresh token")
	}
	return t, pepper, nil
}

// Logout ends the session of a refresh token: its whole family is revoked.
// The access tokens already issued expire on their own (at most one access
// token lifetime).
func (s *Service) Logout(ctx context.Context, req unet.RefreshRequest) error {
	t, _, err := s.checkRefreshToken(ctx, req.RefreshToken)
	if err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error { return tx.RevokeRefreshFamily(ctx, t.Family, s.now()) })
}
