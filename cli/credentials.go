package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// credential is the session of one server as `unet login` stores it.
type credential struct {
	User             string    `json:"user"`
	AccessToken      string    `json:"access_token"`
	ExpiresAt        time.Time `json:"expires_at"`
	RefreshToken     string    `json:"refresh_token"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at"`
}

// credentialFile is the credentials file: one session per server URL.
type credentialFile struct {
	Servers map[string]credential `json:"servers"`
}

// credentialsPath is where sessions are stored: UNET_CREDENTIALS, else
// unet/credentials.json in the user's config directory ($XDG_CONFIG_HOME,
// else os.UserConfigDir: ~/.config on Linux, ~/Library/Application Support
// on macOS, %AppData% on Windows).
func (a *app) credentialsPath() (string, error) {
	if p := a.env.Getenv("UNET_CREDENTIALS"); p != "" {
		return p, nil
	}
	dir := a.env.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		d, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("no config directory for the credentials file (set UNET_CREDENTIALS): %w", err)
		}
		dir = d
	}
	return filepath.Join(dir, "unet", "credentials.json"), nil
}

// serverKey is the key of a server in the credentials file: its URL
// without a trailing slash.
func serverKey(url string) string { return strings.TrimRight(url, "/") }

// readCredentials reads the credentials file (empty when it does not
// exist). A file that group or others may read is refused, as ssh refuses
// such a private key: the tokens in it are credentials.
func readCredentials(path string) (*credentialFile, error) {
	cf := &credentialFile{Servers: map[string]credential{}}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cf, nil
	}
	if err != nil {
		return nil, fmt.Errorf("credentials file: %w", err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, unet.Errorf(unet.EINVALID, "credentials file %s has mode %04o: group or others may read it; run chmod 600 %s", path, perm, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("credentials file: %w", err)
	}
	if err := json.Unmarshal(b, cf); err != nil {
		return nil, unet.Errorf(unet.EINVALID, "credentials file %s is not valid JSON (remove it and log in again): %v", path, err)
	}
	if cf.Servers == nil {
		cf.Servers = map[string]credential{}
	}
	return cf, nil
}

// writeCredentials replaces the credentials file atomically: a temporary
// file of mode 0600 in a directory of mode 0700, renamed over the old one.
func writeCredentials(path string, cf *credentialFile) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("credentials directory: %w", err)
	}
	b, err := json.MarshalIndent(cf, "", "  ")
	if err != nil {
		return fmt.Errorf("encode credentials: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".credentials-*.json")
	if err != nil {
		return fmt.Errorf("credentials file: %w", err)
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			_ = os.Remove(name)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("credentials file: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("credentials file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("credentials file: %w", err)
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("credentials file: %w", err)
	}
	ok = true
	return nil
}

// lockCredentials takes the credentials file's lock (a lock file created
// exclusively) so that two commands refreshing the same session do not
// both spend its single-use refresh token: the second one would revoke the
// session. A lock older than staleLock is taken over (a crashed command).
func lockCredentials(ctx context.Context, path string) (func(), error) {
	const staleLock = 30 * time.Second
	lock := path + ".lock"
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("credentials directory: %w", err)
	}
	for {
		f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			_ = f.Close()
			return func() { _ = os.Remove(lock) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("credentials lock: %w", err)
		}
		if st, serr := os.Stat(lock); serr == nil && time.Since(st.ModTime()) > staleLock {
			_ = os.Remove(lock)
			continue
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// renewBefore is how long before its expiry an access token is renewed.
const renewBefore = 30 * time.Second

// sessionTokens is the token source of a stored session: it sends the
// access token, refreshes it shortly before it expires (and once after a
// 401), and stores every new pair.
type sessionTokens struct {
	path, server string
	refresher    unet.SessionService
	now          func() time.Time
	mu           sync.Mutex
	cur          credential
}

var _ httpapi.TokenSource = (*sessionTokens)(nil)

// Token returns the access token, refreshed when it is about to expire.
func (s *sessionTokens) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	cur := s.cur
	s.mu.Unlock()
	if s.now().Add(renewBefore).Before(cur.ExpiresAt) {
		return cur.AccessToken, nil
	}
	return s.Renew(ctx, cur.AccessToken)
}

// Renew refreshes the session unless another command already has (the
// stored access token differs from stale and is fresh).
func (s *sessionTokens) Renew(ctx context.Context, stale string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := lockCredentials(ctx, s.path)
	if err != nil {
		return "", err
	}
	defer unlock()
	cf, err := readCredentials(s.path)
	if err != nil {
		return "", err
	}
	c, ok := cf.Servers[s.server]
	if !ok {
		return "", unet.Errorf(unet.EUNAUTHORIZED, "not logged in to %s (logged out meanwhile): run unet login --server %s", s.server, s.server)
	}
	if c.AccessToken != stale && s.now().Add(renewBefore).Before(c.ExpiresAt) {
		s.cur = c
		return c.AccessToken, nil
	}
	pair, err := s.refresher.Refresh(ctx, unet.RefreshRequest{RefreshToken: c.RefreshToken})
	if err != nil {
		if unet.ErrorCode(err) == unet.EUNAUTHORIZED {
			delete(cf.Servers, s.server)
			_ = writeCredentials(s.path, cf)
			return "", &unet.Error{Code: unet.EUNAUTHORIZED, Message: fmt.Sprintf("the session with %s has ended (%s): run unet login --server %s",
				s.server, err.Error(), s.server), Err: err}
		}
		return "", err
	}
	s.cur = credentialOf(pair, s.now())
	cf.Servers[s.server] = s.cur
	if err := writeCredentials(s.path, cf); err != nil {
		return "", err
	}
	return s.cur.AccessToken, nil
}

// credentialOf is the stored form of a token pair received at now.
func credentialOf(p *unet.TokenPair, now time.Time) credential {
	return credential{User: p.User, AccessToken: p.AccessToken, ExpiresAt: now.Add(time.Duration(p.ExpiresIn) * time.Second).UTC(),
		RefreshToken: p.RefreshToken, RefreshExpiresAt: now.Add(time.Duration(p.RefreshExpiresIn) * time.Second).UTC()}
}
