package templates

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/exec"
)

// filterArgs gives access to a filter's arguments by position or keyword.
type filterArgs struct {
	params *exec.VarArgs
}

// get returns argument i (or keyword name), or nil when absent.
func (a filterArgs) get(i int, name string) *exec.Value {
	if v, ok := a.params.KwArgs[name]; ok {
		return v
	}
	if i < len(a.params.Args) {
		return a.params.Args[i]
	}
	return nil
}

// str returns a string argument or def.
func (a filterArgs) str(i int, name, def string) string {
	if v := a.get(i, name); v != nil && !v.IsNil() {
		return v.String()
	}
	return def
}

// integer returns an integer argument or def.
func (a filterArgs) integer(i int, name string, def int) (int, error) {
	v := a.get(i, name)
	if v == nil || v.IsNil() {
		return def, nil
	}
	if v.IsInteger() {
		return v.Integer(), nil
	}
	n, err := strconv.Atoi(v.String())
	if err != nil {
		return 0, fmt.Errorf("argument %s: %q is not an integer", name, v.String())
	}
	return n, nil
}

// boolean returns a boolean argument or def.
func (a filterArgs) boolean(i int, name string, def bool) bool {
	if v := a.get(i, name); v != nil && !v.IsNil() {
		return v.IsTrue()
	}
	return def
}

// filterFunc is the shape of the μNet filters: input value and arguments
// to a result or an error.
type filterFunc func(in *exec.Value, args filterArgs) (any, error)

// adapt turns a filterFunc into a gonja filter whose errors name the
// filter.
func adapt(name string, fn filterFunc) exec.FilterFunction {
	return func(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
		if in.IsError() {
			return in
		}
		out, err := fn(in, filterArgs{params: params})
		if err != nil {
			return exec.AsValue(fmt.Errorf("filter %s: %w", name, err))
		}
		return exec.AsValue(out)
	}
}

// stringIn wraps a function of the input as a string.
func stringIn(fn func(s string, args filterArgs) (any, error)) filterFunc {
	return func(in *exec.Value, args filterArgs) (any, error) {
		if in.IsNil() {
			return nil, errors.New("input is undefined or none")
		}
		return fn(in.String(), args)
	}
}

// ipQuery returns a filter equivalent to ipaddr(query).
func ipQuery(query string) filterFunc {
	return stringIn(func(s string, _ filterArgs) (any, error) { return IPAddr(s, query) })
}

// networkFilters returns the filters μNet adds to the Jinja2 builtins.
func networkFilters() map[string]filterFunc {
	return map[string]filterFunc{
		"ipaddr": stringIn(func(s string, a filterArgs) (any, error) {
			return IPAddr(s, a.str(0, "query", ""))
		}),
		"address":   ipQuery("address"),
		"network":   ipQuery("network"),
		"netmask":   ipQuery("netmask"),
		"hostmask":  ipQuery("hostmask"),
		"wildcard":  ipQuery("hostmask"),
		"prefixlen": ipQuery("prefix"),
		"broadcast": ipQuery("broadcast"),
		"nthhost": stringIn(func(s string, a filterArgs) (any, error) {
			n, err := a.integer(0, "n", 1)
			if err != nil {
				return nil, err
			}
			return NthHost(s, int64(n))
		}),
		"is_ip": func(in *exec.Value, _ filterArgs) (any, error) {
			return !in.IsNil() && IsIP(in.String()), nil
		},
		"ipv4": ipVersion(4),
		"ipv6": ipVersion(6),
		"cidr_mask": stringIn(func(s string, _ filterArgs) (any, error) {
			return CIDRMask(s)
		}),
		"canonical_interface_name": stringIn(func(s string, a filterArgs) (any, error) {
			return InterfaceCanonical(s, a.str(0, "platform", ""))
		}),
		"abbreviated_interface_name": stringIn(func(s string, a filterArgs) (any, error) {
			return InterfaceShort(s, a.str(0, "platform", ""))
		}),
		"mac_format": stringIn(func(s string, a filterArgs) (any, error) {
			return MACFormat(s, a.str(0, "style", "colon"))
		}),
		"vlan_expand":   vlanExpandFilter,
		"vlan_compress": vlanCompressFilter,
		"to_json": func(in *exec.Value, a filterArgs) (any, error) {
			indent, err := a.integer(0, "indent", -1)
			if err != nil {
				return nil, err
			}
			return ToJSON(in, indent, a.boolean(1, "sort_keys", false))
		},
		"to_nice_json": func(in *exec.Value, a filterArgs) (any, error) {
			indent, err := a.integer(0, "indent", 4)
			if err != nil {
				return nil, err
			}
			return ToJSON(in, indent, a.boolean(1, "sort_keys", true))
		},
		"tojson": func(in *exec.Value, a filterArgs) (any, error) {
			indent, err := a.integer(0, "indent", -1)
			if err != nil {
				return nil, err
			}
			var b bytes.Buffer
			if err := writeJSON(&b, plain(in), jsonOptions{indent: indent, sortKeys: true, htmlSafe: true}, 0); err != nil {
				return nil, err
			}
			return b.String(), nil
		},
		"to_yaml": func(in *exec.Value, a filterArgs) (any, error) {
			indent, err := a.integer(0, "indent", 2)
			if err != nil {
				return nil, err
			}
			return ToYAML(in, indent)
		},
	}
}

// ipVersion returns the value when it is an address or prefix of that IP
// version, and false otherwise.
func ipVersion(version int) filterFunc {
	return func(in *exec.Value, _ filterArgs) (any, error) {
		if in.IsNil() {
			return false, nil
		}
		v, err := parseIP(in.String())
		if err != nil || (version == 4) != v.addr.Is4() {
			return false, nil
		}
		return in.String(), nil
	}
}

// vlanExpandFilter expands "1-3,7" (or a list of such items) to [1,2,3,7].
func vlanExpandFilter(in *exec.Value, _ filterArgs) (any, error) {
	ids, err := VLANExpand(vlanText(in))
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// vlanCompressFilter compresses a list of VLAN IDs (or a VLAN list string)
// to "1-3,7".
func vlanCompressFilter(in *exec.Value, _ filterArgs) (any, error) {
	ids, err := VLANExpand(vlanText(in))
	if err != nil {
		return nil, err
	}
	return VLANCompress(ids)
}

// vlanText joins a list input with commas so both lists and strings go
// through the same parser.
func vlanText(in *exec.Value) string {
	if !in.IsList() {
		return in.String()
	}
	var parts []string
	in.Iterate(func(_, _ int, key, _ *exec.Value) bool {
		parts = append(parts, key.String())
		return true
	}, func() {})
	return strings.Join(parts, ",")
}

// newFilterSet returns the builtin filters plus the network filters, in a
// set owned by one environment.
func newFilterSet() *exec.FilterSet {
	set := exec.NewFilterSet(map[string]exec.FilterFunction{})
	set.Update(builtins.Filters)
	fns := networkFilters()
	for name, fn := range builtinFixes() {
		fns[name] = fn
	}
	for name, fn := range fns {
		f := adapt(name, fn)
		// Replace fails only for a name that does not exist, Register only
		// for one that does: Exists rules both out.
		if set.Exists(name) {
			_ = set.Replace(name, f)
		} else {
			_ = set.Register(name, f)
		}
	}
	boundedFilters(set)
	return set
}

// newTestSet returns the builtin tests in a set owned by one environment.
func newTestSet() *exec.TestSet {
	set := exec.NewTestSet(map[string]exec.TestFunction{})
	set.Update(builtins.Tests)
	return set
}
