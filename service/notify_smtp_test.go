package service_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// aiosmtpdPython returns a Python interpreter that has aiosmtpd (Debian's
// python3-aiosmtpd).
func aiosmtpdPython(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import aiosmtpd").Run() == nil {
			return py
		}
	}
	t.Skip("no python3 with aiosmtpd (Debian: apt install python3-aiosmtpd)")
	return ""
}

// smtpServer runs a real SMTP server (aiosmtpd) on loopback that stores
// the mail it accepts in a maildir; args add TLS options. It returns the
// address and the maildir.
func smtpServer(t *testing.T, args ...string) (addr, maildir string) {
	t.Helper()
	py := aiosmtpdPython(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = ln.Addr().String()
	_ = ln.Close()
	maildir = filepath.Join(t.TempDir(), "mail")
	cmd := exec.Command(py, append(append([]string{"-m", "aiosmtpd", "-n", "-l", addr}, args...),
		"-c", "aiosmtpd.handlers.Mailbox", maildir)...)
	var log strings.Builder
	cmd.Stderr = &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("aiosmtpd on %s:\n%s", addr, log.String())
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.Close()
			return addr, maildir
		}
		if time.Now().After(deadline) {
			t.Fatalf("aiosmtpd did not listen on %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitMail waits for n messages in the maildir and returns them parsed.
func waitMail(t *testing.T, maildir string, n int) []*mail.Message {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		files, _ := filepath.Glob(filepath.Join(maildir, "new", "*"))
		if len(files) >= n {
			var out []*mail.Message
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				m, err := mail.ReadMessage(strings.NewReader(string(b)))
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				out = append(out, m)
			}
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d mails arrived", len(files), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func mailBody(t *testing.T, m *mail.Message) string {
	t.Helper()
	r := io.Reader(m.Body)
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		r = quotedprintable.NewReader(m.Body)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// selfSigned writes a certificate for 127.0.0.1 and its key to dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "smtp test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// TestNotificationEmail: events reach a real SMTP server as RFC 5322 mail
// (subject, headers, details and JSON in the body); STARTTLS is used when
// offered, the certificate verified against the CA file; credentials are
// never sent without TLS.
func TestNotificationEmail(t *testing.T) {
	svc := newService(t, "sqlite")
	ctx := actx()
	addr, maildir := smtpServer(t)
	if _, err := svc.AddSubscription(ctx, unet.Subscription{Name: "mail", SMTP: &unet.SMTPSettings{Server: "smtp://" + addr,
		From: "unet@example.com", To: []string{"ops@example.com", "noc@example.com"}}, Events: []string{"change.applied"}}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	runWorker(t, svc, service.NotifyConfig{RetryBase: 50 * time.Millisecond, RetryMax: 200 * time.Millisecond})
	createNodes(t, svc, "m", 1)
	msgs := waitMail(t, maildir, 2) // the subscription's own add, then the node
	var m *mail.Message
	for _, x := range msgs {
		if strings.Contains(x.Header.Get("Subject"), "node m-0") {
			m = x
		}
	}
	if m == nil {
		t.Fatalf("no mail about node m-0 among %d", len(msgs))
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subject != "[unet] tester created node m-0" {
		t.Fatalf("subject %q (%v)", subject, err)
	}
	if m.Header.Get("From") != "unet@example.com" || m.Header.Get("To") != "ops@example.com, noc@example.com" ||
		!strings.HasPrefix(m.Header.Get("Message-ID"), "<msg_unet_event_") {
		t.Fatalf("headers %v", m.Header)
	}
	if _, err := m.Header.Date(); err != nil {
		t.Fatalf("Date: %v", err)
	}
	body := mailBody(t, m)
	for _, want := range []string{"tester created node m-0", "Type:    change.applied", "Subject: node/m-0", `"subject": "node/m-0"`, `"object_name": "m-0"`} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	var ds []unet.Delivery
	waitFor(t, func() bool {
		ds, err = svc.ListDeliveries(ctx, "mail", unet.DeliveryFilter{Outcome: unet.DeliveryDelivered})
		return err == nil && len(ds) == 2
	})
	if ds[0].Status != 250 || ds[0].Reply == "" {
		t.Fatalf("deliveries %+v", ds)
	}

	// Credentials over a server without TLS: refused before AUTH.
	withHookEnv(t, svc, map[string]string{"UNET_GIT_SMTP_PW": "pw"})
	if _, err := svc.AddSubscription(ctx, unet.Subscription{Name: "auth", SMTP: &unet.SMTPSettings{Server: "smtp://" + addr,
		From: "unet@example.com", To: []string{"ops@example.com"}, Username: "unet", PasswordRef: "env:UNET_GIT_SMTP_PW"},
		Events: []string{"git.*"}}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	d, err := svc.TestSubscription(ctx, "auth")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Error, "only sent over TLS") {
		t.Fatalf("auth without TLS: %+v", d)
	}

	// A server that requires STARTTLS: verified with the CA file, refused
	// without it (self-signed).
	cert, key := selfSigned(t, t.TempDir())
	tlsAddr, tlsDir := smtpServer(t, "--tlscert", cert, "--tlskey", key)
	for _, c := range []struct {
		name, ca string
		ok       bool
	}{{"tls-untrusted", "", false}, {"tls", cert, true}} {
		if _, err := svc.AddSubscription(ctx, unet.Subscription{Name: c.name, SMTP: &unet.SMTPSettings{Server: "smtp://" + tlsAddr,
			From: "unet@example.com", To: []string{"sec@example.com"}, CAFile: c.ca}, Events: []string{"git.*"}}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		d, err := svc.TestSubscription(ctx, c.name)
		if err != nil {
			t.Fatal(err)
		}
		if c.ok != (d.Error == "") || (!c.ok && !strings.Contains(d.Error, "certificate")) {
			t.Fatalf("%s: %+v", c.name, d)
		}
	}
	tm := waitMail(t, tlsDir, 1)
	if s := tm[0].Header.Get("Subject"); !strings.Contains(s, "Test notification to tls from tester") {
		t.Fatalf("test mail subject %q", s)
	}
}
