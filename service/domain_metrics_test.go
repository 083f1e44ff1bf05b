package service_test

import (
	"testing"

	"github.com/unet-dev/unet/metrics"
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
	mfs, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			if len(m.GetLabel()) != len(labels) {
				continue
			}
			for _, lp := range m.GetLabel() {
				if v, ok := labels[lp.GetName()]; !ok || v != lp.GetValue() {
					continue next
				}
			}
			s := scrapedSample{found: true, quantiles: map[float64]float64{}}
			switch {
			case m.Counter != nil:
				s.value = m.GetCounter().GetValue()
			case m.Gauge != nil:
				s.value = m.GetGauge().GetValue()
			case m.Histogram != nil:
				s.count = m.GetHistogram().GetSampleCount()
			case m.Summary != nil:
				s.count = m.GetSummary().GetSampleCount()
				for _, q := range m.GetSummary().GetQuantile() {
					s.quantiles[q.GetQuantile()] = q.GetValue()
				}
			}
			return s
		}
	}
	return scrapedSample{}
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
