package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestEvalGolden evaluates testdata/eval/constructs.rules over the inputs
// and compares the JSON results (with explain traces), effective
// custom_data and templates with testdata/eval/results.golden.json.
func TestEvalGolden(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "eval", "constructs.rules"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseFile("constructs.rules", src)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := Compile(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("testdata", "eval", "inputs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var inputs []struct {
		Node     map[string]any `json:"node"`
		Location map[string]any `json:"location"`
	}
	if err := json.Unmarshal(raw, &inputs); err != nil {
		t.Fatal(err)
	}
	type out struct {
		Results    []Result       `json:"results"`
		CustomData map[string]any `json:"custom_data"`
		Sets       []SetOp        `json:"sets"`
		Templates  []string       `json:"templates"`
	}
	var all []out
	for _, in := range inputs {
		ev := prog.Evaluate(KindNode, Input{Node: in.Node, Location: in.Location}, EvalOptions{Explain: true})
		all = append(all, out{ev.AllResults(), ev.CustomData, ev.Sets, ev.Templates})
	}
	got, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join("testdata", "eval", "results.golden.json"), string(got)+"\n")
}
