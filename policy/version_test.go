package policy

import "testing"

// TestCompareVersions checks real version pairs of the network operating
// systems μNet manages. Each pair is given older first.
func TestCompareVersions(t *testing.T) {
	older := []struct{ a, b, why string }{
		// Cisco IOS (classic)
		{"15.2(7)E3", "15.2(7)E10", "IOS rebuild numbers compare numerically"},
		{"15.2(4)E10", "15.2(7)E3", "IOS maintenance in parentheses"},
		{"12.2(55)SE12", "15.0(2)SE11", "IOS major train"},
		{"15.0(2)SE11", "15.2(4)E10", "IOS minor train"},
		{"15.2(4)M", "15.2(4)M1", "IOS rebuild after the train letter"},
		{"15.1(2)SG", "15.1(2)SG8", "IOS SG rebuild"},
		{"15.4(3)M9", "15.4(3)M10", "IOS M10 after M9"},
		{"15.2(7)E", "15.2(7)E0a", "IOS E0a after E"},
		// Cisco IOS-XE
		{"16.9.4", "16.12.4", "IOS-XE 16.12 after 16.9"},
		{"16.12.4", "17.3.4", "IOS-XE major"},
		{"17.9.4", "17.9.4a", "IOS-XE 4a rebuild after 4"},
		{"17.9.4a", "17.9.5", "IOS-XE 5 after 4a"},
		{"17.9.4", "17.10.1", "IOS-XE 17.10 after 17.9"},
		{"17.3.1a", "17.3.2", "IOS-XE letter rebuild before next"},
		{"16.12.9", "16.12.10a", "IOS-XE two-digit maintenance"},
		{"03.16.09.S", "03.16.10.S", "IOS-XE 3.x with leading zeros"},
		{"17.12.1", "17.12.3a", "IOS-XE 17.12"},
		// Cisco NX-OS
		{"9.3(9)", "9.3(10)", "NX-OS maintenance in parentheses"},
		{"9.3(10)", "10.2(3)F", "NX-OS 10.x"},
		{"7.0(3)I7(9)", "7.0(3)I7(10)", "NX-OS 7.0(3)I7 rebuilds"},
		{"7.0(3)I7(10)", "9.2(4)", "NX-OS 9.2 after 7.0(3)"},
		{"10.2(5)M", "10.3(2)F", "NX-OS 10.3 after 10.2"},
		{"10.3(3)F", "10.3(4a)M", "NX-OS 4a after 3"},
		// Cisco IOS-XR
		{"6.6.3", "7.3.2", "IOS-XR major"},
		{"7.5.2", "7.11.1", "IOS-XR 7.11 after 7.5"},
		// Arista EOS
		{"4.31.2F", "4.31.10F", "EOS maintenance numbers"},
		{"4.29.5M", "4.30.1F", "EOS train"},
		{"4.28.3M", "4.28.3.1M", "EOS patch release after base"},
		{"4.27.0F", "4.27.1F", "EOS first maintenance"},
		{"4.30.6M", "4.31.0F", "EOS next train"},
		{"4.31.2F-33722478.4312F", "4.31.3M", "EOS build string"},
		// Juniper JunOS
		{"21.4R3", "21.4R3-S5", "JunOS service release after base"},
		{"21.4R3-S5", "21.4R3-S5.4", "JunOS service release respin"},
		{"21.4R3-S5.4", "21.4R3-S10", "JunOS S10 after S5"},
		{"22.4R3-S2", "23.2R1", "JunOS next release"},
		{"21.4R1", "21.4R2", "JunOS R2 after R1"},
		{"18.4R2", "18.4R2-S3", "JunOS 18.4"},
		{"20.4R3.8", "20.4R3-S4", "JunOS build vs service release"},
		{"23.2R1", "23.2R1-S1", "JunOS 23.2 S1"},
		{"23.2R2", "23.4R1", "JunOS 23.4 after 23.2"},
		// semver and plain
		{"1.0.0", "1.0.1", "semver patch"},
		{"1.9.0", "1.10.0", "semver minor numeric"},
		{"1.0.0-rc.1", "1.0.0", "pre-release before release"},
		{"1.0.0-alpha", "1.0.0-beta", "alpha before beta"},
		{"1.0.0-beta.2", "1.0.0-beta.11", "numeric pre-release identifiers"},
		{"1.0.0-alpha", "1.0.0-alpha.1", "shorter pre-release first"},
		{"v2.3.4", "2.10.0", "leading v ignored"},
		{"2.0", "2.0.1", "shorter version first"},
	}
	if len(older) < 40 {
		t.Fatalf("only %d pairs", len(older))
	}
	for _, tc := range older {
		if got := CompareVersions(tc.a, tc.b); got != -1 {
			t.Errorf("CompareVersions(%q, %q) = %d, want -1 (%s)", tc.a, tc.b, got, tc.why)
		}
		if got := CompareVersions(tc.b, tc.a); got != 1 {
			t.Errorf("CompareVersions(%q, %q) = %d, want 1 (%s)", tc.b, tc.a, got, tc.why)
		}
	}
	equal := [][2]string{
		{"16.09.04", "16.9.4"},
		{"17.9.4A", "17.9.4a"},
		{"1.2.3+build.5", "1.2.3"},
		{"v1.2.3", "1.2.3"},
		{"15.2(7)E3", "15.2.7.E3"},
		{"", ""},
	}
	for _, p := range equal {
		if got := CompareVersions(p[0], p[1]); got != 0 {
			t.Errorf("CompareVersions(%q, %q) = %d, want 0", p[0], p[1], got)
		}
	}
}

// TestVersionOrderIsTotal checks transitivity and antisymmetry over every
// triple of the versions of the table test and some odd strings.
func TestVersionOrderIsTotal(t *testing.T) {
	vs := []string{"15.2(7)E3", "15.2(7)E10", "17.9.4", "17.9.4a", "17.10.1", "9.3(10)",
		"4.28.3M", "4.28.3.1M", "21.4R3", "21.4R3-S5", "20.4R3.8", "20.4R3-S4",
		"1.0.0-rc.1", "1.0.0", "1-a", "1.5", "1b", "1-b", "1a", "", "x", "1.0.0-alpha", "v2"}
	for _, a := range vs {
		for _, b := range vs {
			ab := CompareVersions(a, b)
			if ab != -CompareVersions(b, a) {
				t.Fatalf("%q vs %q not antisymmetric", a, b)
			}
			for _, c := range vs {
				if ab <= 0 && CompareVersions(b, c) <= 0 && CompareVersions(a, c) > 0 {
					t.Fatalf("not transitive: %q <= %q <= %q but %q > %q", a, b, c, a, c)
				}
			}
		}
	}
}

func FuzzCompareVersions(f *testing.F) {
	for _, s := range []string{"15.2(7)E3", "17.9.4a", "21.4R3-S5.4", "1.0.0-rc.1", "4.31.2F", ""} {
		f.Add(s, "17.9.4")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ab, ba := CompareVersions(a, b), CompareVersions(b, a)
		if ab != -ba {
			t.Fatalf("not antisymmetric: %q vs %q: %d and %d", a, b, ab, ba)
		}
		if CompareVersions(a, a) != 0 {
			t.Fatalf("%q not equal to itself", a)
		}
	})
}

func BenchmarkParseVersion(b *testing.B) {
	for b.Loop() {
		ParseVersion("21.4R3-S5.4")
	}
}
