package jinja

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestDecodeJSONMatchesPython(t *testing.T) {
	// Expected values: repr(json.loads(text)) in Python 3, except that
	// integers outside int64 become floats.
	for _, c := range []struct{ in, want string }{
		{`{"b": 1, "a": [1.5, 2, -3, 1e2, 12345678901234567890, true, null, "x"], "c": {"z": {}, "y": []}, "b": 3}`,
			"{'b': 3, 'a': [1.5, 2, -3, 100.0, 1.2345678901234567e+19, True, None, 'x'], 'c': {'z': {}, 'y': []}}"},
		{`[1.0, -0, 0.5e-3, 9223372036854775807, -9223372036854775808]`, "[1.0, 0, 0.0005, 9223372036854775807, -9223372036854775808]"},
		{`"é\u00e9\n"`, `'éé\n'`},
		{` 5 `, "5"},
	} {
		v, err := DecodeJSON([]byte(c.in))
		if err != nil || Repr(v) != c.want {
			t.Errorf("DecodeJSON(%s) = %s, %v; want %s", c.in, Repr(v), err, c.want)
		}
	}
	for _, bad := range []string{``, `[1,`, `{"a" 1}`, `[1] 2`, `{1: 2}`, `01`, strings.Repeat("[", 20000) + strings.Repeat("]", 20000)} {
		if _, err := DecodeJSON([]byte(bad)); err == nil {
			t.Errorf("DecodeJSON(%.30q): no error", bad)
		}
	}
}

type hostStruct struct {
	Name    string            `json:"name"`
	Port    uint16            `json:"port"`
	Tags    []string          `json:"tags"`
	Enabled bool              `json:"enabled"`
	Meta    map[string]string `json:"meta,omitempty"`
	Ptr     *int              `json:"ptr"`
}

type hostObject struct{ testObject }

func (hostObject) MarshalJSON() ([]byte, error) { return []byte(`"marshalled"`), nil }

func TestFromGo(t *testing.T) {
	seven := 7
	type named string
	for _, c := range []struct {
		in   any
		want string
	}{
		{nil, "None"},
		{true, "True"},
		{int8(-3), "-3"}, {uint32(4000000000), "4000000000"}, {int(5), "5"}, {uint64(1 << 63 >> 1), "4611686018427387904"},
		{float32(1.5), "1.5"}, {2.25, "2.25"},
		{"s", "'s'"}, {named("n"), "'n'"}, {[]byte("by"), "'by'"},
		{json.Number("12"), "12"}, {json.Number("1.5e3"), "1500.0"},
		{[]int{1, 2}, "[1, 2]"}, {[2]string{"a", "b"}, "['a', 'b']"}, {[]any{1, "x", nil, []string{"y"}}, "[1, 'x', None, ['y']]"},
		{map[string]int{"b": 2, "a": 1}, "{'a': 1, 'b': 2}"},
		{map[string]any{"z": map[string]any{"y": 1, "x": []any{}}}, "{'z': {'x': [], 'y': 1}}"},
		{hostStruct{Name: "sw1", Port: 22, Tags: []string{"core"}, Enabled: true, Ptr: &seven}, "{'name': 'sw1', 'port': 22, 'tags': ['core'], 'enabled': True, 'ptr': 7}"},
		{&hostStruct{Name: "sw2"}, "{'name': 'sw2', 'port': 0, 'tags': None, 'enabled': False, 'ptr': None}"},
		{(*hostStruct)(nil), "None"},
		{[]hostStruct(nil), "[]"},
		{NewTuple(int64(1)), "(1,)"},
		{testObject{}, "<LoopContext object>"},
		{hostObject{}, "<LoopContext object>"},
		{map[int]string{2: "b", 1: "a"}, "{'1': 'a', '2': 'b'}"},
	} {
		v, err := FromGo(c.in)
		if err != nil || Repr(v) != c.want {
			t.Errorf("FromGo(%#v) = %s, %v; want %s", c.in, Repr(v), err, c.want)
		}
	}
	if _, err := FromGo(uint64(1 << 63)); !errors.Is(err, errIntOverflow) {
		t.Errorf("FromGo(1<<63): %v", err)
	}
	if _, err := FromGo(make(chan int)); err == nil {
		t.Error("FromGo(chan): no error")
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"a": [1, 2.5, "x", null, true]}`, `[[[]]]`, `1e400`, `-0`, `"\ud800"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := DecodeJSON(data)
		if err == nil && json.Valid(data) == false {
			t.Errorf("DecodeJSON accepted invalid JSON %q: %s", data, Repr(v))
		}
	})
}
