// Package cli is the `unet` command tree (cobra). Every command talks only to the
// unet.Service interfaces, so local mode (a database) and remote mode (a μNet
// server) share all command code and print the same output.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/configcmd"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// DefaultDatabaseURL is used when neither --db nor UNET_DATABASE_URL is set.
const DefaultDatabaseURL = "sqlite://./unet.db"

// Env is the outside world a command run sees; tests substitute it.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads environment variables (os.Getenv by default).
	Getenv func(string) string
	// StdoutIsTerminal selects table output by default.
	StdoutIsTerminal bool
}

// app holds the state of one command run: global flags and the opened service.
type app struct {
	env     Env
	dbURL   string
	server  string
	output  string
	noColor bool
	verbose int
	// config is --config; secretsKey is --secrets-key (a reference).
	config     string
	secretsKey string
	// tokenPepper is --token-pepper (a reference); token is --token.
	tokenPepper string
	token       string
	// dbPool is --db-max-conns, --db-max-idle-conns, --db-statement-timeout.
	dbPool dbPoolFlags

	// serverCA is --server-ca: PEM certificates trusted for an https server.
	serverCA string

	// outFile is set when a command that writes text takes -o FILE.
	outFile string
	// outputSet records that -o was given explicitly.
	outputSet bool

	// useDemo is --demo of the commands that read policies or templates.
	useDemo bool
	// mayCreate lets the command create a SQLite database file that does not
	// exist (db migrate up, demo, import); every other command refuses.
	mayCreate bool

	svc unet.Service
	db  *sqlstore.DB
	// local is svc in local mode (nil with --server): the commands that
	// configure where local mode finds templates and Git data use it.
	local *service.Service
	// conf is the config file, read once (fileConfig).
	conf *serveConfig
}

// addDemoFlag adds --demo to commands that read policies or templates.
func (a *app) addDemoFlag(cmds ...*cobra.Command) {
	for _, c := range cmds {
		c.Flags().BoolVar(&a.useDemo, "demo", false, "use the built-in demo policies and templates when no directory is given")
	}
}

// Run executes the unet command line args and returns the exit code.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	a := &app{env: env}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(ctx)
	if a.svc != nil {
		// A local database that cannot be closed may not have kept the
		// command's writes: that fails the command.
		closeInto(&err, a.svc, "the backend")
	}
	if err != nil {
		if strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "unknown flag") ||
			strings.HasPrefix(err.Error(), "unknown shorthand flag") {
			err = &usageError{msg: err.Error()}
		}
		printError(env.Stderr, err)
		return exitCode(err, a.server != "")
	}
	return ExitOK
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "unet",
		Short: "μNet: network source of truth and configuration compliance",
		Long: `μNet keeps the desired state of a network (nodes, links, locations), checks it
against policies, renders configuration from templates and tracks every change.

It works locally against a database (--db, SQLite by default) or remotely
against a μNet server (--server).`,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return a.resolveGlobals(cmd)
		},
	}
	root.CompletionOptions.HiddenDefaultCmd = false
	pf := root.PersistentFlags()
	pf.StringVar(&a.dbURL, "db", "", "database URL: sqlite:///path/unet.db or postgres://user:pass@host/db (env UNET_DATABASE_URL; default "+DefaultDatabaseURL+")")
	pf.StringVar(&a.server, "server", "", "URL of a μNet server to work against instead of a database (env UNET_SERVER)")
	pf.StringVar(&a.serverCA, "server-ca", "", "PEM certificate(s) to trust for an https --server besides the system's, e.g. a self-signed one (env UNET_SERVER_CA)")
	pf.StringVarP(&a.output, "output", "o", "", "output format: table|json|yaml|ndjson (default: table on a terminal, json otherwise)")
	pf.BoolVar(&a.noColor, "no-color", false, "disable colours (also NO_COLOR)")
	pf.CountVarP(&a.verbose, "verbose", "v", "more detail on stderr (repeatable)")
	pf.StringVar(&a.config, "config", "", "TOML config file, e.g. for its [secrets] section (env UNET_CONFIG)")
	pf.StringVar(&a.secretsKey, "secrets-key", "", "key of the secrets stored in the database, as a reference: env:NAME or file:PATH (env UNET_SECRETS_KEY)")
	pf.StringVar(&a.tokenPepper, "token-pepper", "", "key of the API token digests, as a reference: env:NAME or file:PATH (env UNET_TOKEN_PEPPER)")
	pf.StringVar(&a.token, "token", "", "API token sent to the --server as a bearer credential (env UNET_TOKEN)")
	a.dbPool.register(pf)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{msg: err.Error()}
	})
	root.AddCommand(
		a.nodesCommand(),
		a.locationsCommand(),
		a.linksCommand(),
		a.vendorsCommand(),
		a.changesCommand(),
		a.approvalsCommand(),
		a.importCommand(),
		a.exportCommand(),
		a.demoCommand(),
		a.dbCommand(),
		a.versionCommand(),
		a.policyCommand(),
		configcmd.NewConfigCommand(),
		a.templateCommand(),
		a.snmpCommand(),
		a.serveCommand(),
		a.gitCommand(),
		a.secretsCommand(),
		a.usersCommand(),
		a.rolesCommand(),
		a.tokensCommand(),
		a.loginCommand(),
		a.logoutCommand(),
		a.authCommand(),
		a.auditCommand(),
		a.clusterCommand(),
		a.certsCommand(),
		a.eventsCommand(),
		a.notifyCommand(),
		a.canaryCommand(),
		a.docsCommand(),
		a.settingsCommand(),
		a.serviceCommand(),
	)
	for _, c := range root.Commands() {
		wrapArgs(c)
	}
	a.registerCompletions(root)
	return root
}

