package testutil

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Identity of the commits made by test repositories.
const (
	GitAuthorName  = "Unet Test"
	GitAuthorEmail = "test@unet.example"
)

// GitRepo is a bare Git repository created for a test, together with a
// private work tree used to make commits and push them into the bare
// repository, as a developer would.
type GitRepo struct {
	// Root is the directory holding the bare repository (serve it with
	// ServeGitHTTP to reach the repository over HTTP).
	Root string
	// Name is the directory name of the bare repository inside Root
	// ("NAME.git").
	Name string
	// Bare is the path of the bare repository.
	Bare string
	// Work is the path of the work tree that commits are made in.
	Work string

	t    testing.TB
	home string
}

// GitBin returns the path of the git command; the test fails with
// installation advice when it is missing.
func GitBin(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("git")
	if err != nil {
		t.Fatalf("git is required for this test: install it with `apt-get install -y git`")
	}
	return bin
}

// NewGitRepo creates an empty bare repository NAME.git under t.TempDir()
// (default branch main) and a work tree cloned from it.
func NewGitRepo(t testing.TB, name string) *GitRepo {
	t.Helper()
	GitBin(t)
	base := t.TempDir()
	r := &GitRepo{
		Root: filepath.Join(base, "srv"),
		Name: name + ".git",
		Work: filepath.Join(base, "work"),
		home: filepath.Join(base, "home"),
		t:    t,
	}
	r.Bare = filepath.Join(r.Root, r.Name)
	for _, d := range []string{r.Root, r.home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatalf("create %s: %v", d, err)
		}
	}
	r.run(base, "init", "--quiet", "--bare", "--initial-branch=main", r.Bare)
	r.run(base, "clone", "--quiet", r.Bare, r.Work)
	return r
}

// URL returns the file:// URL of the bare repository.
func (r *GitRepo) URL() string { return "file://" + filepath.ToSlash(r.Bare) }

// Git runs git with args in the work tree and returns its trimmed standard
// output; the test fails when git fails.
func (r *GitRepo) Git(args ...string) string {
	r.t.Helper()
	return r.run(r.Work, args...)
}

// BareGit runs git with args in the bare repository and returns its trimmed
// standard output; the test fails when git fails.
func (r *GitRepo) BareGit(args ...string) string {
	r.t.Helper()
	return r.run(r.Bare, args...)
}

// Commit writes files (path → content) and removes the paths in remove on
// branch, commits with message, pushes the branch to the bare repository and
// returns the new commit hash. A branch that does not exist yet starts from
// main when main exists, else as the first commit of the repository.
func (r *GitRepo) Commit(branch, message string, files map[string]string, remove ...string) string {
	r.t.Helper()
	r.checkout(branch)
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		full := filepath.Join(r.Work, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			r.t.Fatalf("create directory of %s: %v", p, err)
		}
		if err := os.WriteFile(full, []byte(files[p]), 0o644); err != nil {
			r.t.Fatalf("write %s: %v", p, err)
		}
		r.Git("add", "--", p)
	}
	for _, p := range remove {
		r.Git("rm", "--quiet", "--", p)
	}
	r.Git("commit", "--quiet", "--allow-empty", "-m", message)
	r.Git("push", "--quiet", "origin", "HEAD:refs/heads/"+branch)
	return r.Git("rev-parse", "HEAD")
}

// Branch creates (or moves) branch in the bare repository to point at rev
// (a branch name or commit of the bare repository).
func (r *GitRepo) Branch(branch, rev string) {
	r.t.Helper()
	r.BareGit("branch", "--force", branch, rev)
}

