package cli

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// setting describes one key of the TOML config file. The table below is the
// one list of the settings: `unet settings init` writes it, `unet settings
// show` reads it, `unet docs config` (docs/configuration.md) documents it,
// and a test keeps it and serveConfig (the decoding target) in step.
type setting struct {
	// Key is the dotted key: section.name, or name for a top-level key.
	Key string
	// Flag is the flag of unet serve (or the global flag) that overrides
	// it, without dashes; Env the environment variable that does.
	Flag, Env string
	// Default is the default as a TOML value (string, bool, int, float64,
	// time.Duration or []string), nil when the default is computed or the
	// setting is off unless set; DefaultText then says what applies.
	Default     any
	DefaultText string
	// Secret marks a secret reference or key material: shown redacted.
	Secret bool
	// Deprecated names the key that replaces this one.
	Deprecated string
	// Doc is one or two sentences for the reference and the init file.
	Doc string
	// check validates a value (each element of a list) beyond its type.
	check func(string) error
}

// settingSections orders and describes the sections of the config file.
var settingSections = []struct{ Name, Doc string }{
	{"", "Top-level keys."},
	{"server", "The HTTP API server (unet serve): listener, authentication, transport security, limits, jobs."},
	{"database", "The database of the server and of local commands."},
	{"log", "The server's log on standard error."},
	{"policies", "Where the policies are read from when no Git source provides them."},
	{"templates", "Where the templates are read from when no Git source provides them."},
	{"secrets", "Secret references (env:NAME, file:PATH, db:NAME) and the key of the secrets stored in the database."},
	{"changes", "The guards that refuse applying a change set unless it is forced."},
	{"oidc", "Auth mode oidc: OpenID Connect tokens."},
	{"git", "Git sources."},
	{"notifications", "Delivery of notifications (webhooks, e-mail)."},
}

