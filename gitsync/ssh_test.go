package gitsync

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

func TestSyncAndPromoteOverSSHWithKnownHosts(t *testing.T) {
	r, first := newRepo(t)
	r.Branch("production", first)
	staged := r.Commit("staging", "staging work", map[string]string{"core.rules": "# staged\n"})
	key, pub := testutil.NewSSHKey(t)
	srv := testutil.ServeGitSSH(t, r.Root, pub)

	s, err := New(Options{
		AllowLocalURLs: true,
		DataDir:        t.TempDir(),
		Validators:     map[Kind]Validator{KindPolicies: lineValidator},
		Secrets: func(_ context.Context, ref string) (string, error) {
			if ref == "vault:deploy-key" {
				return key, nil
			}
			return "", errors.New("unknown secret")
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	src := testSource(srv.RepoURL(r))
	src.Environments = map[string]string{"staging": "staging", "production": "production"}
	src.Auth = &Auth{SSHKeyRef: "vault:deploy-key", KnownHosts: srv.KnownHosts}

	res := mustSync(t, s, src)
	if e := envResult(t, res, "staging"); e.Outcome != OutcomeActivated || e.Commit != staged {
		t.Fatalf("sync over ssh: %+v", e)
	}
	pr, err := s.Promote(context.Background(), src, "staging", "production", PromoteOptions{})
	if err != nil || pr.Kind != PromoteFastForward || r.Head("production") != staged {
		t.Fatalf("promote over ssh: %+v %v", pr, err)
	}

	// A server whose host key is not the known one is refused.
	other := testutil.ServeGitSSH(t, r.Root, pub)
	bad := src
	bad.Name, bad.URL = "wrong-host-key", other.RepoURL(r)
	bad.Auth = &Auth{SSHKeyRef: "vault:deploy-key", KnownHosts: strings.Replace(srv.KnownHosts, srv.Addr, other.Addr, 1)}
	if _, err := s.Sync(context.Background(), bad, SyncOptions{}); err == nil || IsRetryable(err) {
		t.Fatalf("sync with mismatching host key: err = %v, want a permanent error", err)
	}
	// SSH without known_hosts is refused before connecting.
	bad.Auth = &Auth{SSHKeyRef: "vault:deploy-key"}
	if _, err := s.Sync(context.Background(), bad, SyncOptions{}); err == nil || !strings.Contains(err.Error(), "known_hosts") {
		t.Fatalf("sync without known_hosts: err = %v", err)
	}
	// A key the server does not accept.
	otherKey, _ := testutil.NewSSHKey(t)
	s.secrets = func(context.Context, string) (string, error) { return otherKey, nil }
	bad.URL, bad.Auth = srv.RepoURL(r), &Auth{SSHKeyRef: "vault:other", KnownHosts: srv.KnownHosts}
	if _, err := s.Sync(context.Background(), bad, SyncOptions{}); err == nil || IsRetryable(err) {
		t.Fatalf("sync with an unauthorised key: err = %v, want a permanent error", err)
	}
}
