package templates

import (
	"testing"

	"github.com/unet-dev/unet/jinja"
)

func TestNetYAML(t *testing.T) {
	data := dict("a", dict("k", true, "n", nil), "b", list(int64(1), "x"), "f", 1.5)
	cyclic := dict()
	_ = cyclic.Set("self", cyclic)
	runNetCases(t, netEnv(jinja.Limits{}), []netCase{
		{filter: "to_yaml", in: data, want: "a:\n  k: true\n  \"n\": null\nb:\n  - 1\n  - x\nf: 1.5\n"},
		{filter: "to_yaml", in: dict("ntp", list("10.0.0.1")), want: "ntp:\n  - 10.0.0.1\n"},
		{filter: "to_yaml", in: dict("z", int64(1), "a", int64(2)), want: "z: 1\na: 2\n"},
		{filter: "to_yaml", in: dict("l", list(list(int64(1)))), args: pos(int64(4)), want: "l:\n    - - 1\n"},
		{filter: "to_yaml", in: dict("l", list(int64(1))), args: kw("indent", int64(0)), want: "l:\n  - 1\n"},
		{filter: "to_yaml", in: dict("l", list(int64(1))), args: pos(int64(1_000_000)), want: "l:\n  - 1\n"},
		{filter: "to_yaml", in: dict(int64(1), "yes", "on", "1.0"), want: "1: \"yes\"\n\"on\": \"1.0\"\n"},
		{filter: "to_yaml", in: jinja.NewTuple("a", nil), want: "- a\n- null\n"},
		{filter: "to_yaml", in: "text", want: "text\n"},
		{filter: "to_yaml", in: cyclic, err: "filter to_yaml: circular reference detected"},
		{filter: "to_yaml", in: list(&jinja.Func{Name: "f"}), err: "cannot represent an object of type function as YAML"},
		{filter: "to_yaml", in: list(jinja.Undefined{Hint: "'x' is undefined"}), err: "'x' is undefined"},
	})
}
