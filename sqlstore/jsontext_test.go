package sqlstore

import (
	"encoding/json"
	"math"
	"testing"
)

// checkJSONText fails when jsonText's text for v differs from encoding/json's.
func checkJSONText(t *testing.T, v any) {
	t.Helper()
	got, err := jsonText("value of ", "r", v)
	if err != nil {
		t.Fatalf("%#v: %v", v, err)
	}
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%#v: %v", v, err)
	}
	if !got.Valid || got.String != string(want) {
		t.Errorf("%#v: stored %q, encoding/json writes %s", v, got.String, want)
	}
}

// TestJSONTextMatchesEncodingJSON: the scalars written directly are what
// encoding/json writes, including the edges where the direct path gives
// way to it.
func TestJSONTextMatchesEncodingJSON(t *testing.T) {
	for _, v := range []any{
		"", "eos", "17.9.4", "a b", "~", "quote\"", `back\slash`, "<tag>", "a&b", "tab\t", "line\n", "\x7f", "é", "\u2028",
		"\xff", 0.0, math.Copysign(0, -1), 1.0, -1.0, 42.0, 1e15, -1e15, 1 << 53, -(1 << 53), 1<<53 - 1, 1e21, 1e-7,
		0.5, -2.25, math.MaxFloat64, math.SmallestNonzeroFloat64, true, false, []any{"a", 1.0}, map[string]any{"k": "v"},
	} {
		checkJSONText(t, v)
	}
	if got, err := jsonText("value of ", "r", nil); err != nil || got.Valid {
		t.Errorf("nil: %#v, %v (want SQL NULL)", got, err)
	}
}

func FuzzJSONText(f *testing.F) {
	f.Add("17.9.4", 3.0)
	f.Add("<&>\"\\\x00", -0.5)
	f.Fuzz(func(t *testing.T, s string, x float64) {
		checkJSONText(t, s)
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			checkJSONText(t, x)
		}
	})
}
