package httpapi

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writePair writes a new self-signed pair named cn and returns its DER.
func writePair(t *testing.T, certFile, keyFile, cn string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	return der
}

// The files are looked at no more often than the check interval.
func TestCertReloaderCheckInterval(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	writePair(t, certFile, keyFile, "one")
	c, err := NewCertReloader(certFile, keyFile, time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	c.checked = now
	writePair(t, certFile, keyFile, "two")
	cn := func() string {
		got, err := c.GetCertificate(nil)
		if err != nil {
			t.Fatal(err)
		}
		return got.Leaf.Subject.CommonName
	}
	now = now.Add(59 * time.Second)
	if got := cn(); got != "one" {
		t.Fatalf("before the interval: %s, want one", got)
	}
	now = now.Add(time.Second)
	if got := cn(); got != "two" {
		t.Fatalf("after the interval: %s, want two", got)
	}
	// Reload does not wait for the interval.
	writePair(t, certFile, keyFile, "three")
	if err := c.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := cn(); got != "three" {
		t.Fatalf("after Reload: %s, want three", got)
	}
}
