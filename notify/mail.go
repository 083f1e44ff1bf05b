package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// ParseSMTPServer splits smtp://HOST[:PORT] or smtps://HOST[:PORT] into the
// address to dial, the host name the certificate must match and whether TLS
// starts at once.
func ParseSMTPServer(s string) (addr, host string, implicitTLS bool, err error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return "", "", false, errors.New("want smtp://HOST[:PORT] or smtps://HOST[:PORT]")
	}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		if port == "" {
			port = "25"
		}
	case "smtps":
		implicitTLS = true
		if port == "" {
			port = "465"
		}
	default:
		return "", "", false, errors.New("want smtp://HOST[:PORT] or smtps://HOST[:PORT]")
	}
	return net.JoinHostPort(u.Hostname(), port), u.Hostname(), implicitTLS, nil
}

// tlsConfig verifies the server's certificate for host, trusting the CA
// file's authorities besides the system's.
func tlsConfig(host, caFile string) (*tls.Config, error) {
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if caFile == "" {
		return cfg, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %s holds no PEM certificate", caFile)
	}
	cfg.RootCAs = pool
	return cfg, nil
}

// smtpFail turns an SMTP error into a result carrying the reply code.
func smtpFail(step string, err error) Result {
	var te *textproto.Error
	if errors.As(err, &te) {
		msg := printable(te.Msg)
		return Result{Status: te.Code, Reply: msg, Err: fmt.Errorf("%s: %d %s", step, te.Code, msg)}
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		err = fmt.Errorf("no answer within %s", Timeout)
	}
	return Result{Err: fmt.Errorf("%s: %w", step, err)}
}

func sendMail(ctx context.Context, t Target, e unet.Event) Result {
	addr, host, implicitTLS, err := ParseSMTPServer(t.SMTP.Server)
	if err != nil {
		return Result{Err: fmt.Errorf("smtp server: %w", err)}
	}
	tcfg, err := tlsConfig(host, t.SMTP.CAFile)
	if err != nil {
		return Result{Err: err}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return Result{Err: fmt.Errorf("connect: %w", err)}
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	secure := false
	if implicitTLS {
		tc := tls.Client(conn, tcfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = conn.Close()
			return Result{Err: fmt.Errorf("TLS: %w", err)}
		}
		conn, secure = tc, true
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		_ = conn.Close()
		return smtpFail("greeting", err)
	}
	defer func() { _ = c.Close() }()
	if err := c.Hello(helloName()); err != nil {
		return smtpFail("EHLO", err)
	}
	if !secure {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tcfg); err != nil {
				return smtpFail("STARTTLS", err)
			}
			secure = true
		}
	}
	if t.SMTP.Username != "" || t.Password != "" {
		if !secure {
			return Result{Err: errors.New("the server offers no TLS: credentials are only sent over TLS")}
		}
		if err := c.Auth(smtp.PlainAuth("", t.SMTP.Username, t.Password, host)); err != nil {
			return smtpFail("AUTH", err)
		}
	}
	if err := c.Mail(t.SMTP.From); err != nil {
		return smtpFail("MAIL FROM", err)
	}
	for _, to := range t.SMTP.To {
		if err := c.Rcpt(to); err != nil {
			return smtpFail("RCPT TO "+to, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return smtpFail("DATA", err)
	}
	if _, err := w.Write(Message(t.SMTP.From, t.SMTP.To, e, time.Now())); err != nil {
		return smtpFail("DATA", err)
	}
	if err := w.Close(); err != nil {
		return smtpFail("DATA", err)
	}
	// The message is accepted; a failed QUIT does not change that.
	_ = c.Quit()
	return Result{Status: 250, Reply: "message accepted"}
}

func helloName() string {
	if h, err := os.Hostname(); err == nil && h != "" && !strings.ContainsAny(h, " \r\n") {
		return h
	}
	return "localhost"
}

// Message returns the RFC 5322 mail of e: Subject "[unet] SUMMARY", a
// text body with the details and the event's JSON, quoted-printable.
func Message(from string, to []string, e unet.Event, now time.Time) []byte {
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("Date", now.Format(time.RFC1123Z))
	h("Message-ID", "<"+MessageID(e)+"@unet>")
	h("From", from)
	h("To", strings.Join(to, ", "))
	h("Subject", mime.QEncoding.Encode("utf-8", "[unet] "+oneLine(e.Summary)))
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	h("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	var body strings.Builder
	fmt.Fprintf(&body, "%s\n\n", e.Summary)
	fmt.Fprintf(&body, "Type:    %s\n", e.Type)
	if e.Subject != "" {
		fmt.Fprintf(&body, "Subject: %s\n", e.Subject)
	}
	if e.Actor != "" {
		fmt.Fprintf(&body, "Actor:   %s\n", e.Actor)
	}
	fmt.Fprintf(&body, "Time:    %s\n", e.Time.UTC().Format(time.RFC3339))
	if e.ID != 0 {
		fmt.Fprintf(&body, "Event:   %d\n", e.ID)
	}
	js, err := json.MarshalIndent(e, "", "  ")
	if err == nil {
		fmt.Fprintf(&body, "\nPayload:\n%s\n", js)
	}
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(strings.ReplaceAll(body.String(), "\n", "\r\n")))
	_ = qp.Close()
	return b.Bytes()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
