package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/sqlstore"
)

var _ unet.SecretService = (*Service)(nil)

// maxSecretSize bounds a stored secret: credentials are short.
const maxSecretSize = 64 << 10

// SecretsConfig is the secret configuration of a Service.
type SecretsConfig struct {
	// SNMPAllow is the operator's allow-list of references for SNMP
	// credentials (see secret.Options.Allow); nil means
	// secret.DefaultAllow(secret.UseSNMP) of the data directory, following
	// SetGitDataDir.
	SNMPAllow []string
	// GitAllow is the allow-list for Git credentials and webhook secrets;
	// nil means secret.DefaultAllow(secret.UseGit) of the data directory.
	GitAllow []string
	// Allow is a deprecated global allow-list: when the operator sets it,
	// its entries are allowed for every use, in addition to the per-use
	// lists.
	Allow []string
	// Deny lists references refused even when allowed; secret.DefaultDeny
	// is always added.
	Deny []string
	// Key encrypts and decrypts the secrets stored in the database; nil:
	// stored secrets can be neither set nor read.
	Key *secret.Key
	// PreviousKeys still decrypt values sealed before a key rotation (new
	// values are always sealed with Key).
	PreviousKeys []*secret.Key
	// LookupEnv reads environment variables (default os.LookupEnv).
	LookupEnv func(string) (string, bool)
}

// secretsState is the secret configuration of a Service.
type secretsState struct {
	mu  sync.Mutex
	cfg SecretsConfig
}

// SetSecrets configures how secret references are checked and resolved and
// the key of stored secrets. It fails on a malformed pattern.
func (s *Service) SetSecrets(cfg SecretsConfig) error {
	for _, list := range [][]string{cfg.Allow, cfg.SNMPAllow, cfg.GitAllow} {
		if _, err := secret.NewResolver(secret.Options{Allow: list, Deny: cfg.Deny}); err != nil {
			return &unet.Error{Code: unet.EINVALID, Message: err.Error(), Err: err}
		}
	}
	s.sec.mu.Lock()
	defer s.sec.mu.Unlock()
	s.sec.cfg = cfg
	return nil
}

// Secrets returns the resolver the service checks and resolves references
// of one use with (SNMP credentials, Git credentials), able to read db:NAME
// references when a key is configured. Its allow-list is the use's own list
// (the default of the use when the operator sets none) plus the global
// allow list when the operator sets one.
func (s *Service) Secrets(use secret.Use) *secret.Resolver {
	s.sec.mu.Lock()
	cfg := s.sec.cfg
	s.sec.mu.Unlock()
	var allow []string
	switch use {
	case secret.UseSNMP:
		allow = cfg.SNMPAllow
	case secret.UseGit:
		allow = cfg.GitAllow
	default:
		return nil
	}
	if allow == nil {
		allow = secret.DefaultAllow(use, s.GitDataDir())
	}
	allow = append(append([]string(nil), allow...), cfg.Allow...)
	r, err := secret.NewResolver(secret.Options{Allow: allow, Use: use, Deny: append(secret.DefaultDeny(), cfg.Deny...),
		LookupEnv: cfg.LookupEnv, DB: s.lookupSecret})
	if err != nil {
		// SetSecrets checked the patterns; only a data directory whose path
		// cannot be a pattern gets here, and a nil resolver refuses all.
		return nil
	}
	return r
}

// ResolveSecret resolves a webhook secret reference through the Git
// allow-list (for the webhook receiver of the HTTP API).
func (s *Service) ResolveSecret(ctx context.Context, ref string) (secret.Secret, error) {
	return s.Secrets(secret.UseGit).Resolve(ctx, ref)
}

// secretError gives a secret resolution error its code: a reference that
// cannot be resolved for a reason only a configuration change fixes (not a
// reference, outside the allow-list, unset variable, missing file, no stored
// secret, empty value, wrong secrets key, no secrets key) is invalid, never
// "temporarily unavailable"; anything else (a database that cannot be read, a
// cancelled request) keeps its own code. The message is err's own.
func secretError(err error) error {
	if err != nil && isSecretConfigError(err) {
		return &unet.Error{Code: unet.EINVALID, Message: err.Error(), Err: err}
	}
	return err
}

