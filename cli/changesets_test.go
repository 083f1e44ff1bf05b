package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
)

// TestProposeStagesTheCommandsOperation: --propose on every command family
// sends the one operation the command would have written: the created
// object exactly as the create call gets it, the merge patch of an update,
// the reference and cascade of a delete, the bundle of an import.
func TestProposeStagesTheCommandsOperation(t *testing.T) {
	f := &reviewFake{}
	// The object a direct add sends, to compare the staged data with.
	okOn(t, f, "nodes", "add", "--name", "leaf1", "--vendor", "arista", "--role", "leaf", "--tag", "dc")
	direct, err := json.Marshal(f.createdNodes[0])
	if err != nil {
		t.Fatal(err)
	}

	out := okOn(t, f, "nodes", "add", "--name", "leaf1", "--vendor", "arista", "--role", "leaf", "--tag", "dc",
		"--propose", "Add leaf1", "--reason", "new rack")
	if len(f.createdNodes) != 1 {
		t.Fatalf("--propose wrote the node: %d creates", len(f.createdNodes))
	}
	req := f.proposed[0]
	if req.Title != "Add leaf1" || req.Description != "new rack" || req.Draft || req.AutoApply || len(req.Ops) != 1 {
		t.Fatalf("proposal: %+v", req)
	}
	if op := req.Ops[0]; op.Op != unet.OpCreate || op.Kind != unet.KindNode || op.Ref != "" || string(op.Data) != string(direct) {
		t.Fatalf("create op: %+v\ndata %s\nwant %s", op, op.Data, direct)
	}
	var printed map[string]any
	if err := json.Unmarshal([]byte(out), &printed); err != nil {
		t.Fatalf("JSON output: %v\n%s", err, out)
	}
	for k, want := range map[string]any{"id": "cs-1", "state": "proposed", "title": "Add leaf1", "author": "alice"} {
		if printed[k] != want {
			t.Errorf("JSON output %s = %v, want %v", k, printed[k], want)
		}
	}
	if ops, _ := printed["ops"].([]any); len(ops) != 1 {
		t.Errorf("JSON output ops: %v", printed["ops"])
	}

	text := okOn(t, f, "nodes", "update", "leaf1", "--role", "spine", "--set", "custom_data.rack=\"R2\"", "--propose", "Make it a spine", "-o", "table")
	if want := "proposed cs-2: Make it a spine (1 operation)\n  review it: unet changes show cs-2\n"; text != want {
		t.Errorf("text output:\n%q\nwant\n%q", text, want)
	}
	op := f.proposed[1].Ops[0]
	if op.Op != unet.OpUpdate || op.Kind != unet.KindNode || op.Ref != "leaf1" {
		t.Fatalf("update op: %+v", op)
	}
	jsonEqual(t, "update patch", op.Data, `{"role":"spine","custom_data":{"rack":"R2"}}`)

	okOn(t, f, "nodes", "delete", "leaf1", "--cascade", "--propose", "Retire leaf1", "--draft")
	if r := f.proposed[2]; !r.Draft || r.Ops[0].Op != unet.OpDelete || r.Ops[0].Ref != "leaf1" || !r.Ops[0].Cascade || r.Ops[0].Data != nil {
		t.Fatalf("delete proposal: %+v", r)
	}
	if out := okOn(t, f, "nodes", "delete", "leaf1", "--propose", "Draft", "--draft", "-o", "table"); !strings.Contains(out, "open") ||
		!strings.Contains(out, "unet changes submit cs-4") {
		t.Errorf("a draft's text output: %q", out)
	}

	okOn(t, f, "links", "add", "--a", "leaf1:e1", "--z", "spine1:e1", "--propose", "Cable", "--auto-apply")
	if r := f.proposed[4]; !r.AutoApply || r.Ops[0].Kind != unet.KindLink {
		t.Fatalf("link proposal: %+v", r)
	}
	jsonEqual(t, "link ends", pickKeys(t, r0(f, 4).Data, "a_node_id", "a_interface", "z_node_id", "z_interface"),
		`{"a_node_id":"leaf1","a_interface":"e1","z_node_id":"spine1","z_interface":"e1"}`)

	okOn(t, f, "locations", "update", "DC1", "--description", "main", "--propose", "Describe")
	if o := r0(f, 5); o.Kind != unet.KindLocation || o.Op != unet.OpUpdate || o.Ref != "DC1" {
		t.Fatalf("location op: %+v", o)
	}
	okOn(t, f, "links", "delete", "core", "--propose", "Uncable")
	if o := r0(f, 6); o.Kind != unet.KindLink || o.Op != unet.OpDelete || o.Ref != "core" {
		t.Fatalf("link delete op: %+v", o)
	}
	okOn(t, f, "vendors", "add", "mikrotik", "--display-name", "MikroTik", "--propose", "New vendor")
	if o := r0(f, 7); o.Kind != unet.KindVendor || o.Op != unet.OpCreate {
		t.Fatalf("vendor op: %+v", o)
	}
	jsonEqual(t, "vendor", o7(t, f), `{"name":"mikrotik","display_name":"MikroTik"}`)

	dir := t.TempDir()
	inv := filepath.Join(dir, "inv.yaml")
	if err := os.WriteFile(inv, []byte("vendors:\n  - name: zte\nnodes:\n  - name: tyo-1\n    vendor: zte\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	okOn(t, f, "import", inv, "--propose", "Tokyo", "--reason", "bulk")
	o := r0(f, 8)
	if o.Op != unet.OpImport || o.Kind != unet.KindBundle || f.proposed[8].Description != "bulk" {
		t.Fatalf("import op: %+v", o)
	}
	var b unet.Bundle
	if err := json.Unmarshal(o.Data, &b); err != nil || len(b.Vendors) != 1 || len(b.Nodes) != 1 || b.Nodes[0].Name != "tyo-1" {
		t.Fatalf("import bundle: %v %s", err, o.Data)
	}
	if len(f.importOpts) != 0 {
		t.Fatalf("--propose imported: %+v", f.importOpts)
	}
}

// r0 is the first operation of the i-th proposal.
func r0(f *reviewFake, i int) unet.ChangeOp { return f.proposed[i].Ops[0] }

func o7(t *testing.T, f *reviewFake) json.RawMessage {
	t.Helper()
	return pickKeys(t, r0(f, 7).Data, "name", "display_name")
}

// pickKeys keeps some keys of a JSON object.
func pickKeys(t *testing.T, raw json.RawMessage, keys ...string) json.RawMessage {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	out := map[string]any{}
	for _, k := range keys {
		out[k] = m[k]
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestChangesetFlagAppends: --changeset appends the operation to that set
// and prints the set with its operations.
func TestChangesetFlagAppends(t *testing.T) {
	f := &reviewFake{}
	out := okOn(t, f, "nodes", "update", "leaf1", "--set", "software_version=17.9", "--changeset", "cs-4", "-o", "table")
	if len(f.appended) != 1 || f.appended[0].id != "cs-4" || len(f.appended[0].ops) != 1 || len(f.proposed) != 0 {
		t.Fatalf("append calls: %+v, proposals %+v", f.appended, f.proposed)
	}
	op := f.appended[0].ops[0]
	if op.Op != unet.OpUpdate || op.Ref != "leaf1" {
		t.Fatalf("op: %+v", op)
	}
	jsonEqual(t, "patch", op.Data, `{"software_version":"17.9"}`)
	if want := "appended to cs-4: existing (2 operations, proposed, 0/1 approvals)\n  review it: unet changes show cs-4\n"; out != want {
		t.Errorf("text:\n%q\nwant\n%q", out, want)
	}
	okOn(t, f, "vendors", "add", "acme", "--changeset", "cs-4")
	okOn(t, f, "locations", "delete", "Lab", "--changeset", "cs-5")
	if len(f.appended) != 3 || f.appended[1].ops[0].Kind != unet.KindVendor || f.appended[2].id != "cs-5" || f.appended[2].ops[0].Op != unet.OpDelete {
		t.Fatalf("append calls: %+v", f.appended)
	}
}

// TestStageFlagsRefuseBadCombinations: the change-review flags that do not
// go together are usage errors, and nothing reaches the backend.
func TestStageFlagsRefuseBadCombinations(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"nodes", "add", "--name", "x", "--vendor", "v", "--propose", "T", "--changeset", "cs-1"}, "mutually exclusive"},
		{[]string{"nodes", "update", "x", "--role", "r", "--propose", "T", "--emergency", "--reason", "r"}, "does not combine with --propose"},
		{[]string{"nodes", "delete", "x", "--changeset", "cs-1", "--emergency", "--reason", "r"}, "does not combine with --propose or --changeset"},
		{[]string{"nodes", "delete", "x", "--emergency"}, "--emergency needs --reason"},
		{[]string{"vendors", "add", "x", "--emergency", "--reason", " "}, "--emergency needs --reason"},
		{[]string{"links", "delete", "x", "--draft"}, "use them with --propose"},
		{[]string{"locations", "update", "x", "--description", "d", "--changeset", "cs-1", "--auto-apply"}, "use them with --propose"},
		{[]string{"nodes", "update", "x", "--role", "r", "--if-version", "3", "--propose", "T"}, "--if-version does not combine"},
		{[]string{"nodes", "add", "--name", "x", "--vendor", "v", "--propose", ""}, "--propose needs a title"},
		{[]string{"nodes", "add", "--name", "x", "--vendor", "v", "--changeset", ""}, "--changeset needs a change set ID"},
		{[]string{"import", "x.yaml", "--dry-run", "--propose", "T"}, "--dry-run does not combine"},
		{[]string{"import", "x.yaml", "--propose", "T", "--changeset", "cs-2"}, "mutually exclusive"},
		{[]string{"policy", "apply", "--dry-run", "--changeset", "cs-2"}, "--dry-run does not combine"},
		{[]string{"policy", "apply", "--emergency"}, "--emergency needs --reason"},
		{[]string{"changes", "apply", "cs-1", "--force"}, "need --reason"},
		{[]string{"changes", "apply", "cs-1", "--emergency"}, "need --reason"},
		{[]string{"changes", "reject", "cs-1"}, "reject needs --comment"},
		{[]string{"changes", "review", "b-1"}, "review needs --comment"},
		{[]string{"changes", "propose"}, "-f FILE"},
		{[]string{"changes", "sets", "--state", "merged"}, "unknown --state"},
		{[]string{"approvals", "add", "r1", "--require", "2"}, "--when needs a condition"},
		{[]string{"approvals", "add", "r1", "--when", "node.role == \"core\""}, "--require needs"},
	}
	for _, c := range cases {
		f := &reviewFake{}
		o := runOn(t, f, "", c.args...)
		if o.code != ExitUsage || !strings.Contains(o.stderr, c.want) || o.stdout != "" {
			t.Errorf("unet %s: exit %d, stderr %q (want 64 and %q)", strings.Join(c.args, " "), o.code, o.stderr, c.want)
		}
		if len(f.proposed)+len(f.appended)+len(f.writeOpts)+len(f.deleteOpts)+len(f.importOpts)+len(f.policyReqs)+len(f.applied)+len(f.rules) != 0 {
			t.Errorf("unet %s reached the backend", strings.Join(c.args, " "))
		}
	}
}

// TestEmergencyFlagsReachTheBackend: --emergency (with --reason) is passed
// on every write: add, update, delete, import, policy apply, changes apply.
func TestEmergencyFlagsReachTheBackend(t *testing.T) {
	f := &reviewFake{}
	okOn(t, f, "nodes", "add", "--name", "x", "--vendor", "cisco", "--emergency", "--reason", "outage")
	okOn(t, f, "nodes", "update", "x", "--role", "core", "--emergency", "--reason", "outage")
	okOn(t, f, "vendors", "add", "acme", "--emergency", "--reason", "outage")
	okOn(t, f, "nodes", "update", "x", "--role", "edge", "--reason", "normal")
	for i, o := range f.writeOpts {
		if want := i < 3; o.Emergency != want || o.Reason == "" {
			t.Errorf("write %d: %+v (emergency want %v)", i, o, want)
		}
	}
	okOn(t, f, "nodes", "delete", "x", "--emergency", "--reason", "outage")
	if len(f.deleteOpts) != 1 || !f.deleteOpts[0].Emergency || f.deleteOpts[0].Reason != "outage" {
		t.Errorf("delete: %+v", f.deleteOpts)
	}
	dir := t.TempDir()
	inv := filepath.Join(dir, "inv.yaml")
	if err := os.WriteFile(inv, []byte("vendors:\n  - name: zte\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	okOn(t, f, "import", inv, "--emergency", "--reason", "outage")
	if len(f.importOpts) != 1 || !f.importOpts[0].Emergency || f.importOpts[0].DryRun {
		t.Errorf("import: %+v", f.importOpts)
	}
	rules := filepath.Join(dir, "r.rules")
	if err := os.WriteFile(rules, []byte("RULE \"tier\" SEVERITY info\nWHEN node.role == \"core\"\nTHEN SET custom_data.tier TO \"1\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	okOn(t, f, "policy", "apply", "--path", rules, "--emergency", "--reason", "outage")
	if len(f.policyReqs) != 1 || !f.policyReqs[0].Emergency || f.policyReqs[0].DryRun {
		t.Errorf("policy apply: %+v", f.policyReqs)
	}
	okOn(t, f, "changes", "apply", "cs-3", "--emergency", "--reason", "outage")
	okOn(t, f, "changes", "apply", "cs-3", "--force", "--reason", "known")
	okOn(t, f, "changes", "apply", "cs-3")
	want := []unet.ApplyOptions{{Emergency: true, Reason: "outage"}, {Force: true, Reason: "known"}, {}}
	if len(f.applied) != 3 || f.applied[0] != want[0] || f.applied[1] != want[1] || f.applied[2] != want[2] {
		t.Errorf("changes apply: %+v", f.applied)
	}
}

// TestPolicyApplyPropose: policy apply --propose runs a dry run and
// proposes the per-node updates it reports.
func TestPolicyApplyPropose(t *testing.T) {
	rules := filepath.Join(t.TempDir(), "r.rules")
	if err := os.WriteFile(rules, []byte("RULE \"tier\" SEVERITY info\nWHEN node.role == \"core\"\nTHEN SET custom_data.tier TO \"1\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := &reviewFake{policyOps: []unet.ChangeOp{
		{Op: unet.OpUpdate, Kind: unet.KindNode, Ref: "a.example.net", Data: json.RawMessage(`{"custom_data":{"tier":"1"}}`)},
		{Op: unet.OpUpdate, Kind: unet.KindNode, Ref: "b.example.net", Data: json.RawMessage(`{"custom_data":{"tier":"1","x":2}}`)},
	}}
	out := okOn(t, f, "policy", "apply", "--path", rules, "--propose", "Tiers", "-o", "table")
	if len(f.policyReqs) != 1 || !f.policyReqs[0].DryRun {
		t.Fatalf("policy apply was not a dry run: %+v", f.policyReqs)
	}
	if len(f.proposed) != 1 || len(f.proposed[0].Ops) != 2 || f.proposed[0].Ops[1].Ref != "b.example.net" || f.proposed[0].Description != "policy apply" {
		t.Fatalf("proposal: %+v", f.proposed)
	}
	if !strings.HasPrefix(out, "proposed cs-1: Tiers (2 operations)") {
		t.Errorf("text: %q", out)
	}
	// Rules that change nothing propose nothing.
	f.policyOps = nil
	o := runOn(t, f, "", "policy", "apply", "--path", rules, "--propose", "Tiers")
	if o.code != ExitInvalid || !strings.Contains(o.stderr, "nothing to propose") || len(f.proposed) != 1 {
		t.Errorf("empty proposal: exit %d %q", o.code, o.stderr)
	}
}

// TestChangesProposeFromFile: YAML and JSON files of operations become one
// proposal; --title, --draft and --auto-apply override the file.
func TestChangesProposeFromFile(t *testing.T) {
	dir := t.TempDir()
	yamlFile := filepath.Join(dir, "ops.yaml")
	if err := os.WriteFile(yamlFile, []byte(`title: Downgrade lon-acc-01
description: |
  back to the validated release
auto_apply: true
ops:
  - op: update
    kind: node
    ref: lon-acc-01
    data: {software_version: 16.12.4, custom_data: {since: 2026-01-02, owner: null}}
  - op: create
    kind: vendor
    data:
      name: mikrotik
  - op: delete
    kind: link
    ref: lon-acc-01:Gi1/0/48
    cascade: true
  - op: import
    data: {vendors: [{name: zte}]}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	f := &reviewFake{}
	okOn(t, f, "changes", "propose", "-f", yamlFile)
	r := f.proposed[0]
	if r.Title != "Downgrade lon-acc-01" || r.Description != "back to the validated release\n" || !r.AutoApply || r.Draft || len(r.Ops) != 4 {
		t.Fatalf("proposal: %+v", r)
	}
	jsonEqual(t, "update data", r.Ops[0].Data, `{"software_version":"16.12.4","custom_data":{"since":"2026-01-02","owner":null}}`)
	if r.Ops[0].Ref != "lon-acc-01" || r.Ops[1].Kind != unet.KindVendor || !r.Ops[2].Cascade || r.Ops[3].Kind != unet.KindBundle {
		t.Fatalf("ops: %+v", r.Ops)
	}

	jsonFile := filepath.Join(dir, "ops.json")
	if err := os.WriteFile(jsonFile, []byte(`{"title": "from json", "ops": [{"op": "update", "kind": "node", "ref": "a", "data": {"role": "core", "n": 2}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	okOn(t, f, "changes", "propose", "-f", jsonFile, "--title", "Renamed", "--draft")
	if r := f.proposed[1]; r.Title != "Renamed" || !r.Draft || r.AutoApply || len(r.Ops) != 1 {
		t.Fatalf("JSON proposal: %+v", r)
	}
	jsonEqual(t, "json data", f.proposed[1].Ops[0].Data, `{"role":"core","n":2}`)

	// Standard input.
	o := runOn(t, f, "ops:\n  - {op: delete, kind: node, ref: x}\n", "changes", "propose", "-f", "-", "--title", "stdin", "--auto-apply")
	if o.code != ExitOK || len(f.proposed) != 3 || !f.proposed[2].AutoApply || f.proposed[2].Ops[0].Ref != "x" {
		t.Fatalf("stdin: exit %d %s %+v", o.code, o.stderr, f.proposed)
	}
	// append takes ops only.
	o = runOn(t, f, "ops:\n  - {op: delete, kind: node, ref: y}\n", "changes", "append", "cs-1", "-f", "-")
	if o.code != ExitOK || f.appended[len(f.appended)-1].ops[0].Ref != "y" {
		t.Fatalf("append: exit %d %s", o.code, o.stderr)
	}
	o = runOn(t, f, "", "changes", "append", "cs-1", "-f", yamlFile)
	if o.code != ExitUsage || !strings.Contains(o.stderr, "append takes only ops") {
		t.Errorf("append of a file with a title: exit %d %q", o.code, o.stderr)
	}
	// No title anywhere.
	o = runOn(t, f, "ops:\n  - {op: delete, kind: node, ref: x}\n", "changes", "propose", "-f", "-")
	if o.code != ExitUsage || !strings.Contains(o.stderr, "needs a title") {
		t.Errorf("no title: exit %d %q", o.code, o.stderr)
	}
}

// TestChangesProposeBadFiles: every problem of a file of operations is
// reported with its line and column, and nothing is proposed.
func TestChangesProposeBadFiles(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string
	}{
		{"syntax.yaml", "title: x\nops:\n  - op: update\n   kind: node\n", []string{"syntax.yaml:2: did not find expected '-' indicator", "not valid YAML"}},
		{"unknown.yaml", "title: x\ncolour: red\nops:\n  - op: update\n    kind: node\n    ref: a\n    dat: {}\n",
			[]string{"unknown.yaml:2:1: colour: unknown key (want title, description, auto_apply, ops)",
				"unknown.yaml:7:5: ops[1].dat: unknown key (want op, kind, ref, data, cascade)"}},
		{"types.yaml", "title: [a]\nauto_apply: maybe\nops: {op: create}\n",
			[]string{"types.yaml:1:8: title: want text", "types.yaml:2:13: auto_apply: want true or false", "types.yaml:3:6: ops: want a list of operations"}},
		{"ops.yaml", "title: x\nops:\n  - op: upsert\n    kind: node\n  - kind: node\n  - op: update\n  - 42\n",
			[]string{"ops.yaml:3:9: ops[1].op: unknown operation \"upsert\"", "ops.yaml:5:5: ops[2].op: missing",
				"ops.yaml:6:5: ops[3].kind: missing", "ops.yaml:7:5: ops[4]: want a mapping"}},
		{"empty.yaml", "", []string{"empty.yaml:1:1", "the file is empty"}},
		{"noops.yaml", "title: x\n", []string{"noops.yaml:1:1: ops: no operations"}},
		{"dup.yaml", "title: x\ntitle: y\nops: []\n", []string{"dup.yaml:2:1: title: repeated key"}},
		{"bad.json", "{\"title\": \"x\", \"ops\": [{\"op\": \"update\", \"kind\": \"node\", \"ref\": \"a\", \"data\": {\"n\": .inf}}]}",
			[]string{"bad.json:1:", "is not a JSON number"}},
		{"broken.json", "{\"title\": \"x\",\n \"ops\": [\n", []string{"broken.json:", "not valid YAML or JSON"}},
	}
	dir := t.TempDir()
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		f := &reviewFake{}
		o := runOn(t, f, "", "changes", "propose", "-f", path)
		if o.code != ExitInvalid || len(f.proposed) != 0 {
			t.Errorf("%s: exit %d, %d proposals\n%s", c.name, o.code, len(f.proposed), o.stderr)
			continue
		}
		stderr := strings.ReplaceAll(o.stderr, dir+string(filepath.Separator), "")
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr does not mention %q:\n%s", c.name, w, stderr)
			}
		}
	}
	o := runOn(t, &reviewFake{}, "", "changes", "propose", "-f", filepath.Join(dir, "missing.yaml"))
	if o.code != ExitInvalid || !strings.Contains(o.stderr, "cannot read") {
		t.Errorf("missing file: exit %d %q", o.code, o.stderr)
	}
}

// TestApprovalsCommands: add, list and remove go to the rule service with
// every flag, in every output format.
func TestApprovalsCommands(t *testing.T) {
	f := &reviewFake{}
	out := okOn(t, f, "approvals", "add", "core", "--when", `node.role == "core"`, "--require", "2", "--role", "network-lead",
		"--environment", "production", "--description", "core routers", "-o", "table")
	want := unet.ApprovalRule{Name: "core", When: `node.role == "core"`, Require: 2, Role: "network-lead", Environment: "production",
		Description: "core routers", Version: 1}
	if len(f.rules) != 1 || f.rules[0] != want {
		t.Fatalf("rule: %+v", f.rules)
	}
	if !strings.Contains(out, "require:      2") || !strings.Contains(out, `when:         node.role == "core"`) {
		t.Errorf("add table:\n%s", out)
	}
	okOn(t, f, "approvals", "add", "any", "--when", "true", "--require", "1")
	table := okOn(t, f, "approvals", "list", "-o", "table")
	if want := "NAME  REQUIRE  ROLE          ENVIRONMENT  WHEN                 DESCRIPTION\n" +
		"core  2        network-lead  production   node.role == \"core\"  core routers\n" +
		"any   1        -             -            true                 -\n"; table != want {
		t.Errorf("list table:\n%s\nwant\n%s", table, want)
	}
	var rules []unet.ApprovalRule
	if err := json.Unmarshal([]byte(okOn(t, f, "approvals", "list")), &rules); err != nil || len(rules) != 2 || rules[1].Name != "any" {
		t.Errorf("list JSON: %v %+v", err, rules)
	}
	if out := okOn(t, f, "approvals", "remove", "core", "-o", "table"); out != "removed approval rule core\n" || len(f.removed) != 1 {
		t.Errorf("remove: %q %v", out, f.removed)
	}
	if out := okOn(t, &reviewFake{}, "approvals", "list"); out != "[]\n" {
		t.Errorf("empty list: %q", out)
	}
}

// TestChangeSetReviewCommands: approve, reject, revert, events, reviews
// and review pass their arguments and print the result.
func TestChangeSetReviewCommands(t *testing.T) {
	f := &reviewFake{}
	if out := okOn(t, f, "changes", "approve", "cs-3", "--comment", "lgtm", "-o", "table"); out != "approved cs-3: t (0 operations, approved, 1/1 approvals)\n  review it: unet changes show cs-3\n" {
		t.Errorf("approve: %q", out)
	}
	okOn(t, f, "changes", "reject", "cs-3", "--comment", "no")
	if f.approved[0] != "cs-3 lgtm" || f.rejected[0] != "cs-3 no" {
		t.Errorf("approve/reject: %v %v", f.approved, f.rejected)
	}
	if out := okOn(t, f, "changes", "revert", "cs-2", "--reason", "bad", "--force", "-o", "table"); !strings.HasPrefix(out, "reverted with cs-99: Revert cs-2 (0 operations, applied)") {
		t.Errorf("revert: %q", out)
	}
	if f.reverted[0] != (unet.RevertOptions{Reason: "bad", Force: true}) {
		t.Errorf("revert options: %+v", f.reverted)
	}
	out := okOn(t, f, "changes", "events", "--changeset", "cs-1", "--since", "2026-01-01T00:00:00Z", "--limit", "5", "-o", "table")
	if len(f.events) != 1 || f.events[0].ChangeSet != "cs-1" || f.events[0].Limit != 5 || f.events[0].Since.Year() != 2026 {
		t.Errorf("events filter: %+v", f.events)
	}
	if !strings.Contains(out, "bob    cs-1  approved    proposed → approved  -") {
		t.Errorf("events table:\n%s", out)
	}
	if o := runOn(t, f, "", "changes", "events", "--since", "yesterday"); o.code != ExitUsage {
		t.Errorf("events --since yesterday: exit %d", o.code)
	}
	okOn(t, f, "changes", "reviews")
	out = okOn(t, f, "changes", "reviews", "--all", "-o", "table")
	if len(f.reviews) != 2 || !f.reviews[0].Pending || f.reviews[1].Pending {
		t.Errorf("reviews filters: %+v", f.reviews)
	}
	if !strings.Contains(out, "b-1") || !strings.Contains(out, "node/lon-acc-01") || !strings.Contains(out, "outage") {
		t.Errorf("reviews table:\n%s", out)
	}
	if out := okOn(t, f, "changes", "review", "b-1", "--comment", "checked", "-o", "table"); out != "reviewed emergency change b-1 (1 object, by alice)\n" ||
		f.reviewed[0] != "b-1 checked" {
		t.Errorf("review: %q %v", out, f.reviewed)
	}
}

// reviewedSet is a change set with everything a reviewer sees: a matching
// rule, a dismissed and a live approval, four kinds of operation, a
// conflict and an impact with policy, config, guards and problems.
func reviewedSet() *unet.ChangeSet {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	later := at.Add(time.Hour)
	return &unet.ChangeSet{ID: "cs-7", State: unet.ChangeSetProposed, Title: "Downgrade lon-acc-01", Description: "back to the validated release",
		Author: "alice", CreatedAt: at, UpdatedAt: later, Version: 3, AutoApply: true,
		Ops: []unet.ChangeOp{
			{Seq: 1, Op: unet.OpUpdate, Kind: unet.KindNode, Ref: "lon-acc-01", Data: json.RawMessage(`{"software_version":"16.9.1"}`)},
			{Seq: 2, Op: unet.OpCreate, Kind: unet.KindVendor, Data: json.RawMessage(`{"id":"","name":"mikrotik","display_name":"","version":0,"created_at":"0001-01-01T00:00:00Z"}`)},
			{Seq: 3, Op: unet.OpDelete, Kind: unet.KindNode, Ref: "lon-acc-09", Cascade: true},
			{Seq: 4, Op: unet.OpImport, Kind: unet.KindBundle, Data: json.RawMessage(`{"vendors":[{"name":"zte"}],"nodes":[{"name":"a","vendor":"zte"},{"name":"b","vendor":"zte"}]}`)},
		},
		Approvals: []unet.Approval{
			{Actor: "bob", Decision: unet.DecisionApprove, Comment: "ok", Roles: []string{"approver"}, At: at, DismissedAt: &later},
			{Actor: "carol", Decision: unet.DecisionApprove, Roles: []string{"approver", "network-lead"}, At: later},
		},
		Requirement: unet.ApprovalRequirement{Required: 2, Approvals: 1, Rules: []unet.RuleMatch{
			{Rule: "access-software", Require: 2, Role: "network-lead", Objects: []string{"node/lon-acc-01"}, Approvals: 1}}},
		Conflicts: []unet.Conflict{{Seq: 1, Kind: unet.KindNode, ID: "n1", Name: "lon-acc-01", StagedVersion: 4, CurrentVersion: 5, Overlaps: true,
			Fields: []unet.FieldChange{{Field: "software_version", Before: "17.12.1", After: "17.12.2"}}}},
		Impact: &unet.Impact{ComputedAt: later,
			Objects: []unet.ObjectImpact{{Kind: unet.KindNode, ID: "n1", Name: "lon-acc-01", Op: unet.OpUpdate,
				Fields: []unet.FieldChange{{Field: "software_version", Before: "17.12.2", After: "16.9.1"}, {Field: "custom_data.owner", Before: nil, After: "noc"}}}},
			Policy: []unet.PolicyImpact{{Kind: unet.KindNode, Object: "lon-acc-01", Rule: "iosxe-min-version", Severity: "critical", Before: "pass", After: "fail",
				Message: "software_version 16.9.1 < 17.9"}},
			Config: []unet.ConfigImpact{{Node: "lon-acc-01.campus.example.net", Added: 2, Removed: 1,
				Diff: "--- before\n+++ after\n@@ -1,2 +1,3 @@\n-version 17.12\n+version 16.9\n+! downgraded\n"}},
			Guards: []unet.GuardResult{{Name: "config-share", Detail: "1 of 120 nodes (0.8%) change configuration; limit 20%"},
				{Name: "new-critical", Tripped: true, Detail: "1 new critical violation: node/lon-acc-01 iosxe-min-version"}},
			Stats:    unet.ImpactStats{AffectedNodes: 1, TotalNodes: 120, EvaluatedRules: 14, RenderedNodes: 1, ConfigChanged: 1, Seconds: 0.02},
			Problems: []unet.ImpactProblem{{Object: "node/lon-acc-09", Stage: "before", Message: "template ios/base.j2: undefined variable"}},
		},
	}
}

// TestChangeSetShowText pins how `changes show cs-N` renders a set for
// reviewers, and checks that --no-impact asks for none and JSON carries the
// whole set.
func TestChangeSetShowText(t *testing.T) {
	f := &reviewFake{shown: reviewedSet()}
	checkGolden(t, "changeset_show.golden", okOn(t, f, "changes", "show", "cs-7", "-o", "table"))
	if !f.viewSeen[0].Impact {
		t.Errorf("show did not ask for the impact")
	}
	out := okOn(t, f, "changes", "show", "cs-7", "--no-impact", "-o", "table")
	if f.viewSeen[1].Impact || strings.Contains(out, "impact") || !strings.Contains(out, "operations (4):") {
		t.Errorf("--no-impact: %+v\n%s", f.viewSeen, out)
	}
	var cs unet.ChangeSet
	if err := json.Unmarshal([]byte(okOn(t, f, "changes", "show", "cs-7")), &cs); err != nil || cs.Impact == nil ||
		len(cs.Impact.Policy) != 1 || cs.Impact.Policy[0].After != "fail" || len(cs.Conflicts) != 1 {
		t.Errorf("JSON: %v %+v", err, cs)
	}
	o := runOn(t, f, "", "changes", "show", "cs-8")
	if o.code != ExitFailure || !strings.Contains(o.stderr, "change set cs-8 not found") {
		t.Errorf("unknown set: exit %d %q", o.code, o.stderr)
	}
	// diff prints the unified diffs, and exits 0.
	diff := okOn(t, f, "changes", "diff", "cs-7", "-o", "table")
	if want := "# lon-acc-01.campus.example.net (+2 -1)\n--- before\n+++ after\n@@ -1,2 +1,3 @@\n-version 17.12\n+version 16.9\n+! downgraded\n"; diff != want {
		t.Errorf("diff:\n%s\nwant\n%s", diff, want)
	}
	var cfg []unet.ConfigImpact
	if err := json.Unmarshal([]byte(okOn(t, f, "changes", "diff", "cs-7")), &cfg); err != nil || len(cfg) != 1 || cfg[0].Added != 2 {
		t.Errorf("diff JSON: %v %+v", err, cfg)
	}
	f.shown.Impact = &unet.Impact{}
	if out := okOn(t, f, "changes", "diff", "cs-7", "-o", "table"); out != "cs-7 changes no rendered configuration\n" {
		t.Errorf("diff without config changes: %q", out)
	}
}
