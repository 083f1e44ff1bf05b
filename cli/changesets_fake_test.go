package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
)

// reviewFake is a backend that records the change-review calls the commands
// make and answers them with plausible sets; every other method is the nil
// embedded Service (a test calling one fails loudly).
type reviewFake struct {
	unet.Service
	proposed []unet.ChangeSetRequest
	appended []appendCall
	applied  []unet.ApplyOptions
	approved []string // id + " " + comment
	rejected []string
	reverted []unet.RevertOptions
	reviews  []unet.EmergencyFilter
	reviewed []string
	events   []unet.ChangeEventFilter

	createdNodes []*unet.Node
	writeOpts    []unet.WriteOptions
	deleteOpts   []unet.DeleteOptions
	importOpts   []unet.ImportOptions
	policyReqs   []unet.PolicyApplyRequest
	policyOps    []unet.ChangeOp

	rules    []unet.ApprovalRule
	removed  []string
	shown    *unet.ChangeSet
	viewSeen []unet.ChangeSetView
}

type appendCall struct {
	id  string
	ops []unet.ChangeOp
}

func (f *reviewFake) set(ctx context.Context, id, title, state string, draft bool, ops []unet.ChangeOp) *unet.ChangeSet {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range ops {
		ops[i].Seq = i + 1
		ops[i].AddedBy = unet.ActorFrom(ctx)
		ops[i].AddedAt = at
	}
	if draft {
		state = unet.ChangeSetOpen
	}
	return &unet.ChangeSet{ID: id, State: state, Title: title, Author: unet.ActorFrom(ctx), CreatedAt: at, UpdatedAt: at,
		Version: 1, Ops: ops, Approvals: []unet.Approval{}, Conflicts: []unet.Conflict{},
		Requirement: unet.ApprovalRequirement{Required: 1, Rules: []unet.RuleMatch{}}}
}

func (f *reviewFake) ProposeChangeSet(ctx context.Context, req unet.ChangeSetRequest) (*unet.ChangeSet, error) {
	f.proposed = append(f.proposed, req)
	cs := f.set(ctx, fmt.Sprintf("cs-%d", len(f.proposed)), req.Title, unet.ChangeSetProposed, req.Draft, req.Ops)
	cs.AutoApply = req.AutoApply
	cs.Description = req.Description
	return cs, nil
}

func (f *reviewFake) AppendChangeOps(ctx context.Context, id string, ops []unet.ChangeOp) (*unet.ChangeSet, error) {
	f.appended = append(f.appended, appendCall{id, ops})
	return f.set(ctx, id, "existing", unet.ChangeSetProposed, false, append([]unet.ChangeOp{{Op: "delete", Kind: "link", Ref: "x"}}, ops...)), nil
}

func (f *reviewFake) GetChangeSet(ctx context.Context, id string, v unet.ChangeSetView) (*unet.ChangeSet, error) {
	f.viewSeen = append(f.viewSeen, v)
	if f.shown == nil || f.shown.ID != id {
		return nil, unet.Errorf(unet.ENOTFOUND, "change set %s not found", id)
	}
	cs := *f.shown
	if !v.Impact {
		cs.Impact = nil
	}
	return &cs, nil
}

func (f *reviewFake) ApproveChangeSet(ctx context.Context, id, comment string) (*unet.ChangeSet, error) {
	f.approved = append(f.approved, id+" "+comment)
	cs := f.set(ctx, id, "t", unet.ChangeSetApproved, false, nil)
	cs.Requirement = unet.ApprovalRequirement{Required: 1, Approvals: 1, Satisfied: true}
	return cs, nil
}

func (f *reviewFake) RejectChangeSet(ctx context.Context, id, comment string) (*unet.ChangeSet, error) {
	f.rejected = append(f.rejected, id+" "+comment)
	return f.set(ctx, id, "t", unet.ChangeSetRejected, false, nil), nil
}

func (f *reviewFake) ApplyChangeSet(ctx context.Context, id string, o unet.ApplyOptions) (*unet.ChangeSet, error) {
	f.applied = append(f.applied, o)
	return f.set(ctx, id, "t", unet.ChangeSetApplied, false, nil), nil
}

func (f *reviewFake) RevertChange(ctx context.Context, ref string, o unet.RevertOptions) (*unet.ChangeSet, error) {
	f.reverted = append(f.reverted, o)
	cs := f.set(ctx, "cs-99", "Revert "+ref, unet.ChangeSetApplied, false, nil)
	cs.Reverts = ref
	return cs, nil
}

