package policy

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSiteOverrideIsNodeRule: a site override — a condition on location
// fields only and a SET of the short form custom_data.<path> — targets
// nodes, so later rules read the overridden value on the nodes at that site
// and the global default elsewhere.
func TestSiteOverrideIsNodeRule(t *testing.T) {
	p := mustProgram(t,
		`RULE "default-tier" WHEN node.vendor IS NOT NULL THEN SET custom_data.tier TO "silver"`,
		`RULE "lon-tier" WHEN location.name == "lon" THEN SET custom_data.tier TO "gold"
RULE "lon-template" WHEN location.name == "lon" THEN APPLY "lon/base.j2"`,
		`RULE "gold" WHEN custom_data.tier == "gold" THEN APPLY "monitoring/gold.j2"
RULE "tier-gold" WHEN node.vendor == "cisco" THEN ASSERT custom_data.tier IS "gold"`,
	)
	for _, r := range p.Rules() {
		if r.Kind != KindNode {
			t.Errorf("rule %s targets %s, want node", r.ID, r.Kind)
		}
	}
	if w := p.Warnings(); len(w) != 0 {
		t.Errorf("warnings: %v", w)
	}
	lon := p.EvalNode(Input{Node: testNode(), Location: map[string]any{"name": "lon", "path": "EMEA/lon"}})
	if lon.CustomData["tier"] != "gold" {
		t.Errorf("node at lon: custom_data = %v", lon.CustomData)
	}
	if got := strings.Join(lon.Templates, ","); got != "lon/base.j2,monitoring/gold.j2" {
		t.Errorf("node at lon: templates = %s", got)
	}
	if r := resultByID(lon, "tier-gold"); r.Status != StatusPass {
		t.Errorf("node at lon: tier-gold = %+v", r)
	}
	par := p.EvalNode(Input{Node: testNode(), Location: map[string]any{"name": "par", "path": "EMEA/par"}})
	if par.CustomData["tier"] != "silver" || len(par.Templates) != 0 {
		t.Errorf("node at par: custom_data = %v, templates = %v", par.CustomData, par.Templates)
	}
	if r := resultByID(par, "tier-gold"); r.Status != StatusFail || r.Actual != "silver" {
		t.Errorf("node at par: tier-gold = %+v", r)
	}
	if ev := p.EvalLocation(Input{Location: map[string]any{"name": "lon", "path": "EMEA/lon"}}); len(ev.Results) != 0 {
		t.Errorf("location evaluation ran %d rules", len(ev.Results))
	}
}