// ForceReset rewrites the history of branch upstream: it resets the branch to
// rev and commits files on top, force-pushes, and returns the new tip.
func (r *GitRepo) ForceReset(branch, rev, message string, files map[string]string) string {
	r.t.Helper()
	r.checkout(branch)
	r.Git("reset", "--quiet", "--hard", rev)
	for p, content := range files {
		full := filepath.Join(r.Work, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			r.t.Fatalf("create directory of %s: %v", p, err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			r.t.Fatalf("write %s: %v", p, err)
		}
		r.Git("add", "--", p)
	}
	r.Git("commit", "--quiet", "--allow-empty", "-m", message)
	r.Git("push", "--quiet", "--force", "origin", "HEAD:refs/heads/"+branch)
	return r.Git("rev-parse", "HEAD")
}

// Head returns the commit branch points at in the bare repository, or "" when
// the branch does not exist.
func (r *GitRepo) Head(branch string) string {
	r.t.Helper()
	out, err := r.exec(r.Bare, "rev-parse", "--verify", "--quiet", "refs/heads/"+branch)
	if err != nil {
		return ""
	}
	return out
}

// Show returns the content of path at rev in the bare repository.
func (r *GitRepo) Show(rev, path string) string {
	r.t.Helper()
	return r.BareGit("show", rev+":"+path)
}

// EnableHTTPPush allows pushing to the bare repository through
// git http-backend without authentication (http.receivepack = true).
func (r *GitRepo) EnableHTTPPush() {
	r.t.Helper()
	r.BareGit("config", "http.receivepack", "true")
}

func (r *GitRepo) checkout(branch string) {
	r.t.Helper()
	r.Git("fetch", "--quiet", "--prune", "origin")
	switch {
	case r.remoteHas(branch):
		r.Git("checkout", "--quiet", "-B", branch, "origin/"+branch)
	case r.remoteHas("main"):
		r.Git("checkout", "--quiet", "-B", branch, "origin/main")
	default:
		r.Git("checkout", "--quiet", "--orphan", branch)
	}
}

func (r *GitRepo) remoteHas(branch string) bool {
	_, err := r.exec(r.Work, "rev-parse", "--verify", "--quiet", "refs/remotes/origin/"+branch)
	return err == nil
}

func (r *GitRepo) run(dir string, args ...string) string {
	r.t.Helper()
	out, err := r.exec(dir, args...)
	if err != nil {
		r.t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func (r *GitRepo) exec(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(r.home)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", &gitError{err: err, stderr: strings.TrimSpace(stderr.String())}
	}
	return strings.TrimSpace(stdout.String()), nil
}

type gitError struct {
	err    error
	stderr string
}

func (e *gitError) Error() string { return e.err.Error() + ": " + e.stderr }

// gitEnv isolates git from the configuration of the machine running the
// tests and fixes the commit identity.
func gitEnv(home string) []string {
	env := []string{
		"HOME=" + home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + filepath.Join(home, ".gitconfig"),
		"GIT_AUTHOR_NAME=" + GitAuthorName,
		"GIT_AUTHOR_EMAIL=" + GitAuthorEmail,
		"GIT_COMMITTER_NAME=" + GitAuthorName,
		"GIT_COMMITTER_EMAIL=" + GitAuthorEmail,
		"GIT_TERMINAL_PROMPT=0",
	}
	for _, k := range []string{"PATH", "TMPDIR", "LANG"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// GitHTTPServer serves the bare repositories of a directory over HTTP with
// git http-backend (smart HTTP protocol) on a random loopback port.
type GitHTTPServer struct {
	// URL is the base URL; a repository NAME.git is at URL + "/NAME.git".
	URL string
}

// RepoURL returns the HTTP URL of repo (which must live in the served root).
func (s *GitHTTPServer) RepoURL(repo *GitRepo) string { return s.URL + "/" + repo.Name }

// ServeGitHTTP serves every bare repository under root with git http-backend
// behind net/http/cgi on 127.0.0.1 and a random port, until the test ends.
// Pushing needs EnableHTTPPush on the repository. When user is not empty,
// every request must carry HTTP basic credentials user:password.
func ServeGitHTTP(t testing.TB, root, user, password string) *GitHTTPServer {
	t.Helper()
	GitBin(t)
	execPath, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Fatalf("git --exec-path: %v", err)
	}
	backend := filepath.Join(strings.TrimSpace(string(execPath)), "git-http-backend")
	if _, err := os.Stat(backend); err != nil {
		t.Fatalf("git-http-backend not found at %s: install git with `apt-get install -y git`", backend)
	}
	env := []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + t.TempDir()}
	var h http.Handler = &cgi.Handler{Path: backend, Root: "/", Env: env, Stderr: io.Discard}
	if user != "" {
		inner := h
		h = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			u, p, ok := req.BasicAuth()
			if !ok || u != user || p != password {
				w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
				http.Error(w, "authentication required", http.StatusUnauthorized)
				return
			}
			inner.ServeHTTP(w, req)
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on loopback: %v", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	// Serve returns http.ErrServerClosed once the cleanup closes the server;
	// closing a test server at the end loses nothing.
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return &GitHTTPServer{URL: "http://" + ln.Addr().String()}
}

// GitSSHServer serves the bare repositories of a directory over SSH on a
// random loopback port: an in-process SSH server (golang.org/x/crypto/ssh)
// that accepts one client key and runs the real git-upload-pack /
// git-receive-pack for each session.
type GitSSHServer struct {
	// Addr is "127.0.0.1:port".
	Addr string
	// HostKey is the server's public host key.
	HostKey ssh.PublicKey
	// KnownHosts is the known_hosts line accepting HostKey for Addr.
	KnownHosts string
}

// RepoURL returns the ssh:// URL of repo (which must live in the served
// root).
func (s *GitSSHServer) RepoURL(repo *GitRepo) string {
	return "ssh://git@" + s.Addr + "/" + repo.Name
}

// NewSSHKey returns a new ed25519 key pair: the private key in OpenSSH PEM
// format and the public key.
func NewSSHKey(t testing.TB) (string, ssh.PublicKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatalf("marshal key: %v", err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatalf("public key: %v", err)
	}
	return string(pem.EncodeToMemory(block)), sshPub
}

// ServeGitSSH serves every bare repository under root over SSH on 127.0.0.1
// and a random port until the test ends. Only clients authenticating with
// authorized are accepted. Pushing works without further configuration.
func ServeGitSSH(t testing.TB, root string, authorized ssh.PublicKey) *GitSSHServer {
	t.Helper()
	GitBin(t)
	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("generate host key: %v", err)
	}
	signer, err := ssh.NewSignerFromKey(hostPriv)
	if err != nil {
		t.Fatalf("host key: %v", err)
	}
	want := authorized.Marshal()
	cfg := &ssh.ServerConfig{
		PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if bytes.Equal(key.Marshal(), want) {
				return nil, nil
			}
			return nil, errors.New("unknown key")
		},
	}
	cfg.AddHostKey(signer)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on loopback: %v", err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		_ = ln.Close() // ends the accept loop; nothing to lose
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				serveSSHConn(conn, cfg, root)
			}()
		}
	}()
	addr := ln.Addr().String()
	return &GitSSHServer{
		Addr:       addr,
		HostKey:    signer.PublicKey(),
		KnownHosts: knownhosts.Line([]string{knownhosts.Normalize(addr)}, signer.PublicKey()),
	}
}

