package cli

import (
	"github.com/spf13/pflag"

	"github.com/unet-dev/unet/httpapi"
)

// abuseFlags are the rate-limit and allow-list flags of `unet serve`
// (docs/security.md, Abuse limits).
type abuseFlags struct {
	rateLimit, rateLimitIP string
	allowIPs               []string
}

func (f *abuseFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&f.rateLimit, "rate-limit", "", "requests per second per authenticated user, RATE[/BURST], 0 for none (env UNET_RATE_LIMIT; default "+
		httpapi.DefaultIdentityRateLimit.String()+" in authenticating modes)")
	fl.StringVar(&f.rateLimitIP, "rate-limit-ip", "", "requests per second per client address without a valid identity, RATE[/BURST], 0 for none (env UNET_RATE_LIMIT_IP; default "+
		httpapi.DefaultIPRateLimit.String()+" in authenticating modes)")
	fl.StringArrayVar(&f.allowIPs, "allow-ip", nil, "serve only clients in this CIDR or address (repeatable; env UNET_ALLOW_IPS, comma-separated; default: every client)")
}

// resolveLimits merges flags, environment and config file (in that order of
// precedence). Unset limits take the defaults in an authenticating mode and
// are off in mode none, whose loopback clients may open the database anyway
// and whose scripts must not be slowed down.
func (a *app) resolveLimits(f abuseFlags, cfg *serveConfig, mode string) (httpapi.RateLimits, error) {
	env := a.env.Getenv
	var out httpapi.RateLimits
	limit := func(name, val string, def httpapi.RateLimit) (httpapi.RateLimit, error) {
		if val == "" {
			if mode == "none" {
				return httpapi.RateLimit{}, nil
			}
			return def, nil
		}
		l, err := httpapi.ParseRateLimit(val)
		if err != nil {
			return l, usagef("%s: %v", name, err)
		}
		return l, nil
	}
	var err error
	if out.Identity, err = limit("--rate-limit", pick(f.rateLimit, env("UNET_RATE_LIMIT"), cfg.Server.RateLimit), httpapi.DefaultIdentityRateLimit); err != nil {
		return out, err
	}
	if out.IP, err = limit("--rate-limit-ip", pick(f.rateLimitIP, env("UNET_RATE_LIMIT_IP"), cfg.Server.RateLimitIP), httpapi.DefaultIPRateLimit); err != nil {
		return out, err
	}
	allow := f.allowIPs
	if len(allow) == 0 {
		allow = splitList(env("UNET_ALLOW_IPS"))
	}
	if len(allow) == 0 {
		allow = cfg.Server.AllowIPs
	}
	nets, err := httpapi.ParseAllowIPs(allow)
	if err != nil {
		return out, usagef("%v", err)
	}
	out.AllowIPs = nets
	return out, nil
}
