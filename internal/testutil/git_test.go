package testutil

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestGitRepoCommitAndForceReset(t *testing.T) {
	r := NewGitRepo(t, "demo")
	first := r.Commit("main", "first", map[string]string{"a.txt": "one\n", "dir/b.txt": "two\n"})
	if got := r.Head("main"); got != first {
		t.Fatalf("head of main = %q, want %q", got, first)
	}
	second := r.Commit("main", "second", map[string]string{"a.txt": "uno\n"}, "dir/b.txt")
	if got := r.Show(second, "a.txt"); got != "uno" {
		t.Fatalf("a.txt at second = %q", got)
	}
	if out := r.BareGit("ls-tree", "-r", "--name-only", second); strings.Contains(out, "b.txt") {
		t.Fatalf("dir/b.txt still present: %s", out)
	}
	staging := r.Commit("staging", "on staging", map[string]string{"s.txt": "s\n"})
	if parent := r.BareGit("rev-parse", staging+"^"); parent != second {
		t.Fatalf("staging starts at %s, want main %s", parent, second)
	}
	rewritten := r.ForceReset("main", first, "rewritten", map[string]string{"c.txt": "c\n"})
	if got := r.Head("main"); got != rewritten {
		t.Fatalf("head after force reset = %q, want %q", got, rewritten)
	}
	if r.Head("nope") != "" {
		t.Fatal("missing branch has a head")
	}
}

func TestServeGitHTTP(t *testing.T) {
	r := NewGitRepo(t, "served")
	tip := r.Commit("main", "first", map[string]string{"a.txt": "one\n"})
	r.EnableHTTPPush()
	srv := ServeGitHTTP(t, r.Root, "", "")

	clone := filepath.Join(t.TempDir(), "clone")
	git := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = gitEnv(t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git(t.TempDir(), "clone", "--quiet", srv.RepoURL(r), clone)
	if got := git(clone, "rev-parse", "HEAD"); got != tip {
		t.Fatalf("cloned HEAD = %s, want %s", got, tip)
	}
	git(clone, "commit", "--quiet", "--allow-empty", "-m", "pushed over http")
	git(clone, "push", "--quiet", "origin", "HEAD:refs/heads/main")
	if got, want := r.Head("main"), git(clone, "rev-parse", "HEAD"); got != want {
		t.Fatalf("bare head after HTTP push = %s, want %s", got, want)
	}
}

func TestServeGitHTTPBasicAuth(t *testing.T) {
	r := NewGitRepo(t, "private")
	r.Commit("main", "first", map[string]string{"a.txt": "one\n"})
	srv := ServeGitHTTP(t, r.Root, "bob", "s3cret")
	url := srv.RepoURL(r) + "/info/refs?service=git-upload-pack"

	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous request: status %d, want 401", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.SetBasicAuth("bob", "s3cret")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("authenticated request: status %d, want 200", resp.StatusCode)
	}
}

func TestServeGitSSHWithOpenSSHClient(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Fatalf("the OpenSSH client is required for this test: install it with `apt-get install -y openssh-client`")
	}
	r := NewGitRepo(t, "over-ssh")
	tip := r.Commit("main", "first", map[string]string{"a.txt": "one\n"})
	key, pub := NewSSHKey(t)
	srv := ServeGitSSH(t, r.Root, pub)

	dir := t.TempDir()
	keyFile, khFile := filepath.Join(dir, "id"), filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(keyFile, []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(khFile, []byte(srv.KnownHosts+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	clone := filepath.Join(dir, "clone")
	cmd := exec.Command("git", "clone", "--quiet", srv.RepoURL(r), clone)
	cmd.Env = append(gitEnv(dir), "GIT_SSH_COMMAND=ssh -F /dev/null -i "+keyFile+" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="+khFile)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("clone over ssh: %v\n%s", err, out)
	}
	head, err := os.ReadFile(filepath.Join(clone, "a.txt"))
	if err != nil || string(head) != "one\n" {
		t.Fatalf("cloned content %q %v (tip %s)", head, err, tip)
	}
}
