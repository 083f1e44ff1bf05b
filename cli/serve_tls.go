package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/unet-dev/unet/httpapi"
)

// transportFlags are the TLS and listen flags of `unet serve`.
type transportFlags struct {
	tlsCert, tlsKey, clientCA string
	insecureHTTP              bool
	trustedProxies            []string
	allowedHosts              []string
}

func (t *transportFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&t.tlsCert, "tls-cert", "", "serve HTTPS with this certificate (PEM, chain after the leaf; env UNET_TLS_CERT; re-read when it changes)")
	fl.StringVar(&t.tlsKey, "tls-key", "", "private key of --tls-cert (PEM, mode 0600 or stricter; env UNET_TLS_KEY)")
	fl.StringVar(&t.clientCA, "client-ca", "", "verify client certificates against these CA certificates (PEM; mTLS, optional for clients; env UNET_TLS_CLIENT_CA)")
	fl.BoolVar(&t.insecureHTTP, "insecure-http", false, "allow plain HTTP beyond loopback with an authenticating mode, for a TLS-terminating proxy in front (env UNET_INSECURE_HTTP)")
	fl.StringArrayVar(&t.trustedProxies, "trusted-proxy", nil, "CIDR of a reverse proxy whose X-Forwarded-For is believed (repeatable; env UNET_TRUSTED_PROXIES, comma-separated)")
	fl.StringSliceVar(&t.allowedHosts, "allowed-hosts", nil, "host names and addresses the Host header may name, comma-separated or repeated; *.domain for a domain, * for any "+
		"(env UNET_ALLOWED_HOSTS; default: the listen host, localhost, 127.0.0.1, ::1)")
}

// transport is the resolved transport configuration of a server.
type transport struct {
	certFile, keyFile, clientCA string
	insecureHTTP                bool
	options                     httpapi.TransportOptions
	certs                       *httpapi.CertReloader
}

func (t *transport) tls() bool { return t.certFile != "" }

// resolveTransport merges flags, environment and config file (in that order
// of precedence) and checks what can be checked before anything is opened.
func (a *app) resolveTransport(cmd *cobra.Command, f transportFlags, cfg *serveConfig, listen string) (*transport, error) {
	env := a.env.Getenv
	t := &transport{
		certFile: pick(f.tlsCert, env("UNET_TLS_CERT"), cfg.Server.TLSCert),
		keyFile:  pick(f.tlsKey, env("UNET_TLS_KEY"), cfg.Server.TLSKey),
		clientCA: pick(f.clientCA, env("UNET_TLS_CLIENT_CA"), cfg.Server.TLSClientCA),
	}
	switch {
	case cmd.Flags().Changed("insecure-http"):
		t.insecureHTTP = f.insecureHTTP
	case env("UNET_INSECURE_HTTP") != "":
		v, err := strconv.ParseBool(env("UNET_INSECURE_HTTP"))
		if err != nil {
			return nil, usagef("UNET_INSECURE_HTTP=%q: want true or false", env("UNET_INSECURE_HTTP"))
		}
		t.insecureHTTP = v
	default:
		t.insecureHTTP = cfg.Server.InsecureHTTP
	}
	if (t.certFile == "") != (t.keyFile == "") {
		return nil, usagef("TLS needs both --tls-cert and --tls-key")
	}
	if t.clientCA != "" && t.certFile == "" {
		return nil, usagef("--client-ca needs TLS: give --tls-cert and --tls-key too")
	}
	proxies := f.trustedProxies
	if len(proxies) == 0 {
		proxies = splitList(env("UNET_TRUSTED_PROXIES"))
	}
	if len(proxies) == 0 {
		proxies = cfg.Server.TrustedProxies
	}
	nets, err := httpapi.ParseTrustedProxies(proxies)
	if err != nil {
		return nil, usagef("%v", err)
	}
	hosts := f.allowedHosts
	if len(hosts) == 0 {
		hosts = splitList(env("UNET_ALLOWED_HOSTS"))
	}
	if len(hosts) == 0 {
		hosts = cfg.Server.AllowedHosts
	}
	if len(hosts) == 0 {
		hosts = httpapi.DefaultAllowedHosts(listen)
	}
	t.options = httpapi.TransportOptions{AllowedHosts: hosts, TrustedProxies: nets}
	return t, nil
}

// tlsConfig loads the certificate (refusing a key file others may read) and
// the client CA; nil without TLS. Its errors exit 64, like the listen rules.
func (t *transport) tlsConfig(logger *slog.Logger) (*tls.Config, error) {
	if !t.tls() {
		return nil, nil
	}
	certs, err := httpapi.NewCertReloader(t.certFile, t.keyFile, httpapi.DefaultCertCheckInterval, logger)
	if err != nil {
		return nil, usagef("%v", err)
	}
	t.certs = certs
	var pool *x509.CertPool
	if t.clientCA != "" {
		if pool, err = httpapi.LoadCertPool(t.clientCA); err != nil {
			return nil, usagef("%v", err)
		}
	}
	logger.Info("TLS certificate loaded", slog.String("cert", t.certFile),
		slog.String("fingerprint_sha256", httpapi.Fingerprint(certs.Certificate().Leaf)),
		slog.Bool("client_certificates", pool != nil))
	return httpapi.TLSConfig(certs, pool), nil
}

// reloadOnSIGHUP re-reads the certificate on SIGHUP until ctx is done or the
// returned function is called. Without a certificate SIGHUP is logged and
// otherwise ignored: a service manager's reload (systemctl reload) must not
// stop a server that has nothing to reload.
func (t *transport) reloadOnSIGHUP(ctx context.Context, logger *slog.Logger) func() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ch:
				if t.certs == nil {
					logger.Info("SIGHUP: nothing to reload (no TLS certificate); serving on")
					continue
				}
				if err := t.certs.Reload(); err != nil {
					logger.Error("SIGHUP: TLS certificate not reloaded; the previous one stays in service", slog.Any("error", err))
				} else {
					logger.Info("SIGHUP: TLS certificate re-read",
						slog.String("fingerprint_sha256", httpapi.Fingerprint(t.certs.Certificate().Leaf)))
				}
			case <-ctx.Done():
				return
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}
