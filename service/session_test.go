package service_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/auth"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

func sessionKey(t *testing.T, fill string) *secret.Key {
	t.Helper()
	k, err := secret.ParseKey([]byte(strings.Repeat(fill, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// sessionService is a service ready for logins (pepper, secrets key, fast
// hashing, a test clock) over url, with user erin (engineer) when add.
func sessionService(t *testing.T, url string, key *secret.Key, add bool) (*service.Service, *clock) {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc := service.New(db)
	c := identityService(t, svc)
	if key != nil {
		if err := svc.SetSecrets(service.SecretsConfig{Key: key}); err != nil {
			t.Fatal(err)
		}
	}
	if add {
		if _, err := svc.CreateUser(actx(), unet.NewUser{Name: "erin", Password: "engineer-password-1", Roles: []string{"engineer"}}); err != nil {
			t.Fatal(err)
		}
	}
	return svc, c
}

var erinLogin = unet.LoginRequest{Username: "erin", Password: "engineer-password-1"}

// TestConcurrentRefresh: one refresh token presented by several callers at
// once is spent by at most one; the others are reuse, so the session is
// revoked and the winner's new refresh token does not work either.
func TestConcurrentRefresh(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			svc, _ := sessionService(t, dbURL(t, engine), sessionKey(t, "a"), true)
			p, err := svc.Login(context.Background(), erinLogin)
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var won []*unet.TokenPair
			var wg sync.WaitGroup
			for range 6 {
				wg.Go(func() {
					next, err := svc.Refresh(context.Background(), unet.RefreshRequest{RefreshToken: p.RefreshToken})
					if err != nil {
						if unet.ErrorCode(err) != unet.EUNAUTHORIZED {
							t.Errorf("refresh: %v", err)
						}
						return
					}
					mu.Lock()
					won = append(won, next)
					mu.Unlock()
				})
			}
			wg.Wait()
			if len(won) > 1 {
				t.Fatalf("%d refreshes of one token succeeded", len(won))
			}
			for _, w := range won {
				_, err := svc.Refresh(context.Background(), unet.RefreshRequest{RefreshToken: w.RefreshToken})
				mustCode(t, err, unet.EUNAUTHORIZED)
			}
		})
	}
}

// TestSigningNeedsTheSecretsKeyVerifyingDoesNot: a server without the
// secrets key (or with another one) cannot log anyone in, but verifies the
// access tokens another server signed: verification uses public keys only.
func TestSigningNeedsTheSecretsKeyVerifyingDoesNot(t *testing.T) {
	url := dbURL(t, sqlstore.SQLite)
	a, _ := sessionService(t, url, sessionKey(t, "a"), true)
	p, err := a.Login(context.Background(), erinLogin)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []*secret.Key{nil, sessionKey(t, "b")} {
		b, _ := sessionService(t, url, key, false)
		_, err := b.Login(context.Background(), erinLogin)
		mustCode(t, err, unet.EUNAVAILABLE)
		pr, err := b.AuthenticateJWT(context.Background(), p.AccessToken)
		if err != nil || pr == nil || pr.User != "erin" || pr.Method != unet.AuthMethodJWT || !pr.Can(unet.PermNodesWrite) {
			t.Fatalf("verify without the secrets key: %+v %v", pr, err)
		}
	}
}

// TestReplicaSeesUserChanges: a user disabled or demoted through one
// server is refused (or loses the rights) on another server on the same
// database at its next snapshot read (here: every request).
func TestReplicaSeesUserChanges(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			url := dbURL(t, engine)
			a, _ := sessionService(t, url, sessionKey(t, "a"), true)
			b, _ := sessionService(t, url, sessionKey(t, "a"), false)
			if err := b.SetSessionConfig(service.SessionConfig{SnapshotTTL: time.Nanosecond}); err != nil {
				t.Fatal(err)
			}
			p, err := a.Login(context.Background(), erinLogin)
			if err != nil {
				t.Fatal(err)
			}
			pr, err := b.AuthenticateJWT(context.Background(), p.AccessToken)
			if err != nil || !pr.Can(unet.PermNodesWrite) {
				t.Fatalf("%+v %v", pr, err)
			}
			if _, err := a.RevokeRole(actx(), "erin", "engineer"); err != nil {
				t.Fatal(err)
			}
			if pr, err := b.AuthenticateJWT(context.Background(), p.AccessToken); err != nil || pr.Can(unet.PermNodesRead) {
				t.Fatalf("rights after the role was revoked: %+v %v", pr, err)
			}
			if _, err := a.SetUserDisabled(actx(), "erin", true); err != nil {
				t.Fatal(err)
			}
			_, err = b.AuthenticateJWT(context.Background(), p.AccessToken)
			mustCode(t, err, unet.EUNAUTHORIZED)
		})
	}
}

