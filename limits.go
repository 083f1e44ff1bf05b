package unet

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"unicode/utf8"
)

// Length limits of the inventory's string fields, in characters (Unicode code
// points). They keep stored objects, change-log rows, table output and error
// messages bounded; docs/inventory.md lists them per field.
const (
	// MaxNameLen bounds object names: node, location and link names,
	// interface names, vendor display names.
	MaxNameLen = 128
	// MaxKeyLen bounds short keys: vendor keys, roles, environments, SNMP
	// profile names.
	MaxKeyLen = 64
	// MaxDomainLen is the longest DNS domain (RFC 1035).
	MaxDomainLen = 253
	// MaxAttrLen bounds descriptive attributes: model, software version,
	// serial number, asset tag, circuit ID, provider.
	MaxAttrLen = 128
	// MaxTextLen bounds free text: descriptions and addresses.
	MaxTextLen = 1024
	// MaxTagLen bounds one tag; MaxTags bounds the tags of one object.
	MaxTagLen = 64
	MaxTags   = 64
	// MaxCustomDataBytes bounds the compact JSON encoding of custom_data.
	MaxCustomDataBytes = 1 << 20
	// MaxCustomDataDepth bounds the nesting of custom_data: the object itself
	// is level 1, each nested object or array one more.
	MaxCustomDataDepth = 32
	// MaxCustomDataKeyLen bounds each key of custom_data, at any level.
	MaxCustomDataKeyLen = 256
)

// ControlChar returns the first control character of s and its index (in
// characters), or -1. Control characters are C0 (U+0000–U+001F, which include
// tab, newline and ESC), DEL (U+007F) and C1 (U+0080–U+009F, which include the
// single-character CSI): they can rewrite a terminal, forge lines in logs and
// reports, and no inventory field needs them.
func ControlChar(s string) (rune, int) {
	i := 0
	for _, r := range s {
		if isControl(r) {
			return r, i
		}
		i++
	}
	return 0, -1
}

func isControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f)
}

// checkText refuses invalid UTF-8, control characters and values longer than
// max characters, naming field. It reports whether the value passed, so that
// callers can skip pattern checks (whose messages quote the value) on values
// that are already refused.
func (fe *fieldErrors) checkText(field, s string, max int) bool {
	if s == "" {
		return true
	}
	if !utf8.ValidString(s) {
		fe.add(field, "is not valid UTF-8")
		return false
	}
	if n := utf8.RuneCountInString(s); n > max {
		fe.add(field, "is %d characters long; the limit is %d", n, max)
		return false
	}
	if r, i := ControlChar(s); i >= 0 {
		fe.add(field, "contains the control character %U at position %d; control characters (tab, newline, ESC, …) are not allowed", r, i+1)
		return false
	}
	return true
}

// checkCustomData enforces the limits of custom_data: size, depth, and keys
// that are valid UTF-8 without control characters and at most
// MaxCustomDataKeyLen characters. String values may hold any text (a login
// banner spans lines): they are always shown JSON-encoded.
func (fe *fieldErrors) checkCustomData(cd map[string]any) {
	if len(cd) == 0 {
		return
	}
	if problem := walkCustomData(cd, 1, "custom_data"); problem != nil {
		fe.add(problem.field, "%s", problem.msg)
		return
	}
	b, err := json.Marshal(cd)
	if err != nil {
		fe.add("custom_data", "cannot be encoded as JSON: %v", err)
		return
	}
	if len(b) > MaxCustomDataBytes {
		fe.add("custom_data", "is %d bytes as JSON; the limit is %d (1 MiB)", len(b), MaxCustomDataBytes)
	}
}

type dataProblem struct{ field, msg string }

// walkCustomData checks depth and keys of v, found at level depth under path.
// It never descends past MaxCustomDataDepth, so hostile nesting costs nothing.
func walkCustomData(v any, depth int, path string) *dataProblem {
	switch x := v.(type) {
	case map[string]any:
		if depth > MaxCustomDataDepth {
			return &dataProblem{path, fmt.Sprintf("nests deeper than %d levels", MaxCustomDataDepth)}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !utf8.ValidString(k) {
				return &dataProblem{path, "has a key that is not valid UTF-8"}
			}
			if n := utf8.RuneCountInString(k); n > MaxCustomDataKeyLen {
				return &dataProblem{path, fmt.Sprintf("has a key of %d characters; the limit is %d", n, MaxCustomDataKeyLen)}
			}
			if r, i := ControlChar(k); i >= 0 {
				return &dataProblem{path, fmt.Sprintf("key %q contains the control character %U at position %d", k, r, i+1)}
			}
			if p := walkCustomData(x[k], depth+1, path+"."+k); p != nil {
				return p
			}
		}
	case []any:
		if depth > MaxCustomDataDepth {
			return &dataProblem{path, fmt.Sprintf("nests deeper than %d levels", MaxCustomDataDepth)}
		}
		for i, e := range x {
			if p := walkCustomData(e, depth+1, fmt.Sprintf("%s[%d]", path, i)); p != nil {
				return p
			}
		}
	}
	return nil
}

// maxEngineResultsKey carries the result budget of one engine request.
type maxEngineResultsKey struct{}

// WithMaxEngineResults bounds the records (policy results, SET records,
// assigned templates) that one evaluation started with the returned context
// may build: past n it stops at once with an invalid error naming the limit.
// The HTTP server sets it from max_engine_results; n <= 0 means no bound.
func WithMaxEngineResults(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, maxEngineResultsKey{}, n)
}

// MaxEngineResults is the bound set by WithMaxEngineResults, 0 when none.
func MaxEngineResults(ctx context.Context) int {
	n, _ := ctx.Value(maxEngineResultsKey{}).(int)
	return max(n, 0)
}
