package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"

	"github.com/unet-dev/unet"
)

// StoredSecret is one row of the secrets table: metadata and the sealed
// value (nonce and ciphertext, never the clear text).
type StoredSecret struct {
	unet.SecretInfo
	Nonce      []byte
	Ciphertext []byte
}

const secretCols = `name, key_id, nonce, ciphertext, created_at, created_by, updated_at, updated_by`

func scanSecret(s rowScanner) (*StoredSecret, error) {
	var st StoredSecret
	var nonce, ct, created, updated string
	if err := s.Scan(&st.Name, &st.KeyID, &nonce, &ct, &created, &st.CreatedBy, &updated, &st.UpdatedBy); err != nil {
		return nil, err
	}
	var err error
	if st.Nonce, err = base64.StdEncoding.DecodeString(nonce); err != nil {
		return nil, fmt.Errorf("secret %s: nonce: %w", st.Name, err)
	}
	if st.Ciphertext, err = base64.StdEncoding.DecodeString(ct); err != nil {
		return nil, fmt.Errorf("secret %s: ciphertext: %w", st.Name, err)
	}
	st.CreatedAt, st.UpdatedAt = parseTime(created), parseTime(updated)
	return &st, nil
}

// GetSecret returns a stored secret by name.
func (r Reader) GetSecret(ctx context.Context, name string) (*StoredSecret, error) {
	st, err := scanSecret(r.q.QueryRowContext(ctx, `SELECT `+secretCols+` FROM secrets WHERE name = $1`, name))
	return st, notFound(err, "secret", name)
}

// ListSecrets returns every stored secret ordered by name.
func (r Reader) ListSecrets(ctx context.Context) ([]StoredSecret, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+secretCols+` FROM secrets ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list secrets: %w", err)
	}
	defer rows.Close()
	out := []StoredSecret{}
	for rows.Next() {
		st, err := scanSecret(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, rows.Err()
}

// PutSecret inserts a secret or replaces the sealed value and the update
// metadata of an existing one (its creation metadata is kept).
func (tx *Tx) PutSecret(ctx context.Context, st *StoredSecret) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO secrets (`+secretCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
		ON CONFLICT (name) DO UPDATE SET key_id = excluded.key_id, nonce = excluded.nonce,
		ciphertext = excluded.ciphertext, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		st.Name, st.KeyID, base64.StdEncoding.EncodeToString(st.Nonce), base64.StdEncoding.EncodeToString(st.Ciphertext),
		fmtTime(st.CreatedAt), st.CreatedBy, fmtTime(st.UpdatedAt), st.UpdatedBy)
	if err != nil {
		return fmt.Errorf("store secret %s: %w", st.Name, err)
	}
	return nil
}

// ResealSecret replaces the sealed value of a secret without touching its
// metadata (key rotation).
func (tx *Tx) ResealSecret(ctx context.Context, name, keyID string, nonce, ciphertext []byte) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE secrets SET key_id = $2, nonce = $3, ciphertext = $4 WHERE name = $1`,
		name, keyID, base64.StdEncoding.EncodeToString(nonce), base64.StdEncoding.EncodeToString(ciphertext))
	if err != nil {
		return fmt.Errorf("re-encrypt secret %s: %w", name, err)
	}
	return oneRow(res, name)
}

// DeleteSecret removes a stored secret.
func (tx *Tx) DeleteSecret(ctx context.Context, name string) error {
	res, err := tx.q.ExecContext(ctx, `DELETE FROM secrets WHERE name = $1`, name)
	if err != nil {
		return fmt.Errorf("delete secret %s: %w", name, err)
	}
	return oneRow(res, name)
}

// oneRow turns an update or delete that matched no row into not_found.
func oneRow(res sql.Result, name string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("secret %s: %w", name, err)
	}
	if n == 0 {
		return unet.Errorf(unet.ENOTFOUND, "secret %q not found", name)
	}
	return nil
}
