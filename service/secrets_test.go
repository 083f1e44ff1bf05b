package service_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/service"
)

func testKey(t *testing.T, b byte) *secret.Key {
	t.Helper()
	k, err := secret.ParseKey(bytes.Repeat([]byte{b}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Stored secrets on both engines: set, replace, resolve through db:,
// rotate in one transaction (all or nothing), wrong key, remove.
func TestStoredSecrets(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		k1, k2, k3 := testKey(t, 1), testKey(t, 2), testKey(t, 3)
		if err := svc.SetSecrets(service.SecretsConfig{Key: k1}); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"", "-x", "a b", "../x", strings.Repeat("n", 129)} {
			_, err := svc.SetSecret(ctx, bad, []byte("v"), unet.WriteOptions{})
			mustCode(t, err, unet.EINVALID)
		}
		_, err := svc.SetSecret(ctx, "empty", nil, unet.WriteOptions{})
		mustCode(t, err, unet.EINVALID)
		first := ok(svc.SetSecret(ctx, "snmp-ro", []byte("public"), unet.WriteOptions{Reason: "lab"})).v(t)
		ok(svc.SetSecret(ctx, "git-token", []byte("ghp_token"), unet.WriteOptions{})).v(t)
		again := ok(svc.SetSecret(unet.WithActor(context.Background(), "other"), "snmp-ro", []byte("public2"), unet.WriteOptions{})).v(t)
		if again.CreatedBy != "tester" || again.UpdatedBy != "other" || !again.CreatedAt.Equal(first.CreatedAt) || again.KeyID != k1.ID() {
			t.Fatalf("replaced secret: %+v (first %+v)", again, first)
		}
		v, err := svc.Secrets(secret.UseSNMP).Resolve(ctx, "db:snmp-ro")
		if err != nil || v.Reveal() != "public2" {
			t.Fatalf("db:snmp-ro = %q, %v", v.Reveal(), err)
		}

		// A value sealed under another key makes the whole rotation fail.
		if err := svc.SetSecrets(service.SecretsConfig{Key: k3}); err != nil {
			t.Fatal(err)
		}
		ok(svc.SetSecret(ctx, "stray", []byte("x"), unet.WriteOptions{})).v(t)
		if err := svc.SetSecrets(service.SecretsConfig{Key: k1}); err != nil {
			t.Fatal(err)
		}
		_, err = svc.RotateSecretsKey(ctx, k2, unet.WriteOptions{})
		if !errors.Is(err, secret.ErrWrongKey) || !strings.Contains(err.Error(), "stray") {
			t.Fatalf("rotation with a stray value: %v", err)
		}
		for _, s := range ok(svc.ListSecrets(ctx)).v(t) {
			if s.Name != "stray" && s.KeyID != k1.ID() {
				t.Fatalf("a failed rotation changed %s: %+v", s.Name, s)
			}
		}
		if err := svc.RemoveSecret(ctx, "stray", unet.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}

		rot := ok(svc.RotateSecretsKey(ctx, k2, unet.WriteOptions{})).v(t)
		if rot.Reencrypted != 2 || rot.OldKeyID != k1.ID() || rot.NewKeyID != k2.ID() {
			t.Fatalf("rotation: %+v", rot)
		}
		if v, err := svc.ResolveSecret(ctx, "db:git-token"); err != nil || v.Reveal() != "ghp_token" {
			t.Fatalf("after rotation: %q %v", v.Reveal(), err)
		}
		if err := svc.SetSecrets(service.SecretsConfig{Key: k1}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ResolveSecret(ctx, "db:git-token"); !errors.Is(err, secret.ErrWrongKey) || !strings.Contains(err.Error(), k2.ID()) {
			t.Fatalf("old key after rotation: %v", err)
		}
		if err := svc.RemoveSecret(ctx, "git-token", unet.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		mustCode(t, svc.RemoveSecret(ctx, "git-token", unet.DeleteOptions{}), unet.ENOTFOUND)
		if _, err := svc.ResolveSecret(ctx, "db:git-token"); !errors.Is(err, secret.ErrNotFound) {
			t.Fatalf("removed secret: %v", err)
		}
		// The change log never holds a value.
		chs := ok(svc.ListChanges(ctx, unet.ChangeFilter{Object: "secret/snmp-ro"})).v(t)
		if len(chs.Items) != 2 {
			t.Fatalf("change rows of snmp-ro: %d", len(chs.Items))
		}
		all := ok(svc.ListChanges(ctx, unet.ChangeFilter{})).v(t)
		for _, c := range all.Items {
			if img := string(c.Before) + string(c.After); strings.Contains(img, "public") || strings.Contains(img, "ghp_") {
				t.Fatalf("change %s holds a value: %s", c.ID, img)
			}
		}
		// Nothing in the table is clear text.
		rows := ok(svc.DB().Reader().ListSecrets(ctx)).v(t)
		for _, r := range rows {
			if bytes.Contains(r.Ciphertext, []byte("public")) {
				t.Fatalf("stored clear text: %+v", r)
			}
		}
	})
}
