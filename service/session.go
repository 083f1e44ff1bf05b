package service

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/auth"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/sqlstore"
)

// Session defaults (docs/security.md, Login and sessions).
const (
	// DefaultAccessTTL is the lifetime of an access token (JWT).
	DefaultAccessTTL = 15 * time.Minute
	// DefaultRefreshTTL is the lifetime of a refresh token; every refresh
	// starts a new one (a sliding session).
	DefaultRefreshTTL = 30 * 24 * time.Hour
	// DefaultSnapshotTTL bounds how stale a server's view of the signing
	// keys and of the users' state may be: a change made through another
	// server is seen within it.
	DefaultSnapshotTTL = 10 * time.Second
	// JWTIssuer and JWTAudience are the iss and aud of μNet access tokens.
	JWTIssuer   = "unet"
	JWTAudience = "unet-api"
	// forcedReloadEvery bounds the reloads forced by an unknown key id or
	// user, so that forged tokens cannot make a server query on every
	// request.
	forcedReloadEvery = time.Second
)

// SessionConfig sets the lifetimes of sessions.
type SessionConfig struct {
	AccessTTL  time.Duration
	RefreshTTL time.Duration
	// SnapshotTTL is how often the signing keys and the users' state are
	// re-read from the database (default DefaultSnapshotTTL).
	SnapshotTTL time.Duration
}

// sessionState holds the session configuration and the snapshot that lets
// access tokens be verified without a query.
type sessionState struct {
	mu       sync.Mutex
	cfg      SessionConfig
	dummy    string // a password hash verified for unknown users
	snap     atomic.Pointer[authSnapshot]
	reloadMu sync.Mutex
	forcedAt time.Time
	verified verifiedTokens
}

// authSnapshot is a server's view of the signing keys and the users.
type authSnapshot struct {
	loaded    time.Time
	signer    ed25519.PrivateKey
	signerKid string
	signerErr error
	pub       map[string]ed25519.PublicKey
	keys      []unet.SigningKey
	users     map[string]*snapUser
}

// snapUser is one user of the snapshot, with the permissions of its
// current grants.
type snapUser struct {
	disabled bool
	updated  time.Time
	grants   []unet.Grant
	perms    []unet.Permission
}

// SetSessionConfig sets the lifetimes of access and refresh tokens
// (zero values keep the defaults).
func (s *Service) SetSessionConfig(c SessionConfig) error {
	if c.AccessTTL < 0 || c.RefreshTTL < 0 || c.SnapshotTTL < 0 {
		return unet.Errorf(unet.EINVALID, "session lifetimes must be positive")
	}
	if c.AccessTTL > 24*time.Hour {
		return unet.Errorf(unet.EINVALID, "access_token_ttl %s is longer than 24h: access tokens are not revocable one by one, keep them short", c.AccessTTL)
	}
	access, refresh := c.AccessTTL, c.RefreshTTL
	if access == 0 {
		access = DefaultAccessTTL
	}
	if refresh == 0 {
		refresh = DefaultRefreshTTL
	}
	if refresh < access {
		return unet.Errorf(unet.EINVALID, "refresh_token_ttl %s is shorter than access_token_ttl %s", refresh, access)
	}
	s.sess.mu.Lock()
	defer s.sess.mu.Unlock()
	s.sess.cfg = c
	return nil
}

func (s *Service) sessionConfig() SessionConfig {
	s.sess.mu.Lock()
	defer s.sess.mu.Unlock()
	c := s.sess.cfg
	if c.AccessTTL == 0 {
		c.AccessTTL = DefaultAccessTTL
	}
	if c.RefreshTTL == 0 {
		c.RefreshTTL = DefaultRefreshTTL
	}
	if c.SnapshotTTL == 0 {
		c.SnapshotTTL = DefaultSnapshotTTL
	}
	return c
}

// invalidateSessions makes the next verification re-read the snapshot and
// the API token rows: a user was disabled, removed or changed, or a token
// revoked, through this server, which must take effect at once.
func (s *Service) invalidateSessions() {
	s.sess.snap.Store(nil)
	s.tokens.invalidate()
}

