package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// Bounds of what a change set takes.
const (
	maxChangeSetTitle       = 200
	maxChangeSetDescription = 10000
	maxChangeSetOps         = 10000
)

// stagingSet marks the dry run of a proposal, whose set has no ID yet: any
// non-empty set keeps the direct-write check out of a staged write.
const stagingSet = "cs-new"

// finalState reports whether a set in state takes no more transitions
// (an applied set can still be reverted).
func finalState(state string) bool {
	switch state {
	case unet.ChangeSetApplied, unet.ChangeSetRejected, unet.ChangeSetAbandoned, unet.ChangeSetReverted:
		return true
	}
	return false
}

// loadSet reads a set with its operations and decisions through r.
func loadSet(ctx context.Context, r sqlstore.Reader, ref string) (*unet.ChangeSet, error) {
	cs, err := r.GetChangeSet(ctx, ref)
	if err != nil {
		return nil, err
	}
	if cs.Ops, err = r.ListChangeOps(ctx, cs.ID); err != nil {
		return nil, err
	}
	if cs.Approvals, err = r.ListApprovals(ctx, cs.ID); err != nil {
		return nil, err
	}
	return cs, nil
}

// writeEvent appends one transition of set to the change-set history
// inside tx, with its changeset.<transition> event (an emergency
// application's event is emitted by the caller, as emergency.applied).
func (s *Service) writeEvent(ctx context.Context, tx *sqlstore.Tx, set, transition, from, to, detail string) error {
	e := &unet.ChangeEvent{ID: newID(), Time: s.now(), Actor: unet.ActorFrom(ctx),
		ChangeSet: set, Transition: transition, From: from, To: to, Detail: detail}
	if err := tx.InsertChangeEvent(ctx, e); err != nil {
		return err
	}
	if transition != unet.EventEmergency {
		emitChangeSetEvent(tx, e)
	}
	return nil
}

// checkSetText validates the title and description of a new set.
func checkSetText(title, description string) error {
	var fe []unet.FieldError
	switch {
	case title == "":
		fe = append(fe, unet.FieldError{Field: "title", Message: "is required: say what the change does"})
	case utf8.RuneCountInString(title) > maxChangeSetTitle:
		fe = append(fe, unet.FieldError{Field: "title", Message: fmt.Sprintf("must be at most %d characters", maxChangeSetTitle)})
	case !utf8.ValidString(title) || strings.ContainsAny(title, "\r\n\x00"):
		fe = append(fe, unet.FieldError{Field: "title", Message: "must be one line of text"})
	}
	if !utf8.ValidString(description) || utf8.RuneCountInString(description) > maxChangeSetDescription {
		fe = append(fe, unet.FieldError{Field: "description", Message: fmt.Sprintf("must be text of at most %d characters", maxChangeSetDescription)})
	}
	if len(fe) > 0 {
		return unet.Invalid("invalid change set", fe...)
	}
	return nil
}

// stageOps numbers new operations from first, stamps them with who added
// them and when, and checks their shape (errors positioned by operation).
func stageOps(ops []unet.ChangeOp, first int, actor string, now time.Time) ([]unet.ChangeOp, error) {
	if first-1+len(ops) > maxChangeSetOps {
		return nil, unet.Invalid("too many operations", unet.FieldError{Field: "ops",
			Message: fmt.Sprintf("a change set holds at most %d operations", maxChangeSetOps)})
	}
	out := make([]unet.ChangeOp, len(ops))
	for i, op := range ops {
		op.Seq = first + i
		op.Op = strings.ToLower(strings.TrimSpace(op.Op))
		op.Kind = strings.ToLower(strings.TrimSpace(op.Kind))
		op.Ref = strings.TrimSpace(op.Ref)
		op.AddedBy, op.AddedAt = actor, now
		op.Bases = []unet.OpBase{}
		if err := checkOp(op); err != nil {
			return nil, opError(op, err)
		}
		out[i] = op
	}
	return out, nil
}

// stagingMutation is the mutation of dry runs and applies of set: its rows
// carry the set, so that the direct-write check stays out of them. Reviews
// run it unscoped (a reviewer sees the whole set); staging and applying run
// it with the caller's write scopes.
func (s *Service) stagingMutation(ctx context.Context, set, reason string, scoped bool) mutation {
	m := s.mutation(ctx, reason)
	m.changeSet = set
	if !scoped {
		m.scopes = nil
	}
	return m
}

