package metrics

import (
	"context"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes of an SNMP poll.
const (
	SNMPOK      = "ok"
	SNMPTimeout = "timeout"
	SNMPAuth    = "auth"
	SNMPError   = "error"
)

var (
	snmpPolls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "unet_snmp_polls_total",
		Help: "SNMP polls of nodes by outcome (ok, timeout, auth, error).",
	}, []string{"outcome"})
	snmpPollDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "unet_snmp_poll_duration_seconds",
		Help:    "Duration of SNMP polls of one node.",
		Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60},
	})
	// snmpOutcomes are the counters of each outcome, resolved once.
	snmpOutcomes = map[string]prometheus.Counter{}
)

func init() {
	Registry.MustRegister(snmpPolls, snmpPollDuration)
	for _, o := range []string{SNMPOK, SNMPTimeout, SNMPAuth, SNMPError} {
		snmpOutcomes[o] = snmpPolls.WithLabelValues(o)
	}
}

// ObserveSNMPPoll counts one poll with its outcome (SNMPOK, SNMPTimeout,
// SNMPAuth or SNMPError; anything else counts as SNMPError) and duration.
func ObserveSNMPPoll(outcome string, d time.Duration) {
	c, ok := snmpOutcomes[outcome]
	if !ok {
		c = snmpOutcomes[SNMPError]
	}
	c.Inc()
	snmpPollDuration.Observe(d.Seconds())
}

// SNMPNodeState is the polled state of one node the scheduler polls.
type SNMPNodeState struct {
	// Polled is false for a node that was never polled.
	Polled    bool
	Reachable bool
	// LastSuccess is nil when no poll of the node ever succeeded.
	LastSuccess *time.Time
}

// SNMPStateCollector exports, at scrape time, the age of each polled node's
// last successful poll as one summary (quantiles 0.5, 0.9 and 0.99 over the
// nodes, not one series per node) and the nodes by state (reachable,
// unreachable, never_polled). Nodes polled but never successfully are
// counted in unet_snmp_nodes only.
type SNMPStateCollector struct {
	load   func(ctx context.Context) ([]SNMPNodeState, error)
	now    func() time.Time
	ttl    time.Duration
	logger *slog.Logger

	age, nodes *prometheus.Desc

	mu       sync.Mutex
	loadedAt time.Time
	states   []SNMPNodeState
}

// DefaultSNMPStateTTL is how long the collector reuses the states it read.
const DefaultSNMPStateTTL = 5 * time.Second

// NewSNMPStateCollector returns a collector over load (one query of the
// stored SNMP state), reading at most once per ttl (DefaultSNMPStateTTL
// when 0). A failing load is logged and the scrape leaves the SNMP state
// out.
func NewSNMPStateCollector(load func(ctx context.Context) ([]SNMPNodeState, error), ttl time.Duration, logger *slog.Logger) *SNMPStateCollector {
	if ttl <= 0 {
		ttl = DefaultSNMPStateTTL
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &SNMPStateCollector{load: load, now: time.Now, ttl: ttl, logger: logger,
		age: prometheus.NewDesc("unet_snmp_last_success_age_seconds",
			"Age of the last successful SNMP poll over the polled nodes.", nil, nil),
		nodes: prometheus.NewDesc("unet_snmp_nodes",
			"Nodes the SNMP scheduler polls by state (reachable, unreachable, never_polled).", []string{"state"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *SNMPStateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.age
	ch <- c.nodes
}

// Collect implements prometheus.Collector.
func (c *SNMPStateCollector) Collect(ch chan<- prometheus.Metric) {
	states, ok := c.current()
	if !ok {
		return
	}
	now := c.now()
	var reachable, unreachable, never float64
	ages := make([]float64, 0, len(states))
	sum := 0.0
	for _, st := range states {
		switch {
		case !st.Polled:
			never++
		case st.Reachable:
			reachable++
		default:
			unreachable++
		}
		if st.LastSuccess != nil {
			a := max(now.Sub(*st.LastSuccess).Seconds(), 0)
			ages = append(ages, a)
			sum += a
		}
	}
	slices.Sort(ages)
	qs := map[float64]float64{}
	for _, q := range []float64{0.5, 0.9, 0.99} {
		qs[q] = quantile(ages, q)
	}
	if m, err := prometheus.NewConstSummary(c.age, uint64(len(ages)), sum, qs); err == nil {
		ch <- m
	} else {
		ch <- prometheus.NewInvalidMetric(c.age, err)
	}
	ch <- snapshotGauge(c.nodes, reachable, "reachable")
	ch <- snapshotGauge(c.nodes, unreachable, "unreachable")
	ch <- snapshotGauge(c.nodes, never, "never_polled")
}

// current returns the states read within ttl, reading them again when
// they are older.
func (c *SNMPStateCollector) current() ([]SNMPNodeState, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.states != nil && now.Sub(c.loadedAt) < c.ttl {
		return c.states, true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	states, err := c.load(ctx)
	if err != nil {
		c.logger.Warn("metrics: read the SNMP state of the nodes", slog.Any("error", err))
		return nil, false
	}
	if states == nil {
		states = []SNMPNodeState{}
	}
	c.states, c.loadedAt = states, now
	return states, true
}

// quantile is the q-quantile of sorted values by nearest rank (NaN when
// there are none, as Prometheus reports an empty summary).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

var (
	snmpStateMu  sync.Mutex
	snmpStateCur *SNMPStateCollector
)

// RegisterSNMPState registers a collector of the stored SNMP state over load
// in Registry, replacing the one registered before (a server started again
// in the same process).
func RegisterSNMPState(load func(ctx context.Context) ([]SNMPNodeState, error), logger *slog.Logger) (*SNMPStateCollector, error) {
	c := NewSNMPStateCollector(load, 0, logger)
	snmpStateMu.Lock()
	defer snmpStateMu.Unlock()
	if snmpStateCur != nil {
		Registry.Unregister(snmpStateCur)
	}
	if err := Registry.Register(c); err != nil {
		snmpStateCur = nil
		return nil, err
	}
	snmpStateCur = c
	return c, nil
}
