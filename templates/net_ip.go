package templates

import (
	"github.com/unet-dev/unet/jinja"
)

// netValue converts a result of the IP helpers (string, bool, int) to a
// template value.
func netValue(x any) jinja.Value {
	if n, ok := x.(int); ok {
		return int64(n)
	}
	return x
}

// netIPAddr is ipaddr(query=None): with no query the (normalised) value when
// it is an IP address or prefix and False otherwise, else the query's
// answer (see IPAddr).
func netIPAddr(_ *jinja.State, v jinja.Value, a jinja.Args) (jinja.Value, error) {
	args, err := a.Bind("ipaddr", 0, "query")
	if err != nil {
		return nil, err
	}
	query, err := argStr(args[0], "")
	if err != nil {
		return nil, err
	}
	in, err := netInput(v)
	if err != nil {
		if query == "" && v != nil {
			return false, nil
		}
		return nil, err
	}
	out, err := IPAddr(in, query)
	if err != nil {
		return nil, err
	}
	return netValue(out), nil
}

// netIPQuery returns a filter equivalent to ipaddr(query), taking no
// arguments.
func netIPQuery(query string) jinja.FilterFunc {
	return func(_ *jinja.State, v jinja.Value, a jinja.Args) (jinja.Value, error) {
		if _, err := a.Bind(query, 0); err != nil {
			return nil, err
		}
		in, err := netInput(v)
		if err != nil {
			return nil, err
		}
		out, err := IPAddr(in, query)
		if err != nil {
			return nil, err
		}
		return netValue(out), nil
	}
}

// netNthHost is nthhost(n=1): the n-th address of a prefix, without the
// prefix length.
func netNthHost(_ *jinja.State, v jinja.Value, a jinja.Args) (jinja.Value, error) {
	args, err := a.Bind("nthhost", 0, "n")
	if err != nil {
		return nil, err
	}
	n, err := argInt("n", args[0], 1)
	if err != nil {
		return nil, err
	}
	in, err := netInput(v)
	if err != nil {
		return nil, err
	}
	return NthHost(in, n)
}

// netIsIP is is_ip: whether the value is an IP address or prefix.
func netIsIP(_ *jinja.State, v jinja.Value, a jinja.Args) (jinja.Value, error) {
	if _, err := a.Bind("is_ip", 0); err != nil {
		return nil, err
	}
	in, err := netInput(v)
	return err == nil && IsIP(in), nil
}

// netIPVersion returns the ipv4 or ipv6 filter: the value when it is an
// address or prefix of that version, and False otherwise.
func netIPVersion(version int) jinja.FilterFunc {
	name := "ipv4"
	if version == 6 {
		name = "ipv6"
	}
	return func(_ *jinja.State, v jinja.Value, a jinja.Args) (jinja.Value, error) {
		if _, err := a.Bind(name, 0); err != nil {
			return nil, err
		}
		in, err := netInput(v)
		if err != nil {
			return false, nil
		}
		ip, err := parseIP(in)
		if err != nil || (version == 4) != ip.addr.Is4() {
			return false, nil
		}
		return in, nil
	}
}

// netCIDRMask is cidr_mask: a prefix length or prefix as a netmask.
func netCIDRMask(_ *jinja.State, v jinja.Value, a jinja.Args) (jinja.Value, error) {
	if _, err := a.Bind("cidr_mask", 0); err != nil {
		return nil, err
	}
	in, err := netInput(v)
	if err != nil {
		return nil, err
	}
	return CIDRMask(in)
}
