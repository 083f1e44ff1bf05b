package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
)

// FuzzParseSet: any --set expression either parses into a patch whose paths
// are all present, or is refused with an error — never a panic.
func FuzzParseSet(f *testing.F) {
	for _, s := range []string{"model=C9300", "custom_data.a.b=[1,2]", "tags=a,b", "bandwidth_bps=10G",
		"custom_data={\"x\":1}", "=x", "a.b=1", "custom_data..x=1", "custom_data.x=null", "custom_data.a=1\x00custom_data.a.b=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		exprs := strings.Split(s, "\x00")
		p, err := ParseSet(exprs)
		if err != nil {
			return
		}
		for _, e := range exprs {
			field, _, _ := strings.Cut(e, "=")
			top, _, _ := strings.Cut(strings.TrimSpace(field), ".")
			if _, ok := p[top]; !ok {
				t.Fatalf("%q parsed but %q is not in %v", e, top, p)
			}
		}
	})
}

// FuzzParseBandwidth: parsing never panics and what formats parses back.
func FuzzParseBandwidth(f *testing.F) {
	for _, s := range []string{"10G", "100M", "1.5G", "400Gbps", "1000", "", "-1", "1e30T", "NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseBandwidth(s)
		if err != nil || v == 0 {
			return
		}
		if v < 0 {
			t.Fatalf("%q → negative %d", s, v)
		}
		back, err := ParseBandwidth(FormatBandwidth(v))
		if err != nil || back != v {
			t.Fatalf("%q → %d → %q → %d (%v)", s, v, FormatBandwidth(v), back, err)
		}
	})
}

// FuzzParseChangeFile: a file of operations either decodes into at least one
// operation, each with a known op, a kind and data that is JSON, or is
// refused with positioned field errors — never a panic. YAML aliases that
// expand without bound must be refused too.
func FuzzParseChangeFile(f *testing.F) {
	for _, s := range []string{
		"title: t\nops:\n  - op: update\n    kind: node\n    ref: r1\n    data: {software_version: \"17.6.1\"}\n",
		`{"title":"t","ops":[{"op":"delete","kind":"link","ref":"a:Gi1","cascade":true}]}`,
		"ops:\n  - op: import\n    data: {nodes: [{name: x}]}\n",
		"ops: [ {op: create, kind: location, data: {name: A, type: site}} ]\nauto_apply: yes\n",
		"ops: 3\n", "a: &a [*a]\nops: *a\n", "ops:\n  - op: create\n    data: .nan\n", "", "---\n...\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cf, err := parseChangeFile("ops.yaml", data)
		if err != nil {
			if unet.ErrorCode(err) != unet.EINVALID || len(unet.ErrorFields(err)) == 0 {
				t.Fatalf("refused without positioned fields: %v", err)
			}
			return
		}
		if len(cf.Ops) == 0 {
			t.Fatalf("accepted with no operations")
		}
		for i, op := range cf.Ops {
			switch op.Op {
			case unet.OpCreate, unet.OpUpdate, unet.OpDelete, unet.OpImport:
			default:
				t.Fatalf("op %d: accepted unknown operation %q", i+1, op.Op)
			}
			if op.Kind == "" {
				t.Fatalf("op %d: accepted without a kind", i+1)
			}
			if len(op.Data) > 0 && !json.Valid(op.Data) {
				t.Fatalf("op %d: data is not JSON: %q", i+1, op.Data)
			}
		}
	})
}
