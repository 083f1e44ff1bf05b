package secret

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
)

// KeySize is the size of a secrets key: AES-256.
const KeySize = 32

// ErrWrongKey reports a stored secret that the configured key cannot
// decrypt: it was sealed under another key, or it was tampered with.
var ErrWrongKey = errors.New("wrong secrets key")

// Key is an AES-256-GCM key for secrets stored in the database. Its ID is
// derived from the key (a truncated SHA-256 of it), so every sealed value
// records which key sealed it and a wrong key is reported as such rather
// than as corrupt data.
type Key struct {
	id   string
	aead cipher.AEAD
}

// ID identifies the key without revealing it.
func (k *Key) ID() string { return k.id }

// ParseKey accepts 32 bytes of key material written as 64 hexadecimal
// digits, as standard or URL-safe base64 (with or without padding), or as
// the 32 raw bytes themselves. Surrounding white space of the text forms is
// ignored.
func ParseKey(material []byte) (*Key, error) {
	raw := decodeKey(material)
	if raw == nil {
		return nil, fmt.Errorf("secrets key must be 32 bytes: 64 hexadecimal digits, base64 of 32 bytes (openssl rand -base64 32) or 32 raw bytes; got %d bytes that are none of these", len(material))
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, fmt.Errorf("secrets key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secrets key: %w", err)
	}
	sum := sha256.Sum256(append([]byte("unet secrets key id\x00"), raw...))
	return &Key{id: hex.EncodeToString(sum[:8]), aead: aead}, nil
}

func decodeKey(material []byte) []byte {
	text := strings.TrimSpace(string(material))
	if len(text) == 2*KeySize {
		if b, err := hex.DecodeString(text); err == nil {
			return b
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(text); err == nil && len(b) == KeySize {
			return b
		}
	}
	if len(material) == KeySize {
		return append([]byte(nil), material...)
	}
	return nil
}

// LoadKey reads a secrets key from a reference: env:NAME or file:/path. The
// key is operator configuration, so the allow-list for client references
// does not apply; a literal key is refused (it would end up in shell
// history and process listings). A file is read as is, so a file of 32 raw
// bytes works even when its last byte is a newline.
func LoadKey(ctx context.Context, ref string, lookupEnv func(string) (string, bool)) (*Key, error) {
	material, err := LoadMaterial(ctx, "secrets key", ref, lookupEnv)
	if err != nil {
		return nil, err
	}
	r, _ := ParseRef(ref)
	k, err := ParseKey(material)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r, err)
	}
	return k, nil
}

// Sealed is an encrypted secret as stored: the ID of the key that sealed
// it, the GCM nonce and the ciphertext with its authentication tag.
type Sealed struct {
	KeyID      string
	Nonce      []byte
	Ciphertext []byte
}

// Seal encrypts value for the stored secret name. The name is authenticated
// too, so a sealed value copied to another name does not decrypt.
func (k *Key) Seal(name string, value Secret) (Sealed, error) {
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return Sealed{}, fmt.Errorf("seal secret %s: %w", name, err)
	}
	ct := k.aead.Seal(nil, nonce, []byte(value.Reveal()), []byte(name))
	return Sealed{KeyID: k.id, Nonce: nonce, Ciphertext: ct}, nil
}

// Open decrypts a value sealed for name. A value sealed under another key,
// or altered, fails with ErrWrongKey.
func (k *Key) Open(name string, s Sealed) (Secret, error) {
	if s.KeyID != k.id {
		return "", fmt.Errorf("%w: secret %s was encrypted with key %s, the configured key is %s", ErrWrongKey, name, s.KeyID, k.id)
	}
	if len(s.Nonce) != k.aead.NonceSize() {
		return "", fmt.Errorf("%w: secret %s has a malformed nonce", ErrWrongKey, name)
	}
	pt, err := k.aead.Open(nil, s.Nonce, s.Ciphertext, []byte(name))
	if err != nil {
		return "", fmt.Errorf("%w: secret %s does not decrypt with key %s (altered or copied from another name)", ErrWrongKey, name, k.id)
	}
	return Secret(pt), nil
}

// Keyring is the primary secrets key, which seals every new value, and
// previous keys that still open values sealed before a rotation. Running
// servers with the new key as primary and the old one as previous lets a
// rotation happen without a moment in which some process cannot read the
// stored secrets.
type Keyring struct {
	primary *Key
	byID    map[string]*Key
}

// NewKeyring returns a keyring sealing with primary and opening with
// primary or any of previous.
func NewKeyring(primary *Key, previous ...*Key) *Keyring {
	kr := &Keyring{primary: primary, byID: map[string]*Key{}}
	for _, k := range previous {
		if k != nil {
			kr.byID[k.id] = k
		}
	}
	if primary != nil {
		kr.byID[primary.id] = primary
	}
	return kr
}

// Primary returns the key new values are sealed with.
func (kr *Keyring) Primary() *Key { return kr.primary }

// Seal encrypts value for name with the primary key.
func (kr *Keyring) Seal(name string, value Secret) (Sealed, error) {
	if kr.primary == nil {
		return Sealed{}, fmt.Errorf("seal secret %s: no primary key", name)
	}
	return kr.primary.Seal(name, value)
}

// Open decrypts a sealed value with the key that sealed it, when the
// keyring holds it; otherwise it fails with ErrWrongKey naming the ids.
func (kr *Keyring) Open(name string, s Sealed) (Secret, error) {
	if k := kr.byID[s.KeyID]; k != nil {
		return k.Open(name, s)
	}
	have := "none"
	if kr.primary != nil {
		have = kr.primary.id
	}
	var prev []string
	for id := range kr.byID {
		if kr.primary == nil || id != kr.primary.id {
			prev = append(prev, id)
		}
	}
	if len(prev) > 0 {
		sort.Strings(prev)
		have += " (previous: " + strings.Join(prev, ", ") + ")"
	}
	return "", fmt.Errorf("%w: secret %s was encrypted with key %s, the configured key is %s", ErrWrongKey, name, s.KeyID, have)
}

// LoadMaterial reads the bytes named by a reference to key material
// (env:NAME or file:PATH, never db:): the secrets key, the token pepper.
// what names the material in errors.
func LoadMaterial(ctx context.Context, what, ref string, lookupEnv func(string) (string, bool)) ([]byte, error) {
	r, err := ParseRef(ref)
	if err != nil || r.Scheme == SchemeDB {
		return nil, fmt.Errorf("%s: %w (the key is given by reference: env:NAME or file:PATH)", what, ErrInvalidRef)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch r.Scheme {
	case SchemeEnv:
		if lookupEnv == nil {
			lookupEnv = os.LookupEnv
		}
		v, err := resolveEnv(r, lookupEnv)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		return []byte(v.Reveal()), nil
	default:
		b, err := readLimited(r.Name)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", what, r, err)
		}
		return b, nil
	}
}
