package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// policyResultsCollector exports the last snapshot of the stored policy
// results, replaced whole by each stored evaluation so that no series of a
// removed rule stays behind.
type policyResultsCollector struct {
	results, failing *prometheus.Desc

	mu         sync.Mutex
	byStatus   map[[2]string]float64 // status, severity
	byRuleFail map[[2]string]float64 // rule, severity
}

func (c *policyResultsCollector) set(byStatus, byRuleFail map[[2]string]float64) {
	c.mu.Lock()
	c.byStatus, c.byRuleFail = byStatus, byRuleFail
	c.mu.Unlock()
}

// Describe implements prometheus.Collector.
func (c *policyResultsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.results
	ch <- c.failing
}

// Collect implements prometheus.Collector.
func (c *policyResultsCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	byStatus, byRuleFail := c.byStatus, c.byRuleFail
	c.mu.Unlock()
	for k, v := range byStatus {
		ch <- snapshotGauge(c.results, v, k[0], k[1])
	}
	for k, v := range byRuleFail {
		ch <- snapshotGauge(c.failing, v, k[0], k[1])
	}
}

// snapshotGauge is a gauge sample of desc, or an invalid metric that the
// scrape reports when the labels do not fit desc.
func snapshotGauge(desc *prometheus.Desc, v float64, labels ...string) prometheus.Metric {
	m, err := prometheus.NewConstMetric(desc, prometheus.GaugeValue, v, labels...)
	if err != nil {
		return prometheus.NewInvalidMetric(desc, err)
	}
	return m
}
