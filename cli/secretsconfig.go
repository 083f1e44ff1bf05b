package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/service"
)

// secretsConfig is the [secrets] section of the config file.
type secretsConfig struct {
	// SNMPAllow lists the references SNMP profiles may use for their
	// credentials ("env:UNET_SNMP_*", "db:snmp-*"); unset:
	// secret.DefaultAllow(secret.UseSNMP) of the data directory.
	SNMPAllow []string `toml:"snmp_allow"`
	// GitAllow lists the references Git sources may use for tokens, keys
	// and webhook secrets; unset: secret.DefaultAllow(secret.UseGit).
	GitAllow []string `toml:"git_allow"`
	// Allow is deprecated: its entries are allowed for every use, in
	// addition to the per-use lists (so a reference it allows can be sent
	// by an SNMP profile as well as by a Git source).
	Allow []string `toml:"allow"`
	// Deny lists references refused even when allowed (added to
	// secret.DefaultDeny and the key reference).
	Deny []string `toml:"deny"`
	// Key references the key of the secrets stored in the database
	// (env:NAME or file:PATH); --secrets-key and UNET_SECRETS_KEY win.
	Key string `toml:"key"`
	// PreviousKeys reference keys that still decrypt values sealed before
	// a rotation (while every process moves to the new key).
	PreviousKeys []string `toml:"previous_keys"`
}

// configPath is the config file every command reads: --config, else
// UNET_CONFIG, else none.
func (a *app) configPath() string { return pick(a.config, a.env.Getenv("UNET_CONFIG")) }

// fileConfig returns the config file (--config or UNET_CONFIG; serve's own
// --config when serving), read once; an empty configuration without one.
func (a *app) fileConfig() (*serveConfig, error) {
	if a.conf == nil {
		cfg, err := loadServeConfig(a.configPath())
		if err != nil {
			return nil, err
		}
		a.conf = cfg
	}
	return a.conf, nil
}

// dataDir is the data directory set by UNET_DATA_DIR or the config file's
// data_dir ("" for the service's default: unet-data beside a SQLite file,
// ./unet-data with PostgreSQL).
func (a *app) dataDir(cfg *serveConfig) string {
	return pick(a.env.Getenv("UNET_DATA_DIR"), cfg.DataDir)
}

// lookupEnv reads the variables of the command's environment.
func (a *app) lookupEnv(name string) (string, bool) {
	if v := a.env.Getenv(name); v != "" {
		return v, true
	}
	return os.LookupEnv(name)
}

// secretsKeyRef is the reference of the secrets key: --secrets-key, else
// UNET_SECRETS_KEY, else the config file's [secrets] key.
func (a *app) secretsKeyRef(cfg *serveConfig) string {
	return pick(a.secretsKey, a.env.Getenv("UNET_SECRETS_KEY"), cfg.Secrets.Key)
}

// configureSecrets gives the local service its data directory, its secret
// allow-list and, when one is configured, the key of stored secrets.
func (a *app) configureSecrets(ctx context.Context, svc *service.Service, cfg *serveConfig) error {
	if dir := a.dataDir(cfg); dir != "" {
		svc.SetGitDataDir(dir)
	}
	deny := cfg.Secrets.Deny
	var key *secret.Key
	if ref := a.secretsKeyRef(cfg); ref != "" {
		k, err := secret.LoadKey(ctx, ref, a.lookupEnv)
		if err != nil {
			return &unet.Error{Code: unet.EINVALID, Message: err.Error(), Err: err}
		}
		key = k
		// The key is never a client's secret, whatever the allow-list says.
		if r, err := secret.ParseRef(ref); err == nil {
			deny = append(deny, r.String())
		}
	}
	var previous []*secret.Key
	for _, ref := range cfg.Secrets.PreviousKeys {
		k, err := secret.LoadKey(ctx, ref, a.lookupEnv)
		if err != nil {
			return &unet.Error{Code: unet.EINVALID, Message: "[secrets] previous_keys: " + err.Error(), Err: err}
		}
		previous = append(previous, k)
		if r, err := secret.ParseRef(ref); err == nil {
			deny = append(deny, r.String())
		}
	}
	if key == nil && len(previous) > 0 {
		return unet.Errorf(unet.EINVALID, "[secrets] previous_keys needs a current key (--secrets-key, UNET_SECRETS_KEY or [secrets] key)")
	}
	if err := svc.SetSecrets(service.SecretsConfig{Allow: cfg.Secrets.Allow, SNMPAllow: cfg.Secrets.SNMPAllow,
		GitAllow: cfg.Secrets.GitAllow, Deny: deny, Key: key, PreviousKeys: previous,
		LookupEnv: a.lookupEnv}); err != nil {
		return fmt.Errorf("config file [secrets]: %w", err)
	}
	return nil
}
