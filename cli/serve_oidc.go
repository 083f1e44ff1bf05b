package cli

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/service"
)

// oidcConfig is the [oidc] part of the config file (auth mode oidc).
type oidcConfig struct {
	Issuer       string   `toml:"issuer"`
	ClientID     string   `toml:"client_id"`
	ClientSecret string   `toml:"client_secret"` // a secret reference: env:NAME or file:PATH
	Audience     string   `toml:"audience"`
	RoleClaim    string   `toml:"role_claim"`
	RoleMap      []string `toml:"role_map"` // "group=role" entries
	CA           string   `toml:"ca"`       // PEM file of CAs trusted for the issuer
	RedirectURL  string   `toml:"redirect_url"`
}

// oidcFlags are the --oidc-* flags of `unet serve`.
type oidcFlags struct {
	issuer, clientID, clientSecret, audience, roleClaim, ca string
	roleMap                                                 []string
	redirectURL                                             string
}

func (o *oidcFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&o.issuer, "oidc-issuer", "", "auth mode oidc: the OpenID Connect issuer URL (env UNET_OIDC_ISSUER)")
	fl.StringVar(&o.clientID, "oidc-client-id", "", "auth mode oidc: μNet's client ID at the issuer; tokens must name it in their audience (env UNET_OIDC_CLIENT_ID)")
	fl.StringVar(&o.clientSecret, "oidc-client-secret", "", "auth mode oidc: the client secret as a reference, env:NAME or file:PATH (env UNET_OIDC_CLIENT_SECRET)")
	fl.StringVar(&o.audience, "oidc-audience", "", "auth mode oidc: the audience tokens must carry (env UNET_OIDC_AUDIENCE; default the client ID)")
	fl.StringVar(&o.roleClaim, "oidc-role-claim", "", "auth mode oidc: the claim mapped to roles, a string or a list; a.b for a nested claim (env UNET_OIDC_ROLE_CLAIM; default "+httpapi.DefaultOIDCRoleClaim+")")
	fl.StringArrayVar(&o.roleMap, "oidc-role-map", nil, "auth mode oidc: VALUE=ROLE, a role for tokens whose role claim holds VALUE; *=ROLE for every token (repeatable; env UNET_OIDC_ROLE_MAP, comma-separated)")
	fl.StringVar(&o.ca, "oidc-ca", "", "auth mode oidc: PEM file of CA certificates trusted for the issuer, besides the system's (env UNET_OIDC_CA)")
	fl.StringVar(&o.redirectURL, "oidc-redirect-url", "", "auth mode oidc: the web interface's sign-in callback registered at the issuer, https://HOST/ui/login/oidc/callback (env UNET_OIDC_REDIRECT_URL; default derived from each request's Host)")
}

// oidcSettings is the resolved OIDC configuration.
type oidcSettings struct {
	issuer, clientID, clientSecret, audience, roleClaim, ca string
	roleMap                                                 map[string][]string
	redirectURL                                             string
}

// resolveOIDC merges flags, environment and config file (in that order of
// precedence) and checks what can be checked before anything is opened.
func (a *app) resolveOIDC(cmd *cobra.Command, f oidcFlags, cfg *serveConfig) (*oidcSettings, error) {
	env := a.env.Getenv
	c := cfg.OIDC
	s := &oidcSettings{
		issuer:       pick(f.issuer, env("UNET_OIDC_ISSUER"), c.Issuer),
		clientID:     pick(f.clientID, env("UNET_OIDC_CLIENT_ID"), c.ClientID),
		clientSecret: pick(f.clientSecret, env("UNET_OIDC_CLIENT_SECRET"), c.ClientSecret),
		audience:     pick(f.audience, env("UNET_OIDC_AUDIENCE"), c.Audience),
		roleClaim:    pick(f.roleClaim, env("UNET_OIDC_ROLE_CLAIM"), c.RoleClaim),
		ca:           pick(f.ca, env("UNET_OIDC_CA"), c.CA),
		redirectURL:  pick(f.redirectURL, env("UNET_OIDC_REDIRECT_URL"), c.RedirectURL),
	}
	if s.issuer == "" || s.clientID == "" {
		return nil, usagef("--auth oidc needs --oidc-issuer and --oidc-client-id (or UNET_OIDC_ISSUER and UNET_OIDC_CLIENT_ID, or issuer and client_id in [oidc])")
	}
	if err := checkOIDCSecretRef(s.clientSecret); err != nil {
		return nil, err
	}
	if err := checkOIDCRedirectURL(s.redirectURL); err != nil {
		return nil, err
	}
	entries := f.roleMap
	if !cmd.Flags().Changed("oidc-role-map") {
		entries = splitList(env("UNET_OIDC_ROLE_MAP"))
		if len(entries) == 0 {
			entries = c.RoleMap
		}
	}
	m, err := parseRoleMap(entries)
	if err != nil {
		return nil, err
	}
	s.roleMap = m
	return s, nil
}

