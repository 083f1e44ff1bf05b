package webui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"

	"github.com/unet-dev/unet"
)

// csReviewPage is the data of a change set's review page.
type csReviewPage struct {
	CS *unet.ChangeSet
	// Error is the refusal of the form just posted ("" after a GET).
	Error string
	// Action names the refused form ("approve", "reject", "apply") and
	// Comment its text, offered again in that form.
	Action, Comment string
	// Final reports a state past review (applied, rejected, abandoned,
	// reverted): nothing is computed against the current inventory.
	Final bool
	// UnderReview reports a state in which decisions are taken.
	UnderReview bool
	// IsAuthor reports that the caller wrote the set (and so may not
	// approve nor reject it).
	IsAuthor bool
	// CanDecide and CanApply say which forms the caller is shown;
	// CanForce offers to override tripped guards.
	CanDecide, CanApply, CanForce bool
	Ops                           []csOp
	Objects                       []csObject
	// ObjectsSource says where Objects come from ("impact" or "log").
	ObjectsSource string
	Policy        []csRuleImpact
	PolicyRows    []csPolicyRow
	NewFailures   int
	Fixes         int
	Config        []csConfig
	// ConfigMore are the nodes past csMaxConfigDiffs, without their diff.
	ConfigMore []unet.ConfigImpact
	Guards     []unet.GuardResult
	Tripped    int
	Conflicts  []csConflict
	// Refusals say why an apply would be refused now.
	Refusals []string
	Problems []unet.ImpactProblem
}

// csOp is one operation in a line.
type csOp struct {
	Seq     int
	Summary string
	AddedBy string
}

// csObject is one object the set touches with its field-level diff.
type csObject struct {
	Op, Kind, Name string
	URL            string
	Lines          []diffLine
}

// csPolicyRow is one (object, rule) whose status changes.
type csPolicyRow struct {
	unet.PolicyImpact
	// Effect is "new failure", "fixed" or "changed".
	Effect string
}

// csRuleImpact counts the status changes of one rule.
type csRuleImpact struct {
	Rule, Severity     string
	NewFailures, Fixes int
	Other              int
	Objects            []string
	ObjectsMore        int
}

// csConfig is one node's configuration diff.
type csConfig struct {
	Node             string
	ElementID        string
	Added, Removed   int
	Lines            []diffLine
	Remediation      string
	RemediationError string
	Dialect          string
}

// csConflict is a staged object that changed since, with its fields.
type csConflict struct {
	unet.Conflict
	Lines []diffLine
}

// csMaxConfigDiffs bounds the configuration diffs a review page shows in
// full; the other nodes are listed with their counts.
const csMaxConfigDiffs = 200

// changeSetReview answers GET /ui/changesets/{id}.
func (u *UI) changeSetReview(w http.ResponseWriter, r *http.Request) error {
	return u.renderReview(w, r, http.StatusOK, r.PathValue("id"), "", nil, "")
}

// renderReview renders the review page of set id with status; refused,
// when not nil, is the refusal of the form action just posted, shown on the
// page with the text that was typed in it.
func (u *UI) renderReview(w http.ResponseWriter, r *http.Request, status int, id, action string, refused error, comment string) error {
	cs, err := withEngine(r.Context(), func(ctx context.Context) (*unet.ChangeSet, error) {
		return u.svc.GetChangeSet(ctx, id, unet.ChangeSetView{Impact: true})
	})
	if err != nil {
		return err
	}
	p := u.reviewPage(r.Context(), cs)
	if refused != nil {
		p.Error = refused.Error()
		p.Action, p.Comment = action, comment
	}
	return u.render(w, r, status, "changeset", view{Title: "Change set " + cs.ID + ": " + cs.Title, Nav: "changesets", Page: p})
}

