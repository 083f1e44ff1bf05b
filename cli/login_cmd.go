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

// loginCommand is `unet login --server URL --sso`: the device login of auth
// mode oidc, whose credentials later commands against the same --server
// send.
func (a *app) loginCommand() *cobra.Command {
	var sso bool
	var issuerCA string
	cmd := &cobra.Command{
		Use:   "login --server URL --sso [--issuer-ca FILE]",
		Short: "Log in to a μNet server and keep the credentials for later commands",
		Long: `Log in to the --server (or UNET_SERVER) and store the credentials in the
user's config directory ($XDG_CONFIG_HOME/unet/credentials or
~/.config/unet/credentials; UNET_CREDENTIALS_DIR overrides), one file per
server, mode 0600. Later commands with the same --server send them unless
--token or UNET_TOKEN is given.

--sso logs in through the server's OpenID Connect issuer (auth mode oidc) with
the device flow (RFC 8628): the command prints a URL and a code, you confirm
the code in a browser (on any device), and the command receives the tokens.
The server is asked for the issuer and client ID (GET /api/v1/auth/config);
--issuer-ca (env UNET_ISSUER_CA) adds CA certificates to trust for the
issuer.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.server == "" {
				return usagef("login needs --server URL (or UNET_SERVER)")
			}
			if !sso {
				return usagef("give --sso to log in through the server's OpenID Connect issuer, or use an API token (--token or UNET_TOKEN)")
			}
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
		},
	}
	cmd.Flags().BoolVar(&sso, "sso", false, "log in through the server's OpenID Connect issuer (device flow)")
	cmd.Flags().StringVar(&issuerCA, "issuer-ca", "", "PEM certificate(s) to trust for the issuer besides the system's (env UNET_ISSUER_CA)")
	return cmd
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
