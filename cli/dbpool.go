package cli

import (
	"time"

	"github.com/spf13/pflag"

	"github.com/unet-dev/unet/sqlstore"
)

// dbPoolFlags are the global flags that size the database pool and bound
// its statements; the config file's [database] max_conns, max_idle_conns
// and statement_timeout apply when a flag is not given.
type dbPoolFlags struct {
	maxConns, maxIdleConns int
	statementTimeout       time.Duration
}

func (f *dbPoolFlags) register(fl *pflag.FlagSet) {
	fl.IntVar(&f.maxConns, "db-max-conns", 0, "most open database connections (config [database] max_conns; default 8 for SQLite, 32 for PostgreSQL)")
	fl.IntVar(&f.maxIdleConns, "db-max-idle-conns", 0, "most idle database connections kept open (config [database] max_idle_conns; default: --db-max-conns)")
	fl.DurationVar(&f.statementTimeout, "db-statement-timeout", 0, "cancel a database statement running longer, e.g. 30s (config [database] statement_timeout; PostgreSQL's statement_timeout; on SQLite it caps the wait for a lock; default none)")
}

// apply sets the pool options of o from the flags, else from cfg.
func (f *dbPoolFlags) apply(o *sqlstore.Options, cfg *serveConfig) {
	o.MaxConns, o.MaxIdleConns, o.StatementTimeout = f.maxConns, f.maxIdleConns, f.statementTimeout
	if cfg == nil {
		return
	}
	if o.MaxConns == 0 {
		o.MaxConns = cfg.Database.MaxConns
	}
	if o.MaxIdleConns == 0 {
		o.MaxIdleConns = cfg.Database.MaxIdleConns
	}
	if o.StatementTimeout == 0 {
		o.StatementTimeout = time.Duration(cfg.Database.StatementTimeout)
	}
}
