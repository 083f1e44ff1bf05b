package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/cli"
)

// as runs the next commands as another actor (UNET_ACTOR).
func (r *runner) as(actor string) *runner {
	r.env["UNET_ACTOR"] = actor
	return r
}

// set decodes a change set printed as JSON.
func decodeSet(t *testing.T, out string) unet.ChangeSet {
	t.Helper()
	var cs unet.ChangeSet
	if err := json.Unmarshal([]byte(out), &cs); err != nil {
		t.Fatalf("not a change set: %v\n%s", err, out)
	}
	return cs
}

// nodeField reads one field of a node.
func (r *runner) nodeField(ref, field string) any {
	r.t.Helper()
	var n map[string]any
	if err := json.Unmarshal([]byte(r.ok("nodes", "show", ref, "-o", "json")), &n); err != nil {
		r.t.Fatal(err)
	}
	return n[field]
}

// squash collapses runs of spaces (the alignment of key: value lines).
func squash(s string) string {
	for strings.Contains(s, "  ") {
		s = strings.ReplaceAll(s, "  ", " ")
	}
	return s
}

// TestChangeSetFlowThroughCLI: on the demo data, a downgrade is proposed
// with --propose, its author can neither approve nor apply it, another
// actor approves and applies it, and revert restores the old version; every
// step through the real service and database.
func TestChangeSetFlowThroughCLI(t *testing.T) {
	r := newRunner(t)
	r.ok("demo")
	before := r.nodeField("lon-acc-01", "software_version")

	cs := decodeSet(t, r.as("alice").ok("nodes", "update", "lon-acc-01", "--set", "software_version=16.9.1", "--propose", "Downgrade lon-acc-01"))
	if cs.ID != "cs-1" || cs.State != unet.ChangeSetProposed || cs.Author != "alice" || cs.Title != "Downgrade lon-acc-01" ||
		len(cs.Ops) != 1 || cs.Ops[0].Op != unet.OpUpdate || cs.Ops[0].Ref != "lon-acc-01" {
		t.Fatalf("proposed set: %+v", cs)
	}
	if v := r.nodeField("lon-acc-01", "software_version"); v != before {
		t.Fatalf("--propose wrote the node: %v", v)
	}
	show := squash(r.ok("changes", "show", "cs-1", "-o", "table"))
	for _, want := range []string{"change set: cs-1", "state: proposed", "author: alice", "requirement: 0/1 approvals (not met)",
		`1. update node lon-acc-01 {"software_version":"16.9.1"}`, "impact (computed"} {
		if !strings.Contains(show, want) {
			t.Errorf("changes show lacks %q:\n%s", want, show)
		}
	}
	r.fails(cli.ExitAuth, []string{"cs-1"}, "changes", "approve", "cs-1")
	r.fails(cli.ExitAuth, []string{"it must be approved before it can be applied"}, "changes", "apply", "cs-1")

	approved := decodeSet(t, r.as("bob").ok("changes", "approve", "cs-1", "--comment", "ok"))
	if approved.State != unet.ChangeSetApproved || !approved.Requirement.Satisfied || approved.Approvals[0].Actor != "bob" {
		t.Fatalf("approved set: %+v", approved)
	}
	if out := r.ok("changes", "apply", "cs-1", "-o", "table"); !strings.HasPrefix(out, "applied cs-1: Downgrade lon-acc-01 (1 operation, applied)") {
		t.Errorf("apply text: %q", out)
	}
	if v := r.nodeField("lon-acc-01", "software_version"); v != "16.9.1" {
		t.Fatalf("after apply: %v", v)
	}
	var log []unet.Change
	if err := json.Unmarshal([]byte(r.ok("changes", "list", "--object", "node/lon-acc-01", "--limit", "1")), &log); err != nil || len(log) != 1 ||
		log[0].ChangeSet != "cs-1" || log[0].Actor != "bob" {
		t.Fatalf("change log: %v %+v", err, log)
	}

	rev := decodeSet(t, r.ok("changes", "revert", "cs-1", "--reason", "roll back"))
	if rev.State != unet.ChangeSetApplied || rev.Reverts != "cs-1" {
		t.Fatalf("revert: %+v", rev)
	}
	if v := r.nodeField("lon-acc-01", "software_version"); v != before {
		t.Fatalf("after revert: %v, want %v", v, before)
	}
	sets := r.ok("changes", "sets", "-o", "table")
	if !strings.Contains(sets, "cs-1  reverted") || !strings.Contains(sets, rev.ID+"  applied") {
		t.Errorf("changes sets:\n%s", sets)
	}
	var reverted []unet.ChangeSet
	if err := json.Unmarshal([]byte(r.ok("changes", "sets", "--state", "reverted")), &reverted); err != nil || len(reverted) != 1 ||
		reverted[0].ID != "cs-1" || reverted[0].RevertedBy != rev.ID {
		t.Errorf("changes sets --state reverted: %v %+v", err, reverted)
	}
	events := r.ok("changes", "events", "--changeset", "cs-1", "-o", "table")
	for _, want := range []string{unet.EventCreated, unet.EventApproved, unet.EventApplied, unet.EventReverted} {
		if !strings.Contains(events, "  "+want+" ") {
			t.Errorf("events lack %s:\n%s", want, events)
		}
	}
}

