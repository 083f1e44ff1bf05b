package service

import (
	"testing"

	"github.com/unet-dev/unet"
)

// TestConfigRatioGuard: strictly more than the percentage trips; an empty
// inventory never does; the detail reads "N of M nodes (P%) > L%".
func TestConfigRatioGuard(t *testing.T) {
	g := DefaultGuardSettings()
	for _, tc := range []struct {
		changed, total int
		percent        float64
		tripped        bool
		detail         string
	}{
		{20, 100, 20, false, "20 of 100 nodes (20%) ≤ 20%"},
		{21, 100, 20, true, "21 of 100 nodes (21%) > 20%"},
		{1, 3, 20, true, "1 of 3 nodes (33.3%) > 20%"},
		{0, 0, 20, false, "0 of 0 nodes (0%) ≤ 20%"},
		{500, 500, 100, false, "500 of 500 nodes (100%) ≤ 100%"},
		{1, 10000, 0, true, "1 of 10000 nodes (0%) > 0%"},
		{0, 10000, 0, false, "0 of 10000 nodes (0%) ≤ 0%"},
		{1, 8, 12.5, false, "1 of 8 nodes (12.5%) ≤ 12.5%"},
	} {
		g.ConfigPercent = tc.percent
		r := configRatioGuard(g, tc.changed, tc.total)
		if r.Name != GuardConfigRatio || r.Tripped != tc.tripped || r.Detail != tc.detail {
			t.Errorf("%d of %d at %v%%: %+v, want tripped %v %q", tc.changed, tc.total, tc.percent, r, tc.tripped, tc.detail)
		}
	}
}

// TestNewCriticalGuard: only a critical rule going to fail from another
// state trips it.
func TestNewCriticalGuard(t *testing.T) {
	g := DefaultGuardSettings()
	pi := func(sev, before, after string) unet.PolicyImpact {
		return unet.PolicyImpact{Kind: unet.KindNode, Object: "r1", Rule: "r-" + sev + "-" + before, Severity: sev, Before: before, After: after}
	}
	if r := newCriticalGuard(g, []unet.PolicyImpact{pi("high", "pass", "fail"), pi("critical", "fail", "fail"),
		pi("critical", "fail", "pass"), pi("critical", "pass", "error")}); r.Tripped {
		t.Fatalf("tripped: %+v", r)
	}
	r := newCriticalGuard(g, []unet.PolicyImpact{pi("critical", "", "fail"), pi("critical", "error", "fail")})
	if !r.Tripped || r.Detail != "2 new critical violations: node/r1: r-critical-, node/r1: r-critical-error" {
		t.Fatalf("%+v", r)
	}
	g.NewCritical = false
	if r := newCriticalGuard(g, []unet.PolicyImpact{pi("critical", "pass", "fail")}); r.Tripped || r.Detail == "" {
		t.Fatalf("off: %+v", r)
	}
}
