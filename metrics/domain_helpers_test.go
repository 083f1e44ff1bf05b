package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
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
	mfs, err := g.Gather()
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
			s := domainSample{found: true, quantiles: map[float64]float64{}}
			switch {
			case m.Gauge != nil:
				s.value = m.GetGauge().GetValue()
			case m.Counter != nil:
				s.value = m.GetCounter().GetValue()
			case m.Summary != nil:
				s.count, s.sum = m.GetSummary().GetSampleCount(), m.GetSummary().GetSampleSum()
				for _, q := range m.GetSummary().GetQuantile() {
					s.quantiles[q.GetQuantile()] = q.GetValue()
				}
			}
			return s
		}
	}
	return domainSample{}
}
