package metrics

import "testing"

// sample returns the value of the series of name whose labels include want
// (a counter, gauge or untyped value; a histogram's or summary's count), and
// whether there is one.
func sample(t *testing.T, name string, want map[string]string) (float64, bool) {
	t.Helper()
	fams, err := Registry.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
	next:
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if have[k] != v {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue(), true
			case m.Gauge != nil:
				return m.Gauge.GetValue(), true
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount()), true
			case m.Summary != nil:
				return float64(m.Summary.GetSampleCount()), true
			}
			return m.GetUntyped().GetValue(), true
		}
	}
	return 0, false
}

// mustSample is sample for a series that must exist.
func mustSample(t *testing.T, name string, want map[string]string) float64 {
	t.Helper()
	v, ok := sample(t, name, want)
	if !ok {
		t.Fatalf("no series %s%v", name, want)
	}
	return v
}