// settings is the table of every key of the config file.
var settings = []setting{
	{Key: "data_dir", Env: "UNET_DATA_DIR", DefaultText: "unet-data beside a SQLite database, ./unet-data with PostgreSQL",
		Doc: "Data directory: Git mirrors and snapshots, file secrets."},

	{Key: "server.listen", Flag: "listen", Env: "UNET_LISTEN", Default: DefaultListen, check: checkHostPort,
		Doc: "Address the API listens on, HOST:PORT. Auth mode none is refused beyond loopback; beyond loopback TLS is needed unless insecure_http."},
	{Key: "server.auth", Flag: "auth", Env: "UNET_AUTH_MODE", Default: "none", check: valueIn(authModes...),
		Doc: "Authentication mode: none (loopback only), local (API tokens, password logins, client certificates) or oidc."},
	{Key: "server.auth_mode", Deprecated: "server.auth", check: valueIn(authModes...),
		Doc: "Older name of server.auth."},
	{Key: "server.token_pepper", Flag: "token-pepper", Env: "UNET_TOKEN_PEPPER", Secret: true, check: checkSecretRef,
		DefaultText: "none; required by auth mode local",
		Doc:         "Key of the API token digests, as a reference: env:NAME or file:PATH."},
	{Key: "server.access_token_ttl", Default: service.DefaultAccessTTL,
		Doc: "Lifetime of the access token of a password or SSO login."},
	{Key: "server.refresh_token_ttl", Default: service.DefaultRefreshTTL,
		Doc: "Lifetime of a login session's refresh token."},
	{Key: "server.max_body_bytes", Default: int64(1 << 20),
		Doc: "Largest request body in bytes (413 beyond)."},
	{Key: "server.max_import_bytes", Default: int64(64 << 20),
		Doc: "Largest import body in bytes."},
	{Key: "server.require_if_match", Flag: "require-if-match", Default: false,
		Doc: "Answer 428 to PATCH and DELETE requests without If-Match."},
	{Key: "server.max_in_flight", DefaultText: "4 per CPU, at least 8",
		Doc: "Most API requests served at once; more wait for a slot until their deadline."},
	{Key: "server.access_log", Default: true,
		Doc: "Log one line per request."},
	{Key: "server.read_timeout", Default: 30 * time.Second,
		Doc: "Longest time to read a request."},
	{Key: "server.write_timeout", Default: 60 * time.Second,
		Doc: "Longest time to write a response; requests are cancelled at 90% of it."},
	{Key: "server.shutdown_timeout", Default: 15 * time.Second,
		Doc: "Longest graceful shutdown on SIGINT/SIGTERM before connections are closed."},
	{Key: "server.debug_listen", Flag: "debug-listen", Env: "UNET_DEBUG_LISTEN", DefaultText: "off", check: checkHostPort,
		Doc: "Serve the Go profiler (net/http/pprof) on this separate address."},
	{Key: "server.debug_listen_allow_remote", Flag: "debug-listen-allow-remote", Default: false,
		Doc: "Allow debug_listen beyond loopback (the profiler has no authentication)."},
	{Key: "server.require_change_sets", Flag: "require-change-sets", DefaultText: "off",
		Doc: "true, or a list of environments, where direct writes to the inventory are refused with 409: changes go through change sets."},
	{Key: "server.tls_cert", Flag: "tls-cert", Env: "UNET_TLS_CERT", DefaultText: "none (plain HTTP)",
		Doc: "Serve HTTPS with this certificate (PEM, chain after the leaf); re-read when it changes."},
	{Key: "server.tls_key", Flag: "tls-key", Env: "UNET_TLS_KEY", DefaultText: "none",
		Doc: "Private key of tls_cert (PEM, mode 0600 or stricter)."},
	{Key: "server.tls_client_ca", Flag: "client-ca", Env: "UNET_TLS_CLIENT_CA", DefaultText: "none",
		Doc: "Verify client certificates against these CA certificates (PEM)."},
	{Key: "server.insecure_http", Flag: "insecure-http", Env: "UNET_INSECURE_HTTP", Default: false,
		Doc: "Allow plain HTTP beyond loopback with an authenticating mode, for a TLS-terminating proxy in front."},
	{Key: "server.trusted_proxies", Flag: "trusted-proxy", Env: "UNET_TRUSTED_PROXIES", DefaultText: "none", check: checkPrefix,
		Doc: "CIDRs of reverse proxies whose X-Forwarded-For is believed."},
	{Key: "server.allowed_hosts", Flag: "allowed-hosts", Env: "UNET_ALLOWED_HOSTS", DefaultText: "the listen host, localhost, 127.0.0.1, ::1",
		Doc: "Host names and addresses the Host header may name; *.domain for a domain, * for any."},
	{Key: "server.rate_limit", Flag: "rate-limit", Env: "UNET_RATE_LIMIT", DefaultText: httpapi.DefaultIdentityRateLimit.String() + " with an authenticating mode, none under auth mode none", check: checkRateLimit,
		Doc: "Requests per second per authenticated user, RATE[/BURST], 0 for none (none under auth mode none)."},
	{Key: "server.rate_limit_ip", Flag: "rate-limit-ip", Env: "UNET_RATE_LIMIT_IP", DefaultText: httpapi.DefaultIPRateLimit.String() + " with an authenticating mode, none under auth mode none", check: checkRateLimit,
		Doc: "Requests per second per client address without a valid identity, RATE[/BURST], 0 for none."},
	{Key: "server.allow_ips", Flag: "allow-ip", Env: "UNET_ALLOW_IPS", DefaultText: "every client", check: checkPrefix,
		Doc: "Serve only clients in these CIDRs or addresses."},
	{Key: "server.max_engine_concurrency", DefaultText: "the number of CPUs, at least 2",
		Doc: "Most engine requests (policy evaluation, rendering) run at once."},
	{Key: "server.max_engine_text_bytes", Default: int64(2 << 20),
		Doc: "Largest policy or template text sent to an engine request, in bytes."},
	{Key: "server.max_engine_response_bytes", Default: int64(128 << 20),
		Doc: "Largest engine response, in bytes."},
	{Key: "server.max_engine_results", Default: int64(httpapi.DefaultMaxEngineResults),
		Doc: "Most results of one engine request."},
	{Key: "server.max_webhook_concurrency", Default: int64(16),
		Doc: "Most Git webhook deliveries handled at once."},
	{Key: "server.metrics_listen", Flag: "metrics-listen", Env: "UNET_METRICS_LISTEN", DefaultText: "/metrics on the main listener", check: checkHostPort,
		Doc: "Serve /metrics on this separate address instead."},
	{Key: "server.metrics_token", Flag: "metrics-token", Env: "UNET_METRICS_TOKEN", Secret: true, DefaultText: "none", check: checkSecretRef,
		Doc: "Require Authorization: Bearer TOKEN on /metrics, the token given by reference: env:NAME or file:PATH."},
	{Key: "server.event_retention", Flag: "event-retention", Default: defaultEventRetention,
		Doc: "Keep events this long (0: forever)."},
	{Key: "server.canary_interval", Flag: "canary-interval", Default: 30 * time.Second,
		Doc: "How often the leader checks the active canaries."},

	{Key: "database.url", Flag: "db", Env: "UNET_DATABASE_URL", DefaultText: DefaultDatabaseURL + " (" + DemoDatabaseURL + " with unet serve --demo)", Secret: true, check: checkDatabaseURL,
		Doc: "Database URL: sqlite:///path/unet.db or postgres://user:pass@host/db (its password is redacted by settings show)."},
	{Key: "database.migrate", Flag: "no-migrate", Default: true,
		Doc: "Migrate the database on start (flag --no-migrate turns it off)."},
	{Key: "database.sqlite_sync", Flag: "sqlite-sync", Default: sqlstore.SyncFull, check: valueIn(syncModes...),
		Doc: "SQLite durability: full (every acknowledged write survives a power loss) or normal (faster)."},
	{Key: "database.lock_timeout", Default: sqlstore.DefaultLockTimeout,
		Doc: "How long a write waits for a lock another connection holds."},
	{Key: "database.max_conns", Flag: "db-max-conns", DefaultText: fmt.Sprintf("%d for SQLite, %d for PostgreSQL", sqlstore.DefaultSQLiteConns, sqlstore.DefaultPostgresConns),
		Doc: "Most open database connections."},
	{Key: "database.max_idle_conns", Flag: "db-max-idle-conns", DefaultText: "max_conns",
		Doc: "Most idle database connections kept open."},
	{Key: "database.statement_timeout", Flag: "db-statement-timeout", DefaultText: "none",
		Doc: "Cancel a statement running longer (PostgreSQL's statement_timeout; on SQLite it caps the wait for a lock)."},

	{Key: "log.format", Flag: "log-format", Default: "text", check: valueIn(logFormats...),
		Doc: "Log format: text or json."},
	{Key: "log.level", Default: "info", check: valueIn(logLevels...),
		Doc: "Least severe level logged: debug, info, warn or error."},

	{Key: "policies.path", Flag: "policies", Env: "UNET_POLICY_PATH", DefaultText: "the active Git snapshot",
		Doc: "Policy directory used by the server and by local commands without --path."},
	{Key: "templates.path", Flag: "templates", Env: "UNET_TEMPLATE_PATH", DefaultText: "the active Git snapshot",
		Doc: "Template directory used by the server and by local commands without --path."},
	{Key: "templates.keep_trailing_newline", Default: false,
		Doc: "Keep the final newline of template sources (Jinja2's keep_trailing_newline)."},

	{Key: "secrets.snmp_allow", DefaultText: "env:UNET_SNMP_* and db:* (secret.DefaultAllow)", check: checkSecretPattern,
		Doc: "References SNMP profiles may use for their credentials."},
	{Key: "secrets.git_allow", DefaultText: "env:UNET_GIT_* and db:* (secret.DefaultAllow)", check: checkSecretPattern,
		Doc: "References Git sources may use for tokens, keys and webhook secrets."},
	{Key: "secrets.allow", Deprecated: "secrets.snmp_allow and secrets.git_allow", check: checkSecretPattern,
		Doc: "References allowed for every use, in addition to the per-use lists."},
	{Key: "secrets.deny", DefaultText: "none besides the built-in deny list and the key", check: checkSecretPattern,
		Doc: "References refused even when allowed."},
	{Key: "secrets.key", Flag: "secrets-key", Env: "UNET_SECRETS_KEY", Secret: true, DefaultText: "none (db: secrets unavailable)", check: checkSecretRef,
		Doc: "Key of the secrets stored in the database, as a reference: env:NAME or file:PATH."},
	{Key: "secrets.previous_keys", Secret: true, DefaultText: "none", check: checkSecretRef,
		Doc: "Keys that still decrypt values sealed before a key rotation."},

	{Key: "changes.guard_config_percent", Default: float64(service.DefaultGuardConfigPercent),
		Doc: "Refuse applying a change set that changes the rendered configuration of more than this percentage of the nodes (100: never)."},
	{Key: "changes.guard_new_critical", Default: service.DefaultGuardNewCritical,
		Doc: "Refuse applying a change set that makes a critical rule fail."},

	{Key: "oidc.issuer", Flag: "oidc-issuer", Env: "UNET_OIDC_ISSUER", DefaultText: "none",
		Doc: "The OpenID Connect issuer URL."},
	{Key: "oidc.client_id", Flag: "oidc-client-id", Env: "UNET_OIDC_CLIENT_ID", DefaultText: "none",
		Doc: "μNet's client ID at the issuer; tokens must name it in their audience."},
	{Key: "oidc.client_secret", Flag: "oidc-client-secret", Env: "UNET_OIDC_CLIENT_SECRET", Secret: true, DefaultText: "none", check: checkSecretRef,
		Doc: "The client secret as a reference, env:NAME or file:PATH."},
	{Key: "oidc.audience", Flag: "oidc-audience", Env: "UNET_OIDC_AUDIENCE", DefaultText: "the client ID",
		Doc: "The audience tokens must carry."},
	{Key: "oidc.role_claim", Flag: "oidc-role-claim", Env: "UNET_OIDC_ROLE_CLAIM", Default: httpapi.DefaultOIDCRoleClaim,
		Doc: "The claim mapped to roles, a string or a list; a.b for a nested claim."},
	{Key: "oidc.role_map", Flag: "oidc-role-map", Env: "UNET_OIDC_ROLE_MAP", DefaultText: "none", check: checkRoleMap,
		Doc: "VALUE=ROLE entries: a role for tokens whose role claim holds VALUE; *=ROLE for every token."},
	{Key: "oidc.ca", Flag: "oidc-ca", Env: "UNET_OIDC_CA", DefaultText: "the system's CAs",
		Doc: "PEM file of CA certificates trusted for the issuer, besides the system's."},
	{Key: "oidc.redirect_url", Flag: "oidc-redirect-url", Env: "UNET_OIDC_REDIRECT_URL", DefaultText: "derived from each request's Host",
		Doc: "The web interface's sign-in callback registered at the issuer, https://HOST/ui/login/oidc/callback (docs/ui.md, Signing in)."},

	{Key: "git.allow_local_urls", Default: false,
		Doc: "Let API clients add Git sources with a local path or a file:// URL (such a source reads the server's own disk)."},

	{Key: "notifications.retry_base", Flag: "notify-retry-base", Default: service.DefaultNotifyRetryBase,
		Doc: "First retry delay of a failed notification, doubled per attempt, with full jitter."},
	{Key: "notifications.retry_max", Flag: "notify-retry-max", Default: service.DefaultNotifyRetryMax,
		Doc: "Longest delay between notification attempts."},
	{Key: "notifications.give_up", Flag: "notify-give-up", Default: service.DefaultNotifyGiveUp,
		Doc: "Give up on an event this long after its first failed delivery: it becomes a dead letter. Must be shorter than event_retention."},
}

