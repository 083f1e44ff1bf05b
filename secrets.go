package unet

import (
	"context"
	"time"
)

// KindSecret is the object kind of stored secrets in the change log (whose
// images hold the metadata only, never a value).
const KindSecret = "secret"

// SecretInfo describes a secret stored in the database (referenced as
// db:NAME). It never carries the value.
type SecretInfo struct {
	Name string `json:"name"`
	// KeyID identifies the secrets key the value is encrypted with.
	KeyID     string    `json:"key_id"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// SecretRotation is what a key rotation did.
type SecretRotation struct {
	OldKeyID string `json:"old_key_id"`
	NewKeyID string `json:"new_key_id"`
	// Reencrypted counts the values sealed again under the new key;
	// Unchanged those already under it.
	Reencrypted int `json:"reencrypted"`
	Unchanged   int `json:"unchanged"`
}

// SecretService manages the secrets stored in the database. Values go in
// (SetSecret) and are used by the server through db:NAME references; no
// method returns them.
type SecretService interface {
	// SetSecret stores value under name, encrypted with the secrets key,
	// replacing an existing value.
	SetSecret(ctx context.Context, name string, value []byte, o WriteOptions) (*SecretInfo, error)
	ListSecrets(ctx context.Context) ([]SecretInfo, error)
	RemoveSecret(ctx context.Context, name string, o DeleteOptions) error
}