// wrapArgs makes argument-count errors usage errors (exit 64), and makes a
// group command given an unknown subcommand fail instead of printing help.
func wrapArgs(c *cobra.Command) {
	if !c.Runnable() && c.HasSubCommands() {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return cmd.Help()
		}
	}
	if c.Args != nil {
		orig := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := orig(cmd, args); err != nil {
				return &usageError{msg: err.Error()}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		wrapArgs(sub)
	}
}

func (a *app) resolveGlobals(cmd *cobra.Command) error {
	if a.dbURL == "" {
		a.dbURL = a.env.Getenv("UNET_DATABASE_URL")
	}
	if a.dbURL == "" {
		a.dbURL = DefaultDatabaseURL
	}
	if a.server == "" {
		a.server = a.env.Getenv("UNET_SERVER")
	}
	if a.serverCA == "" {
		a.serverCA = a.env.Getenv("UNET_SERVER_CA")
	}
	if a.env.Getenv("NO_COLOR") != "" {
		a.noColor = true
	}
	a.outputSet = a.output != ""
	if a.output == "" {
		a.output = "json"
		if a.env.StdoutIsTerminal {
			a.output = "table"
		}
	}
	for _, f := range outputFormats {
		if a.output == f {
			return nil
		}
	}
	if cmd.Annotations["output-file"] == "true" {
		// -o FILE on commands that produce text (template render).
		a.outFile, a.output = a.output, "text"
		return nil
	}
	return usagef("unknown output format %q (want table, json, yaml or ndjson)", a.output)
}

// actor names who runs the command, for the change log.
func (a *app) actor() string {
	if v := a.env.Getenv("UNET_ACTOR"); v != "" {
		return v
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

// service opens the backend on first use: the server when --server is set, the
// database otherwise (migrated to the current schema).
func (a *app) service(ctx context.Context) (unet.Service, error) {
	if a.svc != nil {
		return a.svc, nil
	}
	if a.server != "" {
		svc, err := a.openServer(ctx)
		if err != nil {
			return nil, err
		}
		a.svc = svc
		return svc, nil
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	// Only the commands that create or upgrade an inventory (db migrate up,
	// demo, import) migrate; every other one needs the current schema and
	// says how to get it, instead of upgrading a database on a read.
	if a.mayCreate {
		_, err = db.Migrate(ctx)
	} else {
		err = db.CheckSchema(ctx)
	}
	if err != nil {
		if isCorruptDatabase(err) {
			err = corruptDatabase(a.dbURL, err)
		}
		return nil, closeAfter(err, db, "the database")
	}
	cfg, err := a.fileConfig()
	if err != nil {
		return nil, closeAfter(err, db, "the database")
	}
	svc := service.New(db)
	// Local mode: whoever runs the command already reads the machine's
	// files, so Git sources may be local paths and file:// URLs.
	svc.SetGitAllowLocalURLs(true)
	if err := a.configureSecrets(ctx, svc, cfg); err != nil {
		return nil, closeAfter(err, db, "the database")
	}
	if err := a.configureIdentity(ctx, svc, cfg); err != nil {
		return nil, closeAfter(err, db, "the database")
	}
	if err := configureGuards(svc, cfg); err != nil {
		return nil, closeAfter(err, db, "the database")
	}
	a.db = db
	a.local = svc
	a.local.SetDemo(a.useDemo)
	a.svc = svc
	if a.verbose > 0 {
		schema := "unknown"
		if v, err := db.SchemaVersion(ctx); err == nil {
			schema = strconv.Itoa(v)
		} else {
			schema += ": " + err.Error()
		}
		// A diagnostic: a standard error that cannot be written has nowhere to be reported.
		_, _ = fmt.Fprintf(a.env.Stderr, "using %s database %s (schema %s)\n", db.Engine(), sqlstore.RedactURL(a.dbURL), schema)
	}
	return a.svc, nil
}

// localLockTimeout is how long a local command waits for a lock someone else
// holds (a server's import, say): no client deadline is at stake here.
const localLockTimeout = 30 * time.Second

func (a *app) openDB(ctx context.Context) (*sqlstore.DB, error) {
	if !a.mayCreate {
		if err := missingSQLite(a.dbURL); err != nil {
			return nil, err
		}
		// Before Open, which would switch the file to WAL mode: a file
		// that is not a μNet database is left exactly as it was.
		if err := notUnetSQLite(ctx, a.dbURL); err != nil {
			return nil, err
		}
	}
	opts := sqlstore.Options{LockTimeout: localLockTimeout}
	cfg, err := a.fileConfig()
	if err != nil {
		return nil, err
	}
	a.dbPool.apply(&opts, cfg)
	db, err := sqlstore.OpenWith(ctx, a.dbURL, opts)
	if err != nil {
		if isCorruptDatabase(err) {
			return nil, corruptDatabase(a.dbURL, err)
		}
		var ue *unet.Error
		if errors.As(err, &ue) {
			return nil, err
		}
		return nil, fmt.Errorf("open database: %w", err)
	}
	if !a.mayCreate && db.Engine() == sqlstore.Postgres {
		ok, err := db.HasSchema(ctx)
		if err == nil && !ok {
			err = noSchema(sqlstore.RedactURL(a.dbURL))
		}
		if err != nil {
			return nil, closeAfter(err, db, "the database")
		}
	}
	return db, nil
}

func (a *app) printer() *printer { return &printer{w: a.env.Stdout, format: a.output} }

// ctx returns the command context with the actor attached.
func (a *app) ctx(cmd *cobra.Command) context.Context {
	return unet.WithActor(cmd.Context(), a.actor())
}
