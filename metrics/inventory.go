package metrics

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/unet-dev/unet"
)

// InventoryCacheTTL is how long the counts read at a scrape are reused: a
// storm of scrapes queries the database at most once per period.
const InventoryCacheTTL = 5 * time.Second

// inventoryQueryTimeout bounds the queries of one scrape.
const inventoryQueryTimeout = 2 * time.Second

var (
	inventoryObjectsDesc = prometheus.NewDesc("unet_inventory_objects",
		"Objects in the inventory by kind.", []string{"kind"}, nil)
	changeSetsDesc = prometheus.NewDesc("unet_change_sets",
		"Change sets by state.", []string{"state"}, nil)
	emergencyPendingDesc = prometheus.NewDesc("unet_emergency_changes_pending",
		"Emergency changes (batches written outside change sets with --emergency) nobody has reviewed yet.", nil, nil)
)

// inventoryKinds are the kinds of unet_inventory_objects and their tables.
var inventoryKinds = [...]struct{ kind, table string }{
	{"node", "nodes"}, {"link", "links"}, {"location", "locations"}, {"vendor", "vendors"},
}

// countsQuery reads the four inventory counts and the pending emergency
// reviews in one round trip; each is a COUNT over an index or a small table.
var countsQuery = func() string {
	q := "SELECT"
	for _, k := range inventoryKinds {
		q += fmt.Sprintf(" (SELECT COUNT(*) FROM %s),", k.table)
	}
	return q + ` (SELECT COUNT(DISTINCT batch) FROM changes WHERE emergency = 1
		AND batch NOT IN (SELECT batch FROM emergency_reviews))`
}()

const changeSetsQuery = `SELECT state, COUNT(*) FROM change_sets GROUP BY state`

func describeInventory(ch chan<- *prometheus.Desc) {
	ch <- inventoryObjectsDesc
	ch <- changeSetsDesc
	ch <- emergencyPendingDesc
}

// inventory reads the counts at scrape time and keeps them for
// InventoryCacheTTL. Scrapes that arrive during a read wait for it and share
// its result.
type inventory struct {
	pool *sql.DB
	log  *slog.Logger
	ttl  time.Duration

	mu      sync.Mutex
	at      time.Time // of the last read; zero before the first
	metrics []prometheus.Metric
}

func newInventory(pool *sql.DB, logger *slog.Logger) *inventory {
	return &inventory{pool: pool, log: logger, ttl: InventoryCacheTTL}
}

// collect sends the cached metrics, reading them again once they are older
// than the TTL.
func (inv *inventory) collect(ch chan<- prometheus.Metric) {
	inv.mu.Lock()
	if inv.at.IsZero() || time.Since(inv.at) >= inv.ttl {
		inv.metrics = inv.read()
		inv.at = time.Now()
	}
	ms := inv.metrics
	inv.mu.Unlock()
	for _, m := range ms {
		ch <- m
	}
}

// read queries the counts. A failed query is logged and its series left
// out: the rest of the scrape (and the other query) is still served.
func (inv *inventory) read() []prometheus.Metric {
	ctx, cancel := context.WithTimeout(context.Background(), inventoryQueryTimeout)
	defer cancel()
	var out []prometheus.Metric
	var counts [len(inventoryKinds) + 1]int64
	dest := make([]any, len(counts))
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := inv.pool.QueryRowContext(ctx, countsQuery).Scan(dest...); err != nil {
		inv.log.Warn("metrics: count the inventory", slog.Any("error", err))
	} else {
		for i, k := range inventoryKinds {
			out = inv.gauge(out, inventoryObjectsDesc, counts[i], k.kind)
		}
		out = inv.gauge(out, emergencyPendingDesc, counts[len(inventoryKinds)])
	}
	states, err := inv.changeSets(ctx)
	if err != nil {
		inv.log.Warn("metrics: count the change sets", slog.Any("error", err))
		return out
	}
	for _, s := range unet.ChangeSetStates() {
		out = inv.gauge(out, changeSetsDesc, states[s], s)
		delete(states, s)
	}
	// A state this build does not know (a newer schema) is still reported.
	for s, n := range states {
		out = inv.gauge(out, changeSetsDesc, n, s)
	}
	return out
}

// gauge appends the gauge desc{labels} = v to out.
func (inv *inventory) gauge(out []prometheus.Metric, desc *prometheus.Desc, v int64, labels ...string) []prometheus.Metric {
	m, err := prometheus.NewConstMetric(desc, prometheus.GaugeValue, float64(v), labels...)
	if err != nil {
		inv.log.Warn("metrics: inventory gauge", slog.Any("error", err))
		return out
	}
	return append(out, m)
}

// changeSets counts the change sets by state.
func (inv *inventory) changeSets(ctx context.Context) (map[string]int64, error) {
	rows, err := inv.pool.QueryContext(ctx, changeSetsQuery)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	out := map[string]int64{}
	for rows.Next() {
		var s string
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}