// TestRuleTargets: how the target of a rule is decided, and the ambiguous
// cases reported as errors or warnings at the position of the field or
// action concerned.
func TestRuleTargets(t *testing.T) {
	type tc struct {
		name, src string
		kind      ObjectKind
		// at is the text whose first occurrence in src is the reported
		// position (empty: no diagnostic); msg a substring of it.
		at, msg string
		warning bool
	}
	const fmLoc, fmNode, fmLink = "---\ntarget: location\n---\n", "---\ntarget: node\n---\n", "---\ntarget: link\n---\n"
	cases := []tc{
		{name: "location check", kind: KindLocation,
			src: `WHEN location.type == "site" THEN ASSERT location.address IS NOT NULL`},
		{name: "location write", kind: KindLocation,
			src: `WHEN location.name == "lon" THEN SET location.custom_data.tier TO "gold"`},
		{name: "location data", kind: KindLocation,
			src: `WHEN location.type == "site" THEN ASSERT location.custom_data.contact IS NOT NULL`},
		{name: "site override", kind: KindNode,
			src: `WHEN location.name == "lon" THEN SET custom_data.tier TO "gold"`},
		{name: "site override reading the node", kind: KindNode,
			src: `WHEN location.name == "lon" AND custom_data.tier IS NULL THEN { SET custom_data.tier TO "gold"; ASSERT custom_data.contact IS NOT NULL }`},
		{name: "site template", kind: KindNode,
			src: `WHEN location.path CONTAINS "Lab" THEN APPLY "lab/ntp.j2"`},
		{name: "explicit node data", kind: KindNode,
			src: `WHEN location.type == "site" THEN ASSERT node.custom_data.contact IS NOT NULL`},
		{name: "short form only", kind: KindNode,
			src: `WHEN custom_data.x == 1 THEN SET custom_data.y TO 2`},
		{name: "link short form", kind: KindLink,
			src: `WHEN link.role == "backbone" THEN SET custom_data.checked TO true`},
		{name: "assert on short form", kind: KindNode, warning: true,
			src: `WHEN location.type == "site" THEN ASSERT custom_data.contact IS NOT NULL`,
			at:  `custom_data.contact`, msg: "custom_data.contact is ambiguous in a rule that otherwise reads only location fields"},
		{name: "condition on short form", kind: KindNode, warning: true,
			src: `WHEN location.type == "site" AND custom_data.managed == true THEN ASSERT location.address IS NOT NULL`,
			at:  `custom_data.managed`, msg: "write node.custom_data.managed to say so, or location.custom_data.managed"},
		{name: "writes location and node", kind: KindNode,
			src: `WHEN location.type == "site" THEN { SET location.custom_data.a TO 1; SET custom_data.b TO 2 }`,
			at:  `custom_data.b`, msg: "rule writes both its location (SET location.custom_data.a at 1:41) and its nodes (SET custom_data.b at 1:74)"},
		{name: "writes location and applies", kind: KindNode,
			src: `WHEN location.type == "site" THEN { APPLY "x.j2"; SET location.custom_data.a TO 1 }`,
			at:  `location.custom_data.a`, msg: "and its nodes (APPLY at 1:37)"},
		{name: "reads node data writes location", kind: KindLocation,
			src: `WHEN location.type == "site" AND custom_data.x == 1 THEN SET location.custom_data.y TO 2`,
			at:  `custom_data.x`, msg: "custom_data.x is the node's custom_data (the short form), but the rule sets location.custom_data.y of its location: write location.custom_data.x"},
		{name: "front matter location", kind: KindLocation,
			src: fmLoc + `WHEN location.type == "site" THEN SET custom_data.tier TO "gold"`},
		{name: "front matter node", kind: KindNode,
			src: fmNode + `WHEN location.type == "site" THEN ASSERT location.address IS NOT NULL`},
		{name: "front matter link", kind: KindLink,
			src: fmLink + `WHEN custom_data.x == 1 THEN SET custom_data.y TO 2`},
		{name: "front matter link, location fields", kind: KindLocation,
			src: fmLink + `WHEN location.type == "site" THEN APPLY "x"`,
			at:  `WHEN`, msg: "rule targets locations but the file's front matter declares target link"},
		{name: "front matter location, node fields", kind: KindNode,
			src: fmLoc + `WHEN node.role == "core" THEN APPLY "x"`,
			at:  `WHEN`, msg: "rule targets nodes but the file's front matter declares target location"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := ParseFile("t.rules", []byte(c.src))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			errs, warns := Vet(f)
			var kind ObjectKind
			if p, err := Compile(f); err == nil {
				kind = p.Rules()[0].Kind
			}
			got := errs
			if c.warning {
				got = warns
				if len(errs) != 0 {
					t.Fatalf("errors: %v", errs)
				}
			} else if len(warns) != 0 {
				t.Fatalf("warnings: %v", warns)
			}
			if c.at == "" {
				if len(errs) != 0 {
					t.Fatalf("errors: %v", errs)
				}
				if kind != c.kind {
					t.Fatalf("kind %s, want %s", kind, c.kind)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d diagnostics, want 1: %v (warnings %v)", len(got), errs, warns)
			}
			if c.warning && kind != c.kind {
				t.Fatalf("kind %s, want %s", kind, c.kind)
			}
			off := strings.Index(c.src, c.at)
			line := strings.Count(c.src[:off], "\n") + 1
			col := off - strings.LastIndex(c.src[:off], "\n")
			prefix := fmt.Sprintf("t.rules:%d:%d: ", line, col)
			if c.warning {
				prefix += "warning: "
			}
			if s := got[0].Error(); !strings.HasPrefix(s, prefix) || !strings.Contains(s, c.msg) {
				t.Fatalf("diagnostic %q, want prefix %q and %q", s, prefix, c.msg)
			}
			if got[0].Warning != c.warning {
				t.Fatalf("Warning = %v", got[0].Warning)
			}
		})
	}
}

// TestAmbiguousRuleWarningPretty: a warning prints like an error, with the
// line and a caret under the field, and the program keeps it.
func TestAmbiguousRuleWarningPretty(t *testing.T) {
	src := "# sites\nRULE \"contact\"\nWHEN location.type == \"site\"\nTHEN ASSERT custom_data.contact IS NOT NULL\n"
	f, err := ParseFile("sites.rules", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(f)
	if err != nil {
		t.Fatal(err)
	}
	want := "sites.rules:4:13: warning: custom_data.contact is ambiguous"
	w := p.Warnings()
	if len(w) != 1 || !strings.HasPrefix(w.Pretty(), want) ||
		!strings.Contains(w.Pretty(), " 4 | THEN ASSERT custom_data.contact IS NOT NULL\n   |             ^\n") {
		t.Fatalf("warnings:\n%s", w.Pretty())
	}
	if ev := p.EvalNode(Input{Node: testNode(), Location: map[string]any{"type": "site"}}); ev.Results[0].Status != StatusFail {
		t.Fatalf("node at a site without a contact: %+v", ev.Results[0])
	}
}

// TestRunTestsSiteOverride: rule tests of a site override are node cases
// with a location; the node at the site gets the override, the others the
// global value.
func TestRunTestsSiteOverride(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"00-global.rules": `RULE "default-tier" WHEN node.vendor IS NOT NULL THEN SET custom_data.tier TO "silver"`,
		"50-sites.rules":  `RULE "lon-tier" WHEN location.name == "lon" THEN SET custom_data.tier TO "gold"`,
		"cases.yaml": `cases:
  - name: a node at lon gets gold
    node: {name: lon-core-01, vendor: cisco}
    location: {name: lon, path: EMEA/lon}
    expect: {default-tier: pass, lon-tier: pass}
    custom_data: {tier: gold}
  - name: a node at par keeps silver
    node: {name: par-core-01, vendor: cisco}
    location: {name: par, path: EMEA/par}
    expect: {lon-tier: not_applicable}
    custom_data: {tier: silver}
`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	report, err := RunTests(dir)
	if err != nil {
		t.Fatal(err)
	}
	if report.Passed != 2 || !report.OK() {
		t.Fatalf("report:\n%s", report)
	}
}
