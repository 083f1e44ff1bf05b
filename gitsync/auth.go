package gitsync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"

	"github.com/unet-dev/unet/secret"
)

// SecretResolver returns the value a secret reference stands for. μNet
// passes its secret store; the Syncer never stores or logs the values.
type SecretResolver func(ctx context.Context, ref string) (string, error)

// errSecret marks failures to resolve credentials (a configuration problem,
// not worth retrying).
var errSecret = errors.New("credentials")

// authMethod builds the go-git authentication for src, resolving secret
// references with resolve. It returns nil for anonymous access.
func (s *Syncer) authMethod(ctx context.Context, src Source) (transport.AuthMethod, error) {
	a := src.Auth
	if a == nil || (a.PasswordRef == "" && a.TokenRef == "" && a.SSHKeyRef == "") {
		return nil, nil
	}
	ep, err := transport.NewEndpoint(src.URL)
	if err != nil {
		return nil, fmt.Errorf("%w: parse url of source %s: %v", errSecret, src.Name, err)
	}
	get := func(ref string) (string, error) {
		if ref == "" {
			return "", nil
		}
		if s.secrets == nil {
			return "", fmt.Errorf("%w: source %s references secret %s but no secret resolver is configured", errSecret, src.Name, secret.Describe(ref))
		}
		v, err := s.secrets(ctx, ref)
		if err != nil {
			return "", fmt.Errorf("%w: resolve secret %s of source %s: %w", errSecret, secret.Describe(ref), src.Name, err)
		}
		return v, nil
	}
	switch ep.Protocol {
	case "http", "https":
		if a.SSHKeyRef != "" {
			return nil, fmt.Errorf("%w: source %s: an SSH key cannot authenticate an %s URL", errSecret, src.Name, ep.Protocol)
		}
		ref, user := a.PasswordRef, a.Username
		if ref == "" {
			ref = a.TokenRef
			if user == "" {
				user = "x-access-token"
			}
		}
		secret, err := get(ref)
		if err != nil {
			return nil, err
		}
		return &githttp.BasicAuth{Username: user, Password: secret}, nil
	case "ssh":
		if a.SSHKeyRef == "" {
			return nil, fmt.Errorf("%w: source %s: an ssh URL needs an SSH key reference", errSecret, src.Name)
		}
		if strings.TrimSpace(a.KnownHosts) == "" {
			return nil, fmt.Errorf("%w: source %s: ssh needs known_hosts entries for the server (host keys are always checked)", errSecret, src.Name)
		}
		key, err := get(a.SSHKeyRef)
		if err != nil {
			return nil, err
		}
		pass, err := get(a.SSHPassphraseRef)
		if err != nil {
			return nil, err
		}
		user := a.Username
		if user == "" {
			user = ep.User
		}
		if user == "" {
			user = "git"
		}
		pk, err := gitssh.NewPublicKeys(user, []byte(key), pass)
		if err != nil {
			return nil, fmt.Errorf("%w: source %s: parse SSH key: %v", errSecret, src.Name, err)
		}
		cb, err := s.knownHosts(a.KnownHosts)
		if err != nil {
			return nil, fmt.Errorf("%w: source %s: known_hosts: %v", errSecret, src.Name, err)
		}
		pk.HostKeyCallback = cb
		return pk, nil
	default:
		return nil, fmt.Errorf("%w: source %s: credentials are not used with %s remotes", errSecret, src.Name, ep.Protocol)
	}
}

// knownHosts parses known_hosts content into a host key callback. The
// parser reads files only, so the content goes through a short-lived file.
func (s *Syncer) knownHosts(content string) (ssh.HostKeyCallback, error) {
	f, err := os.CreateTemp(s.tmpDir(), "known_hosts-*")
	if err != nil {
		return nil, err
	}
	// Best-effort removal: the file is read once below and is useless after.
	defer func() { _ = os.Remove(f.Name()) }()
	if _, err := f.WriteString(content + "\n"); err != nil {
		return nil, errors.Join(err, f.Close())
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	db, err := gitssh.NewKnownHostsDb(f.Name())
	if err != nil {
		return nil, err
	}
	return db.HostKeyCallback(), nil
}