// ProposeChangeSet stages operations as a new set. Every operation is dry
// run first, against the current inventory: a failing one fails the
// proposal (positioned by operation) and nothing is stored.
func (s *Service) ProposeChangeSet(ctx context.Context, req unet.ChangeSetRequest) (*unet.ChangeSet, error) {
	title := strings.TrimSpace(req.Title)
	if err := checkSetText(title, req.Description); err != nil {
		return nil, err
	}
	if len(req.Ops) == 0 && !req.Draft {
		return nil, unet.Invalid("invalid change set", unet.FieldError{Field: "ops",
			Message: "a change set needs at least one operation (create it as a draft to add them later)"})
	}
	if err := checkPromotionAlone(req.Ops); err != nil {
		return nil, err
	}
	actor, now := unet.ActorFrom(ctx), s.now()
	ops, err := stageOps(req.Ops, 1, actor, now)
	if err != nil {
		return nil, err
	}
	rows, err := s.dryRunOps(ctx, ops, s.stagingMutation(ctx, stagingSet, title, true), nil)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i := range ops {
		ops[i].Bases = basesOf(rows[i], seen)
	}
	state := unet.ChangeSetProposed
	if req.Draft {
		state = unet.ChangeSetOpen
	}
	var id string
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		n, err := tx.NextChangeSetID(ctx)
		if err != nil {
			return err
		}
		id = sqlstore.ChangeSetID(n)
		cs := &unet.ChangeSet{ID: id, State: state, Title: title, Description: req.Description, Author: actor,
			CreatedAt: now, UpdatedAt: now, AutoApply: req.AutoApply}
		if err := tx.InsertChangeSet(ctx, cs); err != nil {
			return err
		}
		if err := tx.InsertChangeOps(ctx, id, ops); err != nil {
			return err
		}
		return s.writeEvent(ctx, tx, id, unet.EventCreated, "", state, fmt.Sprintf("%d operation(s)", len(ops)))
	})
	if err != nil {
		return nil, err
	}
	return s.GetChangeSet(ctx, id, unet.ChangeSetView{})
}

// AppendChangeOps adds operations to an open, proposed or approved set.
// The whole set is dry run again; the decisions on it are dismissed and an
// approved set goes back to proposed.
func (s *Service) AppendChangeOps(ctx context.Context, ref string, ops []unet.ChangeOp) (*unet.ChangeSet, error) {
	if len(ops) == 0 {
		return nil, unet.Invalid("nothing to append", unet.FieldError{Field: "ops", Message: "give at least one operation"})
	}
	cs, err := loadSet(ctx, s.db.Reader(), ref)
	if err != nil {
		return nil, err
	}
	if err := editable(cs, "add operations to"); err != nil {
		return nil, err
	}
	actor, now := unet.ActorFrom(ctx), s.now()
	added, err := stageOps(ops, len(cs.Ops)+1, actor, now)
	if err != nil {
		return nil, err
	}
	all := append(slices.Clone(cs.Ops), added...)
	if err := checkPromotionAlone(all); err != nil {
		return nil, err
	}
	rows, err := s.dryRunOps(ctx, all, s.stagingMutation(ctx, cs.ID, cs.Title, true), nil)
	if err != nil {
		return nil, err
	}
	// Objects the set's earlier operations touch keep their bases (an
	// object created by the set has a new ID in every dry run).
	seen := map[string]bool{}
	for i := range cs.Ops {
		basesOf(rows[i], seen)
	}
	for i := range added {
		added[i].Bases = basesOf(rows[len(cs.Ops)+i], seen)
	}
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.LockChangeSet(ctx, cs.ID); err != nil {
			return err
		}
		cur := *cs
		if err := tx.InsertChangeOps(ctx, cur.ID, added); err != nil {
			return err
		}
		if err := s.writeEvent(ctx, tx, cur.ID, unet.EventAppended, cur.State, cur.State,
			fmt.Sprintf("operation(s) %d-%d", added[0].Seq, added[len(added)-1].Seq)); err != nil {
			return err
		}
		return s.dismissApprovals(ctx, tx, &cur, now)
	})
	if err != nil {
		return nil, err
	}
	return s.GetChangeSet(ctx, cs.ID, unet.ChangeSetView{})
}

// editable refuses changes to a set that is not open, proposed or approved.
func editable(cs *unet.ChangeSet, what string) error {
	switch cs.State {
	case unet.ChangeSetOpen, unet.ChangeSetProposed, unet.ChangeSetApproved:
		return nil
	}
	return unet.Errorf(unet.ECONFLICT, "%s is %s: only an open, proposed or approved set can be changed; cannot %s it", cs.ID, cs.State, what)
}

// dismissApprovals dismisses the live decisions on cs (its operations
// changed), moves an approved set back to proposed and writes the set
// (version-checked) with the events of it.
func (s *Service) dismissApprovals(ctx context.Context, tx *sqlstore.Tx, cs *unet.ChangeSet, now time.Time) error {
	n, err := tx.DismissApprovals(ctx, cs.ID, now)
	if err != nil {
		return err
	}
	from := cs.State
	if cs.State == unet.ChangeSetApproved {
		cs.State = unet.ChangeSetProposed
	}
	cs.UpdatedAt = now
	if err := tx.UpdateChangeSet(ctx, cs); err != nil {
		return err
	}
	if n == 0 && from == cs.State {
		return nil
	}
	return s.writeEvent(ctx, tx, cs.ID, unet.EventApprovalDismissed, from, cs.State,
		fmt.Sprintf("%d decision(s) dismissed: the operations changed", n))
}

