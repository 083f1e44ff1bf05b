package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"time"
)

// StoredSigningKey is a signing_keys row: a JWT signing key (Kid), its
// public half, and its private half sealed with the secrets key (KeyID
// names that key; Nonce and Ciphertext are the AES-GCM output).
type StoredSigningKey struct {
	Kid        string
	Algorithm  string
	KeyID      string
	Nonce      []byte
	Ciphertext []byte
	PublicKey  []byte
	CreatedAt  time.Time
	RetiredAt  *time.Time
}

const signingKeyCols = `id, algorithm, key_id, nonce, ciphertext, public_key, created_at, retired_at`

func scanSigningKey(s rowScanner) (*StoredSigningKey, error) {
	var k StoredSigningKey
	var nonce, ct, pub, created string
	var retired sql.NullString
	if err := s.Scan(&k.Kid, &k.Algorithm, &k.KeyID, &nonce, &ct, &pub, &created, &retired); err != nil {
		return nil, err
	}
	var err error
	if k.Nonce, err = base64.StdEncoding.DecodeString(nonce); err != nil {
		return nil, fmt.Errorf("signing key %s: nonce: %w", k.Kid, err)
	}
	if k.Ciphertext, err = base64.StdEncoding.DecodeString(ct); err != nil {
		return nil, fmt.Errorf("signing key %s: ciphertext: %w", k.Kid, err)
	}
	if k.PublicKey, err = base64.StdEncoding.DecodeString(pub); err != nil {
		return nil, fmt.Errorf("signing key %s: public key: %w", k.Kid, err)
	}
	k.CreatedAt, k.RetiredAt = parseTime(created), nullTime(retired)
	return &k, nil
}

// ListSigningKeys returns the signing keys that still verify at now: the
// ones not retired and the ones retired after retiredAfter. Newest first.
func (r Reader) ListSigningKeys(ctx context.Context, retiredAfter time.Time) ([]StoredSigningKey, error) {
	keys, err := queryItems(ctx, r, `SELECT `+signingKeyCols+` FROM signing_keys
		WHERE retired_at IS NULL OR retired_at > $1 ORDER BY created_at DESC, id DESC`, []any{fmtTime(retiredAfter)}, scanSigningKey)
	if err != nil {
		return nil, fmt.Errorf("list signing keys: %w", err)
	}
	return keys, nil
}

// InsertSigningKey stores a new signing key.
func (tx *Tx) InsertSigningKey(ctx context.Context, k *StoredSigningKey) error {
	enc := base64.StdEncoding.EncodeToString
	_, err := tx.q.ExecContext(ctx, `INSERT INTO signing_keys (`+signingKeyCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		k.Kid, k.Algorithm, k.KeyID, enc(k.Nonce), enc(k.Ciphertext), enc(k.PublicKey), fmtTime(k.CreatedAt), optTimeArg(k.RetiredAt))
	if err != nil {
		return fmt.Errorf("add signing key: %w", err)
	}
	return nil
}

// RetireSigningKeys retires every key but keep (it stops signing; it keeps
// verifying for an access token lifetime) and deletes the keys retired
// before purgeBefore.
func (tx *Tx) RetireSigningKeys(ctx context.Context, keep string, at, purgeBefore time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE signing_keys SET retired_at = $2 WHERE id <> $1 AND retired_at IS NULL`, keep, fmtTime(at)); err != nil {
		return fmt.Errorf("retire signing keys: %w", err)
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < $1`, fmtTime(purgeBefore)); err != nil {
		return fmt.Errorf("purge signing keys: %w", err)
	}
	return nil
}
