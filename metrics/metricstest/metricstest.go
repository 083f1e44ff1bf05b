// Package metricstest reads gathered Prometheus metrics back in tests.
package metricstest

import "github.com/prometheus/client_golang/prometheus"

// Sample is one gathered series.
type Sample struct {
	// Value is a counter's, gauge's or untyped metric's value; for a
	// histogram or a summary, its number of observations.
	Value float64
	// Count and Sum are a histogram's or summary's observations and their sum.
	Count uint64
	Sum   float64
	// Quantiles are a summary's quantiles.
	Quantiles map[float64]float64
}

// Find returns the first series of metric name in what g gathers whose
// labels are exactly labels (with subset: whose labels include labels), and
// whether there is one.
func Find(g prometheus.Gatherer, name string, labels map[string]string, subset bool) (Sample, bool, error) {
	mfs, err := g.Gather()
	if err != nil {
		return Sample{}, false, err
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			if !subset && len(m.GetLabel()) != len(labels) {
				continue
			}
			have := make(map[string]string, len(m.GetLabel()))
			for _, lp := range m.GetLabel() {
				have[lp.GetName()] = lp.GetValue()
			}
			for k, v := range labels {
				if hv, ok := have[k]; !ok || hv != v {
					continue next
				}
			}
			s := Sample{Quantiles: map[float64]float64{}}
			switch {
			case m.Counter != nil:
				s.Value = m.GetCounter().GetValue()
			case m.Gauge != nil:
				s.Value = m.GetGauge().GetValue()
			case m.Histogram != nil:
				s.Count, s.Sum = m.GetHistogram().GetSampleCount(), m.GetHistogram().GetSampleSum()
				s.Value = float64(s.Count)
			case m.Summary != nil:
				s.Count, s.Sum = m.GetSummary().GetSampleCount(), m.GetSummary().GetSampleSum()
				s.Value = float64(s.Count)
				for _, q := range m.GetSummary().GetQuantile() {
					s.Quantiles[q.GetQuantile()] = q.GetValue()
				}
			default:
				s.Value = m.GetUntyped().GetValue()
			}
			return s, true, nil
		}
	}
	return Sample{}, false, nil
}
