package policy

import (
	"testing"
)

// FuzzParse feeds arbitrary text to the parser. Whatever the input, nothing
// panics; when it parses, it compiles or reports errors, evaluates, and
// formatting it gives a file that parses to the same tree.
func FuzzParse(f *testing.F) {
	f.Add(`RULE "x" SEVERITY high WHEN node.vendor == "cisco" THEN ASSERT version(node.software_version) >= version("17.9.4")`)
	f.Add(`WHEN node.role IN ["core", "spine"] AND custom_data.maintenance IS NULL THEN { SET custom_data.monitoring.tier TO "gold"; APPLY "cisco/ntp.j2" }`)
	f.Add("---\nid: x\n---\n# c\nWHEN node.name =~ /^a\\/b/i THEN APPLY 'x' // t\n")
	f.Add(`WHEN location.name == "lon" THEN SET custom_data.tier TO "gold"`)
	f.Add(`WHEN location.type == "site" THEN ASSERT custom_data.contact IS NOT NULL`)
	f.Add(`WHEN location.type == "site" THEN { SET location.custom_data.a TO 1; SET custom_data.b TO 2 }`)
	f.Fuzz(func(t *testing.T, src string) {
		file, err := ParseFile("f.rules", []byte(src))
		if err != nil {
			list, ok := err.(ErrorList)
			if !ok || len(list) == 0 {
				t.Fatalf("error is %T, want a non-empty ErrorList", err)
			}
			for _, e := range list {
				if e.Line < 1 || e.Col < 1 {
					t.Fatalf("bad position in %v", e)
				}
				_ = e.Pretty()
			}
			return
		}
		_, warns := Vet(file)
		for _, w := range warns {
			if w.Line < 1 || w.Col < 1 || !w.Warning {
				t.Fatalf("bad warning %v", w)
			}
			_ = w.Pretty()
		}
		if p, err := Compile(file); err == nil {
			p.EvalNode(Input{Node: testNode(), Location: map[string]any{"path": "a/b"}})
			p.EvalLink(Input{Link: map[string]any{"a": map[string]any{"node": testNode()}}})
			p.Evaluate(KindLocation, Input{Location: map[string]any{"path": "a/b"}}, EvalOptions{Explain: true})
		}
		out := FormatFile(file)
		file2, err := ParseFile("f.rules", out)
		if err != nil {
			t.Fatalf("formatted output does not parse: %v\n--- input\n%q\n--- output\n%s", err, src, out)
		}
		if a, b := dumpFile(file, false), dumpFile(file2, false); a != b {
			t.Fatalf("formatting changed the tree\n--- input\n%q\n--- output\n%s\n--- before\n%s\n--- after\n%s", src, out, a, b)
		}
		if len(file2.Comments) != len(file.Comments) {
			t.Fatalf("formatting lost comments: %d before, %d after\n--- input\n%q\n--- output\n%s", len(file.Comments), len(file2.Comments), src, out)
		}
		if out2 := FormatFile(file2); string(out2) != string(out) {
			t.Fatalf("formatting not idempotent\n--- input\n%q\n--- once\n%s\n--- twice\n%s", src, out, out2)
		}
	})
}
