package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/unet-dev/unet"
)

// TestJSONStreamMatchesEncodingJSON checks that the streamed answers of the
// engine routes are byte for byte what encoding/json writes, and that the
// measuring pass stops at its limit.
func TestJSONStreamMatchesEncodingJSON(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	values := []any{
		&unet.PolicyEvalReport{
			Results: []unet.PolicyResult{{ObjectKind: "node", ObjectName: "a<b>&c", Rule: "r", Status: "fail", Expected: []any{1, "x"},
				Actual: map[string]any{"z": 1, "a": nil}, Warnings: []string{"w"}, EvaluatedAt: &now}},
			Templates: map[string][]string{"b.example": {"t2"}, "a.example": nil},
			Sets:      map[string][]unet.PolicySet{"n\u2028": {{Rule: "r", Path: "x.y", Value: 1.5, File: "f", Line: 3}}},
			Changed:   2,
		},
		&unet.PolicyEvalReport{},
		unet.PolicyEvalReport{Results: []unet.PolicyResult{}, Templates: map[string][]string{}},
		(*unet.PolicyEvalReport)(nil),
		ValidationReport{Errors: []unet.FieldError{{File: "f", Field: "1:2", Message: "bad <thing>"}}},
		&unet.RenderResult{Node: "n", Parts: []unet.RenderedTemplate{{Template: "t", Output: "hostname x\n"}}},
		&unet.TemplateDiffResult{Node: "n", Templates: []unet.TemplateDiff{{Template: "t", Diff: "-a\n+b\n"}}},
		&unet.PolicyApplyReport{Batch: "b", Updated: []string{"x"}},
		[]string{"a", "b"},
		map[string]int{"b": 1, "a": 2},
		struct {
			unet.PolicySet
			Extra string `json:"extra,omitempty"`
		}{PolicySet: unet.PolicySet{Rule: "embedded"}},
		now,
	}
	for i, v := range values {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		wantBytes := bytes.TrimSuffix(want.Bytes(), []byte("\n"))
		var got bytes.Buffer
		js := &jsonStream{w: &got}
		if err := js.value(reflect.ValueOf(v), true); err != nil {
			t.Fatalf("%d (%T): %v", i, v, err)
		}
		if !bytes.Equal(got.Bytes(), wantBytes) || js.n != int64(len(wantBytes)) {
			t.Errorf("%d (%T):\n got %s (%d bytes counted)\nwant %s", i, v, got.Bytes(), js.n, wantBytes)
		}
		if len(wantBytes) > 10 {
			limited := &jsonStream{w: io.Discard, limit: int64(len(wantBytes)) - 1}
			if err := limited.value(reflect.ValueOf(v), true); !errors.Is(err, errTooLarge) {
				t.Errorf("%d (%T): measured past the limit: %v", i, v, err)
			}
		}
	}
}