// isSecretConfigError reports whether err is a secret reference that cannot
// be resolved because of the configuration (see secretError).
func isSecretConfigError(err error) bool {
	if errors.Is(err, secret.ErrInvalidRef) || errors.Is(err, secret.ErrNotAllowed) || errors.Is(err, secret.ErrNotFound) ||
		errors.Is(err, secret.ErrEmpty) || errors.Is(err, secret.ErrWrongKey) {
		return true
	}
	var ue *unet.Error
	return errors.As(err, &ue) && ue.Code == unet.EINVALID
}

// checkRefs checks secret references about to be stored against the
// allow-list of their use; refs maps field names to references ("" fields
// are skipped). The messages never repeat a string that is not a
// reference.
func (s *Service) checkRefs(use secret.Use, fields []string, refs map[string]string) []unet.FieldError {
	r := s.Secrets(use)
	var fe []unet.FieldError
	for _, f := range fields {
		ref := refs[f]
		if ref == "" {
			continue
		}
		if err := r.Check(ref); err != nil {
			fe = append(fe, unet.FieldError{Field: f, Message: err.Error()})
		}
	}
	return fe
}

func (s *Service) secretsKey() (*secret.Keyring, error) {
	s.sec.mu.Lock()
	defer s.sec.mu.Unlock()
	if s.sec.cfg.Key == nil {
		return nil, unet.Errorf(unet.EINVALID, "no secrets key is configured: give --secrets-key env:NAME or file:PATH (or UNET_SECRETS_KEY, or key in the [secrets] section of the config file)")
	}
	return secret.NewKeyring(s.sec.cfg.Key, s.sec.cfg.PreviousKeys...), nil
}

// lookupSecret reads and decrypts a stored secret (db:NAME).
func (s *Service) lookupSecret(ctx context.Context, name string) (secret.Secret, error) {
	st, err := s.db.Reader().GetSecret(ctx, name)
	if err != nil {
		if unet.ErrorCode(err) == unet.ENOTFOUND {
			return "", fmt.Errorf("no stored secret %s (unet secrets set %s): %w", name, name, secret.ErrNotFound)
		}
		return "", err
	}
	key, err := s.secretsKey()
	if err != nil {
		return "", err
	}
	return key.Open(name, secret.Sealed{KeyID: st.KeyID, Nonce: st.Nonce, Ciphertext: st.Ciphertext})
}

// SetSecret stores value under name, encrypted with the secrets key.
func (s *Service) SetSecret(ctx context.Context, name string, value []byte, o unet.WriteOptions) (*unet.SecretInfo, error) {
	key, err := s.secretsKey()
	if err != nil {
		return nil, err
	}
	if !secret.ValidName(name) {
		return nil, unet.Invalid("invalid secret", unet.FieldError{Field: "name", Message: "use letters, digits, '.', '_' and '-' (at most 128), not starting with '.' or '-'"})
	}
	if len(value) == 0 {
		return nil, unet.Invalid("invalid secret", unet.FieldError{Field: "value", Message: "is empty"})
	}
	if len(value) > maxSecretSize {
		return nil, unet.Invalid("invalid secret", unet.FieldError{Field: "value", Message: fmt.Sprintf("is longer than %d bytes", maxSecretSize)})
	}
	sealed, err := key.Seal(name, secret.Secret(value))
	if err != nil {
		return nil, &unet.Error{Code: unet.EINTERNAL, Message: "encrypt secret " + name, Err: err}
	}
	m := s.mutation(ctx, o.Reason)
	var info unet.SecretInfo
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		st := &sqlstore.StoredSecret{Nonce: sealed.Nonce, Ciphertext: sealed.Ciphertext}
		st.Name, st.KeyID = name, sealed.KeyID
		st.CreatedAt, st.CreatedBy, st.UpdatedAt, st.UpdatedBy = m.now, m.actor, m.now, m.actor
		op := unet.OpCreate
		var before any
		if old, err := tx.Reader().GetSecret(ctx, name); err == nil {
			op, before = unet.OpUpdate, old.SecretInfo
			st.CreatedAt, st.CreatedBy = old.CreatedAt, old.CreatedBy
		} else if unet.ErrorCode(err) != unet.ENOTFOUND {
			return err
		}
		if err := tx.PutSecret(ctx, st); err != nil {
			return err
		}
		info = st.SecretInfo
		return m.record(ctx, tx, unet.KindSecret, name, name, op, before, info)
	})
	if err != nil {
		return nil, err
	}
	return &info, nil
}