// snapshot returns the current snapshot, re-reading it when it is older
// than the snapshot lifetime or when force is set (at most once per
// forcedReloadEvery).
func (s *Service) snapshot(ctx context.Context, force bool) (*authSnapshot, error) {
	cfg := s.sessionConfig()
	now := time.Now()
	cur := s.sess.snap.Load()
	if cur != nil && !force && now.Sub(cur.loaded) < cfg.SnapshotTTL {
		return cur, nil
	}
	s.sess.reloadMu.Lock()
	defer s.sess.reloadMu.Unlock()
	latest := s.sess.snap.Load()
	if latest != nil && latest != cur {
		return latest, nil // another caller reloaded while this one waited
	}
	if force && latest != nil && now.Sub(s.sess.forcedAt) < forcedReloadEvery {
		return latest, nil
	}
	if force {
		s.sess.forcedAt = now
	}
	snap, err := s.loadSnapshot(ctx, cfg)
	if err != nil {
		if cur != nil {
			return cur, nil // keep verifying with what we know
		}
		return nil, err
	}
	s.sess.snap.Store(snap)
	return snap, nil
}

// loadSnapshot reads the signing keys that still verify, the users with
// their grants, and the custom roles.
func (s *Service) loadSnapshot(ctx context.Context, cfg SessionConfig) (*authSnapshot, error) {
	r := s.db.Reader()
	keys, err := r.ListSigningKeys(ctx, s.now().Add(-cfg.AccessTTL))
	if err != nil {
		return nil, err
	}
	users, err := r.ListUserAuth(ctx)
	if err != nil {
		return nil, err
	}
	custom, err := r.ListRoles(ctx)
	if err != nil {
		return nil, fmt.Errorf("read roles: %w", err)
	}
	roles := map[string][]unet.Permission{}
	for _, rl := range unet.BuiltinRoles() {
		roles[rl.Name] = rl.Permissions
	}
	for _, rl := range custom {
		if _, builtin := roles[rl.Name]; !builtin {
			roles[rl.Name] = rl.Permissions
		}
	}
	snap := &authSnapshot{loaded: time.Now(), pub: map[string]ed25519.PublicKey{}, users: map[string]*snapUser{}}
	for name, u := range users {
		su := &snapUser{disabled: u.Disabled, updated: u.UpdatedAt, grants: u.Grants}
		su.perms = permsOf(roles, u.Grants)
		snap.users[name] = su
	}
	for i, k := range keys {
		if k.Algorithm != auth.JWTAlgorithm || len(k.PublicKey) != ed25519.PublicKeySize {
			continue
		}
		snap.pub[k.Kid] = ed25519.PublicKey(k.PublicKey)
		info := unet.SigningKey{ID: k.Kid, Algorithm: k.Algorithm, CreatedAt: k.CreatedAt, RetiredAt: k.RetiredAt}
		if k.RetiredAt == nil && snap.signerKid == "" {
			info.Active = true
			snap.signerKid = k.Kid
			snap.signer, snap.signerErr = s.openSigningKey(&keys[i])
		}
		snap.keys = append(snap.keys, info)
	}
	return snap, nil
}