func (f *reviewFake) ListChangeEvents(ctx context.Context, filter unet.ChangeEventFilter) (*unet.List[unet.ChangeEvent], error) {
	f.events = append(f.events, filter)
	return &unet.List[unet.ChangeEvent]{Items: []unet.ChangeEvent{{ID: "7", Time: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		Actor: "bob", ChangeSet: "cs-1", Transition: unet.EventApproved, From: "proposed", To: "approved"}}}, nil
}

func (f *reviewFake) ListEmergencyChanges(ctx context.Context, filter unet.EmergencyFilter) (*unet.List[unet.EmergencyChange], error) {
	f.reviews = append(f.reviews, filter)
	return &unet.List[unet.EmergencyChange]{Items: []unet.EmergencyChange{{Batch: "b-1", Time: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		Actor: "alice", Reason: "outage", Objects: []string{"node/lon-acc-01"}, Changes: []string{"c1"}}}}, nil
}

func (f *reviewFake) ReviewEmergencyChange(ctx context.Context, ref, comment string) (*unet.EmergencyChange, error) {
	f.reviewed = append(f.reviewed, ref+" "+comment)
	return &unet.EmergencyChange{Batch: ref, Actor: "alice", Objects: []string{"node/a"},
		Review: &unet.EmergencyReview{Reviewer: unet.ActorFrom(ctx), Comment: comment}}, nil
}

func (f *reviewFake) CreateNode(ctx context.Context, n *unet.Node, o unet.WriteOptions) (*unet.Node, error) {
	f.createdNodes = append(f.createdNodes, n)
	f.writeOpts = append(f.writeOpts, o)
	return n, nil
}

func (f *reviewFake) UpdateNode(ctx context.Context, ref string, p unet.Patch, o unet.WriteOptions) (*unet.Node, error) {
	f.writeOpts = append(f.writeOpts, o)
	return &unet.Node{Name: ref}, nil
}

func (f *reviewFake) DeleteNode(ctx context.Context, ref string, o unet.DeleteOptions) error {
	f.deleteOpts = append(f.deleteOpts, o)
	return nil
}

func (f *reviewFake) CreateVendor(ctx context.Context, v *unet.Vendor, o unet.WriteOptions) (*unet.Vendor, error) {
	f.writeOpts = append(f.writeOpts, o)
	return v, nil
}

func (f *reviewFake) Import(ctx context.Context, b *unet.Bundle, o unet.ImportOptions) (*unet.ImportReport, error) {
	f.importOpts = append(f.importOpts, o)
	return &unet.ImportReport{Actions: []unet.ImportAction{}}, nil
}

func (f *reviewFake) ApplyPolicies(ctx context.Context, req unet.PolicyApplyRequest) (*unet.PolicyApplyReport, error) {
	f.policyReqs = append(f.policyReqs, req)
	rep := &unet.PolicyApplyReport{Updated: []string{}, DryRun: req.DryRun}
	if req.DryRun {
		rep.Ops = f.policyOps
	}
	return rep, nil
}

func (f *reviewFake) ListApprovalRules(ctx context.Context) ([]unet.ApprovalRule, error) {
	return f.rules, nil
}

func (f *reviewFake) AddApprovalRule(ctx context.Context, r unet.ApprovalRule, o unet.WriteOptions) (*unet.ApprovalRule, error) {
	r.Version = 1
	f.rules = append(f.rules, r)
	return &r, nil
}

func (f *reviewFake) RemoveApprovalRule(ctx context.Context, name string, o unet.DeleteOptions) error {
	f.removed = append(f.removed, name)
	return nil
}

func (f *reviewFake) Close() error { return nil }

// runOn runs the command tree against svc as Run does (actor alice).
func runOn(t *testing.T, svc unet.Service, stdin string, args ...string) contractOut {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{env: Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		if k == "UNET_ACTOR" {
			return "alice"
		}
		return ""
	}}, svc: svc}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(a.env.Stdin)
	root.SetOut(&out)
	root.SetErr(&errb)
	code := ExitOK
	if err := root.ExecuteContext(context.Background()); err != nil {
		printError(&errb, err)
		code = exitCode(err, false)
	}
	return contractOut{stdout: out.String(), stderr: errb.String(), code: code}
}

// okOn runs a command that must succeed.
func okOn(t *testing.T, svc unet.Service, args ...string) string {
	t.Helper()
	o := runOn(t, svc, "", args...)
	if o.code != ExitOK {
		t.Fatalf("unet %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), o.code, o.stdout, o.stderr)
	}
	return o.stdout
}

func jsonEqual(t *testing.T, what string, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v in %s", what, err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad want: %v", what, err)
	}
	if oneLine(g) != oneLine(w) {
		t.Errorf("%s:\n got %s\nwant %s", what, oneLine(g), oneLine(w))
	}
}