// parseRoleMap reads VALUE=ROLE entries; a value may map to several roles
// (repeat it). The split is at the last '=', so a value may hold '='.
func parseRoleMap(entries []string) (map[string][]string, error) {
	m := map[string][]string{}
	for _, e := range entries {
		i := strings.LastIndex(e, "=")
		if i < 0 {
			return nil, usagef("--oidc-role-map %q: want VALUE=ROLE, such as noc-engineers=engineer", e)
		}
		v, r := strings.TrimSpace(e[:i]), strings.TrimSpace(e[i+1:])
		if v == "" || r == "" {
			return nil, usagef("--oidc-role-map %q: want VALUE=ROLE, such as noc-engineers=engineer", e)
		}
		if !slices.Contains(m[v], r) {
			m[v] = append(m[v], r)
		}
	}
	return m, nil
}

// httpClient is the client that reaches the issuer: the system's CAs,
// plus those of --oidc-ca.
func (s *oidcSettings) httpClient() (*http.Client, error) {
	return clientTrusting(s.ca, "--oidc-ca", 10*time.Second)
}

// oidcAuthorizer builds auth mode oidc over the service: API tokens first,
// then OIDC tokens. The role map must name existing roles and the client
// secret reference must resolve; the issuer is asked for its discovery
// document at once, and a failure is logged (requests retry it) rather
// than fatal, so that the server starts while the issuer is down.
func (a *app) oidcAuthorizer(ctx context.Context, s *oidcSettings, svc *service.Service, logger *slog.Logger) (httpapi.Authorizer, error) {
	for v, roles := range s.roleMap {
		for _, r := range roles {
			if _, err := svc.GetRole(ctx, r); err != nil {
				if unet.ErrorCode(err) == unet.ENOTFOUND {
					return nil, usagef("--oidc-role-map %s=%s: no role %q (unet roles list)", v, r, r)
				}
				return nil, err
			}
		}
	}
	if s.clientSecret != "" {
		if _, err := secret.LoadMaterial(ctx, "OIDC client secret", s.clientSecret, a.lookupEnv); err != nil {
			return nil, &unet.Error{Code: unet.EINVALID, Message: err.Error(), Err: err}
		}
	}
	hc, err := s.httpClient()
	if err != nil {
		return nil, err
	}
	o, err := httpapi.NewOIDCAuthenticator(httpapi.OIDCOptions{Issuer: s.issuer, ClientID: s.clientID, Audience: s.audience,
		RoleClaim: s.roleClaim, RoleMap: s.roleMap, Roles: svc, HTTPClient: hc})
	if err != nil {
		return nil, WithExitCode(ExitUsage, err)
	}
	if err := o.Discover(ctx); err != nil {
		logger.Warn("OIDC issuer not reached; requests with OIDC tokens retry", slog.String("issuer", s.issuer), slog.Any("error", err))
	} else {
		logger.Info("OIDC issuer discovered", slog.String("issuer", s.issuer))
	}
	return httpapi.OIDCAuth{OIDC: o, Authenticators: []httpapi.Authenticator{httpapi.TokenAuthenticator{Verifier: svc}}}, nil
}

// checkOIDCSecretRef refuses a client secret reference that is not env: or
// file: (a db: secret would be readable by API clients with secrets:read).
func checkOIDCSecretRef(ref string) error {
	if ref == "" {
		return nil
	}
	r, err := secret.ParseRef(ref)
	if err != nil || r.Scheme == secret.SchemeDB {
		return usagef("--oidc-client-secret %q: give a reference env:NAME or file:PATH", ref)
	}
	return nil
}
