package cli

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/webui"
)

// DefaultListen is where `unet serve` listens unless told otherwise.
const DefaultListen = "127.0.0.1:8080"

// DemoDatabaseURL is the database of `unet serve --demo` when none is named.
const DemoDatabaseURL = "sqlite://./unet-demo.db"

// serveConfig is the [server], [database] and [log] part of the TOML config
// file. Values from the file are overridden by UNET_* variables, which are
// overridden by flags.
type serveConfig struct {
	Server struct {
		Listen      string `toml:"listen"`
		Auth        string `toml:"auth"`
		AuthMode    string `toml:"auth_mode"` // older name of auth
		TokenPepper string `toml:"token_pepper"`
		// Session lifetimes (see docs/security.md, Login and sessions).
		AccessTokenTTL  duration `toml:"access_token_ttl"`
		RefreshTokenTTL duration `toml:"refresh_token_ttl"`
		MaxBodyBytes    int64    `toml:"max_body_bytes"`
		MaxImportBytes  int64    `toml:"max_import_bytes"`
		RequireIfMatch  bool     `toml:"require_if_match"`
		MaxInFlight     int      `toml:"max_in_flight"`
		AccessLog       *bool    `toml:"access_log"`
		ReadTimeout     duration `toml:"read_timeout"`
		WriteTimeout    duration `toml:"write_timeout"`
		ShutdownTimeout duration `toml:"shutdown_timeout"`

		// DebugListen serves the profiler (--debug-listen).
		DebugListen            string `toml:"debug_listen"`
		DebugListenAllowRemote bool   `toml:"debug_listen_allow_remote"`

		// RequireChangeSets is true (every environment) or a list of
		// environments where direct writes are refused
		// (--require-change-sets).
		RequireChangeSets any `toml:"require_change_sets"`

		// Transport security (see docs/security.md, Transport).
		TLSCert        string   `toml:"tls_cert"`
		TLSKey         string   `toml:"tls_key"`
		TLSClientCA    string   `toml:"tls_client_ca"`
		InsecureHTTP   bool     `toml:"insecure_http"`
		TrustedProxies []string `toml:"trusted_proxies"`
		AllowedHosts   []string `toml:"allowed_hosts"`

		// Abuse limits (see docs/security.md, Abuse limits).
		RateLimit   string   `toml:"rate_limit"`
		RateLimitIP string   `toml:"rate_limit_ip"`
		AllowIPs    []string `toml:"allow_ips"`

		// Engine and webhook limits (see httpapi.Options).
		MaxEngineConcurrency   int   `toml:"max_engine_concurrency"`
		MaxEngineTextBytes     int64 `toml:"max_engine_text_bytes"`
		MaxEngineResponseBytes int64 `toml:"max_engine_response_bytes"`
		MaxEngineResults       int   `toml:"max_engine_results"`
		MaxWebhookConcurrency  int   `toml:"max_webhook_concurrency"`

		// Metrics (serve_metrics.go): a separate listener for /metrics and
		// the reference of the bearer token it requires.
		MetricsListen string `toml:"metrics_listen"`
		MetricsToken  string `toml:"metrics_token"`

		// EventRetention is how long events are kept (--event-retention;
		// 0: forever).
		EventRetention *duration `toml:"event_retention"`
		// CanaryInterval: how often the leader checks the active canaries
		// (--canary-interval).
		CanaryInterval duration `toml:"canary_interval"`
	} `toml:"server"`
	Database struct {
		URL         string   `toml:"url"`
		Migrate     *bool    `toml:"migrate"`
		SQLiteSync  string   `toml:"sqlite_sync"`  // full (default) or normal
		LockTimeout duration `toml:"lock_timeout"` // default 5s
		// Pool and statement bounds (dbpool.go).
		MaxConns         int      `toml:"max_conns"`
		MaxIdleConns     int      `toml:"max_idle_conns"`
		StatementTimeout duration `toml:"statement_timeout"`
	} `toml:"database"`
	Log struct {
		Format string `toml:"format"` // text or json
		Level  string `toml:"level"`  // debug, info, warn, error
	} `toml:"log"`
	// DataDir is the data directory (Git mirrors and snapshots, secrets/).
	// Policies and Templates name the directories that local commands and
	// the server use when no --path (or serve --policies/--templates) and no
	// UNET_POLICY_PATH / UNET_TEMPLATE_PATH is given.
	Policies struct {
		Path string `toml:"path"`
	} `toml:"policies"`
	Templates struct {
		Path string `toml:"path"`
		// KeepTrailingNewline keeps the final newline of template
		// sources (Jinja2's keep_trailing_newline; off by default).
		KeepTrailingNewline bool `toml:"keep_trailing_newline"`
	} `toml:"templates"`
	DataDir string        `toml:"data_dir"`
	Secrets secretsConfig `toml:"secrets"`
	// Changes configures the guards of change sets (changes_config.go).
	Changes changesConfig `toml:"changes"`
	// OIDC configures auth mode oidc (serve_oidc.go).
	OIDC oidcConfig `toml:"oidc"`
	// Git configures the server's Git sources: AllowLocalURLs lets API
	// clients add sources with a local path or a file:// URL (off: such a
	// source reads the server's own disk).
	Git struct {
		AllowLocalURLs bool `toml:"allow_local_urls"`
	} `toml:"git"`
	// Notifications configures the notification outbox (serve_notify.go).
	Notifications notifyConfig `toml:"notifications"`
}