// reviewPage computes what the review page shows of cs.
func (u *UI) reviewPage(ctx context.Context, cs *unet.ChangeSet) *csReviewPage {
	p := &csReviewPage{CS: cs}
	switch cs.State {
	case unet.ChangeSetProposed, unet.ChangeSetApproved:
		p.UnderReview = true
	case unet.ChangeSetOpen:
	default:
		p.Final = true
	}
	p.IsAuthor = cs.Author == unet.ActorFrom(ctx)
	p.CanDecide = p.UnderReview && !p.IsAuthor && can(ctx, unet.PermChangesApprove)
	p.CanApply = cs.State == unet.ChangeSetApproved && can(ctx, unet.PermChangesApply)
	for _, op := range cs.Ops {
		p.Ops = append(p.Ops, csOp{Seq: op.Seq, Summary: csOpSummary(op), AddedBy: op.AddedBy})
	}
	for _, c := range cs.Conflicts {
		p.Conflicts = append(p.Conflicts, csConflict{Conflict: c, Lines: csFieldLines(c.Fields, unet.OpUpdate)})
	}
	if im := cs.Impact; im != nil {
		p.ObjectsSource = "impact"
		for _, o := range im.Objects {
			p.Objects = append(p.Objects, csObject{Op: o.Op, Kind: o.Kind, Name: o.Name, URL: csObjectURL(o.Kind, o.Name, o.Op),
				Lines: csFieldLines(o.Fields, o.Op)})
		}
		p.policyImpact(im.Policy)
		for i, c := range im.Config {
			if i >= csMaxConfigDiffs {
				p.ConfigMore = im.Config[i:]
				break
			}
			cc := csConfig{Node: c.Node, ElementID: fmt.Sprintf("cs-config-%d", i), Added: c.Added, Removed: c.Removed,
				Lines: diffLines(c.Diff), RemediationError: c.RemediationError}
			if c.Remediation != nil {
				cc.Remediation, cc.Dialect = c.Remediation.Text, c.Remediation.Dialect
			}
			p.Config = append(p.Config, cc)
		}
		p.Guards = append([]unet.GuardResult(nil), im.Guards...)
		// Tripped guards first: they are what refuses an apply.
		sort.SliceStable(p.Guards, func(i, j int) bool { return p.Guards[i].Tripped && !p.Guards[j].Tripped })
		for _, g := range p.Guards {
			if g.Tripped {
				p.Tripped++
			}
		}
		p.Problems = im.Problems
	} else if cs.Batch != "" {
		p.ObjectsSource = "log"
		p.Objects = u.appliedObjects(ctx, cs)
	}
	p.CanForce = p.CanApply && p.Tripped > 0 && can(ctx, unet.PermChangesForce)
	p.Refusals = csRefusals(cs, p)
	return p
}

// csRefusals say why applying cs now would be refused, in the service's
// order: the state, the approvals, the conflicts, the guards.
func csRefusals(cs *unet.ChangeSet, p *csReviewPage) []string {
	var out []string
	switch cs.State {
	case unet.ChangeSetApproved:
	case unet.ChangeSetOpen:
		return []string{"it is a draft: its author must submit it for review first"}
	case unet.ChangeSetProposed:
		req := cs.Requirement
		out = append(out, fmt.Sprintf("it is not approved: %d of %d required approvals", req.Approvals, req.Required))
	default:
		return []string{"it is " + cs.State + ": it can no longer be applied"}
	}
	if n := len(cs.Conflicts); n > 0 {
		out = append(out, fmt.Sprintf("%s changed since staged (conflicts below; rebase the set)", csPlural(n, "object")))
	}
	if p.Tripped > 0 {
		out = append(out, fmt.Sprintf("%s tripped (an apply with force and a reason overrides them)", csPlural(p.Tripped, "guard")))
	}
	return out
}

// policyImpact classifies the policy status changes and counts them by
// rule.
func (p *csReviewPage) policyImpact(rows []unet.PolicyImpact) {
	byRule := map[string]*csRuleImpact{}
	var order []string
	for _, pi := range rows {
		row := csPolicyRow{PolicyImpact: pi, Effect: "changed"}
		ri := byRule[pi.Rule]
		if ri == nil {
			ri = &csRuleImpact{Rule: pi.Rule, Severity: pi.Severity}
			byRule[pi.Rule] = ri
			order = append(order, pi.Rule)
		}
		switch {
		case csIsFailure(pi.After) && !csIsFailure(pi.Before):
			row.Effect = "new failure"
			ri.NewFailures++
			p.NewFailures++
		case csIsFailure(pi.Before) && !csIsFailure(pi.After):
			row.Effect = "fixed"
			ri.Fixes++
			p.Fixes++
		default:
			ri.Other++
		}
		if len(ri.Objects) < 5 {
			ri.Objects = append(ri.Objects, pi.Kind+"/"+pi.Object)
		} else {
			ri.ObjectsMore++
		}
		p.PolicyRows = append(p.PolicyRows, row)
	}
	for _, name := range order {
		p.Policy = append(p.Policy, *byRule[name])
	}
	// The rules that break the most first.
	sort.SliceStable(p.Policy, func(i, j int) bool { return p.Policy[i].NewFailures > p.Policy[j].NewFailures })
}

func csIsFailure(status string) bool { return status == unet.StatusFail || status == unet.StatusError }

// csObjectURL links an object to its page where the interface has one (a
// deleted object has none).
func csObjectURL(kind, name, op string) string {
	if kind != unet.KindNode || op == unet.OpDelete || name == "" {
		return ""
	}
	return Prefix + "nodes/" + url.PathEscape(name)
}

func csPlural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
