package httpapi_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// serveTLS runs a real API server over TLS on a random loopback port, its
// certificate read from certFile and keyFile by a CertReloader that checks
// the files on every handshake.
func serveTLS(t *testing.T, o httpapi.Options, certFile, keyFile string, clientCAs *x509.CertPool) (string, *httpapi.CertReloader) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "unet.db")
	db, err := sqlstore.Open(context.Background(), "sqlite://"+file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	api, err := httpapi.New(service.New(db), o)
	if err != nil {
		t.Fatal(err)
	}
	return serveAPITLS(t, api, certFile, keyFile, clientCAs)
}

// serveAPITLS serves api over TLS on a loopback port until the test ends and
// returns its https base URL (named localhost) and its certificate reloader.
func serveAPITLS(t *testing.T, api *httpapi.Server, certFile, keyFile string, clientCAs *x509.CertPool) (string, *httpapi.CertReloader) {
	t.Helper()
	certs, err := httpapi.NewCertReloader(certFile, keyFile, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- api.Serve(ctx, tls.NewListener(ln, httpapi.TLSConfig(certs, clientCAs))) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return "https://localhost:" + portOf(t, ln.Addr().String()), certs
}

func portOf(t *testing.T, addr string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// peerCert makes a new TLS connection and returns the server's certificate.
func peerCert(t *testing.T, base string, cfg *tls.Config) *x509.Certificate {
	t.Helper()
	conn, err := tls.Dial("tcp", strings.TrimPrefix(base, "https://"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0]
}

func TestTLSCertificateReloadedWhenFilesChange(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	first := newTestCert(t, "first", nil, false, x509.ExtKeyUsageServerAuth)
	first.write(t, certFile, keyFile)
	base, certs := serveTLS(t, httpapi.Options{}, certFile, keyFile, nil)

	trustBoth := tlsClientConfig(t, nil, first)
	if got := peerCert(t, base, trustBoth); !got.Equal(first.cert) {
		t.Fatalf("served %q, want the first certificate", got.Subject.CommonName)
	}

	// A new pair replaces the files: the next connection sees it.
	second := newTestCert(t, "second", nil, false, x509.ExtKeyUsageServerAuth)
	second.write(t, certFile, keyFile)
	trustBoth = tlsClientConfig(t, nil, first, second)
	if got := peerCert(t, base, trustBoth); !got.Equal(second.cert) {
		t.Fatalf("served %q after the files changed, want the second certificate", got.Subject.CommonName)
	}

	// A certificate whose key has not been replaced yet does not load: the
	// second pair stays in service.
	third := newTestCert(t, "third", nil, false, x509.ExtKeyUsageServerAuth)
	writeFileMode(t, certFile, third.certPEM(), 0o644)
	if got := peerCert(t, base, trustBoth); !got.Equal(second.cert) {
		t.Fatalf("served %q with a mismatched pair on disk, want the second certificate", got.Subject.CommonName)
	}
	if err := certs.Reload(); err == nil {
		t.Fatal("Reload of a mismatched pair succeeded")
	}
	// A key others may read is refused on reload too.
	writeFileMode(t, keyFile, third.keyPEM(t), 0o644)
	if got := peerCert(t, base, trustBoth); !got.Equal(second.cert) {
		t.Fatalf("served %q with a world-readable key, want the second certificate", got.Subject.CommonName)
	}
	if err := os.Chmod(keyFile, 0o600); err != nil {
		t.Fatal(err)
	}
	trustAll := tlsClientConfig(t, nil, first, second, third)
	if err := certs.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := peerCert(t, base, trustAll); !got.Equal(third.cert) {
		t.Fatalf("served %q after the key was fixed, want the third certificate", got.Subject.CommonName)
	}
}

func TestTLSVersionsAndSecurityHeaders(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	srv := newTestCert(t, "server", nil, false, x509.ExtKeyUsageServerAuth)
	srv.write(t, certFile, keyFile)
	base, _ := serveTLS(t, httpapi.Options{}, certFile, keyFile, nil)

	old := tlsClientConfig(t, nil, srv)
	old.MaxVersion = tls.VersionTLS11
	old.MinVersion = tls.VersionTLS10
	if conn, err := tls.Dial("tcp", strings.TrimPrefix(base, "https://"), old); err == nil {
		conn.Close()
		t.Fatal("a TLS 1.1 client connected")
	}
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		cfg := tlsClientConfig(t, nil, srv)
		cfg.MaxVersion = v
		conn, err := tls.Dial("tcp", strings.TrimPrefix(base, "https://"), cfg)
		if err != nil {
			t.Fatalf("TLS %x: %v", v, err)
		}
		if got := conn.ConnectionState().Version; got != v {
			t.Errorf("negotiated %x, want %x", got, v)
		}
		conn.Close()
	}
	// A client offering both gets 1.3.
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsClientConfig(t, nil, srv)}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Get(base + "/api/v1/vendors")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.TLS.Version != tls.VersionTLS13 {
		t.Errorf("negotiated %x, want TLS 1.3", resp.TLS.Version)
	}
	want := map[string]string{
		"Strict-Transport-Security": "max-age=31536000",
		"X-Content-Type-Options":    "nosniff",
		"Cache-Control":             "no-store",
		"Referrer-Policy":           "no-referrer",
		"X-Frame-Options":           "DENY",
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// certActor is an authorizer that names the verified client certificate's
// subject as the actor, as the auth layer maps it to a user.
type certActor struct{}

func (certActor) Mode() string { return "mtls-test" }

func (certActor) Authorize(r *http.Request, _ httpapi.Permission) (*unet.Principal, error) {
	if s := httpapi.ClientCertSubject(r); s != "" {
		return &unet.Principal{User: s, Method: "mtls"}, nil
	}
	return nil, &unet.Error{Code: unet.EUNAUTHORIZED, Message: "no client certificate"}
}

func TestMutualTLSClientCertificateSubject(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	srv := newTestCert(t, "server", nil, false, x509.ExtKeyUsageServerAuth)
	srv.write(t, certFile, keyFile)
	ca := newTestCert(t, "clients CA", nil, true, 0)
	alice := newTestCert(t, "alice", ca, false, x509.ExtKeyUsageClientAuth)
	rogueCA := newTestCert(t, "rogue CA", nil, true, 0)
	mallory := newTestCert(t, "alice", rogueCA, false, x509.ExtKeyUsageClientAuth)
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	base, _ := serveTLS(t, httpapi.Options{Authorizer: certActor{}}, certFile, keyFile, pool)

	post := func(client *testCert) (*http.Response, error) {
		hc := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsClientConfig(t, client, srv)}}
		defer hc.CloseIdleConnections()
		return hc.Post(base+"/api/v1/vendors", "application/json", strings.NewReader(`{"name":"acme"}`))
	}
	resp, err := post(alice)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("alice: %d %s", resp.StatusCode, body)
	}
	// The change log names the certificate's subject.
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsClientConfig(t, alice, srv)}}
	defer hc.CloseIdleConnections()
	resp, err = hc.Get(base + "/api/v1/changes")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(body, []byte(`"actor":"alice"`)) {
		t.Fatalf("change log does not name alice: %s", body)
	}

	// Without a certificate the connection is accepted and the request
	// unauthenticated.
	resp, err = post(nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no client certificate: %d, want 401", resp.StatusCode)
	}
	// A certificate from another CA fails the handshake.
	if resp, err := post(mallory); err == nil {
		resp.Body.Close()
		t.Fatalf("a certificate of an untrusted CA was accepted: %d", resp.StatusCode)
	}
}

func TestCheckKeyFileRefusesReadableKeys(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "tls.key")
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660} {
		writeFileMode(t, key, []byte("k"), mode)
		err := httpapi.CheckKeyFile(key)
		var ue *unet.Error
		if !errors.As(err, &ue) || ue.Code != unet.EINVALID || !strings.Contains(ue.Message, "chmod 600") {
			t.Errorf("mode %04o: %v", mode, err)
		}
	}
	for _, mode := range []os.FileMode{0o600, 0o400} {
		writeFileMode(t, key, []byte("k"), mode)
		if err := httpapi.CheckKeyFile(key); err != nil {
			t.Errorf("mode %04o: %v", mode, err)
		}
	}
	if err := httpapi.CheckKeyFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing key file passed")
	}
}

func TestFingerprint(t *testing.T) {
	c := newTestCert(t, "x", nil, false, x509.ExtKeyUsageServerAuth)
	fp := httpapi.Fingerprint(c.cert)
	if len(fp) != 95 || strings.Count(fp, ":") != 31 || strings.ToUpper(fp) != fp {
		t.Fatalf("fingerprint %q", fp)
	}
}