func permsOf(roles map[string][]unet.Permission, grants []unet.Grant) []unet.Permission {
	seen := map[unet.Permission]bool{}
	var out []unet.Permission
	for _, g := range grants {
		for _, p := range roles[g.Role] {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// signingKeyName is the name a private key is sealed under (authenticated
// data of the AES-GCM seal): a sealed key copied to another row does not
// open.
func signingKeyName(kid string) string { return "jwt-signing-key/" + kid }

// openSigningKey decrypts a stored private key with the secrets key.
func (s *Service) openSigningKey(k *sqlstore.StoredSigningKey) (ed25519.PrivateKey, error) {
	kr, err := s.secretsKey()
	if err != nil {
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: "access tokens cannot be signed: their signing key is stored encrypted and " + err.Error(), Err: err}
	}
	seed, err := kr.Open(signingKeyName(k.Kid), secret.Sealed{KeyID: k.KeyID, Nonce: k.Nonce, Ciphertext: k.Ciphertext})
	if err != nil {
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: "the JWT signing key cannot be decrypted with the configured secrets key", Err: err}
	}
	b := []byte(seed.Reveal())
	if len(b) != ed25519.SeedSize {
		return nil, unet.Errorf(unet.EINTERNAL, "signing key %s: malformed private key", k.Kid)
	}
	return ed25519.NewKeyFromSeed(b), nil
}

// signer returns the active signing key, creating the first one when the
// database has none.
func (s *Service) signer(ctx context.Context) (ed25519.PrivateKey, string, error) {
	snap, err := s.snapshot(ctx, false)
	if err != nil {
		return nil, "", err
	}
	if snap.signerKid == "" {
		if _, err := s.createSigningKey(ctx, false); err != nil {
			return nil, "", err
		}
		s.invalidateSessions()
		if snap, err = s.snapshot(ctx, false); err != nil {
			return nil, "", err
		}
	}
	if snap.signerErr != nil {
		return nil, "", snap.signerErr
	}
	if snap.signer == nil {
		return nil, "", unet.Errorf(unet.EUNAVAILABLE, "no JWT signing key: run unet auth rotate-keys")
	}
	return snap.signer, snap.signerKid, nil
}

// createSigningKey generates a key, seals its private half with the
// secrets key and stores it; with retire, the previous keys stop signing
// (they keep verifying for an access token lifetime).
func (s *Service) createSigningKey(ctx context.Context, retire bool) (*unet.SigningKey, error) {
	kr, err := s.secretsKey()
	if err != nil {
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: "JWT signing keys are stored encrypted: " + err.Error(), Err: err}
	}
	kid, priv, err := auth.NewSigningKey()
	if err != nil {
		return nil, unet.Internal(err)
	}
	sealed, err := kr.Seal(signingKeyName(kid), secret.Secret(priv.Seed()))
	if err != nil {
		return nil, unet.Internal(err)
	}
	now := s.now()
	k := &sqlstore.StoredSigningKey{Kid: kid, Algorithm: auth.JWTAlgorithm, KeyID: sealed.KeyID, Nonce: sealed.Nonce,
		Ciphertext: sealed.Ciphertext, PublicKey: priv.Public().(ed25519.PublicKey), CreatedAt: now}
	cfg := s.sessionConfig()
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.InsertSigningKey(ctx, k); err != nil {
			return err
		}
		if retire {
			if err := tx.RetireSigningKeys(ctx, kid, now, now.Add(-cfg.AccessTTL-24*time.Hour)); err != nil {
				return err
			}
		}
		return s.auditLocal(ctx, tx, unet.PermUsersWrite, "auth rotate-keys", "signing-keys/"+kid, "")
	})
	if err != nil {
		return nil, err
	}
	return &unet.SigningKey{ID: kid, Algorithm: auth.JWTAlgorithm, Active: true, CreatedAt: now}, nil
}

// RotateSigningKeys makes a new key the signing key. The previous keys stop
// signing at once and keep verifying the tokens they signed until those
// expire (one access token lifetime); every server picks the new key up
// within the snapshot lifetime, or at once on the first token it signed.
func (s *Service) RotateSigningKeys(ctx context.Context) (*unet.SigningKey, error) {
	if err := requireAdmin(ctx, unet.PermUsersWrite, "rotating the signing keys"); err != nil {
		return nil, err
	}
	k, err := s.createSigningKey(ctx, true)
	if err != nil {
		return nil, err
	}
	s.invalidateSessions()
	return k, nil
}

// ListSigningKeys lists the keys that sign or still verify, newest first.
func (s *Service) ListSigningKeys(ctx context.Context) ([]unet.SigningKey, error) {
	s.invalidateSessions()
	snap, err := s.snapshot(ctx, false)
	if err != nil {
		return nil, err
	}
	out := append([]unet.SigningKey{}, snap.keys...)
	return out, nil
}

// JWKS returns the public keys that verify access tokens.
func (s *Service) JWKS(ctx context.Context) (*unet.JWKSet, error) {
	snap, err := s.snapshot(ctx, false)
	if err != nil {
		return nil, err
	}
	set := &unet.JWKSet{Keys: []unet.JWK{}}
	for _, k := range snap.keys {
		set.Keys = append(set.Keys, auth.PublicJWK(k.ID, snap.pub[k.ID]))
	}
	return set, nil
}
