package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/unet-dev/unet"
)

// ParseSet turns `--set field=value` expressions into a merge patch.
//
//   - custom_data.a.b=VALUE sets a nested custom_data key; VALUE is read as JSON
//     when it is valid JSON (numbers, true/false, null, "quoted", [lists],
//     {objects}) and as a plain string otherwise. custom_data.x=null removes x.
//   - tags=a,b,c replaces the tag list (tags= clears it).
//   - bandwidth_bps (links) accepts 10G, 100M, 1.5G or a number of bits/s.
//   - every other field takes the text after '=' as is ("" clears it).
func ParseSet(exprs []string) (unet.Patch, error) {
	p := unet.Patch{}
	for _, e := range exprs {
		field, value, ok := strings.Cut(e, "=")
		field = strings.TrimSpace(field)
		if !ok || field == "" {
			return nil, usagef("--set %q: want field=value", e)
		}
		path := strings.Split(field, ".")
		for _, seg := range path {
			if seg == "" {
				return nil, usagef("--set %q: empty path segment in %q", e, field)
			}
		}
		var v any
		switch {
		case path[0] == "custom_data" && len(path) > 1:
			v = jsonOrString(value)
		case len(path) > 1:
			return nil, usagef("--set %q: only custom_data has nested fields", e)
		case field == "custom_data":
			var m map[string]any
			if err := json.Unmarshal([]byte(value), &m); err != nil || m == nil {
				return nil, unet.Invalid("invalid --set", unet.FieldError{Field: "custom_data", Message: "must be a JSON object"})
			}
			v = m
		case field == "tags":
			v = splitList(value)
		case field == "bandwidth_bps":
			bps, err := ParseBandwidth(value)
			if err != nil {
				return nil, unet.Invalid("invalid --set", unet.FieldError{Field: "bandwidth_bps", Message: err.Error()})
			}
			v = bps
		default:
			v = value
		}
		if err := setPath(p, path, v); err != nil {
			return nil, usagef("--set %q: %v", e, err)
		}
	}
	return p, nil
}

func jsonOrString(s string) any {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err == nil {
		return v
	}
	return s
}

func splitList(s string) []string {
	out := []string{}
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// setPath stores v at path inside p, creating intermediate objects.
func setPath(p map[string]any, path []string, v any) error {
	cur := p
	for i, seg := range path[:len(path)-1] {
		next, ok := cur[seg]
		if !ok {
			m := map[string]any{}
			cur[seg] = m
			cur = m
			continue
		}
		m, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("%s is set to a value and used as an object", strings.Join(path[:i+1], "."))
		}
		cur = m
	}
	last := path[len(path)-1]
	if _, exists := cur[last]; exists {
		if _, isMap := cur[last].(map[string]any); isMap {
			return fmt.Errorf("%s is used as an object and set to a value", strings.Join(path, "."))
		}
	}
	cur[last] = v
	return nil
}

// ParseBandwidth reads a bandwidth in bits per second: a plain integer, or a
// number with a decimal unit K, M, G or T (optionally followed by "bps" or "b").
func ParseBandwidth(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, nil
	}
	lower := strings.ToLower(t)
	lower = strings.TrimSuffix(lower, "bps")
	lower = strings.TrimSuffix(lower, "b")
	mult := 1.0
	if n := len(lower); n > 0 {
		switch lower[n-1] {
		case 'k':
			mult, lower = 1e3, lower[:n-1]
		case 'm':
			mult, lower = 1e6, lower[:n-1]
		case 'g':
			mult, lower = 1e9, lower[:n-1]
		case 't':
			mult, lower = 1e12, lower[:n-1]
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(lower), 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("%q is not a bandwidth (examples: 10G, 100M, 1.5G, 1000000)", s)
	}
	v := f * mult
	if v > math.MaxInt64/2 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return int64(math.Round(v)), nil
}

// FormatBandwidth shows bits per second with the largest exact decimal unit.
func FormatBandwidth(bps int64) string {
	if bps == 0 {
		return "-"
	}
	for _, u := range []struct {
		div  int64
		name string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "K"}} {
		if bps%u.div == 0 {
			return strconv.FormatInt(bps/u.div, 10) + u.name
		}
	}
	return strconv.FormatInt(bps, 10)
}
