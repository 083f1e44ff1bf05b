package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"
)

// ssoLoginRun is `unet login --sso`: the device login of auth mode oidc,
// whose credentials later commands against the same --server send.
func (a *app) ssoLoginRun(cmd *cobra.Command, issuerCA string) error {
	serverClient, err := clientTrusting(a.serverCA, "--server-ca", 30*time.Second)
	if err != nil {
		return err
	}
	issuerClient, err := clientTrusting(pick(issuerCA, a.env.Getenv("UNET_ISSUER_CA")), "--issuer-ca", 30*time.Second)
	if err != nil {
		return err
	}
	tok, err := deviceLogin(cmd.Context(), a.server, serverClient, issuerClient, a.env.Stderr)
	if err != nil {
		return err
	}
	path, err := a.saveCredentials(credentials{Server: a.server, AccessToken: tok.Bearer, RefreshToken: tok.RefreshToken,
		ExpiresAt: tok.Expiry.UTC(), Kind: "oidc", Issuer: tok.Issuer, ClientID: tok.ClientID, User: tok.User})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.env.Stdout, "Logged in to %s as %s (until %s); credentials in %s\n", a.server,
		pick(tok.User, "the issuer's user"), tok.Expiry.UTC().Format(time.RFC3339), path)
	return err
}

// clientTrusting is an HTTP client that trusts the system's CAs and those
// of the PEM file caFile (named flag in errors), if any.
func clientTrusting(caFile, flag string, timeout time.Duration) (*http.Client, error) {
	c := &http.Client{Timeout: timeout}
	if caFile == "" {
		return c, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	b, err := os.ReadFile(caFile)
	if err != nil {
		return nil, usagef("%s: %v", flag, err)
	}
	if !pool.AppendCertsFromPEM(b) {
		return nil, usagef("%s %s holds no PEM certificate", flag, caFile)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	c.Transport = tr
	return c, nil
}

// storedToken is the bearer of the credentials stored for --server by
// unet login ("" without any). A credentials file that cannot be used is
// reported on stderr and ignored.
func (a *app) storedToken() string {
	if a.server == "" {
		return ""
	}
	c, err := a.loadCredentials(a.server)
	if err != nil {
		if a.env.Stderr != nil {
			_, _ = fmt.Fprintf(a.env.Stderr, "warning: %v\n", err) // best effort: the request goes on without it
		}
		return ""
	}
	if c == nil {
		return ""
	}
	if c.Kind == "oidc" && c.RefreshToken != "" && !c.ExpiresAt.IsZero() && time.Until(c.ExpiresAt) < ssoRefreshMargin {
		if nc, err := a.refreshStored(*c); err != nil {
			if a.env.Stderr != nil {
				_, _ = fmt.Fprintf(a.env.Stderr, "warning: the stored login could not be refreshed: %v\n", err) // best effort
			}
		} else {
			c = &nc
		}
	}
	return c.AccessToken
}

// refreshStored refreshes stored OIDC credentials at their issuer and saves
// the result.
func (a *app) refreshStored(c credentials) (credentials, error) {
	hc, err := clientTrusting(a.env.Getenv("UNET_ISSUER_CA"), "UNET_ISSUER_CA", 30*time.Second)
	if err != nil {
		return c, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	nc, err := refreshSSO(ctx, c, hc)
	if err != nil {
		return c, err
	}
	if _, err := a.saveCredentials(nc); err != nil {
		return c, err
	}
	return nc, nil
}
