package httpapi

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/unet-dev/unet"
)

// DefaultCertCheckInterval is how often CertReloader looks at its files.
const DefaultCertCheckInterval = 5 * time.Second

// CertReloader serves a certificate and key read from files and re-reads
// them when they change, without a restart: at most once per interval, on the
// first TLS handshake after it, and at once on Reload (SIGHUP). The files are
// small and read whole; a pair that does not load (a certificate replaced
// before its key, a key readable by others) keeps the previous pair in
// service and is retried at the next check.
type CertReloader struct {
	certFile, keyFile string
	interval          time.Duration
	log               *slog.Logger
	now               func() time.Time

	mu      sync.Mutex
	cert    *tls.Certificate
	sum     [sha256.Size]byte
	checked time.Time
	lastErr string
}

// NewCertReloader loads the pair once (an error if it does not load) and
// checks the files again every interval (DefaultCertCheckInterval when
// interval < 0; 0 checks on every handshake). log receives the reloads
// (nil: discarded).
func NewCertReloader(certFile, keyFile string, interval time.Duration, log *slog.Logger) (*CertReloader, error) {
	if interval < 0 {
		interval = DefaultCertCheckInterval
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &CertReloader{certFile: certFile, keyFile: keyFile, interval: interval, log: log, now: time.Now}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.loadLocked(); err != nil {
		return nil, err
	}
	return c, nil
}

// GetCertificate is the tls.Config hook: the current pair, re-read first
// when the check interval has passed.
func (c *CertReloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now().Sub(c.checked) >= c.interval {
		c.checkLocked()
	}
	return c.cert, nil
}

// Reload re-reads the files now. It returns the error of a pair that does
// not load; the previous pair then stays in service.
func (c *CertReloader) Reload() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.loadLocked()
	return err
}

// Certificate is the pair in service.
func (c *CertReloader) Certificate() *tls.Certificate {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cert
}

// checkLocked reloads and logs the outcome once per change of outcome.
func (c *CertReloader) checkLocked() {
	changed, err := c.loadLocked()
	switch {
	case err != nil:
		if err.Error() != c.lastErr {
			c.log.Error("TLS certificate not reloaded; the previous one stays in service", slog.Any("error", err))
		}
		c.lastErr = err.Error()
	case changed:
		c.lastErr = ""
		c.log.Info("TLS certificate reloaded", slog.String("cert", c.certFile),
			slog.String("fingerprint_sha256", Fingerprint(c.cert.Leaf)))
	}
}

// loadLocked reads both files and installs the pair when their content
// changed; it reports whether it did.
func (c *CertReloader) loadLocked() (bool, error) {
	c.checked = c.now()
	if err := CheckKeyFile(c.keyFile); err != nil {
		return false, err
	}
	certPEM, err := os.ReadFile(c.certFile)
	if err != nil {
		return false, unet.Errorf(unet.EINVALID, "TLS certificate: %v", err)
	}
	keyPEM, err := os.ReadFile(c.keyFile)
	if err != nil {
		return false, unet.Errorf(unet.EINVALID, "TLS key: %v", err)
	}
	h := sha256.New()
	h.Write(certPEM)
	h.Write([]byte{0})
	h.Write(keyPEM)
	var sum [sha256.Size]byte
	copy(sum[:], h.Sum(nil))
	if c.cert != nil && bytes.Equal(sum[:], c.sum[:]) {
		return false, nil
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return false, unet.Errorf(unet.EINVALID, "TLS certificate %s and key %s: %v", c.certFile, c.keyFile, err)
	}
	if pair.Leaf == nil {
		if pair.Leaf, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return false, unet.Errorf(unet.EINVALID, "TLS certificate %s: %v", c.certFile, err)
		}
	}
	c.cert, c.sum = &pair, sum
	return true, nil
}

// CheckKeyFile refuses a private key file that the group or others may
// read or write (mode & 0o077 != 0): a key anyone on the host can read
// lets them impersonate the server.
func CheckKeyFile(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return unet.Errorf(unet.EINVALID, "TLS key file %s does not exist", path)
		}
		return unet.Errorf(unet.EINVALID, "TLS key file: %v", err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return unet.Errorf(unet.EINVALID, "TLS key file %s has mode %04o: group or others may read it; "+
			"run chmod 600 %s (and make it owned by the server's user)", path, perm, path)
	}
	return nil
}

// TLSConfig is the server's TLS configuration: TLS 1.2 at least (Go
// negotiates 1.3 whenever the client offers it, with its own cipher suite
// order), the certificate from certs, HTTP/1.1. With a client CA pool
// (clientCAs not nil), a client certificate is requested and, when one is
// sent, verified against the pool (see ClientCertSubject); a client without
// one still connects and authenticates otherwise.
func TLSConfig(certs *CertReloader, clientCAs *x509.CertPool) *tls.Config {
	cfg := &tls.Config{
		MinVersion:     tls.VersionTLS12,
		GetCertificate: certs.GetCertificate,
		NextProtos:     []string{"http/1.1"},
	}
	if clientCAs != nil {
		cfg.ClientCAs = clientCAs
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
	}
	return cfg
}

// LoadCertPool reads PEM certificates (the client CA of mTLS).
func LoadCertPool(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, unet.Errorf(unet.EINVALID, "client CA: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, unet.Errorf(unet.EINVALID, "client CA %s holds no PEM certificate", path)
	}
	return pool, nil
}

// ClientCert is the client certificate of r verified against the client CA
// (--client-ca), or nil: no TLS, no certificate sent, or no client CA.
func ClientCert(r *http.Request) *x509.Certificate {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
		return nil
	}
	return r.TLS.VerifiedChains[0][0]
}

// ClientCertSubject is the common name of the verified client certificate of
// r ("" without one). The auth layer maps it to the user of that name.
func ClientCertSubject(r *http.Request) string {
	if c := ClientCert(r); c != nil {
		return c.Subject.CommonName
	}
	return ""
}

// Fingerprint is the SHA-256 fingerprint of a certificate, colon-separated
// upper-case hex as browsers and openssl show it.
func Fingerprint(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	sum := sha256.Sum256(c.Raw)
	var b bytes.Buffer
	for i, x := range sum {
		if i > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%02X", x)
	}
	return b.String()
}