// TestChangeSetAppendAndConflictThroughCLI: a draft takes operations with
// --changeset and propose -f, is submitted, and its apply is refused with
// the conflicting field once the node changed behind it; rebase is refused
// for an overlapping change.
func TestChangeSetAppendAndConflictThroughCLI(t *testing.T) {
	r := newRunner(t)
	r.ok("demo")
	r.as("alice").ok("nodes", "update", "lon-acc-02", "--role", "distribution", "--propose", "Reshape", "--draft")
	r.ok("vendors", "add", "mikrotik", "--changeset", "cs-1")
	ops := filepath.Join(t.TempDir(), "ops.yaml")
	if err := os.WriteFile(ops, []byte("ops:\n  - op: update\n    kind: node\n    ref: lon-acc-03\n    data: {custom_data: {owner: noc}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cs := decodeSet(t, r.ok("changes", "append", "cs-1", "-f", ops))
	if cs.State != unet.ChangeSetOpen || len(cs.Ops) != 3 || cs.Ops[1].Kind != unet.KindVendor || cs.Ops[2].Ref != "lon-acc-03" {
		t.Fatalf("draft after appends: %+v", cs)
	}
	if out := r.ok("changes", "submit", "cs-1", "-o", "table"); !strings.HasPrefix(out, "submitted cs-1: Reshape (3 operations, proposed, 0/1 approvals)") {
		t.Errorf("submit: %q", out)
	}
	r.as("bob").ok("changes", "approve", "cs-1")
	// The node changes behind the set.
	r.ok("nodes", "update", "lon-acc-02", "--role", "core")
	res := r.fails(cli.ExitFailure, []string{"lon-acc-02", "role"}, "changes", "apply", "cs-1")
	if res.stdout != "" {
		t.Errorf("a refused apply printed: %s", res.stdout)
	}
	if r.nodeField("lon-acc-03", "custom_data").(map[string]any)["owner"] == "noc" {
		t.Fatalf("a refused apply wrote part of the set")
	}
	show := r.ok("changes", "show", "cs-1", "--no-impact", "-o", "table")
	if !strings.Contains(show, "conflicts (1)") || !strings.Contains(show, "role: ") || strings.Contains(show, "impact (") {
		t.Errorf("show of a conflicting set:\n%s", show)
	}
	r.fails(cli.ExitFailure, []string{"role"}, "changes", "rebase", "cs-1")
	r.as("alice").ok("changes", "abandon", "cs-1", "--reason", "superseded")
	if out := r.ok("changes", "sets", "--state", "abandoned", "-o", "table"); !strings.Contains(out, "cs-1") {
		t.Errorf("abandoned set not listed:\n%s", out)
	}
	// A file whose operation fails is refused, positioned at it.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("title: ghost\nops:\n  - {op: delete, kind: node, ref: lon-acc-02, cascade: true}\n  - {op: update, kind: node, ref: ghost, data: {role: x}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.fails(cli.ExitFailure, []string{"operation 2 (update node ghost)"}, "changes", "propose", "-f", bad)
}

// TestApprovalRulesThroughCLI: a rule requiring two approvals holds a set
// until a second actor approves; the rule is change-logged and removable.
func TestApprovalRulesThroughCLI(t *testing.T) {
	r := newRunner(t)
	r.ok("demo")
	r.as("admin").ok("approvals", "add", "access", "--when", `node.role == "access"`, "--require", "2", "--description", "access switches")
	if out := r.ok("approvals", "list", "-o", "table"); !strings.Contains(out, "access  2") {
		t.Errorf("approvals list:\n%s", out)
	}
	r.fails(cli.ExitInvalid, nil, "approvals", "add", "broken", "--when", "node.role ==", "--require", "1")
	r.as("alice").ok("nodes", "update", "lon-acc-01", "--set", "custom_data.owner=\"noc\"", "--propose", "Owner", "--auto-apply")
	cs := decodeSet(t, r.as("bob").ok("changes", "approve", "cs-1"))
	if cs.State != unet.ChangeSetProposed || cs.Requirement.Required != 2 || cs.Requirement.Approvals != 1 || len(cs.Requirement.Rules) != 1 {
		t.Fatalf("after one of two approvals: %+v", cs.Requirement)
	}
	show := r.ok("changes", "show", "cs-1", "--no-impact", "-o", "table")
	if !strings.Contains(show, "requirement: 1/2 approvals (not met)") || !strings.Contains(show, "rule access: 1/2 approvals; matched node/lon-acc-01") {
		t.Errorf("show requirement:\n%s", show)
	}
	// The last approval applies a set that asks for it.
	cs = decodeSet(t, r.as("carol").ok("changes", "approve", "cs-1"))
	if cs.State != unet.ChangeSetApplied {
		t.Fatalf("auto-apply on the last approval: %+v", cs)
	}
	if owner := r.nodeField("lon-acc-01", "custom_data").(map[string]any)["owner"]; owner != "noc" {
		t.Fatalf("owner after auto-apply: %v", owner)
	}
	r.as("admin").ok("approvals", "remove", "access", "--reason", "too strict")
	if out := r.ok("approvals", "list"); out != "[]\n" {
		t.Errorf("after remove: %s", out)
	}
	if out := r.ok("changes", "list", "--object", "approval_rule/access", "-o", "table"); strings.Count(out, "approval_rule/access") != 2 {
		t.Errorf("rule changes not logged:\n%s", out)
	}
}

// TestEmergencyThroughCLI: --emergency writes at once, flagged; the change
// waits in `changes reviews` until someone other than its author reviews it.
func TestEmergencyThroughCLI(t *testing.T) {
	r := newRunner(t)
	r.ok("demo")
	r.as("alice").ok("nodes", "update", "lon-acc-01", "--set", "software_version=17.12.9", "--emergency", "--reason", "CVE hotfix")
	if v := r.nodeField("lon-acc-01", "software_version"); v != "17.12.9" {
		t.Fatalf("emergency write: %v", v)
	}
	var log []unet.Change
	if err := json.Unmarshal([]byte(r.ok("changes", "list", "--object", "node/lon-acc-01", "--limit", "1")), &log); err != nil || !log[0].Emergency {
		t.Fatalf("change not flagged: %v %+v", err, log)
	}
	var pending []unet.EmergencyChange
	if err := json.Unmarshal([]byte(r.ok("changes", "reviews")), &pending); err != nil || len(pending) != 1 || pending[0].Reason != "CVE hotfix" {
		t.Fatalf("reviews: %v %+v", err, pending)
	}
	r.fails(cli.ExitAuth, nil, "changes", "review", pending[0].Batch, "--comment", "mine")
	if out := r.as("bob").ok("changes", "review", pending[0].Batch, "--comment", "checked", "-o", "table"); !strings.HasPrefix(out, "reviewed emergency change") {
		t.Errorf("review: %q", out)
	}
	if out := r.ok("changes", "reviews"); out != "[]\n" {
		t.Errorf("pending after review: %s", out)
	}
	if out := r.ok("changes", "reviews", "--all", "-o", "table"); !strings.Contains(out, "bob") {
		t.Errorf("reviews --all:\n%s", out)
	}
	// An emergency import and an emergency delete are flagged too.
	r.as("alice").ok("nodes", "delete", "lon-acc-02", "--cascade", "--emergency", "--reason", "failed hardware")
	if err := json.Unmarshal([]byte(r.ok("changes", "reviews")), &pending); err != nil || len(pending) != 1 || pending[0].Reason != "failed hardware" {
		t.Fatalf("reviews after delete: %v %+v", err, pending)
	}
}

// TestPolicyApplyProposeThroughCLI: policy apply --propose stages the
// custom_data its SETs write, one update per node, and writes nothing until
// the set is applied.
func TestPolicyApplyProposeThroughCLI(t *testing.T) {
	r := newRunner(t)
	r.ok("demo")
	var dry unet.PolicyApplyReport
	if err := json.Unmarshal([]byte(r.ok("policy", "apply", "--demo", "--dry-run")), &dry); err != nil || len(dry.Updated) == 0 || len(dry.Ops) != len(dry.Updated) {
		t.Fatalf("dry run: %v %+v", err, dry)
	}
	cs := decodeSet(t, r.as("alice").ok("policy", "apply", "--demo", "--propose", "Monitoring tiers"))
	if len(cs.Ops) != len(dry.Updated) || cs.Ops[0].Op != unet.OpUpdate || !strings.Contains(string(cs.Ops[0].Data), "custom_data") {
		t.Fatalf("proposal: %+v", cs)
	}
	again := r.ok("policy", "apply", "--demo", "--dry-run", "-o", "json")
	var still unet.PolicyApplyReport
	if err := json.Unmarshal([]byte(again), &still); err != nil || len(still.Updated) != len(cs.Ops) {
		t.Fatalf("--propose wrote: %v %s", err, again)
	}
	r.as("bob").ok("changes", "approve", "cs-1")
	r.ok("changes", "apply", "cs-1")
	var after unet.PolicyApplyReport
	if err := json.Unmarshal([]byte(r.ok("policy", "apply", "--demo", "--dry-run")), &after); err != nil || len(after.Updated) != 0 || len(after.Ops) != 0 {
		t.Fatalf("after apply the rules change nothing: %v %+v", err, after)
	}
}