// duration reads "30s"-style values from TOML.
type duration time.Duration

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 30s or 2m", string(b))
	}
	*d = duration(v)
	return nil
}

func loadServeConfig(path string) (*serveConfig, error) {
	if path == "" {
		return &serveConfig{}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, unet.Errorf(unet.EINVALID, "config file: %v", err)
	}
	return decodeConfig(path, data)
}

// serveFlags are the flags of `unet serve`.
type serveFlags struct {
	listen, config, authMode, logFormat string
	sqliteSync                          string
	demo, noMigrate, requireIfMatch     bool
	jobs                                jobFlags
	transport                           transportFlags
	abuse                               abuseFlags
	oidc                                oidcFlags
	requireCS                           requireCSFlag
	metrics                             metricsFlags
	debug                               debugFlags
	cluster                             clusterFlags
	notify                              notifyFlags
}

func (a *app) serveCommand() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve [--listen ADDR] [--db URL] [--config FILE] [--demo]",
		Short: "Run the μNet HTTP API server",
		Long: `Serve the REST API (under /api/v1, described at /api/v1/openapi.json) over the
database, with /livez (or /healthz) and /readyz for probes. The database is migrated on
start unless --no-migrate. --demo loads the demo dataset first (into
` + DemoDatabaseURL + ` unless --db names another database).

Auth mode none (everyone may do everything, X-Unet-Actor names the actor) is
refused on anything but a loopback address; any other address also needs TLS
(--tls-cert and --tls-key; unet certs self-signed makes a pair) unless
--insecure-http says a TLS-terminating proxy is in front. Auth mode local
requires a credential on every route but the health probes, the API document,
the login routes and the webhook receiver: an API token (unet tokens create),
the access token of a password login (unet login; signing keys need
--secrets-key), or a client certificate (--client-ca); and the token pepper
(--token-pepper). Auth mode oidc verifies OpenID Connect tokens of
--oidc-issuer for --oidc-client-id and maps their --oidc-role-claim to roles
with --oidc-role-map (API tokens work too). The certificate and key are
re-read when their files change (checked every few seconds, and at once on
SIGHUP). Requests must name one of
--allowed-hosts in Host, send JSON bodies and, from a browser, come from the
server's own origin (docs/security.md, Transport). SIGINT/SIGTERM stop the
server gracefully: no new connections, in-flight requests finish, then the
database is closed. --require-change-sets [ENV,...] refuses direct writes to
the inventory of those environments (every environment when bare) with 409:
changes there go through change sets (--propose) or --emergency --reason.
--debug-listen ADDR serves the Go profiler (net/http/pprof) on a separate
listener, loopback only unless --debug-listen-allow-remote.

Precedence: config file < environment (UNET_LISTEN, UNET_DATABASE_URL,
UNET_AUTH_MODE, UNET_TLS_CERT, UNET_TLS_KEY, UNET_TLS_CLIENT_CA,
UNET_INSECURE_HTTP, UNET_TRUSTED_PROXIES, UNET_ALLOWED_HOSTS, UNET_RATE_LIMIT,
UNET_RATE_LIMIT_IP, UNET_ALLOW_IPS, UNET_OIDC_*) < flags.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serve(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "", "address to listen on, HOST:PORT (env UNET_LISTEN; default "+DefaultListen+")")
	fl.StringVar(&f.config, "config", "", "TOML config file (env UNET_CONFIG)")
	fl.BoolVar(&f.demo, "demo", false, "load the demo dataset before serving (default database "+DemoDatabaseURL+")")
	fl.BoolVar(&f.noMigrate, "no-migrate", false, "do not migrate the database on start (/readyz answers 503 until it is)")
	fl.StringVar(&f.authMode, "auth", "", "authentication mode: none, local (API tokens, password logins, client certificates) or oidc (OpenID Connect tokens and API tokens) (env UNET_AUTH_MODE)")
	fl.StringVar(&f.authMode, "auth-mode", "", "older name of --auth")
	_ = fl.MarkHidden("auth-mode")
	fl.StringVar(&f.logFormat, "log-format", "", "log format: text or json")
	fl.BoolVar(&f.requireIfMatch, "require-if-match", false, "answer 428 to PATCH/DELETE without If-Match")
	fl.StringVar(&f.sqliteSync, "sqlite-sync", "", "SQLite durability: full (default: every acknowledged write survives a power loss) or normal (faster; the last writes before a power loss may be lost)")
	f.jobs.register(fl)
	f.transport.register(fl)
	f.abuse.register(fl)
	f.oidc.register(fl)
	f.metrics.register(fl)
	registerRequireCS(cmd, &f.requireCS)
	f.debug.register(fl)
	f.cluster.register(fl)
	f.notify.register(fl)
	return cmd
}

// pick returns the first non-empty value.
func pick(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func (a *app) serve(cmd *cobra.Command, f serveFlags) error {
	if a.server != "" {
		return usagef("serve runs a server over a database (--db); it does not work through --server")
	}
	cfg, err := loadServeConfig(pick(f.config, a.configPath()))
	if err != nil {
		return err
	}
	a.conf = cfg
	evRetention, err := eventRetention(cmd, f.jobs.eventRetention, cfg.Server.EventRetention)
	if err != nil {
		return err
	}
	requireCS, err := requireChangeSets(&f.requireCS, cfg.Server.RequireChangeSets)
	if err != nil {
		return err
	}
	notifyCfg, err := f.notify.config(cfg.Notifications)
	if err != nil {
		return err
	}
	if giveUp := cmp.Or(notifyCfg.GiveUp, service.DefaultNotifyGiveUp); evRetention > 0 && giveUp >= evRetention {
		// An event pruned before its subscriptions gave up on it would be
		// skipped without a dead letter.
		return usagef("--notify-give-up (%s) must be shorter than --event-retention (%s): events still being delivered would be deleted", giveUp, evRetention)
	}
	listen := pick(f.listen, a.env.Getenv("UNET_LISTEN"), cfg.Server.Listen, DefaultListen)
	mode := pick(f.authMode, a.env.Getenv("UNET_AUTH_MODE"), cfg.Server.Auth, cfg.Server.AuthMode, "none")
	dbURL := cfg.Database.URL
	if cmd.Flags().Changed("db") || a.env.Getenv("UNET_DATABASE_URL") != "" {
		dbURL = a.dbURL
	}
	if dbURL == "" {
		dbURL = DefaultDatabaseURL
		if f.demo {
			dbURL = DemoDatabaseURL
		}
	}
	var auth httpapi.Authorizer
	var oidcSet *oidcSettings
	switch mode {
	case "none":
		auth = httpapi.NoAuth{}
	case "local":
		if a.tokenPepperRef(cfg) == "" {
			return usagef("--auth local needs a token pepper: give --token-pepper env:NAME or file:PATH (or UNET_TOKEN_PEPPER, or token_pepper in [server]); API tokens are verified with it")
		}
		// The authenticators need the service; they are set once it is built.
		auth = httpapi.LocalAuth{}
	case "oidc":
		if oidcSet, err = a.resolveOIDC(cmd, f.oidc, cfg); err != nil {
			return err
		}
		// Built once the service is (the role map is checked against it).
		auth = httpapi.OIDCAuth{}
	default:
		return usagef("unknown auth mode %q (want none, local or oidc)", mode)
	}
	tr, err := a.resolveTransport(cmd, f.transport, cfg, listen)
	if err != nil {
		return err
	}
	limits, err := a.resolveLimits(f.abuse, cfg, mode)
	if err != nil {
		return err
	}
	if err := httpapi.CheckListen(listen, httpapi.ListenSecurity{Mode: auth.Mode(), TLS: tr.tls(), InsecureHTTP: tr.insecureHTTP}); err != nil {
		return usagef("%v", err)
	}
	logger, err := a.serveLogger(pick(f.logFormat, cfg.Log.Format, "text"), pick(cfg.Log.Level, "info"))
	if err != nil {
		return err
	}
	tlsConfig, err := tr.tlsConfig(logger)
	if err != nil {
		return err
	}
	debugAddr, err := a.resolveDebugListen(cmd, f.debug, cfg)
	if err != nil {
		return err
	}
	observers, flushTraces, err := startTracing(cmd.Context(), logger)
	if err != nil {
		return err
	}
	defer flushTraces()
	dbOpts := sqlstore.Options{Sync: pick(f.sqliteSync, cfg.Database.SQLiteSync), LockTimeout: time.Duration(cfg.Database.LockTimeout)}
	a.dbPool.apply(&dbOpts, cfg)
	if err := checkServeTimeouts(cfg, dbOpts); err != nil {
		return err
	}
	// The port first: a port in use is reported before any data is touched.
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("cannot listen on %s: %v", listen, err), Err: err}
	}
	scheme := "http"
	if tlsConfig != nil {
		ln, scheme = tls.NewListener(ln, tlsConfig), "https"
	}
	defer func() {
		// Serve closes it; this is for the returns before.
		if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			logger.Warn("close listener", slog.Any("error", err))
		}
	}()
	if debugAddr != "" {
		debugCtx, stopDebug := context.WithCancel(cmd.Context())
		waitDebug, err := startDebugServer(debugCtx, debugAddr, logger)
		if err != nil {
			stopDebug()
			return err
		}
		defer waitDebug()
		defer stopDebug()
	}
	migrate := !f.noMigrate && (cfg.Database.Migrate == nil || *cfg.Database.Migrate)
	if !migrate {
		// Without migration the server cannot start a new database.
		if err := missingSQLite(dbURL); err != nil {
			return err
		}
	}
	readyFile := ""
	if engine, dsn, err := sqlstore.ParseURL(dbURL); err == nil && engine == sqlstore.SQLite {
		readyFile, _, _ = strings.Cut(dsn, "?")
		// The lock is on the file itself, whatever name reaches it; it is
		// released by the deferred call below, after the database is closed.
		lock, err := sqlstore.LockServer(readyFile)
		if err != nil {
			// Another server holds the file: retry once it has stopped.
			return WithExitCode(ExitUnavailable, err)
		}
		defer func() {
			if err := lock.Release(); err != nil {
				logger.Warn("release the server lock", slog.Any("error", err))
			}
		}()
	}
	ctx := cmd.Context()
	db, err := sqlstore.OpenWith(ctx, dbURL, dbOpts)
	if err != nil {
		return err
	}
	defer func() {
		if err := db.Close(); err != nil {
			logger.Error("close database", slog.Any("error", err))
		} else {
			logger.Info("database closed")
		}
	}()
	if migrate {
		n, err := db.Migrate(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			logger.Info("database migrated", slog.Int("applied", n))
		}
	} else if err := db.CheckSchema(ctx); err != nil {
		logger.Warn("database schema is not current; /readyz answers 503 until it is", slog.Any("reason", err))
	}
	svc := service.New(db)
	svc.SetGitAllowLocalURLs(cfg.Git.AllowLocalURLs)
	if requireCS != nil {
		svc.SetRequireChangeSets(requireCS)
		logger.Info("direct writes refused outside change sets", slog.String("environments", describeEnvs(requireCS)))
	}
	if err := a.configureSecrets(ctx, svc, cfg); err != nil {
		return err
	}
	if err := a.configureIdentity(ctx, svc, cfg); err != nil {
		return err
	}
	if err := configureGuards(svc, cfg); err != nil {
		return err
	}
	switch mode {
	case "local":
		auth = httpapi.LocalAuth{Authenticators: localAuthenticators(svc)}
		if a.secretsKeyRef(cfg) == "" {
			logger.Warn("password logins are unavailable: no secrets key to encrypt the signing keys of access tokens (--secrets-key); API tokens and client certificates work")
		}
	case "oidc":
		if auth, err = a.oidcAuthorizer(ctx, oidcSet, svc, logger); err != nil {
			return err
		}
	}
	if err := a.configureSources(svc, f.jobs); err != nil {
		return err
	}
	if f.demo {
		b, err := demoBundle()
		if err != nil {
			return err
		}
		rep, err := svc.Import(unet.WithActor(ctx, a.actor()), b, unet.ImportOptions{Reason: "demo dataset"})
		if err != nil {
			return err
		}
		if err := svc.MarkDemo(ctx); err != nil {
			return err
		}
		logger.Info("demo dataset loaded", slog.Int("locations", len(b.Locations)), slog.Int("nodes", len(b.Nodes)),
			slog.Int("links", len(b.Links)), slog.Int("created", rep.Created), slog.Int("updated", rep.Updated))
	}
	opts := httpapi.Options{
		Observers:       observers,
		Authorizer:      auth,
		Audit:           svc,
		Logger:          logger,
		AccessLog:       cfg.Server.AccessLog == nil || *cfg.Server.AccessLog,
		Ready:           httpapi.DatabaseReady(db, readyFile),
		Workers:         workerHealth,
		MaxBodyBytes:    cfg.Server.MaxBodyBytes,
		MaxImportBytes:  cfg.Server.MaxImportBytes,
		RequireIfMatch:  f.requireIfMatch || cfg.Server.RequireIfMatch,
		MaxInFlight:     cfg.Server.MaxInFlight,
		ReadTimeout:     time.Duration(cfg.Server.ReadTimeout),
		WriteTimeout:    time.Duration(cfg.Server.WriteTimeout),
		ShutdownTimeout: time.Duration(cfg.Server.ShutdownTimeout),
		Secrets:         svc,
		Transport:       tr.options,
		Limits:          limits,
	}
	opts.MaxEngineConcurrency = cfg.Server.MaxEngineConcurrency
	opts.MaxEngineTextBytes = cfg.Server.MaxEngineTextBytes
	opts.MaxEngineResponseBytes = cfg.Server.MaxEngineResponseBytes
	opts.MaxEngineResults = cfg.Server.MaxEngineResults
	opts.MaxWebhookConcurrency = cfg.Server.MaxWebhookConcurrency
	members, err := newServeCluster(db, svc, f.cluster, ln.Addr().String(), logger)
	if err != nil {
		return err
	}
	opts.Cluster = members.coord
	stopMetrics, err := a.setupMetrics(ctx, f.metrics, cfg, db, logger, &opts)
	if err != nil {
		return err
	}
	defer stopMetrics()
	opts.LoginThrottle = httpapi.NewLoginThrottle(httpapi.DefaultLoginThrottle, nil)
	csrfKey, err := a.uiCSRFKey(ctx, cfg)
	if err != nil {
		return err
	}
	uiOIDC, err := a.uiOIDC(ctx, oidcSet)
	if err != nil {
		return err
	}
	ui, err := webui.New(svc, webui.Options{Authorizer: auth, Logger: logger, LoginThrottle: opts.LoginThrottle,
		Audit: svc, CSRFKey: csrfKey, OIDC: uiOIDC, Stop: ctx.Done()})
	if err != nil {
		return err
	}
	opts.UI = ui.Handler()
	srv, err := httpapi.New(svc, opts)
	if err != nil {
		return err
	}
	stopReload := tr.reloadOnSIGHUP(ctx, logger)
	defer stopReload()
	logger.Info("serving", slog.String("url", scheme+"://"+ln.Addr().String()),
		slog.String("ui", scheme+"://"+ln.Addr().String()+webui.Prefix), slog.String("auth_mode", mode),
		slog.String("database", dbURL))
	registerJobMetrics(ctx, svc, logger)
	members.start(ctx)
	jobsCtx, stopJobs := context.WithCancel(ctx)
	f.jobs.ownershipRefresh = f.cluster.heartbeat
	waitJobs := startJobs(jobsCtx, svc, members.coord, f.jobs, logger)
	waitGit := asLeader(jobsCtx, members.coord, jobGitSchedule, func(ctx context.Context) { startGitJobs(ctx, svc, logger)() })
	waitCanaries := asLeader(jobsCtx, members.coord, jobCanaries, func(ctx context.Context) {
		svc.RunCanaryChecks(ctx, canaryInterval(cmd, f.jobs.canaryInterval, cfg), logger)
	})
	waitGitWatch := startGitWatch(jobsCtx, svc, logger)
	waitEvents := startEventRetention(jobsCtx, svc, members.coord, evRetention, logger)
	notifyCfg.Logger = logger
	waitNotify := asLeader(jobsCtx, members.coord, jobNotifications, func(ctx context.Context) { svc.RunNotifications(ctx, notifyCfg) })
	serveErr := srv.Serve(ctx, ln)
	stopJobs()
	waitJobs()
	waitGit()
	waitCanaries()
	waitGitWatch()
	waitEvents()
	waitNotify()
	members.leave()
	if serveErr != nil {
		return fmt.Errorf("serve: %w", serveErr)
	}
	logger.Info("server stopped")
	return nil
}

// serveLogger builds the server's structured logger on stderr.
func (a *app) serveLogger(format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("unknown log level %q (want debug, info, warn or error)", level)
	}
	if a.verbose > 0 {
		lv = slog.LevelDebug
	}
	o := &slog.HandlerOptions{Level: lv}
	var w io.Writer = a.env.Stderr
	if w == nil {
		w = io.Discard
	}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, o)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, o)), nil
	}
	return nil, usagef("unknown log format %q (want text or json)", format)
}

// checkServeTimeouts refuses an unknown SQLite sync mode, and a lock timeout
// that is not shorter than the request deadline (90% of the write timeout): a
// write waiting that long for a lock could commit after its client gave up on
// a timeout.
func checkServeTimeouts(cfg *serveConfig, o sqlstore.Options) error {
	switch strings.ToLower(o.Sync) {
	case "", sqlstore.SyncFull, sqlstore.SyncNormal:
	default:
		return usagef("unknown SQLite sync mode %q (want full or normal)", o.Sync)
	}
	lock := o.LockTimeout
	if lock == 0 {
		lock = sqlstore.DefaultLockTimeout
	}
	write := time.Duration(cfg.Server.WriteTimeout)
	if write <= 0 {
		write = 60 * time.Second
	}
	if deadline := write * 9 / 10; lock >= deadline {
		return usagef("database.lock_timeout %s must be shorter than the request deadline %s (90%% of server.write_timeout %s)", lock, deadline, write)
	}
	return nil
}
