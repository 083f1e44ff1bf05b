package service_test

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/auth"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

var testPepper = []byte("0123456789abcdef0123456789abcdef")

// fastArgon keeps password hashing cheap in tests; the format is the same.
var fastArgon = auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func identityService(t *testing.T, svc *service.Service) *clock {
	t.Helper()
	if err := svc.SetTokenPepper(testPepper); err != nil {
		t.Fatal(err)
	}
	svc.SetArgon2(fastArgon)
	c := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	svc.SetClock(c.now)
	return c
}

var loopback = netip.MustParseAddr("127.0.0.1")

func TestUsersRolesGrants(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		identityService(t, svc)
		ctx := actx()
		u, err := svc.CreateUser(ctx, unet.NewUser{Name: "alice", Email: "alice@example.net", Password: "s3cret-pass", Roles: []string{"admin"}})
		if err != nil {
			t.Fatal(err)
		}
		if !u.HasPass || len(u.Grants) != 1 || u.Grants[0].Role != "admin" {
			t.Fatalf("created user: %+v", u)
		}
		_, err = svc.CreateUser(ctx, unet.NewUser{Name: "alice"})
		mustCode(t, err, unet.ECONFLICT)
		_, err = svc.CreateUser(ctx, unet.NewUser{Name: "bob", Roles: []string{"nosuch"}})
		mustCode(t, err, unet.ENOTFOUND)
		if _, err := svc.GetUser(ctx, "bob"); unet.ErrorCode(err) != unet.ENOTFOUND {
			t.Fatalf("a failed create left the user behind: %v", err)
		}
		_, err = svc.CreateUser(ctx, unet.NewUser{Name: "-bad", Password: "short"})
		if fe := unet.ErrorFields(err); len(fe) != 2 {
			t.Fatalf("want name and password field errors: %v", err)
		}

		// Custom roles: vocabulary only, built-ins reserved and immutable.
		_, err = svc.CreateRole(ctx, unet.Role{Name: "poller", Permissions: []unet.Permission{"snmp:read", "snmp:poll"}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.CreateRole(ctx, unet.Role{Name: "viewer", Permissions: []unet.Permission{"snmp:read"}})
		mustCode(t, err, unet.EINVALID)
		_, err = svc.CreateRole(ctx, unet.Role{Name: "x", Permissions: []unet.Permission{"nodes:fly"}})
		mustCode(t, err, unet.EINVALID)
		mustCode(t, svc.RemoveRole(ctx, "admin"), unet.EINVALID)
		roles, err := svc.ListRoles(ctx)
		if err != nil || len(roles) != 6 || roles[5].Name != "poller" || roles[5].BuiltIn {
			t.Fatalf("roles: %+v %v", roles, err)
		}

		if _, err := svc.CreateUser(ctx, unet.NewUser{Name: "bob"}); err != nil {
			t.Fatal(err)
		}
		u, err = svc.GrantRole(ctx, "bob", unet.Grant{Role: "poller", Scope: `location.path MATCHES "^EMEA/"`})
		if err != nil || len(u.Grants) != 1 || u.Grants[0].Scope == "" {
			t.Fatalf("grant: %+v %v", u, err)
		}
		mustCode(t, svc.RemoveRole(ctx, "poller"), unet.ECONFLICT)
		if _, err := svc.RevokeRole(ctx, "bob", "poller"); err != nil {
			t.Fatal(err)
		}
		_, err = svc.RevokeRole(ctx, "bob", "poller")
		mustCode(t, err, unet.ENOTFOUND)
		if err := svc.RemoveRole(ctx, "poller"); err != nil {
			t.Fatal(err)
		}

		mustCode(t, svc.SetPassword(ctx, "bob", "short"), unet.EINVALID)
		if err := svc.SetPassword(ctx, "bob", "a-longer-password"); err != nil {
			t.Fatal(err)
		}
		if u, _ := svc.GetUser(ctx, "bob"); !u.HasPass {
			t.Fatal("password not recorded")
		}
		if u, err := svc.SetUserDisabled(ctx, "bob", true); err != nil || !u.Disabled {
			t.Fatalf("disable: %+v %v", u, err)
		}
		if err := svc.RemoveUser(ctx, "bob"); err != nil {
			t.Fatal(err)
		}
		mustCode(t, svc.RemoveUser(ctx, "bob"), unet.ENOTFOUND)

		// Local identity changes are in the audit log, as the local actor.
		l, err := svc.ListAudit(ctx, unet.AuditFilter{Actor: "tester"})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range l.Items {
			actions = append(actions, e.Route)
			if e.AuthMethod != unet.AuthMethodLocal || e.Outcome != unet.OutcomeOK {
				t.Errorf("local entry: %+v", e)
			}
		}
		want := "users remove,users disable,users passwd,roles remove,users revoke,users grant,users add,roles add,users add"
		if got := strings.Join(actions, ","); got != want {
			t.Errorf("audit actions:\n got %s\nwant %s", got, want)
		}
	})
}

