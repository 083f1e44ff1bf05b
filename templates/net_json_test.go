package templates

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/unet-dev/unet/jinja"
)

// TestNetJSON checks to_json and to_nice_json against what Python's
// json.dumps writes for the same data.
func TestNetJSON(t *testing.T) {
	data := dict("a", dict("k", true, "n", nil), "b", list(int64(1), "x"), "f", 1.5)
	nested := dict("z", list(int64(1), jinja.NewTuple(int64(2), int64(3))), "a", dict(), "b", list())
	runNetCases(t, netEnv(jinja.Limits{}), []netCase{
		{filter: "to_json", in: data, want: `{"a": {"k": true, "n": null}, "b": [1, "x"], "f": 1.5}`},
		{filter: "to_json", in: dict("z", int64(1), "a", "é<"), want: `{"z": 1, "a": "\u00e9<"}`},
		{filter: "to_json", in: dict("z", int64(1), "a", int64(2)), args: kw("sort_keys", true), want: `{"a": 2, "z": 1}`},
		{filter: "to_json", in: list(int64(1), dict("a", int64(2))), args: kw("indent", int64(2)), want: "[\n  1,\n  {\n    \"a\": 2\n  }\n]"},
		{filter: "to_json", in: list(1e20, 0.1, 100.0), want: "[1e+20, 0.1, 100.0]"},
		{filter: "to_json", in: list(math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 1e16, 1e-5, 123456789.0), want: "[NaN, Infinity, -Infinity, -0.0, 1e+16, 1e-05, 123456789.0]"},
		{filter: "to_json", in: dict(int64(1), "a", 2.5, "b", true, "c", nil, "d"), want: `{"1": "c", "2.5": "b", "null": "d"}`},
		{filter: "to_json", in: dict(int64(2), "a", 1.5, "b"), args: pos(nil, true), want: `{"1.5": "b", "2": "a"}`},
		{filter: "to_json", in: list(int64(1), list(int64(2))), args: pos(int64(0)), want: "[\n1,\n[\n2\n]\n]"},
		{filter: "to_json", in: list(int64(1), list(int64(2))), args: pos(int64(-3)), want: "[\n1,\n[\n2\n]\n]"},
		{filter: "to_json", in: list(int64(1), list(int64(2))), args: pos("\t"), want: "[\n\t1,\n\t[\n\t\t2\n\t]\n]"},
		{filter: "to_json", in: "\x00\x1f\x7f\"\\\n\r\t\b\f/é😀", want: `"\u0000\u001f\u007f\"\\\n\r\t\b\f/\u00e9\ud83d\ude00"`},
		{filter: "to_json", in: nil, want: "null"},
		{filter: "to_json", in: int64(-7), want: "-7"},
		{filter: "to_nice_json", in: nested, want: "{\n    \"a\": {},\n    \"b\": [],\n    \"z\": [\n        1,\n        [\n            2,\n            3\n        ]\n    ]\n}"},
		{filter: "to_nice_json", in: dict("b", int64(1), "a", int64(2)), args: kw("sort_keys", false), want: "{\n    \"b\": 1,\n    \"a\": 2\n}"},
		{filter: "to_nice_json", in: list(int64(1)), args: pos(int64(1)), want: "[\n 1\n]"},
		{filter: "to_nice_json", in: list(int64(1), dict("a", int64(2))), args: pos(nil), want: `[1,{"a": 2}]`},
	})
}

func TestNetJSONErrors(t *testing.T) {
	cyclic := list()
	cyclic.Items = append(cyclic.Items, cyclic)
	view := &jinja.List{Items: []jinja.Value{}, View: "dict_items"}
	fn := &jinja.Func{Name: "f"}
	runNetCases(t, netEnv(jinja.Limits{}), []netCase{
		{filter: "to_json", in: dict("a", int64(1), int64(2), int64(1)), args: kw("sort_keys", true), err: "filter to_json: '<' not supported between instances of 'int' and 'str'"},
		{filter: "to_json", in: dict(jinja.NewTuple(int64(1), int64(2)), int64(1)), err: "keys must be str, int, float, bool or None, not tuple"},
		{filter: "to_json", in: cyclic, err: "filter to_json: circular reference detected"},
		{filter: "to_json", in: view, err: "object of type dict_items is not JSON serializable"},
		{filter: "to_json", in: list(fn), err: "object of type function is not JSON serializable"},
		{filter: "to_json", in: list(jinja.Undefined{Hint: "'x' is undefined"}), err: "'x' is undefined"},
		{filter: "to_json", in: list(), args: pos(1.5), err: `argument indent: "1.5" is not an integer`},
		{filter: "to_nice_json", in: list(), args: pos(nil, nil, nil), err: "to_nice_json() takes at most 2 arguments (3 given)"},
	})
}

// TestNetJSONBounds checks that the JSON filters refuse, before building
// it, output over the value budget.
func TestNetJSONBounds(t *testing.T) {
	env := netEnv(jinja.Limits{MaxValueBytes: 1000})
	big := strings.Repeat("é", 200) // 400 bytes of input, 1,200 of output
	deep := list()
	for range maxDataDepth + 1 {
		deep = list(deep)
	}
	for _, c := range []struct {
		filter string
		in     jinja.Value
		args   jinja.Args
	}{
		{"to_json", big, jinja.Args{}},
		{"to_json", list(int64(1), int64(2)), pos(int64(2_000_000_000))},
		{"to_json", list(int64(1), int64(2)), pos(int64(math.MaxInt64))},
		{"to_nice_json", list(list(list(list(strings.Repeat("x", 300))))), pos(int64(100))},
		{"to_yaml", list(big, big, big), jinja.Args{}},
	} {
		f, _ := env.Filter(c.filter)
		_, err := f(jinja.NewState(t.Context(), env), c.in, c.args)
		if !errors.Is(err, jinja.ErrValueLimit) {
			t.Errorf("%s(%.40s...): %v, want ErrValueLimit", c.filter, jinja.Repr(c.in), err)
		}
	}
	for _, name := range []string{"to_json", "to_yaml"} {
		f, _ := env.Filter(name)
		_, err := f(jinja.NewState(t.Context(), netEnv(jinja.Limits{})), deep, jinja.Args{})
		if err == nil || !strings.Contains(err.Error(), "nested deeper than 500 levels") {
			t.Errorf("%s of deep data: %v", name, err)
		}
	}
}

// FuzzNetJSONString checks that to_json writes every valid string as a JSON
// string that reads back as itself, in printable ASCII only.
func FuzzNetJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b\\c", "\x00\x1f\x7f", "é😀\u2028", "\ufffd"} {
		f.Add(s)
	}
	env := netEnv(jinja.Limits{})
	toJSON, _ := env.Filter("to_json")
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		out, err := toJSON(jinja.NewState(t.Context(), env), s, jinja.Args{})
		if err != nil {
			t.Fatal(err)
		}
		text := out.(string)
		for i := 0; i < len(text); i++ {
			if text[i] < 0x20 || text[i] >= 0x7f {
				t.Fatalf("%q: byte %#x in %q", s, text[i], text)
			}
		}
		var back string
		if err := json.Unmarshal([]byte(text), &back); err != nil || back != s {
			t.Fatalf("%q: %s reads back as %q, %v", s, text, back, err)
		}
	})
}