// serveSSHConn answers one connection as well as it can: a client that went
// away is the test's failure to report, so write and close errors on the
// connection are discarded here and in serveSSHSession.
func serveSSHConn(conn net.Conn, cfg *ssh.ServerConfig, root string) {
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Minute))
	_, chans, reqs, err := ssh.NewServerConn(conn, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, chReqs, err := nc.Accept()
		if err != nil {
			return
		}
		go serveSSHSession(ch, chReqs, root)
	}
}

// serveSSHSession runs the git service named by the session's exec request
// ("git-upload-pack '/NAME.git'") on the repository under root.
func serveSSHSession(ch ssh.Channel, reqs <-chan *ssh.Request, root string) {
	defer func() { _ = ch.Close() }()
	for req := range reqs {
		if req.Type != "exec" {
			_ = req.Reply(false, nil)
			continue
		}
		var payload struct{ Command string }
		if err := ssh.Unmarshal(req.Payload, &payload); err != nil {
			_ = req.Reply(false, nil)
			return
		}
		service, arg, _ := strings.Cut(payload.Command, " ")
		repo := filepath.Join(root, filepath.Clean("/"+strings.Trim(arg, "'\"")))
		if service != "git-upload-pack" && service != "git-receive-pack" {
			_ = req.Reply(false, nil)
			return
		}
		_ = req.Reply(true, nil)
		cmd := exec.Command("git", strings.TrimPrefix(service, "git-"), repo)
		cmd.Env = gitEnv(os.TempDir())
		cmd.Stdout, cmd.Stderr = ch, ch.Stderr()
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return
		}
		status := uint32(0)
		if err := cmd.Start(); err != nil {
			return
		}
		// Not waited for: Wait closes stdin when git exits.
		go func() {
			_, _ = io.Copy(stdin, ch)
			_ = stdin.Close()
		}()
		if err := cmd.Wait(); err != nil {
			status = 1
		}
		_ = ch.CloseWrite()
		_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{status}))
		return
	}
}
