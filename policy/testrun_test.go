package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExamplePolicies runs the demo policy tests shipped in examples/.
func TestExamplePolicies(t *testing.T) {
	report, err := RunTests(filepath.Join("..", "examples", "policies"))
	if err != nil {
		t.Fatal(err)
	}
	if !report.OK() || report.Passed < 20 {
		t.Fatalf("demo policy tests:\n%s", report)
	}
	// The same tests run when pointed at the tests folder itself.
	report2, err := RunTests(filepath.Join("..", "examples", "policies", "tests"))
	if err != nil || report2.Passed != report.Passed {
		t.Fatalf("tests folder: %v\n%v", err, report2)
	}
}

func TestRunTestsReportsMismatches(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.rules", `RULE "v" WHEN node.platform == "eos" THEN ASSERT version(node.software_version) >= version("4.30.1F")
RULE "t" WHEN true THEN { APPLY "x.j2"; SET custom_data.k TO 1 }`)
	write("cases.yaml", `cases:
  - name: good
    node: {platform: eos, software_version: "4.31.2F"}
    expect: {v: pass}
    templates: [x.j2]
    custom_data: {k: 1}
  - name: wrong status
    node: {platform: eos, software_version: "4.28.3M"}
    expect: {v: pass}
  - name: wrong details
    node: {platform: eos, software_version: "4.28.3M"}
    expect:
      v: {status: fail, actual: "4.28.3F", expected: ">= 4.30.1F"}
      nope: pass
    templates: [y.j2]
    custom_data: {k: 2}
  - name: bad status word
    node: {}
    expect: {v: failed}
`)
	report, err := RunTests(dir)
	if err != nil {
		t.Fatal(err)
	}
	if report.Passed != 1 || report.Failed != 3 || report.OK() {
		t.Fatalf("report:\n%s", report)
	}
	out := report.String()
	for _, want := range []string{
		"cases.yaml:7: wrong status", "rule v: status fail, want pass",
		`rule v: actual "4.28.3M", want "4.28.3F"`, "rule nope: no such node rule",
		`templates ["x.j2"], want ["y.j2"]`, "custom_data.k = 1, want 2",
		`invalid status "failed"`, "1 passed, 3 failed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestRunTestsPolicyErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.rules"), []byte("WHEN node.x == THEN APPLY \"a\""), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte("cases: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := RunTests(dir); err == nil || !strings.Contains(err.Error(), "bad.rules:1:16") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadDirOrderAndNames(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"b.rules":          `WHEN true THEN SET custom_data.x TO "b"`,
		"a.rules":          `WHEN true THEN SET custom_data.x TO "a"`,
		"site/a.rules":     `WHEN true THEN SET custom_data.x TO "site"`,
		".hidden/z.rules":  `WHEN true THEN SET custom_data.x TO "hidden"`,
		"notes.txt":        "not a rule file",
		"site/tests/x.yml": "cases: []",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range set.Files {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "a.rules,b.rules,site/a.rules" {
		t.Fatalf("files = %v", names)
	}
	prog, err := set.Compile()
	if err != nil {
		t.Fatal(err)
	}
	ev := prog.EvalNode(Input{Node: map[string]any{}})
	if ev.CustomData["x"] != "site" || ev.Results[2].Rule.ID != "site/a.rules:1" {
		t.Fatalf("custom_data %v, ids %v", ev.CustomData, ev.Results[2].Rule.ID)
	}
	if _, err := LoadDir(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("no error for a missing directory")
	}
}

func TestLoadPaths(t *testing.T) {
	set, err := LoadPaths(filepath.Join("..", "examples", "policies"), filepath.Join("testdata", "parse", "header.rules"))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Files) < 7 || !strings.HasSuffix(set.Files[len(set.Files)-1].Name, "testdata/parse/header.rules") {
		t.Fatalf("files %d, last %s", len(set.Files), set.Files[len(set.Files)-1].Name)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.rules")
	if err := os.WriteFile(bad, []byte("WHEN x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadPaths(dir)
	list, ok := err.(ErrorList)
	if !ok || len(list) != 1 || list[0].File != filepath.ToSlash(bad) {
		t.Fatalf("err = %v", err)
	}
}
