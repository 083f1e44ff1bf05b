package cli

import (
	"context"
	"crypto/x509"
	"os"

	"github.com/unet-dev/unet/httpapi"
)

// openRemote connects to a μNet server: the returned service runs every call
// over the server's REST API. Nothing is sent until the first call, which
// reports an unreachable server as code unavailable (exit 68) with its URL.
// token, when set, is sent as a bearer credential with every request;
// caFile (--server-ca) adds certificates to trust for an https server;
// tokens, when not nil, supplies the credential instead of token (a stored
// login session).
func openRemote(_ context.Context, url, actor, token, caFile string, tokens httpapi.TokenSource) (*httpapi.Client, error) {
	o := httpapi.ClientOptions{Actor: actor, Token: token, Tokens: tokens}
	if caFile != "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		b, err := os.ReadFile(caFile)
		if err != nil {
			return nil, usagef("--server-ca: %v", err)
		}
		if !pool.AppendCertsFromPEM(b) {
			return nil, usagef("--server-ca %s holds no PEM certificate", caFile)
		}
		o.RootCAs = pool
	}
	c, err := httpapi.NewClient(url, o)
	if err != nil {
		return nil, usagef("--server: %v", err)
	}
	return c, nil
}
