package cli

import (
	"strings"
	"testing"
)

// FuzzParseSet: any --set expression either parses into a patch whose paths
// are all present, or is refused with an error — never a panic.
func FuzzParseSet(f *testing.F) {
	for _, s := range []string{"model=C9300", "custom_data.a.b=[1,2]", "tags=a,b", "bandwidth_bps=10G",
		"custom_data={\"x\":1}", "=x", "a.b=1", "custom_data..x=1", "custom_data.x=null", "custom_data.a=1\x00custom_data.a.b=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		exprs := strings.Split(s, "\x00")
		p, err := ParseSet(exprs)
		if err != nil {
			return
		}
		for _, e := range exprs {
			field, _, _ := strings.Cut(e, "=")
			top, _, _ := strings.Cut(strings.TrimSpace(field), ".")
			if _, ok := p[top]; !ok {
				t.Fatalf("%q parsed but %q is not in %v", e, top, p)
			}
		}
	})
}

// FuzzParseBandwidth: parsing never panics and what formats parses back.
func FuzzParseBandwidth(f *testing.F) {
	for _, s := range []string{"10G", "100M", "1.5G", "400Gbps", "1000", "", "-1", "1e30T", "NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseBandwidth(s)
		if err != nil || v == 0 {
			return
		}
		if v < 0 {
			t.Fatalf("%q → negative %d", s, v)
		}
		back, err := ParseBandwidth(FormatBandwidth(v))
		if err != nil || back != v {
			t.Fatalf("%q → %d → %q → %d (%v)", s, v, FormatBandwidth(v), back, err)
		}
	})
}
