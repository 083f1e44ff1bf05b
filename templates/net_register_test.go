package templates

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/unet-dev/unet/jinja"
)

// netEnv returns an environment with the network filters, under limits.
func netEnv(limits jinja.Limits) *jinja.Env {
	env := jinja.New(nil, jinja.Options{TrimBlocks: true, LstripBlocks: true, Limits: limits})
	registerNetwork(env)
	return env
}

// netCase is one call of a network filter: in | filter(args...) gives want
// (compared by Python repr, so 24 and '24' differ) or an error containing
// err.
type netCase struct {
	filter string
	in     jinja.Value
	args   jinja.Args
	want   jinja.Value
	err    string
}

// pos returns positional arguments.
func pos(vs ...jinja.Value) jinja.Args { return jinja.Args{Pos: vs} }

// kw returns one keyword argument.
func kw(name string, v jinja.Value) jinja.Args {
	return jinja.Args{Kw: []jinja.KwArg{{Name: name, Value: v}}}
}

// list returns a list value.
func list(vs ...jinja.Value) *jinja.List { return jinja.NewList(vs) }

// dict returns a dict of alternating keys and values.
func dict(kv ...jinja.Value) *jinja.Dict {
	d := jinja.NewDict(len(kv) / 2)
	for i := 0; i+1 < len(kv); i += 2 {
		if err := d.Set(kv[i], kv[i+1]); err != nil {
			panic(err)
		}
	}
	return d
}

// runNetCases calls each case's filter through env's registry.
func runNetCases(t *testing.T, env *jinja.Env, cases []netCase) {
	t.Helper()
	for i, c := range cases {
		// Named by position: the repr of a cyclic input never ends.
		t.Run(fmt.Sprintf("%d_%s", i, c.filter), func(t *testing.T) {
			f, ok := env.Filter(c.filter)
			if !ok {
				t.Fatalf("filter %s is not registered", c.filter)
			}
			got, err := f(jinja.NewState(context.Background(), env), c.in, c.args)
			if c.err != "" {
				if err == nil {
					t.Fatalf("got %s, want error containing %q", jinja.Repr(got), c.err)
				}
				if !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %q, want it to contain %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v, want %s", err, jinja.Repr(c.want))
			}
			if jinja.Repr(got) != jinja.Repr(c.want) {
				t.Errorf("got %s, want %s", jinja.Repr(got), jinja.Repr(c.want))
			}
		})
	}
}

func TestNetRegistersEveryFilter(t *testing.T) {
	env := netEnv(jinja.Limits{})
	for _, name := range []string{
		"ipaddr", "address", "network", "netmask", "hostmask", "wildcard", "prefixlen",
		"broadcast", "nthhost", "is_ip", "ipv4", "ipv6", "cidr_mask",
		"canonical_interface_name", "abbreviated_interface_name", "mac_format",
		"vlan_expand", "vlan_compress", "to_json", "to_nice_json", "to_yaml",
	} {
		if _, ok := env.Filter(name); !ok {
			t.Errorf("filter %s is not registered", name)
		}
	}
}

func TestNetArgumentErrors(t *testing.T) {
	undef := jinja.Undefined{Hint: "'missing' is undefined"}
	runNetCases(t, netEnv(jinja.Limits{}), []netCase{
		{filter: "network", in: undef, err: "'missing' is undefined"},
		{filter: "mac_format", in: "00:1a:2b:3c:4d:5e", args: pos(undef), err: "'missing' is undefined"},
		{filter: "nthhost", in: "10.0.0.0/24", args: pos(undef), err: "'missing' is undefined"},
		{filter: "network", in: "10.0.0.1/24", args: pos("x"), err: "filter network: network() takes at most 0 arguments (1 given)"},
		{filter: "ipaddr", in: "10.0.0.1", args: kw("nope", 1), err: "filter ipaddr: ipaddr() got an unexpected keyword argument 'nope'"},
		{filter: "nthhost", in: "10.0.0.0/24", args: pos(1.5), err: `filter nthhost: argument n: "1.5" is not an integer`},
		{filter: "nthhost", in: "10.0.0.0/24", args: pos("x"), err: `argument n: "x" is not an integer`},
		{filter: "network", in: nil, err: "filter network: input is undefined or none"},
		{filter: "network", in: list("10.0.0.1"), err: "filter network: input is a list, not a string"},
		{filter: "mac_format", in: dict("a", 1), err: "input is a dict, not a string"},
	})
}
