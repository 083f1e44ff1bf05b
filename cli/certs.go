package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// certsFlags are the flags of `unet certs self-signed`.
type certsFlags struct {
	hosts         []string
	days          int
	certFile, key string
	force         bool
}

func (a *app) certsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "certs",
		Short: "Make TLS certificates for unet serve",
	}
	var f certsFlags
	self := &cobra.Command{
		Use:   "self-signed --cert FILE --key FILE [--host NAME|IP]... [--days N]",
		Short: "Write a self-signed TLS certificate and its private key",
		Long: `Write a self-signed certificate (ECDSA P-256, valid --days days, 365 by
default) and its private key (PKCS #8 PEM, mode 0600) for unet serve --tls-cert
and --tls-key. The certificate names every --host as a subject alternative
name (DNS name or IP address); without --host it names localhost, 127.0.0.1,
::1 and this machine's host name. Existing files are kept unless --force.

The SHA-256 fingerprint printed at the end is what clients compare the first
time they connect; clients trust the certificate by its file, e.g.
unet --server https://HOST:PORT --server-ca FILE ... or curl --cacert FILE.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.selfSigned(f)
		},
	}
	fl := self.Flags()
	fl.StringArrayVar(&f.hosts, "host", nil, "DNS name or IP address the certificate is valid for (repeatable; default localhost, 127.0.0.1, ::1 and the host name)")
	fl.IntVar(&f.days, "days", 365, "validity in days")
	fl.StringVar(&f.certFile, "cert", "", "certificate file to write (PEM)")
	fl.StringVar(&f.key, "key", "", "private key file to write (PEM, mode 0600)")
	fl.BoolVar(&f.force, "force", false, "replace existing files")
	cmd.AddCommand(self)
	return cmd
}

// defaultCertHosts are the names of a certificate made without --host.
func defaultCertHosts() []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if name, err := os.Hostname(); err == nil && name != "" && !strings.EqualFold(name, "localhost") {
		hosts = append(hosts, name)
	}
	return hosts
}

func (a *app) selfSigned(f certsFlags) error {
	if a.server != "" {
		return usagef("certs self-signed writes local files; it does not work through --server")
	}
	if f.certFile == "" || f.key == "" {
		return usagef("certs self-signed needs --cert FILE and --key FILE")
	}
	if f.days < 1 || f.days > 3650 {
		return usagef("--days %d: want 1 to 3650", f.days)
	}
	hosts := f.hosts
	if len(hosts) == 0 {
		hosts = defaultCertHosts()
	}
	tmpl, err := certTemplate(hosts, f.days, time.Now())
	if err != nil {
		return err
	}
	if !f.force {
		for _, p := range []string{f.certFile, f.key} {
			if _, err := os.Lstat(p); err == nil {
				return usagef("%s exists: remove it or give --force", p)
			}
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return unet.Internal(fmt.Errorf("generate key: %w", err))
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return unet.Internal(fmt.Errorf("create certificate: %w", err))
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return unet.Internal(fmt.Errorf("encode key: %w", err))
	}
	// The key first: a server reloading the pair never sees a new
	// certificate with the old key for longer than it takes to write one file.
	if err := writeFileAtomic(f.key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return err
	}
	if err := writeFileAtomic(f.certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return unet.Internal(fmt.Errorf("parse the new certificate: %w", err))
	}
	w := a.env.Stdout
	if _, err := fmt.Fprintf(w, "certificate: %s\nkey:         %s (mode 0600)\nhosts:       %s\nnot after:   %s\nsha256:      %s\n",
		f.certFile, f.key, strings.Join(hosts, ", "), cert.NotAfter.UTC().Format(time.RFC3339), httpapi.Fingerprint(cert)); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// certTemplate is a self-signed server certificate for hosts.
func certTemplate(hosts []string, days int, now time.Time) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, unet.Internal(fmt.Errorf("serial number: %w", err))
	}
	t := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: hosts[0], Organization: []string{"μNet self-signed"}},
		NotBefore:             now.Add(-time.Hour), // tolerate clients whose clock is a little behind
		NotAfter:              now.Add(time.Duration(days) * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	for _, h := range hosts {
		h = strings.TrimSpace(h)
		if ip := net.ParseIP(strings.Trim(h, "[]")); ip != nil {
			t.IPAddresses = append(t.IPAddresses, ip)
			continue
		}
		if h == "" || strings.ContainsAny(h, " /:@") {
			return nil, usagef("--host %q: want a DNS name or an IP address", h)
		}
		t.DNSNames = append(t.DNSNames, strings.ToLower(h))
	}
	return t, nil
}

// writeFileAtomic writes b to a new file next to path with mode perm and
// renames it over path, so that a reader sees the old file or the new one.
func writeFileAtomic(path string, b []byte, perm fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return unet.Errorf(unet.EINVALID, "write %s: %v", path, err)
	}
	name := tmp.Name()
	fail := func(err error) error {
		_ = tmp.Close()
		_ = os.Remove(name)
		return unet.Errorf(unet.EINVALID, "write %s: %v", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fail(err)
	}
	if _, err := tmp.Write(b); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(name, path); err != nil {
		_ = os.Remove(name)
		return unet.Errorf(unet.EINVALID, "write %s: %v", path, err)
	}
	return nil
}
