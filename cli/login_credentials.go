package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// credentials are what `unet login` stores for one server, in a file of
// the user's config directory readable by the user only.
type credentials struct {
	Server       string    `json:"server"`
	AccessToken  string    `json:"access_token"` // the bearer sent to the server
	RefreshToken string    `json:"refresh_token,omitempty"`
	ExpiresAt    time.Time `json:"expires_at,omitzero"`
	Kind         string    `json:"kind"` // "oidc"
	// Issuer and ClientID let a later refresh reach the issuer.
	Issuer   string `json:"issuer,omitempty"`
	ClientID string `json:"client_id,omitempty"`
	User     string `json:"user,omitempty"`
}

// credentialsDir is where credentials are kept: $XDG_CONFIG_HOME/unet/
// credentials, else ~/.config/unet/credentials (UNET_CREDENTIALS_DIR
// overrides both).
func (a *app) credentialsDir() (string, error) {
	if d := a.env.Getenv("UNET_CREDENTIALS_DIR"); d != "" {
		return d, nil
	}
	base := a.env.Getenv("XDG_CONFIG_HOME")
	if base == "" {
		home := a.env.Getenv("HOME")
		if home == "" {
			return "", usagef("no place for credentials: set HOME, XDG_CONFIG_HOME or UNET_CREDENTIALS_DIR")
		}
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "unet", "credentials"), nil
}

// credentialsFile names the file of a server: its URL with every character
// but letters, digits, '.' and '-' replaced by '_'.
func credentialsFile(dir, server string) string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '_'
	}, strings.TrimSuffix(server, "/"))
	return filepath.Join(dir, name+".json")
}

// saveCredentials writes c atomically with mode 0600, in a directory of mode
// 0700.
func (a *app) saveCredentials(c credentials) (string, error) {
	dir, err := a.credentialsDir()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("credentials directory: %w", err)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return "", err
	}
	path := credentialsFile(dir, c.Server)
	f, err := os.CreateTemp(dir, ".credentials-*")
	if err != nil {
		return "", fmt.Errorf("credentials: %w", err)
	}
	tmp := f.Name()
	defer func() { _ = os.Remove(tmp) }() // gone after the rename; removes a failed write
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return "", fmt.Errorf("credentials: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		_ = f.Close()
		return "", fmt.Errorf("credentials: %w", err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return "", fmt.Errorf("credentials: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("credentials: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("credentials: %w", err)
	}
	return path, nil
}

// loadCredentials reads the stored credentials of server (nil, nil when
// there are none). A file others may read is refused.
func (a *app) loadCredentials(server string) (*credentials, error) {
	dir, err := a.credentialsDir()
	if err != nil {
		return nil, nil
	}
	path := credentialsFile(dir, server)
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, usagef("credentials file %s may be read by others (mode %04o): chmod 600 it or log in again", path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	var c credentials
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, usagef("credentials file %s is not valid JSON: log in again (%v)", path, err)
	}
	return &c, nil
}

// forgetSSO removes the single-sign-on credentials stored for server, or
// for every server with all, and returns the servers whose credentials were
// removed.
func (a *app) forgetSSO(server string, all bool) ([]string, error) {
	dir, err := a.credentialsDir()
	if err != nil {
		return nil, nil // no place for credentials: none stored
	}
	var files []string
	switch {
	case all:
		if files, err = filepath.Glob(filepath.Join(dir, "*.json")); err != nil {
			return nil, err
		}
	case server != "":
		files = []string{credentialsFile(dir, server)}
	}
	var gone []string
	for _, f := range files {
		name := server
		if all {
			name = strings.TrimSuffix(filepath.Base(f), ".json")
			var c credentials
			if b, err := os.ReadFile(f); err == nil && json.Unmarshal(b, &c) == nil && c.Server != "" {
				name = c.Server
			}
		}
		if err := os.Remove(f); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return gone, fmt.Errorf("credentials: %w", err)
		}
		gone = append(gone, name)
	}
	return gone, nil
}
