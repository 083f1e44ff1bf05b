package workload

import (
	"reflect"
	"testing"
)

func TestSpecsAndNodes(t *testing.T) {
	specs := Specs()
	if len(specs) != 100 {
		t.Fatalf("%d specs, want 100", len(specs))
	}
	kinds := map[Kind]int{}
	ids := map[string]bool{}
	for _, s := range specs {
		kinds[s.Kind]++
		if ids[s.ID] {
			t.Fatalf("duplicate id %s", s.ID)
		}
		ids[s.ID] = true
	}
	want := map[Kind]int{Version: 24, Equal: 20, In: 16, Regex: 16, MinCount: 10, Present: 5, Contains: 5, SetTier: 2, Apply: 2}
	if !reflect.DeepEqual(kinds, want) {
		t.Fatalf("kinds %v, want %v", kinds, want)
	}
	a, b := Nodes(50, 7), Nodes(50, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Nodes is not deterministic for a seed")
	}
	if reflect.DeepEqual(a, Nodes(50, 8)) {
		t.Fatal("different seeds give the same nodes")
	}
}
