package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/unet-dev/unet/metrics/metricstest"
)

// domainSample is one sample of a gathered metric.
type domainSample struct {
	found     bool
	value     float64
	count     uint64
	sum       float64
	quantiles map[float64]float64
}

// gatherDomain returns the sample of metric name with exactly labels in what g
// gathers.
func gatherDomain(t *testing.T, g prometheus.Gatherer, name string, labels map[string]string) domainSample {
	t.Helper()
	s, ok, err := metricstest.Find(g, name, labels, false)
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	if !ok {
		return domainSample{}
	}
	return domainSample{found: true, value: s.Value, count: s.Count, sum: s.Sum, quantiles: s.Quantiles}
}