// TestPasswordChangeEndsSessions: after a password change the access and
// refresh tokens issued before it are refused; a new login works.
func TestPasswordChangeEndsSessions(t *testing.T) {
	svc, c := sessionService(t, dbURL(t, sqlstore.SQLite), sessionKey(t, "a"), true)
	p, err := svc.Login(context.Background(), erinLogin)
	if err != nil {
		t.Fatal(err)
	}
	c.add(time.Second)
	if err := svc.SetPassword(actx(), "erin", "another-password-2"); err != nil {
		t.Fatal(err)
	}
	_, err = svc.AuthenticateJWT(context.Background(), p.AccessToken)
	mustCode(t, err, unet.EUNAUTHORIZED)
	_, err = svc.Refresh(context.Background(), unet.RefreshRequest{RefreshToken: p.RefreshToken})
	mustCode(t, err, unet.EUNAUTHORIZED)
	_, err = svc.Login(context.Background(), erinLogin)
	mustCode(t, err, unet.EUNAUTHORIZED)
	p2, err := svc.Login(context.Background(), unet.LoginRequest{Username: "erin", Password: "another-password-2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AuthenticateJWT(context.Background(), p2.AccessToken); err != nil {
		t.Fatal(err)
	}
}

// TestSessionConfig: lifetimes are validated and used.
func TestSessionConfig(t *testing.T) {
	svc, _ := sessionService(t, dbURL(t, sqlstore.SQLite), sessionKey(t, "a"), true)
	for _, bad := range []service.SessionConfig{{AccessTTL: -time.Second}, {AccessTTL: 25 * time.Hour},
		{AccessTTL: time.Hour, RefreshTTL: time.Minute}, {RefreshTTL: time.Minute}} {
		mustCode(t, svc.SetSessionConfig(bad), unet.EINVALID)
	}
	if err := svc.SetSessionConfig(service.SessionConfig{AccessTTL: 5 * time.Minute, RefreshTTL: 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	p, err := svc.Login(context.Background(), erinLogin)
	if err != nil {
		t.Fatal(err)
	}
	if p.ExpiresIn != 300 || p.RefreshExpiresIn != 86400 {
		t.Fatalf("%+v", p)
	}
}

// TestAPITokenRowsRemembered: an accepted API token's row is reused, but a
// revocation or a disable through the same server takes effect at once,
// and through another server at that server's next read (here: every
// request); a wrong secret for a remembered id is still refused.
func TestAPITokenRowsRemembered(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			url := dbURL(t, engine)
			a, _ := sessionService(t, url, nil, true)
			b, _ := sessionService(t, url, nil, false)
			if err := b.SetSessionConfig(service.SessionConfig{SnapshotTTL: time.Nanosecond}); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			tok1, err := a.CreateToken(actx(), unet.TokenRequest{User: "erin"})
			if err != nil {
				t.Fatal(err)
			}
			tok2, err := a.CreateToken(actx(), unet.TokenRequest{User: "erin"})
			if err != nil {
				t.Fatal(err)
			}
			for _, svc := range []*service.Service{a, b} {
				for _, tok := range []string{tok1.Token, tok2.Token} {
					if _, err := svc.AuthenticateToken(ctx, tok, loopback); err != nil {
						t.Fatal(err)
					}
				}
			}
			wrong := tok1.Token[:len(tok1.Token)-1] + map[bool]string{true: "b", false: "a"}[strings.HasSuffix(tok1.Token, "a")]
			_, err = a.AuthenticateToken(ctx, wrong, loopback)
			mustCode(t, err, unet.EUNAUTHORIZED)
			if err := a.RevokeToken(actx(), tok1.ID); err != nil {
				t.Fatal(err)
			}
			for _, svc := range []*service.Service{a, b} {
				_, err := svc.AuthenticateToken(ctx, tok1.Token, loopback)
				mustCode(t, err, unet.EUNAUTHORIZED)
			}
			if _, err := a.SetUserDisabled(actx(), "erin", true); err != nil {
				t.Fatal(err)
			}
			for _, svc := range []*service.Service{a, b} {
				_, err := svc.AuthenticateToken(ctx, tok2.Token, loopback)
				mustCode(t, err, unet.EUNAUTHORIZED)
			}
		})
	}
}

// TestSessionSecretsNotStored: neither a signing key's private half nor a
// refresh token's secret is anywhere in the SQLite file or its WAL; the
// stored sealed key opens with the secrets key (the check is not blind).
func TestSessionSecretsNotStored(t *testing.T) {
	url := dbURL(t, sqlstore.SQLite)
	key := sessionKey(t, "a")
	svc, _ := sessionService(t, url, key, true)
	p, err := svc.Login(context.Background(), erinLogin)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := svc.DB().Reader().ListSigningKeys(context.Background(), time.Time{})
	if err != nil || len(keys) != 1 {
		t.Fatalf("%v %v", keys, err)
	}
	k := keys[0]
	seed, err := secret.NewKeyring(key).Open("jwt-signing-key/"+k.Kid, secret.Sealed{KeyID: k.KeyID, Nonce: k.Nonce, Ciphertext: k.Ciphertext})
	if err != nil {
		t.Fatal(err)
	}
	raw := []byte(seed.Reveal())
	_, refreshSecret, err := auth.ParseRefreshToken(p.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	file := strings.TrimPrefix(url, "sqlite://")
	files := []string{file, file + "-wal"}
	for _, needle := range [][]byte{raw, []byte(base64.StdEncoding.EncodeToString(raw)), []byte(hex.EncodeToString(raw)),
		[]byte(refreshSecret), []byte(p.RefreshToken)} {
		if bytesInFiles(t, files, needle) {
			t.Fatalf("a session secret is stored: %q", needle)
		}
	}
	if !bytesInFiles(t, files, []byte(k.Kid)) {
		t.Fatal("the check is blind: the key id is in neither file")
	}
}