// ListSecrets lists the stored secrets' metadata, never their values.
func (s *Service) ListSecrets(ctx context.Context) ([]unet.SecretInfo, error) {
	list, err := s.db.Reader().ListSecrets(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]unet.SecretInfo, len(list))
	for i := range list {
		out[i] = list[i].SecretInfo
	}
	return out, nil
}

// RemoveSecret deletes a stored secret. References to it fail from then on.
func (s *Service) RemoveSecret(ctx context.Context, name string, o unet.DeleteOptions) error {
	m := s.mutation(ctx, o.Reason)
	return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		old, err := tx.Reader().GetSecret(ctx, name)
		if err != nil {
			return err
		}
		if err := tx.DeleteSecret(ctx, name); err != nil {
			return err
		}
		return m.record(ctx, tx, unet.KindSecret, name, name, unet.OpDelete, old.SecretInfo, nil)
	})
}

// RotateSecretsKey re-encrypts every stored secret under newKey in one
// transaction: either every value moves to the new key or none does. Values
// are opened with the configured key or a previous one; values already
// under newKey are left alone, so the rotation can be run again. The
// service seals with newKey afterwards.
func (s *Service) RotateSecretsKey(ctx context.Context, newKey *secret.Key, o unet.WriteOptions) (*unet.SecretRotation, error) {
	if newKey == nil {
		return nil, unet.Errorf(unet.EINVALID, "no new secrets key given (--new-key env:NAME or file:PATH)")
	}
	old, err := s.secretsKey()
	if err != nil {
		return nil, err
	}
	res := &unet.SecretRotation{OldKeyID: old.Primary().ID(), NewKeyID: newKey.ID()}
	m := s.mutation(ctx, o.Reason)
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		list, err := tx.Reader().ListSecrets(ctx)
		if err != nil {
			return err
		}
		var wrong []string
		for _, st := range list {
			if st.KeyID == newKey.ID() {
				res.Unchanged++
				continue
			}
			v, err := old.Open(st.Name, secret.Sealed{KeyID: st.KeyID, Nonce: st.Nonce, Ciphertext: st.Ciphertext})
			if err != nil {
				if errors.Is(err, secret.ErrWrongKey) {
					wrong = append(wrong, fmt.Sprintf("%s (key %s)", st.Name, st.KeyID))
					continue
				}
				return err
			}
			sealed, err := newKey.Seal(st.Name, v)
			if err != nil {
				return &unet.Error{Code: unet.EINTERNAL, Message: "encrypt secret " + st.Name, Err: err}
			}
			if err := tx.ResealSecret(ctx, st.Name, sealed.KeyID, sealed.Nonce, sealed.Ciphertext); err != nil {
				return err
			}
			res.Reencrypted++
		}
		if len(wrong) > 0 {
			return &unet.Error{Code: unet.EINVALID, Err: secret.ErrWrongKey, Message: fmt.Sprintf(
				"nothing was re-encrypted: the current key %s cannot decrypt %s; give the key these were stored with as --secrets-key (or in [secrets] previous_keys)",
				old.Primary().ID(), strings.Join(wrong, ", "))}
		}
		return m.record(ctx, tx, unet.KindSecret, "*", "secrets key", unet.OpUpdate,
			map[string]string{"key_id": old.Primary().ID()}, map[string]any{"key_id": newKey.ID(), "reencrypted": res.Reencrypted})
	})
	if err != nil {
		return nil, err
	}
	s.sec.mu.Lock()
	if s.sec.cfg.Key != nil && s.sec.cfg.Key.ID() != newKey.ID() {
		s.sec.cfg.PreviousKeys = append([]*secret.Key{s.sec.cfg.Key}, s.sec.cfg.PreviousKeys...)
	}
	s.sec.cfg.Key = newKey
	s.sec.mu.Unlock()
	return res, nil
}
