package cli

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"

	"github.com/unet-dev/unet/secret"
)

// uiCSRFKey is the key of the web interface's CSRF tokens: derived from
// the token pepper when one is configured, so that every replica of a
// server computes the same tokens; nil (a random key of the process)
// without one.
func (a *app) uiCSRFKey(ctx context.Context, cfg *serveConfig) ([]byte, error) {
	ref := a.tokenPepperRef(cfg)
	if ref == "" {
		return nil, nil
	}
	b, err := secret.LoadMaterial(ctx, "token pepper", ref, a.lookupEnv)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, b)
	m.Write([]byte("unet web interface CSRF key"))
	return m.Sum(nil), nil
}
