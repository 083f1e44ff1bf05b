package inventoryfile

import (
	"testing"

	"github.com/unet-dev/unet"
)

// FuzzDecode feeds arbitrary bytes to every decoder: no panic, and either
// records or positioned problems come back.
func FuzzDecode(f *testing.F) {
	seeds := []struct{ name, body string }{
		{"nodes.json", `[{"name":"r1","vendor":"cisco","custom_data":{"a":[1,2]}}]`},
		{"inventory.json", `{"locations":[{"name":"S","type":"site"}],"nodes":[{"name":"r1","vendor":"cisco","location":"S"}]}`},
		{"links.yaml", "- a_node: r1\n  a_interface: Gi0/1\n  bandwidth_bps: 1000\n"},
		{"inventory.yaml", "vendors:\n- name: acme\nnodes:\n- name: r1\n  vendor: acme\n  tags: [a, b]\n"},
		{"nodes.csv", "name,vendor,tags,custom_data\nr1,cisco,a;b,\"{\"\"x\"\":1}\"\n"},
		{"links.csv", "a_node,a_interface,bandwidth_bps\nr1,Gi0/1,10\n"},
		{"nodes.yaml", "- &a {name: x}\n- *a\n"},
		{"nodes.json", `[1, "x", null, {}]`},
	}
	for _, s := range seeds {
		f.Add(s.name, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		b := &unet.Bundle{}
		errs := Decode(name, data, b)
		for _, e := range errs {
			if e.Message == "" {
				t.Fatalf("problem without message: %+v", e)
			}
		}
		if len(errs) == 0 {
			// What decoded re-encodes.
			for _, k := range Kinds {
				for _, f := range Formats {
					if _, err := Encode(k, f, b); err != nil {
						t.Fatalf("encode %s %s: %v", k, f, err)
					}
				}
			}
		}
	})
}
