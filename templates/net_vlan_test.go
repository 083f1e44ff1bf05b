package templates

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet/jinja"
)

func TestNetVLANFilters(t *testing.T) {
	runNetCases(t, netEnv(jinja.Limits{}), []netCase{
		{filter: "vlan_compress", in: list(int64(7), int64(1), int64(3), int64(2), int64(2), int64(10), int64(11)), want: "1-3,7,10,11"},
		{filter: "vlan_compress", in: "1-3,7, 5", want: "1-3,5,7"},
		{filter: "vlan_compress", in: list("1-3", int64(20), "4,30-31"), want: "1-4,20,30,31"},
		{filter: "vlan_compress", in: list(), want: ""},
		{filter: "vlan_compress", in: "4094,1-4094", want: "1-4094"},
		{filter: "vlan_compress", in: int64(100), want: "100"},
		{filter: "vlan_expand", in: "1-3,7", want: list(int64(1), int64(2), int64(3), int64(7))},
		{filter: "vlan_expand", in: " 5 , 3-4,4 ,,", want: list(int64(3), int64(4), int64(5))},
		{filter: "vlan_expand", in: "", want: list()},
		{filter: "vlan_expand", in: "1-5000", err: `filter vlan_expand: "5000" is not a VLAN ID (1-4094)`},
		{filter: "vlan_expand", in: "7-3", err: `VLAN range "7-3" is reversed`},
		{filter: "vlan_compress", in: list(int64(0)), err: `filter vlan_compress: "0" is not a VLAN ID`},
		{filter: "vlan_compress", in: list(nil), err: "input is undefined or none"},
		{filter: "vlan_compress", in: list(jinja.Undefined{Hint: "'x' is undefined"}), err: "'x' is undefined"},
		{filter: "vlan_expand", in: "1-3", args: pos(1), err: "vlan_expand() takes at most 0 arguments (1 given)"},
	})
}

// TestNetVLANRoundTrip checks that compressing the expansion of a compact
// list gives it back.
func TestNetVLANRoundTrip(t *testing.T) {
	env := netEnv(jinja.Limits{})
	expand, _ := env.Filter("vlan_expand")
	compress, _ := env.Filter("vlan_compress")
	for _, text := range []string{"1", "1,2", "1-3", "1-3,7", "1,3,5-9,4094", "10-20,22,24-30"} {
		s := jinja.NewState(t.Context(), env)
		ids, err := expand(s, text, jinja.Args{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := compress(s, ids, jinja.Args{})
		if err != nil || got != text {
			t.Errorf("%s: round trip gave %v, %v", text, got, err)
		}
	}
}

// TestNetVLANHostileList checks that a list naming every VLAN many times
// costs no more than its text.
func TestNetVLANHostileList(t *testing.T) {
	env := netEnv(jinja.Limits{})
	compress, _ := env.Filter("vlan_compress")
	text := strings.Repeat("1-4094,", 200_000)
	start := time.Now()
	got, err := compress(jinja.NewState(t.Context(), env), text, jinja.Args{})
	if err != nil || got != "1-4094" {
		t.Fatalf("got %v, %v", got, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}

// FuzzNetVLAN checks that VLAN lists never make the filters fail other than
// with an error, and that compress(expand(x)) expands to expand(x).
func FuzzNetVLAN(f *testing.F) {
	for _, s := range []string{"1-3,7", "1,2", " 5 , 3-4,,", "4094", "0", "7-3", "1-", "-", "a-b"} {
		f.Add(s)
	}
	env := netEnv(jinja.Limits{})
	expand, _ := env.Filter("vlan_expand")
	compress, _ := env.Filter("vlan_compress")
	f.Fuzz(func(t *testing.T, text string) {
		s := jinja.NewState(t.Context(), env)
		ids, err := expand(s, text, jinja.Args{})
		old, oldErr := VLANExpand(text)
		if (err == nil) != (oldErr == nil) || err != nil && !strings.HasSuffix(err.Error(), oldErr.Error()) {
			t.Fatalf("%q: error %v, VLANExpand's %v", text, err, oldErr)
		}
		if err != nil {
			return
		}
		if want := strings.ReplaceAll(fmt.Sprint(old), " ", ", "); jinja.Repr(ids) != want {
			t.Fatalf("%q: %s, VLANExpand gives %s", text, jinja.Repr(ids), want)
		}
		c, err := compress(s, ids, jinja.Args{})
		if err != nil {
			t.Fatalf("compress %s: %v", jinja.Repr(ids), err)
		}
		again, err := expand(s, c, jinja.Args{})
		if err != nil || jinja.Repr(again) != jinja.Repr(ids) {
			t.Fatalf("%q: expand(compress) = %s, %v; want %s", text, jinja.Repr(again), err, jinja.Repr(ids))
		}
	})
}

// TestNetVLANCancelled checks that a long VLAN list stops when the render's
// context ends, with the context's error as it is.
func TestNetVLANCancelled(t *testing.T) {
	env := netEnv(jinja.Limits{})
	expand, _ := env.Filter("vlan_expand")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := expand(jinja.NewState(ctx, env), strings.Repeat("1,", 1000), jinja.Args{})
	if !errors.Is(err, context.Canceled) || strings.HasPrefix(err.Error(), "filter") {
		t.Fatalf("got %v, want the context's error", err)
	}
}
