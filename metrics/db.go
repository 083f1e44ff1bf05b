package metrics

import (
	"database/sql"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/unet-dev/unet/sqlstore"
)

// DBName is the db_name label of the go_sql_* pool metrics.
const DBName = "unet"

var (
	dbTransactions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "unet_db_transactions_total",
		Help: "Write transaction attempts by outcome: commit, rollback (the work failed) or error (BEGIN or COMMIT failed). A retried transaction counts each attempt.",
	}, []string{"outcome"})
	dbTxDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "unet_db_transaction_duration_seconds",
		Help:    "Time from BEGIN to the end of COMMIT or ROLLBACK of a write transaction attempt.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	})
	// The outcomes' children, resolved once: a transaction costs no label lookup.
	txCommit   = dbTransactions.WithLabelValues(sqlstore.TxCommit)
	txRollback = dbTransactions.WithLabelValues(sqlstore.TxRollback)
	txError    = dbTransactions.WithLabelValues(sqlstore.TxError)
)

// dbs collects the pool and inventory metrics of the database being served.
var dbs = &dbCollector{
	// Over no pool: only its descriptions are used.
	statsDesc: collectors.NewDBStatsCollector(nil, DBName),
}

func init() {
	Registry.MustRegister(dbTransactions, dbTxDuration, dbs)
	sqlstore.ObserveTransactions(observeTx)
}

// observeTx counts one transaction attempt.
func observeTx(outcome string, took time.Duration) {
	switch outcome {
	case sqlstore.TxCommit:
		txCommit.Inc()
	case sqlstore.TxRollback:
		txRollback.Inc()
	default:
		txError.Inc()
	}
	dbTxDuration.Observe(took.Seconds())
}

// dbSource is one watched database: its pool statistics and the cached
// inventory counts.
type dbSource struct {
	stats prometheus.Collector
	inv   *inventory
}

// dbCollector delegates to the database being watched; with none it
// collects nothing.
type dbCollector struct {
	statsDesc prometheus.Collector
	cur       atomic.Pointer[dbSource]
}

// Describe implements prometheus.Collector.
func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	c.statsDesc.Describe(ch)
	describeInventory(ch)
}

// Collect implements prometheus.Collector.
func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	src := c.cur.Load()
	if src == nil {
		return
	}
	src.stats.Collect(ch)
	src.inv.collect(ch)
}

// WatchDB exports the connection pool statistics of db (go_sql_*, with
// db_name "unet") and the inventory and change-set counts read from it at
// scrape time (cached for InventoryCacheTTL; a failed query is logged and
// its series left out, the rest of the scrape is served). One database is
// watched at a time: the last one given. The returned function stops
// watching db (it does nothing once another database is watched).
func WatchDB(db *sqlstore.DB, logger *slog.Logger) (stop func()) {
	return watchPool(db.SQL(), logger)
}

func watchPool(pool *sql.DB, logger *slog.Logger) func() {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	src := &dbSource{stats: collectors.NewDBStatsCollector(pool, DBName), inv: newInventory(pool, logger)}
	dbs.cur.Store(src)
	var once sync.Once
	return func() { once.Do(func() { dbs.cur.CompareAndSwap(src, nil) }) }
}