// GetChangeSet returns a set with its decisions, approval requirement and
// conflicts, and with its impact when v asks for it (open, proposed and
// approved sets only).
func (s *Service) GetChangeSet(ctx context.Context, ref string, v unet.ChangeSetView) (*unet.ChangeSet, error) {
	r := s.db.Reader()
	cs, err := loadSet(ctx, r, ref)
	if err != nil {
		return nil, err
	}
	if err := s.annotate(ctx, r, cs, v.Impact); err != nil {
		return nil, err
	}
	return cs, nil
}

// annotate fills in what is computed rather than stored: the requirement,
// the conflicts and (when asked for) the impact.
func (s *Service) annotate(ctx context.Context, r sqlstore.Reader, cs *unet.ChangeSet, impact bool) error {
	if finalState(cs.State) {
		objs, err := storedTouched(ctx, r, cs)
		if err != nil {
			return err
		}
		req, err := s.approvalRequirement(ctx, r, objs, cs.Approvals)
		if err != nil {
			return err
		}
		cs.Requirement = req
		return nil
	}
	// One dry run serves the requirement, the conflicts and the impact.
	m := s.stagingMutation(ctx, cs.ID, cs.Title, false)
	var run impactRun
	if impact {
		var err error
		if run, err = s.reviewImpact(ctx, r, cs, m); err != nil {
			return err
		}
	} else {
		run.rows, run.runErr = s.dryRunOps(ctx, cs.Ops, m, nil)
	}
	rows, runErr := run.rows, run.runErr
	if runErr != nil && unet.ErrorCode(runErr) == unet.EINTERNAL {
		return runErr
	}
	objs := touchedObjects(rows)
	if runErr != nil {
		rows = nil
		objs = basesTouched(cs)
	}
	req, err := s.approvalRequirement(ctx, r, objs, cs.Approvals)
	if err != nil {
		return err
	}
	cs.Requirement = req
	found, err := s.findConflicts(ctx, r, cs, rows)
	if err != nil {
		return err
	}
	cs.Conflicts = conflictList(found)
	if !impact {
		return nil
	}
	imp, err := run.impact, run.err
	if runErr != nil {
		// The operations no longer run: that is the impact's failure.
		err = runErr
	}
	if err != nil {
		if unet.ErrorCode(err) == unet.EINTERNAL {
			return err
		}
		imp = &unet.Impact{ComputedAt: s.now(), Objects: []unet.ObjectImpact{}, Policy: []unet.PolicyImpact{},
			Config: []unet.ConfigImpact{}, Guards: []unet.GuardResult{},
			Problems: []unet.ImpactProblem{{Stage: "after", Message: err.Error()}}}
	}
	cs.Impact = imp
	return nil
}

// basesTouched is what a set touches as far as its bases tell: each object
// as staged, on both sides (for sets whose operations no longer run).
func basesTouched(cs *unet.ChangeSet) []touched {
	out := []touched{}
	for _, op := range cs.Ops {
		for _, b := range op.Bases {
			out = append(out, touched{Kind: b.Kind, ID: b.ID, Name: b.Name, Before: b.Image, After: b.Image})
		}
	}
	return out
}

// storedTouched is what a final set touched: the rows of its apply when it
// was applied, its bases otherwise.
func storedTouched(ctx context.Context, r sqlstore.Reader, cs *unet.ChangeSet) ([]touched, error) {
	if cs.Batch == "" {
		return basesTouched(cs), nil
	}
	rows, err := r.ChangesOfBatch(ctx, cs.Batch)
	if err != nil {
		return nil, err
	}
	return touchedObjects([][]unet.Change{rows}), nil
}

// ListChangeSets returns a page of sets, newest first, without impact,
// requirement or conflicts.
func (s *Service) ListChangeSets(ctx context.Context, f unet.ChangeSetFilter) (*unet.List[unet.ChangeSet], error) {
	if f.State != "" && !slices.Contains(unet.ChangeSetStates(), f.State) {
		return nil, unet.Invalid("invalid filter", unet.FieldError{Field: "state",
			Message: fmt.Sprintf("unknown state %q (%s)", f.State, strings.Join(unet.ChangeSetStates(), ", "))})
	}
	return s.db.Reader().ListChangeSets(ctx, f)
}

// ListChangeEvents returns change events oldest first.
func (s *Service) ListChangeEvents(ctx context.Context, f unet.ChangeEventFilter) (*unet.List[unet.ChangeEvent], error) {
	return s.db.Reader().ListChangeEvents(ctx, f)
}
