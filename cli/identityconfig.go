package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/service"
)

// tokenPepperRef is the reference of the API token pepper: --token-pepper,
// else UNET_TOKEN_PEPPER, else the config file's [server] token_pepper.
func (a *app) tokenPepperRef(cfg *serveConfig) string {
	return pick(a.tokenPepper, a.env.Getenv("UNET_TOKEN_PEPPER"), cfg.Server.TokenPepper)
}

// configureIdentity gives the local service the token pepper when one is
// configured. Without it, creating and verifying API tokens is refused with
// a message that says how to configure one.
func (a *app) configureIdentity(ctx context.Context, svc *service.Service, cfg *serveConfig) error {
	if err := svc.SetSessionConfig(service.SessionConfig{AccessTTL: time.Duration(cfg.Server.AccessTokenTTL),
		RefreshTTL: time.Duration(cfg.Server.RefreshTokenTTL)}); err != nil {
		return fmt.Errorf("[server] access_token_ttl / refresh_token_ttl: %w", err)
	}
	ref := a.tokenPepperRef(cfg)
	if ref == "" {
		return nil
	}
	b, err := secret.LoadMaterial(ctx, "token pepper", ref, a.lookupEnv)
	if err != nil {
		return &unet.Error{Code: unet.EINVALID, Message: err.Error(), Err: err}
	}
	if err := svc.SetTokenPepper(b); err != nil {
		return fmt.Errorf("token pepper %s: %w", ref, err)
	}
	return nil
}

// bearerToken is the credential the remote CLI sends: --token, else
// UNET_TOKEN, else the credentials unet login stored for --server.
func (a *app) bearerToken() string {
	if t := pick(a.token, a.env.Getenv("UNET_TOKEN")); t != "" {
		return t
	}
	return a.storedToken()
}