// lookupSetting returns the setting of key.
func lookupSetting(key string) (setting, bool) {
	i := slices.IndexFunc(settings, func(s setting) bool { return s.Key == key })
	if i < 0 {
		return setting{}, false
	}
	return settings[i], true
}

func valueIn(vals ...string) func(string) error {
	return func(s string) error {
		if slices.Contains(vals, s) {
			return nil
		}
		return fmt.Errorf("%q is not one of %s", s, strings.Join(vals, ", "))
	}
}

func checkHostPort(s string) error {
	if _, _, err := net.SplitHostPort(s); err != nil {
		return fmt.Errorf("%q is not HOST:PORT", s)
	}
	return nil
}

func checkSecretRef(s string) error {
	_, err := secret.ParseRef(s)
	return err
}

// checkSecretPattern accepts an allow-list or deny-list entry, SCHEME:NAME
// with '*' matching any run of characters (the service checks the rest).
func checkSecretPattern(s string) error {
	scheme, name, ok := strings.Cut(s, ":")
	if !ok || name == "" || !slices.Contains([]string{secret.SchemeEnv, secret.SchemeFile, secret.SchemeDB}, scheme) {
		return fmt.Errorf("%q is not SCHEME:NAME with scheme env, file or db", s)
	}
	return nil
}

func checkRateLimit(s string) error {
	_, err := httpapi.ParseRateLimit(s)
	return err
}

func checkPrefix(s string) error {
	_, err := httpapi.ParseAllowIPs([]string{s})
	return err
}

func checkRoleMap(s string) error {
	_, err := parseRoleMap([]string{s})
	return err
}

func checkDatabaseURL(s string) error {
	_, _, err := sqlstore.ParseURL(s)
	return err
}
