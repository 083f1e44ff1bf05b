package cli_test

import (
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

// TestGitSyncUnresolvableCredentialIsInvalid: a Git source whose credential
// reference names an unset variable fails to sync with exit 66 (a
// configuration error), not 75 (temporarily unavailable).
func TestGitSyncUnresolvableCredentialIsInvalid(t *testing.T) {
	r := newRunner(t)
	repo := testutil.NewGitRepo(t, "net")
	repo.Commit("main", "baseline", map[string]string{"base.rules": gitRule("base")})
	srv := testutil.ServeGitHTTP(t, repo.Root, "alice", "secret")
	r.ok("git", "sources", "add", "net", "--url", srv.RepoURL(repo), "--branch", "main", "--kind", "policies",
		"--username", "alice", "--auth", "env:UNET_GIT_TEST_UNSET_TOKEN")
	r.fails(66, []string{"UNET_GIT_TEST_UNSET_TOKEN", "not set"}, "git", "sync")
}
