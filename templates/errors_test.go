package templates

import (
	"context"
	"errors"
	"testing"
)

func TestRenderErrorsArePositioned(t *testing.T) {
	files := map[string]string{
		"undef.j2":       "hostname {{ node.name }}\nntp server {{ ntp_server }}\n",
		"undef-attr.j2":  "hostname {{ node.name }}\n\nip domain-name {{ node.domain }}\n",
		"undef-loop.j2":  "a\n{% for i in [1, 2] %}\n{{ i }} {{ nope }}\n{% endfor %}\n",
		"syntax.j2":      "hostname x\n{{ 1 + }}\n",
		"syntax-for.j2":  "a\nb\n{% for i in %}\n{% endfor %}\n",
		"unclosed.j2":    "a\n{% if x %}\nb\n",
		"inc-missing.j2": "a\n{% include 'missing.j2' %}\n",
		"inc-bad.j2":     "first\n{% include 'undef.j2' %}\n",
		"filter.j2":      "{{ 'x' | nosuch }}\n",
		"badip.j2":       "\n{{ 'not-an-ip' | network }}\n",
	}
	tests := []struct {
		name string
		want string
		is   error
	}{
		{"undef.j2", `undef.j2:2:15: undefined variable "ntp_server"`, ErrUndefined},
		{"undef-attr.j2", `undef-attr.j2:3:19: undefined attribute or item "domain" of node`, ErrUndefined},
		{"undef-loop.j2", `undef-loop.j2:3:12: undefined variable "nope"`, ErrUndefined},
		{"syntax.j2", `syntax.j2:2:8: expected either a number, string, keyword or identifier. (near "}}")`, ErrSyntax},
		{"syntax-for.j2", `syntax-for.j2:3:8: expected either a number, string, keyword or identifier.`, ErrSyntax},
		{"unclosed.j2", `unclosed.j2:3:2: Unexpected EOF, expected tag elif or else or endif.`, ErrSyntax},
		{"inc-missing.j2", `inc-missing.j2:2:13: include "missing.j2": template not found`, ErrNotFound},
		{"inc-bad.j2", `undef.j2:2:15: undefined variable "ntp_server"`, ErrUndefined},
		{"filter.j2", `filter.j2:1:10: unknown filter "nosuch"`, ErrUnknownFilter},
		{"badip.j2", `badip.j2:2:18: filter network: "not-an-ip" is not an IP address or prefix`, nil},
		{"nosuch.j2", `nosuch.j2: template "nosuch.j2": template not found`, ErrNotFound},
	}
	env := New(mapFS(files), Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.Render(context.Background(), tt.name, map[string]any{"node": map[string]any{"name": "r1"}})
			if err == nil {
				t.Fatal("no error")
			}
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("%T is not *Error: %v", err, err)
			}
			if got := err.Error(); len(got) < len(tt.want) || got[:len(tt.want)] != tt.want {
				t.Errorf("error\n got %q\nwant prefix %q", got, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q does not wrap %v", err, tt.is)
			}
		})
	}
}

func TestErrorMessagesDropInternals(t *testing.T) {
	src := "{% macro row(cells) %}\n{% for c in cells %}{{ c.nope }}{% endfor %}{% endmacro %}\n{% for v in [1] %}\n{% call row([{'a': 1}]) %}x{% endcall %}\n{% endfor %}"
	_, err := renderString(t, src, nil)
	if err == nil {
		t.Fatal("no error")
	}
	want := `t.j2:2:24: undefined attribute or item "nope" of c`
	if err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
	_, err = renderString(t, "{% for v in [1] %}\n{{ v | int(base='x', nope=1) }}{% endfor %}", nil)
	if want := "t.j2:2:8: filter int: received 1 unexpected keyword argument: 'nope'"; err == nil || err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}
