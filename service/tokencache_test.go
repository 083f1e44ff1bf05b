package service_test

import (
	"context"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// TestTokenCacheConcurrentChanges: while other goroutines verify a token
// over and over (filling the cache, racing with the change), disabling the
// owner or revoking the token through the service is in force for every
// verification that starts after the call returned. Both engines.
func TestTokenCacheConcurrentChanges(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		identityService(t, svc)
		ctx := actx()
		if _, err := svc.CreateUser(ctx, unet.NewUser{Name: "rita", Roles: []string{unet.RoleViewer}}); err != nil {
			t.Fatal(err)
		}
		tok, err := svc.CreateToken(ctx, unet.TokenRequest{User: "rita"})
		if err != nil {
			t.Fatal(err)
		}
		var stop atomic.Bool
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for !stop.Load() {
					// Either answer is right while a change is under way.
					_, _ = svc.AuthenticateToken(context.Background(), tok.Token, loopback)
				}
			})
		}
		defer func() {
			stop.Store(true)
			wg.Wait()
		}()
		verify := func(round int, want string) {
			t.Helper()
			for range 20 {
				_, err := svc.AuthenticateToken(context.Background(), tok.Token, loopback)
				if unet.ErrorCode(err) != want && (want != "" || err != nil) {
					t.Fatalf("round %d: %v, want %q", round, err, want)
				}
			}
		}
		for round := range 10 {
			verify(round, "")
			if _, err := svc.SetUserDisabled(ctx, "rita", true); err != nil {
				t.Fatal(err)
			}
			verify(round, unet.EUNAUTHORIZED)
			if _, err := svc.SetUserDisabled(ctx, "rita", false); err != nil {
				t.Fatal(err)
			}
		}
		verify(10, "")
		if err := svc.RevokeToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		verify(11, unet.EUNAUTHORIZED)
	})
}

// TestTokenCacheKeepsEveryCheck: a cached token is still refused from an
// address outside its allow-list, after its expiry, and with a wrong
// secret.
func TestTokenCacheKeepsEveryCheck(t *testing.T) {
	svc := newService(t, "sqlite")
	c := identityService(t, svc)
	ctx := actx()
	if _, err := svc.CreateUser(ctx, unet.NewUser{Name: "sam", Roles: []string{unet.RoleViewer}}); err != nil {
		t.Fatal(err)
	}
	exp := c.now().Add(service.TokenCacheTTL / 2)
	tok, err := svc.CreateToken(ctx, unet.TokenRequest{User: "sam", ExpiresAt: &exp, AllowIPs: []string{"127.0.0.0/8"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AuthenticateToken(context.Background(), tok.Token, loopback); err != nil {
		t.Fatal(err)
	}
	wrong := []byte(tok.Token)
	i := len(wrong) - 10
	if wrong[i] == 'a' {
		wrong[i] = 'b'
	} else {
		wrong[i] = 'a'
	}
	if _, err := svc.AuthenticateToken(context.Background(), string(wrong), loopback); unet.ErrorCode(err) != unet.EUNAUTHORIZED {
		t.Errorf("wrong secret of a cached token: %v", err)
	}
	if _, err := svc.AuthenticateToken(context.Background(), tok.Token, otherAddr); unet.ErrorCode(err) != unet.EUNAUTHORIZED {
		t.Errorf("cached token from outside its allow-list: %v", err)
	}
	c.add(service.TokenCacheTTL)
	if _, err := svc.AuthenticateToken(context.Background(), tok.Token, loopback); unet.ErrorCode(err) != unet.EUNAUTHORIZED {
		t.Errorf("cached token after its expiry: %v", err)
	}
}

// otherAddr is outside 127.0.0.0/8.
var otherAddr = netip.MustParseAddr("192.0.2.1")
