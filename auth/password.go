package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the argon2id cost parameters of a password hash.
type Argon2Params struct {
	// Memory in KiB, Time (iterations) and Threads (parallelism).
	Memory  uint32
	Time    uint32
	Threads uint8
	// SaltLen and KeyLen in bytes.
	SaltLen uint32
	KeyLen  uint32
}

// DefaultArgon2 are the parameters of new hashes: 64 MiB, 3 passes, 2
// lanes, a 16-byte salt and a 32-byte key — above the second recommended
// option of RFC 9106 §4 in passes, and what OWASP's cheat sheet lists as a
// sound argon2id configuration. One hash takes some tens of milliseconds and
// 64 MiB of memory, which bounds the logins a server can verify at once.
var DefaultArgon2 = Argon2Params{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}

// ErrMismatch is returned by VerifyPassword for a wrong password.
var ErrMismatch = errors.New("password does not match")

// MaxPasswordLen bounds a password, so that hashing cost is bounded by the
// parameters, not by the input.
const MaxPasswordLen = 1024

// HashPassword hashes password with argon2id under p and returns the PHC
// string: $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash> (unpadded base64).
func HashPassword(password string, p Argon2Params) (string, error) {
	if len(password) > MaxPasswordLen {
		return "", fmt.Errorf("password is longer than %d bytes", MaxPasswordLen)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// parsed is a decoded PHC argon2id string.
type parsed struct {
	params    Argon2Params
	salt, key []byte
}

// Bounds of the parameters accepted from a stored hash: a corrupted or
// hostile row must not make one verification take gigabytes.
const (
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 64
)

func parsePHC(encoded string) (*parsed, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return nil, errors.New("not an argon2id PHC string")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return nil, fmt.Errorf("unsupported argon2 version %q", parts[2])
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return nil, fmt.Errorf("bad argon2 parameters %q: %w", parts[3], err)
	}
	if p.Memory == 0 || p.Memory > maxMemoryKiB || p.Time == 0 || p.Time > maxTime || p.Threads == 0 {
		return nil, fmt.Errorf("argon2 parameters out of range: %q", parts[3])
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) == 0 {
		return nil, errors.New("bad argon2 salt")
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 128 {
		return nil, errors.New("bad argon2 hash")
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return &parsed{params: p, salt: salt, key: key}, nil
}

// VerifyPassword checks password against a PHC argon2id string in
// constant time. It returns ErrMismatch for a wrong password and another
// error for a malformed hash.
func VerifyPassword(encoded, password string) error {
	ph, err := parsePHC(encoded)
	if err != nil {
		return err
	}
	if len(password) > MaxPasswordLen {
		return ErrMismatch
	}
	p := ph.params
	got := argon2.IDKey([]byte(password), ph.salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	if subtle.ConstantTimeCompare(got, ph.key) != 1 {
		return ErrMismatch
	}
	return nil
}

// NeedsRehash reports whether a stored hash was made with parameters other
// than p (or cannot be read): after a successful login the password should
// then be hashed again under p.
func NeedsRehash(encoded string, p Argon2Params) bool {
	ph, err := parsePHC(encoded)
	if err != nil {
		return true
	}
	q := ph.params
	return q.Memory != p.Memory || q.Time != p.Time || q.Threads != p.Threads || q.SaltLen != p.SaltLen || q.KeyLen != p.KeyLen
}
