package inventoryfile

import (
	"strings"
	"testing"

	"github.com/unet-dev/unet"
)

// TestYAMLErrorsCarryTheRealLine: decoding problems name the line of the
// field, and YAML syntax errors the real (1-based) line, not yaml.v3's
// 0-based one.
func TestYAMLErrorsCarryTheRealLine(t *testing.T) {
	for _, c := range []struct {
		name, src, want string
	}{
		{"nodes.yaml", "- name: r1\n  vendor: cisco\n- name: r2\n  vendor: cisco\n  bandwidth: nope\n", "record 2: bandwidth: unknown field (line 5)"},
		{"nodes.yaml", "- name: r1\n  vendor: cisco\n  custom_data: {a: 1}\n  software_version: 1\n", "record 1: software_version: must be a string, not number (line 4)"},
		{"nodes.yaml", "- name: r1\n  vendor: [cisco\n- x\n", "nodes.yaml: line 2: did not find expected ',' or ']'"},
		{"nodes.yaml", "- name: r1\n  vendor: cisco\n  bad: {x\n", "nodes.yaml: line 3: did not find expected ',' or '}'"},
		{"nodes.yaml", "- name: r1\n  vendor: cisco\n   bad: indent\n", "nodes.yaml: line 3: mapping values are not allowed in this context"},
		{"all.yaml", "nodes:\n  - name: r1\n    vendor: cisco\n  - name: r2\n    vendor: cisco\n    lifecycle: [\n", "all.yaml: line 7: did not find expected node content"},
	} {
		var b unet.Bundle
		errs := Decode(c.name, []byte(c.src), &b)
		var got []string
		for _, e := range errs {
			got = append(got, e.String())
		}
		if len(errs) != 1 || !strings.HasSuffix(got[0], c.want) {
			t.Errorf("%q: got %q, want one error ending %q", c.src, got, c.want)
		}
	}
	// A record that decodes keeps its lines for validation messages.
	var b unet.Bundle
	if errs := Decode("nodes.yaml", []byte("- name: r1\n  vendor: cisco\n\n- name: r2\n  lifecycle: weird\n"), &b); len(errs) != 0 {
		t.Fatal(errs)
	}
	if o := b.Nodes[1].Source; o.LineOf("lifecycle") != 5 || o.LineOf("custom_data.x") != 4 || o.Line != 4 {
		t.Fatalf("origin of record 2: %+v", o)
	}
}
