package cli

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet/httpapi"
)

// selfSignedPair runs `unet certs self-signed` and returns the files and
// the command's output.
func selfSignedPair(t *testing.T, dir string, args ...string) (certFile, keyFile, out string) {
	t.Helper()
	certFile, keyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), append([]string{"certs", "self-signed", "--cert", certFile, "--key", keyFile}, args...),
		Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
	if code != ExitOK {
		t.Fatalf("certs self-signed: exit %d: %s", code, stderr.String())
	}
	return certFile, keyFile, stdout.String()
}

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" {
		t.Fatalf("%s holds no certificate", path)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCertsSelfSignedDefaults(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, out := selfSignedPair(t, dir)
	st, err := os.Stat(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key mode %04o, want 0600", st.Mode().Perm())
	}
	c := readCert(t, certFile)
	pub, ok := c.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		t.Errorf("key is %T, want ECDSA P-256", c.PublicKey)
	}
	hostname, _ := os.Hostname()
	wantDNS := []string{"localhost"}
	if hostname != "" && hostname != "localhost" {
		wantDNS = append(wantDNS, strings.ToLower(hostname))
	}
	if strings.Join(c.DNSNames, ",") != strings.Join(wantDNS, ",") {
		t.Errorf("DNS names %v, want %v", c.DNSNames, wantDNS)
	}
	var ips []string
	for _, ip := range c.IPAddresses {
		ips = append(ips, ip.String())
	}
	if strings.Join(ips, ",") != "127.0.0.1,::1" {
		t.Errorf("IP addresses %v", ips)
	}
	if days := time.Until(c.NotAfter).Hours() / 24; days < 364 || days > 366 {
		t.Errorf("valid for %.1f days, want 365", days)
	}
	if !strings.Contains(out, httpapi.Fingerprint(c)) {
		t.Errorf("output lacks the fingerprint %s:\n%s", httpapi.Fingerprint(c), out)
	}
	// The pair loads, and verifies as its own trust anchor for every name.
	if _, err := tls.LoadX509KeyPair(certFile, keyFile); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(c)
	for _, name := range []string{"localhost", "127.0.0.1", "::1"} {
		if _, err := c.Verify(x509.VerifyOptions{Roots: pool, DNSName: name, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			t.Errorf("verify for %s: %v", name, err)
		}
	}

	// Existing files are kept unless --force.
	var stderr bytes.Buffer
	code := Run(context.Background(), []string{"certs", "self-signed", "--cert", certFile, "--key", keyFile},
		Env{Stdout: &bytes.Buffer{}, Stderr: &stderr, Getenv: func(string) string { return "" }})
	if code != ExitUsage || !strings.Contains(stderr.String(), "--force") {
		t.Errorf("overwrite without --force: exit %d %s", code, stderr.String())
	}
	if !readCert(t, certFile).Equal(c) {
		t.Error("the certificate changed without --force")
	}
}

func TestCertsSelfSignedHostsAndDays(t *testing.T) {
	certFile, _, _ := selfSignedPair(t, t.TempDir(), "--host", "unet.example.net", "--host", "192.0.2.10", "--host", "2001:db8::10", "--days", "30")
	c := readCert(t, certFile)
	if strings.Join(c.DNSNames, ",") != "unet.example.net" || len(c.IPAddresses) != 2 ||
		!c.IPAddresses[0].Equal(net.ParseIP("192.0.2.10")) || !c.IPAddresses[1].Equal(net.ParseIP("2001:db8::10")) {
		t.Errorf("SANs %v %v", c.DNSNames, c.IPAddresses)
	}
	if c.Subject.CommonName != "unet.example.net" {
		t.Errorf("CN %q", c.Subject.CommonName)
	}
	if days := time.Until(c.NotAfter).Hours() / 24; days < 29 || days > 31 {
		t.Errorf("valid for %.1f days, want 30", days)
	}
	for _, args := range [][]string{
		{"--days", "0"}, {"--host", "bad name"}, {"--host", "http://x"},
	} {
		dir := t.TempDir()
		var stderr bytes.Buffer
		code := Run(context.Background(), append([]string{"certs", "self-signed", "--cert", filepath.Join(dir, "c"), "--key", filepath.Join(dir, "k")}, args...),
			Env{Stdout: &bytes.Buffer{}, Stderr: &stderr, Getenv: func(string) string { return "" }})
		if code != ExitUsage {
			t.Errorf("%v: exit %d %s", args, code, stderr.String())
		}
		if _, err := os.Stat(filepath.Join(dir, "k")); err == nil {
			t.Errorf("%v: a key was written", args)
		}
	}
	var stderr bytes.Buffer
	if code := Run(context.Background(), []string{"certs", "self-signed"}, Env{Stdout: &bytes.Buffer{}, Stderr: &stderr,
		Getenv: func(string) string { return "" }}); code != ExitUsage {
		t.Errorf("without --cert/--key: exit %d", code)
	}
}
