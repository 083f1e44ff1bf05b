package templates

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// builtinFixes returns replacements for gonja builtin filters whose
// behaviour differs from Jinja2.
func builtinFixes() map[string]filterFunc {
	return map[string]filterFunc{
		"reverse":  reverseFilter,
		"round":    roundFilter,
		"dictsort": dictsortFilter,
		"min":      minMaxFilter(false),
		"max":      minMaxFilter(true),
	}
}

// reverseFilter reverses a string or a sequence (gonja sorts it first).
func reverseFilter(in *exec.Value, _ filterArgs) (any, error) {
	if in.IsString() {
		r := []rune(in.String())
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return string(r), nil
	}
	var items []any
	in.Iterate(func(_, _ int, key, _ *exec.Value) bool {
		items = append(items, key.Interface())
		return true
	}, func() {})
	for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
		items[i], items[j] = items[j], items[i]
	}
	if items == nil {
		items = []any{}
	}
	return items, nil
}

// roundFilter is Jinja2's round(value, precision=0, method='common'):
// 'common' rounds like Python's round (halves to even on the exact binary
// value), 'ceil' and 'floor' always round up or down. The result is a float.
func roundFilter(in *exec.Value, a filterArgs) (any, error) {
	if !in.IsNumber() {
		return nil, errors.New("input is not a number")
	}
	precision, err := a.integer(0, "precision", 0)
	if err != nil {
		return nil, err
	}
	method := a.str(1, "method", "common")
	f := in.Float()
	scale := math.Pow(10, float64(precision))
	switch method {
	case "common":
		r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'f', precision, 64), 64)
		if err != nil || precision < 0 {
			return math.RoundToEven(f*scale) / scale, nil
		}
		return r, nil
	case "ceil":
		return math.Ceil(f*scale) / scale, nil
	case "floor":
		return math.Floor(f*scale) / scale, nil
	}
	return nil, errors.New("method must be common, ceil or floor")
}

// dictsortFilter is Jinja2's dictsort(case_sensitive=False, by='key',
// reverse=False): the (key, value) pairs of a mapping, sorted.
func dictsortFilter(in *exec.Value, a filterArgs) (any, error) {
	if !in.IsDict() {
		return nil, errors.New("input is not a mapping")
	}
	caseSensitive := a.boolean(0, "case_sensitive", false)
	by := a.str(1, "by", "key")
	if by != "key" && by != "value" {
		return nil, errors.New("by must be 'key' or 'value'")
	}
	reverse := a.boolean(2, "reverse", false)
	type pair struct{ k, v *exec.Value }
	var pairs []pair
	in.Iterate(func(_, _ int, key, value *exec.Value) bool {
		pairs = append(pairs, pair{key, value})
		return true
	}, func() {})
	sortKey := func(p pair) *exec.Value {
		v := p.k
		if by == "value" {
			v = p.v
		}
		if !caseSensitive && v.IsString() {
			return exec.AsValue(strings.ToLower(v.String()))
		}
		return v
	}
	less := func(x, y *exec.Value) bool {
		if x.IsNumber() && y.IsNumber() {
			return x.Float() < y.Float()
		}
		return x.String() < y.String()
	}
	sort.SliceStable(pairs, func(i, j int) bool {
		if reverse {
			return less(sortKey(pairs[j]), sortKey(pairs[i]))
		}
		return less(sortKey(pairs[i]), sortKey(pairs[j]))
	})
	out := make([]any, len(pairs))
	for i, p := range pairs {
		out[i] = []any{p.k.Interface(), p.v.Interface()}
	}
	return out, nil
}

// minMaxFilter is Jinja2's min/max(case_sensitive=False, attribute=None):
// the smallest or largest item of a sequence (the item itself, also when
// compared by attribute).
func minMaxFilter(max bool) filterFunc {
	return func(in *exec.Value, a filterArgs) (any, error) {
		caseSensitive := a.boolean(0, "case_sensitive", false)
		attr := a.str(1, "attribute", "")
		want := -1
		if max {
			want = 1
		}
		var best, bestKey *exec.Value
		var err error
		in.Iterate(func(_, _ int, item, _ *exec.Value) bool {
			key := item
			if attr != "" {
				k, ok := lookupPath(item, attr)
				if !ok {
					err = fmt.Errorf("item has no attribute %q", attr)
					return false
				}
				key = k
			}
			if !caseSensitive && key.IsString() {
				key = exec.AsValue(strings.ToLower(key.String()))
			}
			if best == nil || compareValues(key, bestKey) == want {
				best, bestKey = item, key
			}
			return true
		}, func() {})
		if err != nil {
			return nil, err
		}
		if best == nil {
			return nil, nil
		}
		return best.Interface(), nil
	}
}

// lookupPath resolves a dotted attribute path ("peer.name") on a value.
func lookupPath(v *exec.Value, path string) (*exec.Value, bool) {
	for _, part := range strings.Split(path, ".") {
		next, ok := v.GetAttribute(part)
		if !ok {
			if next, ok = v.GetItem(part); !ok {
				return nil, false
			}
		}
		v = next
	}
	return v, true
}

// compareValues orders numbers numerically and everything else as strings.
func compareValues(x, y *exec.Value) int {
	if x.IsNumber() && y.IsNumber() {
		switch xf, yf := x.Float(), y.Float(); {
		case xf < yf:
			return -1
		case xf > yf:
			return 1
		}
		return 0
	}
	return strings.Compare(x.String(), y.String())
}