func TestTokenAuthentication(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		c := identityService(t, svc)
		ctx := actx()
		if _, err := svc.CreateUser(ctx, unet.NewUser{Name: "eve", Roles: []string{"engineer"}}); err != nil {
			t.Fatal(err)
		}
		exp := c.now().Add(time.Hour)
		tok, err := svc.CreateToken(ctx, unet.TokenRequest{User: "eve", ExpiresAt: &exp, AllowIPs: []string{"127.0.0.0/8", "2001:db8::1"}, Description: "ci"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(tok.Token, "unet_"+tok.ID+"_") {
			t.Fatalf("token format: %s", tok.Token)
		}
		p, err := svc.AuthenticateToken(context.Background(), tok.Token, loopback)
		if err != nil {
			t.Fatal(err)
		}
		if p.User != "eve" || p.TokenID != tok.ID || !p.Can(unet.PermNodesWrite) || p.Can(unet.PermUsersWrite) {
			t.Fatalf("principal: %+v", p)
		}
		// last_used is written once, then not again within a minute.
		ts, _ := svc.ListTokens(ctx, "eve")
		if ts[0].LastUsed == nil || !ts[0].LastUsed.Equal(c.now()) {
			t.Fatalf("last used: %+v", ts[0].LastUsed)
		}
		first := *ts[0].LastUsed
		c.add(30 * time.Second)
		if _, err := svc.AuthenticateToken(context.Background(), tok.Token, loopback); err != nil {
			t.Fatal(err)
		}
		ts, _ = svc.ListTokens(ctx, "eve")
		if !ts[0].LastUsed.Equal(first) {
			t.Fatalf("last used written again within a minute: %v", ts[0].LastUsed)
		}
		c.add(31 * time.Second)
		if _, err := svc.AuthenticateToken(context.Background(), tok.Token, loopback); err != nil {
			t.Fatal(err)
		}
		ts, _ = svc.ListTokens(ctx, "eve")
		if !ts[0].LastUsed.After(first) {
			t.Fatalf("last used not written after a minute: %v", ts[0].LastUsed)
		}

		unauthorized := func(what, token string, from netip.Addr) {
			t.Helper()
			_, err := svc.AuthenticateToken(context.Background(), token, from)
			mustCode(t, err, unet.EUNAUTHORIZED)
			if strings.Contains(err.Error(), tok.Token[len(tok.Token)-20:]) {
				t.Errorf("%s: the error repeats the secret: %v", what, err)
			}
		}
		unauthorized("outside the allow-list", tok.Token, netip.MustParseAddr("192.0.2.1"))
		unauthorized("malformed", "unet_nope", loopback)
		wrong := tok.Token[:len(tok.Token)-1] + "a"
		if wrong == tok.Token {
			wrong = tok.Token[:len(tok.Token)-1] + "b"
		}
		unauthorized("wrong secret", wrong, loopback)
		if _, err := svc.AuthenticateToken(context.Background(), tok.Token, netip.MustParseAddr("2001:db8::1")); err != nil {
			t.Fatalf("allowed IPv6 address: %v", err)
		}

		// A disabled user's token stops at once, and works again when enabled.
		if _, err := svc.SetUserDisabled(ctx, "eve", true); err != nil {
			t.Fatal(err)
		}
		unauthorized("disabled user", tok.Token, loopback)
		if _, err := svc.SetUserDisabled(ctx, "eve", false); err != nil {
			t.Fatal(err)
		}
		c.add(time.Hour)
		unauthorized("expired", tok.Token, loopback)

		tok2, err := svc.CreateToken(ctx, unet.TokenRequest{User: "eve", ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		p, err = svc.AuthenticateToken(context.Background(), tok2.Token, loopback)
		if err != nil || p.Can(unet.PermNodesWrite) || !p.Can(unet.PermNodesRead) {
			t.Fatalf("read-only token: %+v %v", p, err)
		}
		if err := svc.RevokeToken(ctx, tok2.ID); err != nil {
			t.Fatal(err)
		}
		unauthorized("revoked", tok2.Token, loopback)

		// Another pepper: every digest is useless.
		other := service.New(svc.DB())
		if err := other.SetTokenPepper(bytes.Repeat([]byte("z"), 32)); err != nil {
			t.Fatal(err)
		}
		tok3, err := svc.CreateToken(ctx, unet.TokenRequest{User: "eve"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.AuthenticateToken(context.Background(), tok3.Token, loopback); unet.ErrorCode(err) != unet.EUNAUTHORIZED {
			t.Fatalf("token verified under another pepper: %v", err)
		}

		_, err = svc.CreateToken(ctx, unet.TokenRequest{User: "eve", AllowIPs: []string{"nonsense"}})
		mustCode(t, err, unet.EINVALID)
		past := c.now().Add(-time.Minute)
		_, err = svc.CreateToken(ctx, unet.TokenRequest{User: "eve", ExpiresAt: &past})
		mustCode(t, err, unet.EINVALID)
		_, err = svc.CreateToken(ctx, unet.TokenRequest{User: "nobody"})
		mustCode(t, err, unet.ENOTFOUND)
	})
}

func TestTokensNeedAPepper(t *testing.T) {
	svc := newService(t, sqlstore.SQLite)
	ctx := actx()
	if _, err := svc.CreateUser(ctx, unet.NewUser{Name: "eve"}); err != nil {
		t.Fatal(err)
	}
	_, err := svc.CreateToken(ctx, unet.TokenRequest{User: "eve"})
	mustCode(t, err, unet.EINVALID)
	if !strings.Contains(err.Error(), "--token-pepper") {
		t.Fatalf("message does not say how to configure a pepper: %v", err)
	}
	_, err = svc.AuthenticateToken(ctx, "unet_0123456789abcdef_"+strings.Repeat("a", 52), loopback)
	mustCode(t, err, unet.EUNAVAILABLE)
	mustCode(t, svc.SetTokenPepper([]byte("short")), unet.EINVALID)
}

// TestTokenOwnership: through the API a caller manages its own tokens; the
// tokens of others need users:write (users:read to list them).
func TestTokenOwnership(t *testing.T) {
	svc := newService(t, sqlstore.SQLite)
	identityService(t, svc)
	ctx := actx()
	for _, u := range []string{"ann", "ben"} {
		if _, err := svc.CreateUser(ctx, unet.NewUser{Name: u, Roles: []string{"viewer"}}); err != nil {
			t.Fatal(err)
		}
	}
	benTok, err := svc.CreateToken(ctx, unet.TokenRequest{User: "ben"})
	if err != nil {
		t.Fatal(err)
	}
	ann := unet.WithPrincipal(ctx, &unet.Principal{User: "ann", Permissions: []unet.Permission{unet.PermTokensRead, unet.PermTokensWrite}})
	if _, err := svc.CreateToken(ann, unet.TokenRequest{User: "ann"}); err != nil {
		t.Fatal(err)
	}
	_, err = svc.CreateToken(ann, unet.TokenRequest{User: "ben"})
	mustCode(t, err, unet.EFORBIDDEN)
	mustCode(t, svc.RevokeToken(ann, benTok.ID), unet.EFORBIDDEN)
	_, err = svc.ListTokens(ann, "ben")
	mustCode(t, err, unet.EFORBIDDEN)
	own, err := svc.ListTokens(ann, "")
	if err != nil || len(own) != 1 || own[0].User != "ann" {
		t.Fatalf("own tokens: %+v %v", own, err)
	}
}

// TestTokenSecretNotStored: the token secret appears nowhere in the
// database: not in SQLite's main file, not in its write-ahead log, not in
// any text column of PostgreSQL.
func TestTokenSecretNotStored(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			url := dbURL(t, engine)
			ctx := context.Background()
			db, err := sqlstore.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			svc := service.New(db)
			identityService(t, svc)
			if _, err := svc.CreateUser(actx(), unet.NewUser{Name: "ci", Roles: []string{"viewer"}}); err != nil {
				t.Fatal(err)
			}
			tok, err := svc.CreateToken(actx(), unet.TokenRequest{User: "ci", Description: "pipeline"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.AuthenticateToken(ctx, tok.Token, loopback); err != nil {
				t.Fatal(err)
			}
			_, secret, _ := auth.ParseToken(tok.Token)
			needles := [][]byte{[]byte(secret), []byte(strings.ToUpper(secret)), []byte(tok.Token), []byte(secret[:26])}
			if engine == sqlstore.SQLite {
				file := strings.TrimPrefix(url, "sqlite://")
				found := 0
				for _, f := range []string{file, file + "-wal"} {
					b, err := os.ReadFile(f)
					if err != nil {
						if f == file {
							t.Fatal(err)
						}
						continue
					}
					found++
					for _, n := range needles {
						if bytes.Contains(b, n) {
							t.Fatalf("%s holds the token secret", f)
						}
					}
				}
				if _, err := os.Stat(file + "-wal"); err != nil {
					t.Fatalf("no WAL file to check: %v", err)
				}
				if !bytesInFiles(t, []string{file, file + "-wal"}, []byte(tok.ID)) {
					t.Fatal("the check is blind: the token id is in neither file")
				}
				return
			}
			rows, err := db.SQL().QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
				WHERE table_schema = ANY (current_schemas(false)) AND data_type IN ('text', 'character varying', 'bytea', 'json', 'jsonb')`)
			if err != nil {
				t.Fatal(err)
			}
			var cols [][2]string
			for rows.Next() {
				var tb, col string
				if err := rows.Scan(&tb, &col); err != nil {
					t.Fatal(err)
				}
				cols = append(cols, [2]string{tb, col})
			}
			rows.Close()
			if len(cols) < 20 {
				t.Fatalf("only %d text columns found", len(cols))
			}
			sawID := false
			for _, c := range cols {
				var n int
				q := `SELECT COUNT(*) FROM "` + c[0] + `" WHERE position($1 in lower("` + c[1] + `"::text)) > 0`
				if err := db.SQL().QueryRowContext(ctx, q, secret[:26]).Scan(&n); err != nil {
					t.Fatalf("%s.%s: %v", c[0], c[1], err)
				}
				if n > 0 {
					t.Fatalf("%s.%s holds the token secret", c[0], c[1])
				}
				if err := db.SQL().QueryRowContext(ctx, q, tok.ID).Scan(&n); err != nil {
					t.Fatal(err)
				}
				sawID = sawID || n > 0
			}
			if !sawID {
				t.Fatal("the check is blind: the token id is in no column")
			}
		})
	}
}

func bytesInFiles(t *testing.T, files []string, needle []byte) bool {
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err == nil && bytes.Contains(b, needle) {
			return true
		}
	}
	return false
}

// TestLastAdminKept: through the API the last enabled admin can be neither
// disabled, removed nor demoted; the local path can, and recovers access.
func TestLastAdminKept(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		identityService(t, svc)
		ctx := actx()
		for _, u := range []unet.NewUser{{Name: "ada", Roles: []string{"admin"}}, {Name: "vic", Roles: []string{"viewer"}}} {
			if _, err := svc.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		api := unet.WithPrincipal(ctx, &unet.Principal{User: "ada", Permissions: unet.GrantablePermissions()})
		_, err := svc.SetUserDisabled(api, "ada", true)
		mustCode(t, err, unet.ECONFLICT)
		mustCode(t, svc.RemoveUser(api, "ada"), unet.ECONFLICT)
		_, err = svc.RevokeRole(api, "ada", "admin")
		mustCode(t, err, unet.ECONFLICT)
		if _, err := svc.SetUserDisabled(api, "vic", true); err != nil {
			t.Fatalf("disabling a non-admin: %v", err)
		}
		if _, err := svc.GrantRole(api, "vic", unet.Grant{Role: "admin"}); err != nil {
			t.Fatal(err)
		}
		// vic is an admin but disabled: still no other enabled admin.
		_, err = svc.RevokeRole(api, "ada", "admin")
		mustCode(t, err, unet.ECONFLICT)
		if _, err := svc.SetUserDisabled(api, "vic", false); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RevokeRole(api, "ada", "admin"); err != nil {
			t.Fatalf("another admin exists: %v", err)
		}
		// The local path may remove the last admin.
		if err := svc.RemoveUser(ctx, "vic"); err != nil {
			t.Fatal(err)
		}
	})
}
