package service_test

import (
	"testing"

	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/metrics/metricstest"
)

// scrapedSample is one sample of what /metrics serves: the value of a counter
// or gauge, the count of a histogram or summary, and a summary's quantiles.
type scrapedSample struct {
	found     bool
	value     float64
	count     uint64
	quantiles map[float64]float64
}

// scraped returns the sample of metric name with exactly the given labels.
func scraped(t *testing.T, name string, labels map[string]string) scrapedSample {
	t.Helper()
	s, ok, err := metricstest.Find(metrics.Registry, name, labels, false)
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	if !ok {
		return scrapedSample{}
	}
	return scrapedSample{found: true, value: s.Value, count: s.Count, quantiles: s.Quantiles}
}

// scrapedValue is the value of a counter or gauge (0 when it has no sample).
func scrapedValue(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	return scraped(t, name, labels).value
}

// scrapedCount is the number of observations of an unlabelled histogram.
func scrapedCount(t *testing.T, name string) uint64 {
	t.Helper()
	return scraped(t, name, map[string]string{}).count
}
