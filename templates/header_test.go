package templates

import (
	"reflect"
	"testing"
)

func TestParseHeaders(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Header
		err  string
	}{
		{"none", "hostname x\n", nil, ""},
		{"first line", "{# template-match: router bgp \\d+||.* #}\nrouter bgp 1\n",
			[]Header{{Expr: `router bgp \d+||.*`, Line: 1}}, ""},
		{"trim markers", "{#- template-match: ntp server .* -#}\n", []Header{{Expr: "ntp server .*", Line: 1}}, ""},
		{"after other comments", "{# owner: noc #}\n\n{#template-match:interface .*||*#}\n",
			[]Header{{Expr: "interface .*||*", Line: 3}}, ""},
		{"two headers", "{# template-match: a #}\n{# template-match: b #}\n",
			[]Header{{Expr: "a", Line: 1}, {Expr: "b", Line: 2}}, ""},
		{"plain comment mentioning it", "{# see template-match: docs #}\n", nil, ""},
		{"unclosed header", "x\n{# template-match: a\n", nil, "line 2: template-match header comment is not closed with #}"},
		{"unclosed other comment", "{# x\n", nil, ""},
		{"empty expr", "{# template-match: #}", []Header{{Expr: "", Line: 1}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseHeaders([]byte(tt.src))
			if (err != nil) != (tt.err != "") || (err != nil && err.Error() != tt.err) {
				t.Fatalf("error %v, want %q", err, tt.err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestTemplateCompilesHeaders(t *testing.T) {
	env := New(mapFS(map[string]string{
		"bgp.j2":  "{# template-match: router bgp \\d+||neighbor .* #}\nrouter bgp {{ asn }}\n",
		"bad.j2":  "x\n{# template-match: interface (Eth||.* #}\n",
		"none.j2": "hostname x\n",
	}), Options{})
	info, err := env.Template("bgp.j2")
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Headers) != 1 || info.Headers[0].Match == nil || info.Headers[0].Match.Levels() != 2 {
		t.Fatalf("headers %+v", info.Headers)
	}
	if _, err := env.Template("bad.j2"); err == nil || err.Error()[:9] != "bad.j2:2:" {
		t.Fatalf("bad header: got %v, want bad.j2:2: ...", err)
	}
	info, err = env.Template("none.j2")
	if err != nil || len(info.Headers) != 0 {
		t.Fatalf("none.j2: %+v %v", info, err)
	}
}
