package templates

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/unet-dev/unet/jinja"
)

// registerNetwork adds μNet's network filters, tests and globals to env.
//
// μNet adds filters only: its tests and globals are Jinja2's. Each filter's
// errors name it ("filter network: ..."), except the error of an undefined
// input or argument, which is the undefined value's own.
func registerNetwork(env *jinja.Env) {
	filters := map[string]jinja.FilterFunc{
		"ipaddr":                     netIPAddr,
		"address":                    netIPQuery("address"),
		"network":                    netIPQuery("network"),
		"netmask":                    netIPQuery("netmask"),
		"hostmask":                   netIPQuery("hostmask"),
		"wildcard":                   netIPQuery("hostmask"),
		"prefixlen":                  netIPQuery("prefix"),
		"broadcast":                  netIPQuery("broadcast"),
		"nthhost":                    netNthHost,
		"is_ip":                      netIsIP,
		"ipv4":                       netIPVersion(4),
		"ipv6":                       netIPVersion(6),
		"cidr_mask":                  netCIDRMask,
		"canonical_interface_name":   netInterfaceName("canonical_interface_name", InterfaceCanonical),
		"abbreviated_interface_name": netInterfaceName("abbreviated_interface_name", InterfaceShort),
		"mac_format":                 netMACFormat,
		"vlan_expand":                netVLANExpand,
		"vlan_compress":              netVLANCompress,
		"to_json":                    netToJSON,
		"to_nice_json":               netToNiceJSON,
		"to_yaml":                    netToYAML,
	}
	for name, f := range filters {
		env.AddFilter(name, netFilter(name, f))
	}
}

// netFilter wraps filter f so that an undefined input fails with its own
// error and every other error names the filter.
func netFilter(name string, f jinja.FilterFunc) jinja.FilterFunc {
	return func(s *jinja.State, v jinja.Value, a jinja.Args) (jinja.Value, error) {
		if u, ok := v.(jinja.Undefined); ok {
			return nil, u.Error()
		}
		out, err := f(s, v, a)
		if err != nil {
			if passThrough(err) {
				return nil, err
			}
			return nil, fmt.Errorf("filter %s: %w", name, err)
		}
		return out, nil
	}
}

// passThrough reports whether err is returned as it is: an undefined
// value's error, or a budget's, which already say what failed.
func passThrough(err error) bool {
	var ue *jinja.UndefinedError
	return errors.As(err, &ue) || errors.Is(err, jinja.ErrValueLimit) || errors.Is(err, jinja.ErrTimeLimit) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// netInput returns the input of a filter that reads text: a string as is, a
// number or bool as Python's str() writes it. None and containers are
// errors (a container's text is never an address, a name or a VLAN list,
// and writing a large one out would only waste the render's budget).
func netInput(v jinja.Value) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return jinja.FormatFloat(x), nil
	case bool:
		if x {
			return "True", nil
		}
		return "False", nil
	case nil:
		return "", errors.New("input is undefined or none")
	}
	return "", fmt.Errorf("input is a %s, not a string", jinja.TypeName(v))
}

// argStr returns a text argument (str() of a non-string), or def when it was
// not given or is None.
func argStr(v jinja.Value, def string) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case nil:
		return def, nil
	case jinja.Undefined:
		return "", x.Error()
	}
	if jinja.IsMissing(v) {
		return def, nil
	}
	return jinja.Str(v)
}

// argInt returns an integer argument (an int, a bool or a string of
// digits), or def when it was not given or is None.
func argInt(name string, v jinja.Value, def int64) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case nil:
		return def, nil
	case jinja.Undefined:
		return 0, x.Error()
	case string:
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			return n, nil
		}
	}
	if jinja.IsMissing(v) {
		return def, nil
	}
	text, err := jinja.Str(v)
	if err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("argument %s: %q is not an integer", name, text)
}

// argBool returns the truth of an argument, or def when it was not given or
// is None.
func argBool(v jinja.Value, def bool) (bool, error) {
	if v == nil || jinja.IsMissing(v) {
		return def, nil
	}
	if u, ok := v.(jinja.Undefined); ok {
		return false, u.Error()
	}
	return jinja.Truth(v)
}
