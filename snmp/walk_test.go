package snmp

import "testing"

func TestCompareOID(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{".1.3.6.1.2.1.2.2.1.10.1", ".1.3.6.1.2.1.2.2.1.9.48", 1},
		{"1.3.6.1.2.1.2.2.1.2.9", "1.3.6.1.2.1.2.2.1.2.10", -1},
		{".1.3.6", "1.3.6", 0},
		{"1.3.6", "1.3.6.0", -1},
		{"1.3.6.1", "1.3", 1},
		{"", "", 0},
		{"", "1", -1},
		{"1.3.6.1.4.1.9", "1.3.6.1.4.1.10", -1},
	}
	for _, tt := range tests {
		if got := compareOID(tt.a, tt.b); got != tt.want {
			t.Errorf("compareOID(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := compareOID(tt.b, tt.a); got != -tt.want {
			t.Errorf("compareOID(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func FuzzCompareOID(f *testing.F) {
	f.Add("1.3.6.1.2.1.2.2.1.10.1", "1.3.6.1.2.1.2.2.1.9.48")
	f.Add(".1.3", "1.3.0")
	f.Add("", "1")
	f.Fuzz(func(t *testing.T, a, b string) {
		ab, ba := compareOID(a, b), compareOID(b, a)
		if ab != -ba || ab < -1 || ab > 1 {
			t.Fatalf("compareOID(%q,%q)=%d, reversed %d", a, b, ab, ba)
		}
		if compareOID(a, a) != 0 {
			t.Fatalf("compareOID(%q, itself) != 0", a)
		}
	})
}
