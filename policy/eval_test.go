package policy

import (
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func testNode() map[string]any {
	return map[string]any{
		"id": "n1", "name": "core-1", "vendor": "cisco", "platform": "iosxe",
		"role": "core", "software_version": "17.6.1", "mgmt_ip": "10.0.0.1",
		"tags": []any{"pci", "campus"}, "domain": nil, "environment": "production",
		"custom_data": map[string]any{
			"ntp_servers": []any{"10.0.0.1", "10.0.0.2"},
			"snmp":        map[string]any{"location": "HQ"},
			"count":       3,
			"flag":        true,
		},
	}
}

func mustProgram(t *testing.T, srcs ...string) *Program {
	t.Helper()
	var files []*File
	for i, src := range srcs {
		f, err := ParseFile(string(rune('a'+i))+".rules", []byte(src))
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		files = append(files, f)
	}
	p, err := Compile(files...)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return p
}

func resultByID(ev *Evaluation, id string) *RuleResult {
	for i := range ev.Results {
		if ev.Results[i].Rule.ID == id {
			return &ev.Results[i]
		}
	}
	return nil
}

// TestEvalSemantics checks the §3.2 semantics one construct at a time. Each
// case is a condition and an action for rule "r" over testNode().
func TestEvalSemantics(t *testing.T) {
	tests := []struct {
		name     string
		rule     string // WHEN ... THEN ...
		status   Status
		expected any
		actual   any
		warning  string // substring of the first warning, "" for none
	}{
		{"equality holds", `WHEN true THEN ASSERT node.vendor == "cisco"`, StatusPass, nil, nil, ""},
		{"keywords any case", `when TRUE then assert node.vendor is "cisco"`, StatusPass, nil, nil, ""},
		{"missing field makes == false", `WHEN node.model == "x" THEN APPLY "t"`, StatusNotApplicable, nil, nil, ""},
		{"missing field makes != false", `WHEN node.model != "x" THEN APPLY "t"`, StatusNotApplicable, nil, nil, ""},
		{"missing field makes < false", `WHEN custom_data.nope < 3 THEN APPLY "t"`, StatusNotApplicable, nil, nil, ""},
		{"IS NULL holds on missing", `WHEN node.model IS NULL THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"IS NULL holds on null", `WHEN node.domain IS NULL THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"IS NOT NULL on null", `WHEN node.domain IS NOT NULL THEN APPLY "t"`, StatusNotApplicable, nil, nil, ""},
		{"null == null", `WHEN node.domain == null THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"null != value", `WHEN node.domain != "x" THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"null < value is false", `WHEN node.domain < "x" THEN APPLY "t"`, StatusNotApplicable, nil, nil, ""},
		{"NOT of missing comparison", `WHEN NOT node.model == "x" THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"ASSERT on missing field", `WHEN true THEN ASSERT node.model IS "c9300"`, StatusFail, "c9300", nil, ""},
		{"ASSERT IS value fails", `WHEN true THEN ASSERT node.platform IS "ios"`, StatusFail, "ios", "iosxe", ""},
		{"ASSERT IS NOT NULL fails", `WHEN true THEN ASSERT node.asset_tag IS NOT NULL`, StatusFail, "IS NOT NULL", nil, ""},
		{"ASSERT ordering", `WHEN true THEN ASSERT version(node.software_version) >= version("17.9.4")`, StatusFail, ">= 17.9.4", "17.6.1", ""},
		{"ASSERT regex", `WHEN true THEN ASSERT node.name MATCHES /^[a-z]{3}-/`, StatusFail, "MATCHES /^[a-z]{3}-/", "core-1", ""},
		{"ASSERT compound", `WHEN true THEN ASSERT node.vendor == "cisco" AND node.role == "edge"`, StatusFail,
			`node.vendor == "cisco" AND node.role == "edge"`, map[string]any{"node.vendor": "cisco", "node.role": "core"}, ""},
		{"ASSERT truth", `WHEN true THEN ASSERT custom_data.flag`, StatusPass, nil, nil, ""},
		{"string vs number mismatch", `WHEN custom_data.count == "3" THEN APPLY "t"`, StatusNotApplicable, nil, nil, `custom_data.count (number) == "3" (string)`},
		{"ordering mismatch", `WHEN node.software_version > 5 THEN APPLY "t"`, StatusNotApplicable, nil, nil, "node.software_version (string) > 5 (number)"},
		{"mismatch in ASSERT fails", `WHEN true THEN ASSERT custom_data.count >= "2"`, StatusFail, ">= 2", 3, "type mismatch"},
		{"int field vs float literal", `WHEN custom_data.count == 3.0 AND custom_data.count > 2.5 THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"negative numbers", `WHEN custom_data.count > -1 THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"string ordering", `WHEN node.vendor < "juniper" THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"version vs string", `WHEN version(node.software_version) < "17.9" THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"version equality", `WHEN version(node.software_version) == version("17.06.01") THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"plain strings are not versions", `WHEN node.software_version < "17.10" THEN APPLY "t"`, StatusNotApplicable, nil, nil, ""},
		{"CONTAINS substring", `WHEN node.name CONTAINS "core" THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"CONTAINS membership", `WHEN node.tags CONTAINS "pci" THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"CONTAINS key", `WHEN custom_data CONTAINS "snmp" THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"CONTAINS mismatch", `WHEN custom_data.count CONTAINS "3" THEN APPLY "t"`, StatusNotApplicable, nil, nil, "type mismatch"},
		{"IN", `WHEN node.role IN ["core", "spine"] THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"IN numbers", `WHEN custom_data.count IN [1, 2, 3] THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"NOT IN", `WHEN node.role NOT IN ["access"] THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"NOT IN missing is false", `WHEN node.model NOT IN ["x"] THEN APPLY "t"`, StatusNotApplicable, nil, nil, ""},
		{"IN field list", `WHEN "10.0.0.2" IN custom_data.ntp_servers THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"IN non-list field", `WHEN "x" IN node.name THEN APPLY "t"`, StatusNotApplicable, nil, nil, "is not a list"},
		{"MATCHES flags", `WHEN node.name MATCHES /^CORE-\d+$/i THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"=~ string pattern", `WHEN node.name =~ "^core" THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"!~", `WHEN node.name !~ /lab/ THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"!~ on missing is false", `WHEN node.model !~ /lab/ THEN APPLY "t"`, StatusNotApplicable, nil, nil, ""},
		{"MATCHES on a number", `WHEN custom_data.count MATCHES "3" THEN APPLY "t"`, StatusNotApplicable, nil, nil, "needs a string"},
		{"len of list", `WHEN len(custom_data.ntp_servers) >= 2 THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"len of string counts characters", `WHEN len("été") == 3 THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"len of missing", `WHEN len(custom_data.nope) == 0 THEN APPLY "t"`, StatusNotApplicable, nil, nil, ""},
		{"len of number", `WHEN len(custom_data.count) == 0 THEN APPLY "t"`, StatusNotApplicable, nil, nil, "len() of number"},
		{"lower and upper", `WHEN upper(node.vendor) == "CISCO" AND lower("IOSXE") == node.platform THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"nested custom_data", `WHEN custom_data.snmp.location == "HQ" AND node.custom_data.snmp.location == "HQ" THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"list index", `WHEN custom_data.ntp_servers.1 == "10.0.0.2" AND node.tags.0 == "pci" THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"index out of range", `WHEN custom_data.ntp_servers.5 IS NULL THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"path through a scalar is missing", `WHEN custom_data.count.x IS NULL THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"bare non-boolean", `WHEN node.name THEN APPLY "t"`, StatusNotApplicable, nil, nil, "expected boolean"},
		{"absent status root", `WHEN status.reachable == true THEN APPLY "t"`, StatusNotApplicable, nil, nil, ""},
		{"absent interfaces", `WHEN len(interfaces) > 0 THEN APPLY "t"`, StatusNotApplicable, nil, nil, ""},
		{"precedence NOT AND OR", `WHEN NOT node.vendor == "juniper" AND node.role == "x" OR node.role == "core" THEN APPLY "t"`, StatusPass, nil, nil, ""},
		{"SET through a scalar", `WHEN true THEN SET custom_data.snmp.location.x TO 1`, StatusError, nil, nil, ""},
		{"SET with a missing value", `WHEN true THEN SET custom_data.x TO node.model`, StatusError, nil, nil, ""},
		{"block: SET visible to later ASSERT", `WHEN true THEN { SET custom_data.tier TO "gold"; ASSERT custom_data.tier == "gold" }`, StatusPass, nil, nil, ""},
		{"block: failed ASSERT reports first failure", `WHEN true THEN { ASSERT node.role == "edge"; ASSERT node.vendor == "x" }`, StatusFail, "edge", "core", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := mustProgram(t, `RULE "r" `+tc.rule)
			node := testNode()
			before, _ := json.Marshal(node)
			ev := p.EvalNode(Input{Node: node})
			r := resultByID(ev, "r")
			if r == nil {
				t.Fatal("no result for rule r")
			}
			if r.Status != tc.status {
				t.Fatalf("status = %s (%s, warnings %q), want %s", r.Status, r.Message, r.Warnings, tc.status)
			}
			if tc.status == StatusFail {
				if got := exportValue(r.Expected); !reflect.DeepEqual(got, tc.expected) {
					t.Errorf("expected = %#v, want %#v", got, tc.expected)
				}
				if got := exportValue(r.Actual); !reflect.DeepEqual(got, tc.actual) {
					t.Errorf("actual = %#v, want %#v", got, tc.actual)
				}
			}
			switch {
			case tc.warning == "" && len(r.Warnings) > 0:
				t.Errorf("unexpected warnings %q", r.Warnings)
			case tc.warning != "" && (len(r.Warnings) == 0 || !strings.Contains(r.Warnings[0], tc.warning)):
				t.Errorf("warnings = %q, want one containing %q", r.Warnings, tc.warning)
			}
			after, _ := json.Marshal(node)
			if string(before) != string(after) {
				t.Errorf("evaluation changed the input:\n%s\n%s", before, after)
			}
		})
	}
}

// TestSetOrderingAcrossFiles checks that SETs run in file then rule order,
// are visible to later rules and leave the input untouched.
func TestSetOrderingAcrossFiles(t *testing.T) {
	global := `RULE "tier-default" WHEN true THEN SET custom_data.monitoring.tier TO "silver"
RULE "tier-core" WHEN node.role == "core" THEN SET custom_data.monitoring.tier TO "gold"`
	site := `RULE "tier-site" WHEN custom_data.monitoring.tier == "gold" THEN {
  SET node.custom_data.monitoring.tier TO "platinum";
  SET custom_data.monitoring.interval TO 60
}
RULE "sees-site" WHEN true THEN ASSERT node.custom_data.monitoring.tier == "platinum" AND custom_data.snmp.location == "HQ"`
	p := mustProgram(t, global, site)
	node := testNode()
	ev := p.EvalNode(Input{Node: node})
	for _, id := range []string{"tier-default", "tier-core", "tier-site", "sees-site"} {
		if r := resultByID(ev, id); r.Status != StatusPass {
			t.Errorf("%s: %s %s", id, r.Status, r.Message)
		}
	}
	want := map[string]any{"tier": "platinum", "interval": float64(60)}
	if got := ev.CustomData["monitoring"]; !reflect.DeepEqual(got, want) {
		t.Errorf("effective monitoring = %v, want %v", got, want)
	}
	if _, leaked := node["custom_data"].(map[string]any)["monitoring"]; leaked {
		t.Error("SET changed the input node")
	}
	var paths []string
	for _, s := range ev.Sets {
		paths = append(paths, s.Rule+":"+s.Path+"="+valueText(s.Value))
	}
	wantSets := []string{
		`tier-default:monitoring.tier="silver"`, `tier-core:monitoring.tier="gold"`,
		`tier-site:monitoring.tier="platinum"`, `tier-site:monitoring.interval=60`,
	}
	if !reflect.DeepEqual(paths, wantSets) {
		t.Errorf("sets = %q, want %q", paths, wantSets)
	}
}

func TestApplyDeduplication(t *testing.T) {
	p := mustProgram(t,
		`WHEN true THEN { APPLY "ios/base.j2"; APPLY "ios/ntp.j2" }`,
		`WHEN node.role == "core" THEN { APPLY "ios/core.j2"; APPLY "ios/base.j2" }
WHEN node.role == "edge" THEN APPLY "ios/edge.j2"`)
	ev := p.EvalNode(Input{Node: testNode()})
	want := []string{"ios/base.j2", "ios/ntp.j2", "ios/core.j2"}
	if !reflect.DeepEqual(ev.Templates, want) {
		t.Errorf("templates = %q, want %q", ev.Templates, want)
	}
	if got := p.Templates(); !reflect.DeepEqual(got, append(want, "ios/edge.j2")) {
		t.Errorf("program templates = %q", got)
	}
}

func TestLinkAndLocationTargets(t *testing.T) {
	p := mustProgram(t, `
RULE "same-vendor" SEVERITY low
WHEN link.role == "backbone" THEN ASSERT link.a.node.vendor == link.z.node.vendor
RULE "backbone-speed" WHEN link.role == "backbone" THEN {
  ASSERT link.bandwidth_bps >= 10000000000;
  SET custom_data.checked TO true
}
RULE "site-address" WHEN location.type == "site" THEN ASSERT location.address IS NOT NULL
RULE "node-rule" WHEN node.vendor == "cisco" THEN APPLY "ios/base.j2"
`)
	link := map[string]any{
		"id": "l1", "name": "core1-core2", "role": "backbone", "bandwidth_bps": int64(1e9),
		"a": map[string]any{"node": map[string]any{"name": "core1", "vendor": "cisco"}, "interface": "Te1/0/1"},
		"z": map[string]any{"node": map[string]any{"name": "core2", "vendor": "arista"}, "interface": "Ethernet1"},
	}
	ev := p.EvalLink(Input{Link: link})
	if len(ev.Results) != 2 || ev.Kind != KindLink || ev.ObjectName != "core1-core2" {
		t.Fatalf("link evaluation = %+v", ev)
	}
	if r := resultByID(ev, "same-vendor"); r.Status != StatusFail || r.Actual != "cisco" || r.Expected != "arista" {
		t.Errorf("same-vendor = %+v", r)
	}
	if r := resultByID(ev, "backbone-speed"); r.Status != StatusFail {
		t.Errorf("backbone-speed = %+v", r)
	}
	if ev.CustomData["checked"] != true {
		t.Errorf("link custom_data = %v", ev.CustomData)
	}
	loc := map[string]any{"id": "s1", "name": "HQ", "path": "Europe/HQ", "type": "site"}
	ev = p.EvalLocation(Input{Location: loc})
	if len(ev.Results) != 1 || ev.ObjectName != "Europe/HQ" {
		t.Fatalf("location evaluation = %+v", ev)
	}
	if r := ev.Results[0]; r.Status != StatusFail || r.Expected != "IS NOT NULL" {
		t.Errorf("site-address = %+v", r)
	}
	ev = p.EvalNode(Input{Node: testNode(), Location: loc})
	if len(ev.Results) != 1 || ev.Results[0].Status != StatusPass {
		t.Errorf("node evaluation = %+v", ev.Results)
	}
	kinds := map[ObjectKind]int{}
	for _, r := range p.Rules() {
		kinds[r.Kind]++
	}
	if kinds[KindLink] != 2 || kinds[KindLocation] != 1 || kinds[KindNode] != 1 {
		t.Errorf("rule kinds = %v", kinds)
	}
}

func TestNodeRuleSeesLocation(t *testing.T) {
	p := mustProgram(t, `RULE "lab" WHEN node.vendor == "cisco" AND (location.path CONTAINS "Lab" OR location.ancestors CONTAINS "Lab") THEN SET custom_data.env TO "lab"`)
	ev := p.EvalNode(Input{Node: testNode(), Location: map[string]any{"path": "EU/Lab/Rack1", "ancestors": []string{"EU", "Lab"}}})
	if ev.Results[0].Status != StatusPass || ev.CustomData["env"] != "lab" {
		t.Errorf("result %+v, custom_data %v", ev.Results[0], ev.CustomData)
	}
}

func TestEvaluationWarnings(t *testing.T) {
	p := mustProgram(t, `RULE "a" WHEN custom_data.count == "3" THEN APPLY "x"
RULE "b" WHEN node.name > 1 OR len(custom_data.count) > 0 THEN APPLY "y"`)
	got := p.EvalNode(Input{Node: testNode()}).Warnings()
	want := []string{
		`a: type mismatch: custom_data.count (number) == "3" (string)`,
		`b: type mismatch: node.name (string) > 1 (number)`,
		`b: type mismatch: len() of number in len(custom_data.count)`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings =\n%q\nwant\n%q", got, want)
	}
}

func TestTimestamps(t *testing.T) {
	p := mustProgram(t, `RULE "old" WHEN node.updated_at < "2025-01-01T00:00:00Z" AND node.created_at == "2024-03-01T10:00:00Z" THEN APPLY "x"`)
	n := testNode()
	n["created_at"] = time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	n["updated_at"] = time.Date(2024, 6, 1, 12, 0, 0, 0, time.FixedZone("CEST", 7200))
	if r := p.EvalNode(Input{Node: n}).Results[0]; r.Status != StatusPass || len(r.Warnings) > 0 {
		t.Fatalf("result %+v", r)
	}
}

func TestMissingTargetIsAnError(t *testing.T) {
	p := mustProgram(t, `WHEN true THEN APPLY "x"`)
	ev := p.EvalNode(Input{})
	if ev.Results[0].Status != StatusError {
		t.Errorf("status = %s", ev.Results[0].Status)
	}
}

func TestExplain(t *testing.T) {
	p := mustProgram(t, `RULE "r" WHEN node.vendor == "cisco" AND (node.role == "edge" OR node.tags CONTAINS "pci") THEN ASSERT node.mgmt_ip IS NOT NULL`)
	ev := p.Evaluate(KindNode, Input{Node: testNode()}, EvalOptions{Explain: true})
	var got []string
	for _, s := range ev.Results[0].Explain {
		got = append(got, s.Phase+":"+s.Expr+"="+map[bool]string{true: "T", false: "F"}[s.Result])
	}
	want := []string{`when:node.vendor == "cisco"=T`, `when:node.role == "edge"=F`, `when:node.tags CONTAINS "pci"=T`, `assert:node.mgmt_ip IS NOT NULL=T`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("trace = %q, want %q", got, want)
	}
	text := ExplainText(ev.Results[0].Explain)
	wantText := "  node.vendor == \"cisco\" → true (actual \"cisco\")\n" +
		"    node.role == \"edge\" → false (actual \"core\")\n" +
		"    node.tags CONTAINS \"pci\" → true (actual [\"pci\",\"campus\"])\n" +
		"ASSERT node.mgmt_ip IS NOT NULL → true (actual \"10.0.0.1\")\n"
	if text != wantText {
		t.Errorf("ExplainText =\n%s\nwant\n%s", text, wantText)
	}
	if s, ok := ParseSeverity("HIGH"); !ok || s != SeverityHigh || s.Rank() != 3 {
		t.Errorf("ParseSeverity(HIGH) = %q, %v", s, ok)
	}
	if _, ok := ParseSeverity("urgent"); ok {
		t.Error("ParseSeverity accepted urgent")
	}
	if ev := p.EvalNode(Input{Node: testNode()}); ev.Results[0].Explain != nil {
		t.Error("trace recorded without Explain")
	}
}

// TestResultJSON checks the stable JSON shape of a result.
func TestResultJSON(t *testing.T) {
	p := mustProgram(t, `RULE "min-version" SEVERITY high
WHEN node.platform == "iosxe" THEN ASSERT version(node.software_version) >= version("17.9.4")`)
	ev := p.EvalNode(Input{Node: testNode()})
	b, err := json.Marshal(ev.AllResults())
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"object_kind":"node","object_id":"n1","object_name":"core-1","rule":"min-version","severity":"high","status":"fail","expected":"\u003e= 17.9.4","actual":"17.6.1","message":"assertion failed: version(node.software_version) \u003e= version(\"17.9.4\")","file":"a.rules","line":1}]`
	if string(b) != want {
		t.Errorf("JSON =\n%s\nwant\n%s", b, want)
	}
}

func TestDefaultRuleIDsAndSeverity(t *testing.T) {
	p := mustProgram(t, "WHEN true THEN APPLY \"x\"\nRULE \"named\" WHEN true THEN APPLY \"y\"\nWHEN true THEN APPLY \"z\"")
	var ids []string
	for _, r := range p.Rules() {
		ids = append(ids, r.ID+"/"+string(r.Severity))
	}
	want := []string{"a.rules:1/medium", "named/medium", "a.rules:3/medium"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("ids = %q, want %q", ids, want)
	}
}

func TestEvaluateAllMatchesEvaluate(t *testing.T) {
	p := benchProgram(t)
	inputs := benchInputs(500)
	all := p.EvaluateAll(KindNode, inputs, EvalOptions{})
	counts := make([]map[Status]int, len(inputs))
	p.EvaluateEach(KindNode, inputs, EvalOptions{}, func(i int, ev *Evaluation) { counts[i] = ev.Counts() })
	for i, in := range inputs {
		one := p.EvalNode(in)
		a, _ := json.Marshal(one.AllResults())
		b, _ := json.Marshal(all[i].AllResults())
		if string(a) != string(b) {
			t.Fatalf("input %d: EvaluateAll differs from EvalNode", i)
		}
		if !reflect.DeepEqual(one.Counts(), counts[i]) {
			t.Fatalf("input %d: EvaluateEach counts differ", i)
		}
	}
}

func TestSelect(t *testing.T) {
	p := mustProgram(t, `RULE "a" WHEN node.role == "core" THEN SET custom_data.x TO 1
RULE "b" WHEN custom_data.x == 1 THEN APPLY "b.j2"
RULE "c" WHEN node.vendor == "cisco" THEN APPLY "c.j2"`)
	q := p.Select(func(r RuleInfo) bool { return r.ID != "a" })
	ev := q.EvalNode(Input{Node: testNode()})
	if len(ev.Results) != 2 || ev.Results[0].Status != StatusNotApplicable || !reflect.DeepEqual(ev.Templates, []string{"c.j2"}) {
		t.Fatalf("selected evaluation: %+v %v", ev.Results, ev.Templates)
	}
	if got := q.Templates(); !reflect.DeepEqual(got, []string{"b.j2", "c.j2"}) {
		t.Fatalf("templates %v", got)
	}
}

func TestObjectMap(t *testing.T) {
	type node struct {
		Name       string         `json:"name"`
		Version    int            `json:"version"`
		Tags       []string       `json:"tags"`
		CustomData map[string]any `json:"custom_data"`
		UpdatedAt  time.Time      `json:"updated_at"`
	}
	m, err := ObjectMap(node{Name: "lon-core-01", Version: 3, Tags: []string{"pci"},
		CustomData: map[string]any{"ntp_servers": []string{"a", "b"}}, UpdatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	p := mustProgram(t, `RULE "r" WHEN node.version >= 3 AND node.tags CONTAINS "pci" AND len(custom_data.ntp_servers) == 2 AND node.updated_at < "2025" THEN APPLY "x"`)
	if r := p.EvalNode(Input{Node: m}).Results[0]; r.Status != StatusPass || len(r.Warnings) > 0 {
		t.Fatalf("result %+v", r)
	}
	if _, err := ObjectMap(func() {}); err == nil {
		t.Error("no error for a function")
	}
	if _, err := ObjectMap([]int{1}); err == nil {
		t.Error("no error for a list")
	}
}

// TestEvaluateWhileStops stops an evaluation of 500 objects at the tenth
// callback: no worker starts another object after that, and the stop is
// reported; without a stop every object is evaluated.
func TestEvaluateWhileStops(t *testing.T) {
	p := benchProgram(t)
	inputs := benchInputs(500)
	var calls atomic.Int64
	done := p.EvaluateWhile(KindNode, inputs, EvalOptions{}, func(int, *Evaluation) bool {
		return calls.Add(1) < 10
	})
	if n := calls.Load(); done || n < 10 || n >= 10+int64(runtime.GOMAXPROCS(0)) {
		t.Fatalf("stopped = %v after %d callbacks, want a stop after 10 (plus at most one per worker)", !done, n)
	}
	calls.Store(0)
	if !p.EvaluateWhile(KindNode, inputs, EvalOptions{}, func(int, *Evaluation) bool { calls.Add(1); return true }) || calls.Load() != 500 {
		t.Fatalf("without a stop: %d callbacks", calls.Load())
	}
}

// TestEvaluateBuiltBuildsEachInputOnce: EvaluateBuilt builds every
// object's input once, just before evaluating it, and gives the results an
// evaluation of the built inputs gives; a stop builds no more inputs than
// it evaluates.
func TestEvaluateBuiltBuildsEachInputOnce(t *testing.T) {
	p := benchProgram(t)
	inputs := benchInputs(500)
	want := make([]string, len(inputs))
	p.EvaluateWhile(KindNode, inputs, EvalOptions{}, func(i int, ev *Evaluation) bool {
		want[i] = fmt.Sprint(ev.Results)
		return true
	})
	built := make([]atomic.Int64, len(inputs))
	got := make([]string, len(inputs))
	if !p.EvaluateBuilt(KindNode, len(inputs), func(i int) Input { built[i].Add(1); return inputs[i] }, EvalOptions{}, func(i int, ev *Evaluation) bool {
		if built[i].Load() != 1 {
			t.Errorf("object %d evaluated after %d builds of its input", i, built[i].Load())
		}
		got[i] = fmt.Sprint(ev.Results)
		return true
	}) {
		t.Fatal("stopped without a stop")
	}
	for i := range inputs {
		if built[i].Load() != 1 || got[i] != want[i] {
			t.Fatalf("object %d: %d builds, results %s, want %s", i, built[i].Load(), got[i], want[i])
		}
	}
	var builds, calls atomic.Int64
	p.EvaluateBuilt(KindNode, len(inputs), func(i int) Input { builds.Add(1); return inputs[i] }, EvalOptions{}, func(int, *Evaluation) bool {
		return calls.Add(1) < 10
	})
	if builds.Load() != calls.Load() {
		t.Fatalf("a stop after %d callbacks built %d inputs", calls.Load(), builds.Load())
	}
}

// TestSetCopiesBounded: a few SETs copying custom_data into itself double it
// line after line (2^40 elements for 40 lines). The copies of one object's
// evaluation stop at MaxSetValues with an error of the rule, before the
// memory is spent; ordinary SETs are counted one per scalar.
func TestSetCopiesBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("RULE \"double\" WHEN true THEN {\n")
	for i := range 40 {
		if i > 0 {
			b.WriteString(";\n")
		}
		b.WriteString("  SET custom_data.k" + strconv.Itoa(i) + " TO custom_data")
	}
	b.WriteString("\n}\nRULE \"plain\" WHEN true THEN { SET custom_data.x TO 1; SET custom_data.y TO [1, 2] }\n")
	p := mustProgram(t, b.String())
	ev := p.EvalNode(Input{Node: map[string]any{"id": "n", "name": "n", "custom_data": map[string]any{"a": 1}}})
	if r := ev.Results[0]; r.Status != StatusError || !strings.Contains(r.Message, "MaxSetValues") {
		t.Fatalf("self-copying SETs: %s %q", r.Status, r.Message)
	}
	if ev.SetValues > MaxSetValues || len(ev.Sets) > 20 {
		t.Fatalf("%d elements copied by %d SETs, want at most %d", ev.SetValues, len(ev.Sets), MaxSetValues)
	}
	ev = mustProgram(t, "RULE \"plain\" WHEN true THEN { SET custom_data.x TO 1; SET custom_data.y TO [1, 2] }").
		EvalNode(Input{Node: map[string]any{"id": "n", "name": "n"}})
	if ev.Results[0].Status != StatusPass || ev.SetValues != 4 {
		t.Fatalf("plain SETs: %s, %d elements", ev.Results[0].Status, ev.SetValues)
	}
}
