package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet/httpapi"
)

// trusting is an HTTP client that trusts the certificates of files.
func trusting(t *testing.T, files ...string) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	for _, f := range files {
		pool.AddCert(readCert(t, f))
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	t.Cleanup(hc.CloseIdleConnections)
	return hc
}

// servedCert is the certificate a new TLS connection to base sees.
func servedCert(t *testing.T, base string) *x509.Certificate {
	t.Helper()
	conn, err := tls.Dial("tcp", strings.TrimPrefix(base, "https://"), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0]
}

func TestServeTLSRemoteClientAndSIGHUPReload(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := selfSignedPair(t, dir)
	first := readCert(t, certFile)
	env := map[string]string{"UNET_TLS_CERT": certFile, "UNET_TLS_KEY": keyFile}
	base, logs, stop := startServe(t, []string{"--db", "sqlite://" + filepath.Join(dir, "unet.db")},
		func(k string) string { return env[k] })
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("serving %s, want https", base)
	}
	// The API client works over TLS, trusting the self-signed certificate.
	c, err := httpapi.NewClient(base, httpapi.ClientOptions{HTTPClient: trusting(t, certFile)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListVendors(context.Background()); err != nil {
		t.Fatalf("remote call over TLS: %v", err)
	}
	// So does the remote CLI, trusting it with --server-ca (or UNET_SERVER_CA).
	var out, errb bytes.Buffer
	if code := Run(context.Background(), []string{"--server", base, "--server-ca", certFile, "vendors", "list", "-o", "json"},
		Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}); code != ExitOK || !strings.Contains(out.String(), "arista") {
		t.Fatalf("remote CLI over TLS: exit %d, %s %s", code, out.String(), errb.String())
	}
	errb.Reset()
	if code := Run(context.Background(), []string{"--server", base, "vendors", "list"},
		Env{Stdout: io.Discard, Stderr: &errb, Getenv: func(string) string { return "" }}); code == ExitOK || !strings.Contains(errb.String(), "certificate") {
		t.Errorf("remote CLI without trusting the certificate: exit %d, %s", code, errb.String())
	}
	resp, err := trusting(t, certFile).Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Strict-Transport-Security") == "" || resp.TLS.Version != tls.VersionTLS13 {
		t.Errorf("HSTS %q, TLS version %x", resp.Header.Get("Strict-Transport-Security"), resp.TLS.Version)
	}
	// Plain HTTP to the TLS port gets no API answer.
	if resp, err := http.Get(strings.Replace(base, "https://", "http://", 1) + "/healthz"); err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Errorf("plain HTTP answered 200: %s", body)
		}
	}

	// A new pair replaces the files; SIGHUP makes the server read it now.
	_, _, _ = selfSignedPair(t, dir, "--force", "--host", "localhost", "--host", "127.0.0.1")
	second := readCert(t, certFile)
	if err := sendSIGHUP(); err != nil {
		t.Fatal(err)
	}
	want := "fingerprint_sha256=" + httpapi.Fingerprint(second)
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(logs.String(), want); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no reload of the new certificate logged:\n%s", logs.String())
		}
	}
	if got := servedCert(t, base); !got.Equal(second) || got.Equal(first) {
		t.Fatalf("a new connection sees %s, want the new certificate", httpapi.Fingerprint(got))
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d: %s", code, logs.String())
	}
}

// TestServeSIGHUPWithoutTLS: SIGHUP (systemctl reload) does not stop a
// server that has no certificate to re-read; it is logged and ignored.
func TestServeSIGHUPWithoutTLS(t *testing.T) {
	dir := t.TempDir()
	base, logs, stop := startServe(t, []string{"--db", "sqlite://" + filepath.Join(dir, "unet.db")},
		func(string) string { return "" })
	if err := sendSIGHUP(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(logs.String(), "SIGHUP: nothing to reload"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("SIGHUP not logged:\n%s", logs.String())
		}
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("after SIGHUP: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("after SIGHUP: %s", resp.Status)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d: %s", code, logs.String())
	}
}

func TestServeTLSRefusals(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := selfSignedPair(t, dir)
	db := "sqlite://" + filepath.Join(dir, "unet.db")
	cfg := filepath.Join(dir, "unet.toml")
	if err := os.WriteFile(cfg, []byte("[server]\ntls_cert = \""+certFile+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		var errb bytes.Buffer
		code := runServeCLI(context.Background(), append([]string{"--db", db, "serve", "--listen", "127.0.0.1:0"}, args...),
			Env{Stdout: io.Discard, Stderr: &errb})
		return code, errb.String()
	}
	if err := os.Chmod(keyFile, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--tls-cert", certFile, "--tls-key", keyFile}, "mode 0644: group or others may read it"},
		{[]string{"--config", cfg}, "TLS needs both --tls-cert and --tls-key"},
		{[]string{"--client-ca", certFile}, "--client-ca needs TLS"},
		{[]string{"--trusted-proxy", "10.0.0.0/40"}, "is not a CIDR"},
		{[]string{"--listen", "0.0.0.0:0", "--tls-cert", certFile, "--tls-key", keyFile, "--insecure-http"}, "with auth mode none"},
	}
	for _, c := range cases {
		if code, msg := run(c.args...); code != ExitUsage || !strings.Contains(msg, c.want) {
			t.Errorf("%v: exit %d, %s", c.args, code, msg)
		}
	}
	// The same refusal of the key, given in the config file.
	if err := os.WriteFile(cfg, []byte("[server]\ntls_cert = \""+certFile+"\"\ntls_key = \""+keyFile+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, msg := run("--config", cfg); code != ExitUsage || !strings.Contains(msg, "chmod 600") {
		t.Errorf("config file key: exit %d, %s", code, msg)
	}
}

func TestServeAllowedHostsAndTrustedProxy(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"UNET_ALLOWED_HOSTS": "unet.test, *.lab.test"}
	base, logs, stop := startServe(t, []string{"--db", "sqlite://" + filepath.Join(dir, "unet.db"), "--trusted-proxy", "127.0.0.1"},
		func(k string) string { return env[k] })
	get := func(host string, headers ...string) int {
		req, err := http.NewRequest("GET", base+"/api/v1/vendors", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// The list replaces the default names.
	for host, want := range map[string]int{"unet.test": 200, "a.lab.test:8080": 200, "localhost": 421, "attacker.example": 421} {
		if got := get(host); got != want {
			t.Errorf("Host %s: %d, want %d", host, got, want)
		}
	}
	get("unet.test", "X-Forwarded-For", "198.51.100.1, 203.0.113.9")
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d: %s", code, logs.String())
	}
	if !strings.Contains(logs.String(), "client_ip=203.0.113.9") {
		t.Errorf("access log does not name the client behind the proxy:\n%s", logs.String())
	}
}
