package metrics

import (
	"testing"

	"github.com/unet-dev/unet/metrics/metricstest"
)

// sample returns the value of the series of name whose labels include want
// (a counter, gauge or untyped value; a histogram's or summary's count), and
// whether there is one.
func sample(t *testing.T, name string, want map[string]string) (float64, bool) {
	t.Helper()
	s, ok, err := metricstest.Find(Registry, name, want, true)
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	return s.Value, ok
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
