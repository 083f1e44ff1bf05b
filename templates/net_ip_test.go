package templates

import (
	"testing"

	"github.com/unet-dev/unet/jinja"
)

func TestNetIPFilters(t *testing.T) {
	ip, v6 := "10.1.0.1/31", "2001:db8::1/64"
	runNetCases(t, netEnv(jinja.Limits{}), []netCase{
		{filter: "ipaddr", in: ip, want: "10.1.0.1/31"},
		{filter: "ipaddr", in: "bogus", want: false},
		{filter: "ipaddr", in: int64(7), want: false},
		{filter: "ipaddr", in: list(1), want: false},
		{filter: "ipaddr", in: ip, args: pos("address"), want: "10.1.0.1"},
		{filter: "ipaddr", in: ip, args: kw("query", "address"), want: "10.1.0.1"},
		{filter: "address", in: ip, want: "10.1.0.1"},
		{filter: "network", in: "192.0.2.77/26", want: "192.0.2.64"},
		{filter: "ipaddr", in: "192.0.2.77/26", args: pos("net"), want: "192.0.2.64/26"},
		{filter: "netmask", in: "192.0.2.77/26", want: "255.255.255.192"},
		{filter: "hostmask", in: "192.0.2.77/26", want: "0.0.0.63"},
		{filter: "wildcard", in: "192.0.2.77/26", want: "0.0.0.63"},
		{filter: "prefixlen", in: "192.0.2.77/26", want: int64(26)},
		{filter: "prefixlen", in: "192.0.2.77 255.255.255.0", want: int64(24)},
		{filter: "ipaddr", in: "192.0.2.77/255.255.255.0", args: pos("net"), want: "192.0.2.0/24"},
		{filter: "broadcast", in: "192.0.2.77/26", want: "192.0.2.127"},
		{filter: "ipaddr", in: "192.0.2.77/26", args: pos("size"), want: int64(64)},
		{filter: "ipaddr", in: "2001:db8::/32", args: pos("size"), want: "79228162514264337593543950336"},
		{filter: "nthhost", in: "192.0.2.0/24", args: pos(int64(5)), want: "192.0.2.5"},
		{filter: "nthhost", in: "192.0.2.0/24", args: pos(int64(-2)), want: "192.0.2.254"},
		{filter: "nthhost", in: "192.0.2.0/24", args: kw("n", "3"), want: "192.0.2.3"},
		{filter: "nthhost", in: "192.0.2.0/24", want: "192.0.2.1"},
		{filter: "ipaddr", in: "192.0.2.0/24", args: pos(int64(1)), want: "192.0.2.1/24"},
		{filter: "network", in: v6, want: "2001:db8::"},
		{filter: "prefixlen", in: v6, want: int64(64)},
		{filter: "netmask", in: v6, want: "ffff:ffff:ffff:ffff::"},
		{filter: "nthhost", in: v6, args: pos(int64(1)), want: "2001:db8::1"},
		{filter: "ipaddr", in: v6, args: pos("version"), want: int64(6)},
		{filter: "ipaddr", in: ip, args: pos("version"), want: int64(4)},
		{filter: "is_ip", in: ip, want: true},
		{filter: "is_ip", in: "x.y", want: false},
		{filter: "is_ip", in: "::1", want: true},
		{filter: "is_ip", in: nil, want: false},
		{filter: "is_ip", in: list("10.0.0.1"), want: false},
		{filter: "ipv4", in: ip, want: ip},
		{filter: "ipv6", in: ip, want: false},
		{filter: "ipv4", in: v6, want: false},
		{filter: "ipv6", in: v6, want: v6},
		{filter: "ipv4", in: nil, want: false},
		{filter: "cidr_mask", in: int64(24), want: "255.255.255.0"},
		{filter: "cidr_mask", in: "/30", want: "255.255.255.252"},
		{filter: "cidr_mask", in: "10.0.0.0/8", want: "255.0.0.0"},
	})
}

func TestNetIPFilterErrors(t *testing.T) {
	runNetCases(t, netEnv(jinja.Limits{}), []netCase{
		{filter: "network", in: "x", err: `filter network: "x" is not an IP address or prefix`},
		{filter: "network", in: "10.0.0.0/33", err: "prefix length 33 out of range 0-32"},
		{filter: "network", in: "10.0.0.1/255.0.255.0", err: "not a contiguous netmask"},
		{filter: "nthhost", in: "10.0.0.0/30", args: pos(int64(4)), err: "filter nthhost: host 4 is outside 10.0.0.0/30 (4 addresses)"},
		{filter: "cidr_mask", in: int64(33), err: "filter cidr_mask: prefix length 33 out of range"},
		{filter: "cidr_mask", in: "10.0.0.1", err: "has no prefix length"},
		{filter: "ipaddr", in: "10.0.0.1", args: pos("nope"), err: `filter ipaddr: unknown query "nope"`},
		{filter: "ipaddr", in: nil, err: "input is undefined or none"},
		{filter: "ipaddr", in: "bogus", args: pos("net"), err: `"bogus" is not an IP address or prefix`},
	})
}

// FuzzNetIPAddr checks that no input makes the ipaddr filters fail other
// than with an error.
func FuzzNetIPAddr(f *testing.F) {
	for _, s := range []string{"10.0.0.1/24", "2001:db8::1/64", "10.0.0.1 255.255.255.0", "1.2.3.4/255.0.255.0", "::ffff:1.2.3.4/120", "x", ""} {
		f.Add(s, "net")
	}
	f.Add("10.0.0.0/8", "-1")
	f.Add("::/0", "340282366920938463463374607431768211455")
	env := netEnv(jinja.Limits{})
	f.Fuzz(func(t *testing.T, in, query string) {
		for _, name := range []string{"ipaddr", "nthhost"} {
			fn, _ := env.Filter(name)
			_, _ = fn(jinja.NewState(t.Context(), env), in, pos(query))
		}
		for _, name := range []string{"network", "broadcast", "cidr_mask", "ipv4", "ipv6", "is_ip"} {
			fn, _ := env.Filter(name)
			_, _ = fn(jinja.NewState(t.Context(), env), in, jinja.Args{})
		}
	})
}
