package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync"
	"github.com/unet-dev/unet/sqlstore"
)

// PromoteGitSource moves environment to's branch to environment from's
// active commit and pushes it (fast-forward, or a merge commit when the
// changed files are disjoint; prefer "source" or "target" resolves files
// both sides changed) — or proposes it as a change set when an approval
// rule covers it (see PromoteGit).
func (s *Service) PromoteGitSource(ctx context.Context, name, from, to, prefer string) (*unet.GitPromoteResult, error) {
	return s.PromoteGit(ctx, unet.GitPromoteRequest{Source: name, From: from, To: to, Prefer: prefer})
}

// PromoteGit requires approval for, or performs, a promotion. The
// promotion is the git_source object's operation promote with the image
// unet.GitPromotion; when an approval rule matches it (or req.Propose
// asks), it is proposed as a change set holding that one operation and
// nothing is pushed: applying the approved set performs it (ApplyChangeSet).
// Otherwise, and with req.Emergency and a reason, it is performed at once:
// a conflict returns the result listing the files and a conflict error
// (nothing pushed); a push is recorded in the change log with the event
// git.promoted, and the activation that follows too. Canary promotion
// shares the decision (promotionMode) and the apply (promotionApproved,
// markPromotionApplied).
func (s *Service) PromoteGit(ctx context.Context, req unet.GitPromoteRequest) (*unet.GitPromoteResult, error) {
	req.Reason = strings.TrimSpace(req.Reason)
	src, promo, err := s.planPromotion(ctx, req)
	if err != nil {
		return nil, err
	}
	m, propose, err := s.promotionMode(ctx, promo, req.Propose, req.Emergency, req.Reason, "git promote "+promo.From+" → "+promo.To)
	if err != nil {
		return nil, err
	}
	if propose {
		return s.proposePromotion(ctx, promo, req.Reason)
	}
	return s.performPromotion(ctx, src, promo, m, nil)
}

// promotionMode decides how a promotion (of a Git source or a canary, as
// the approval rules see it) goes: with emergency and a reason it is
// performed at once under an emergency mutation; it is proposed when
// propose asks or an approval rule covers it; otherwise it is performed
// under a mutation with reason (fallback when reason is empty).
func (s *Service) promotionMode(ctx context.Context, p unet.GitPromotion, propose, emergency bool, reason, fallback string) (mutation, bool, error) {
	if emergency {
		if propose {
			return mutation{}, false, unet.Errorf(unet.EINVALID, "--propose and --emergency exclude each other")
		}
		m, err := s.writeMutation(ctx, reason, true)
		return m, false, err
	}
	if !propose {
		reqm, err := s.approvalRequirement(ctx, s.db.Reader(), []touched{promotionTouched(p)}, nil)
		if err != nil {
			return mutation{}, false, err
		}
		propose = len(reqm.Rules) > 0
	}
	if propose {
		return mutation{}, true, nil
	}
	if reason == "" {
		reason = fallback
	}
	return s.mutation(ctx, reason), false, nil
}

// planPromotion checks a promotion request and reads the commit it would
// promote (from's active commit).
func (s *Service) planPromotion(ctx context.Context, req unet.GitPromoteRequest) (*unet.GitSource, unet.GitPromotion, error) {
	var promo unet.GitPromotion
	src, err := s.db.Reader().GetGitSource(ctx, req.Source)
	if err != nil {
		return nil, promo, err
	}
	if req.From == "" || req.To == "" {
		return nil, promo, unet.Errorf(unet.EINVALID, "promotion needs a source and a target environment")
	}
	for _, env := range []string{req.From, req.To} {
		if err := checkEnv(src, env); err != nil {
			return nil, promo, err
		}
	}
	if req.From == req.To {
		return nil, promo, unet.Errorf(unet.EINVALID, "promote %s: from and to are the same environment", src.Name)
	}
	switch gitsync.Prefer(req.Prefer) {
	case gitsync.PreferNone, gitsync.PreferSource, gitsync.PreferTarget:
	default:
		return nil, promo, unet.Errorf(unet.EINVALID, "prefer %q: use source or target", req.Prefer)
	}
	if err := checkComment("reason", req.Reason, false); err != nil {
		return nil, promo, err
	}
	gs := toGitsync(src)
	branch := gs.Environment(req.To).Branch()
	if branch == "" {
		return nil, promo, unet.Errorf(unet.EINVALID, "promote %s: environment %s does not follow a branch", src.Name, req.To)
	}
	st, err := loadGitState(ctx, s.db.Reader(), src.Name)
	if err != nil {
		return nil, promo, err
	}
	fromEnv := gs.Environment(req.From).Name
	commit := st.Environments[fromEnv].Commit
	if commit == "" {
		return nil, promo, unet.Errorf(unet.ECONFLICT, "promote %s from %s: no commit is active there yet: run `unet git sync` first", src.Name, req.From)
	}
	promo = unet.GitPromotion{Name: src.Name, From: req.From, To: req.To, Branch: branch, Commit: commit, Prefer: req.Prefer}
	return src, promo, nil
}

// promotionTouched is a promotion as the approval rules see it: the
// git_source object, with the promotion as its after image.
func promotionTouched(p unet.GitPromotion) touched {
	return touched{Kind: unet.KindGitSource, ID: p.Name, Name: p.Name, Before: image(nil), After: image(p)}
}

// promotionOp is the change-set operation of a promotion.
func promotionOp(p unet.GitPromotion) unet.ChangeOp {
	return unet.ChangeOp{Op: unet.OpPromote, Kind: unet.KindGitSource, Ref: p.Name, Data: image(p)}
}

// proposePromotion stages a promotion as a new, proposed change set.
func (s *Service) proposePromotion(ctx context.Context, p unet.GitPromotion, reason string) (*unet.GitPromoteResult, error) {
	title := fmt.Sprintf("Promote Git source %s from %s to %s (commit %s)", p.Name, p.From, p.To, shortHash(p.Commit))
	cs, err := s.ProposeChangeSet(ctx, unet.ChangeSetRequest{Title: title, Description: reason, Ops: []unet.ChangeOp{promotionOp(p)}})
	if err != nil {
		return nil, err
	}
	return &unet.GitPromoteResult{Source: p.Name, From: p.From, To: p.To, Branch: p.Branch, Kind: unet.GitPromoteProposed,
		Commit: p.Commit, ChangeSet: cs}, nil
}

// performPromotion pushes a promotion and, when something was pushed,
// records it (change row and git.promoted) in one transaction; finish,
// when set, runs in that transaction too (the apply of a change set
// marks the set applied there). The commit promoted must still be from's
// active commit.
func (s *Service) performPromotion(ctx context.Context, src *unet.GitSource, p unet.GitPromotion, m mutation,
	finish func(tx *sqlstore.Tx, out *unet.GitPromoteResult) error) (*unet.GitPromoteResult, error) {
	sy, err := s.syncer()
	if err != nil {
		return nil, err
	}
	actor := unet.ActorFrom(ctx)
	email := actor
	if !strings.Contains(email, "@") {
		email += "@localhost"
	}
	res, perr := sy.Promote(withSourceDirs(withGitTrigger(ctx, string(gitsync.TriggerPromote)), src), toGitsync(src), p.From, p.To,
		gitsync.PromoteOptions{Prefer: gitsync.Prefer(p.Prefer), AuthorName: actor, AuthorEmail: email, Commit: p.Commit})
	out := promoteResult(res)
	if res.TargetAfter != "" || (perr == nil && finish != nil) {
		before := map[string]any{"environment": p.To, "branch": res.Branch, "commit": res.TargetBefore}
		record := func(withFinish bool) error {
			return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
				if res.TargetAfter != "" {
					if err := m.record(ctx, tx, unet.KindGitSource, p.Name, p.Name, unet.OpPromote, before, out); err != nil {
						return err
					}
					emitPromoted(tx, m, out)
					if err := s.finishWrite(ctx, tx, m, nil); err != nil {
						return err
					}
				}
				if withFinish {
					return finish(tx, out)
				}
				return nil
			})
		}
		withFinish := finish != nil && perr == nil
		err := record(withFinish)
		if err != nil && withFinish && res.TargetAfter != "" {
			// The push happened: it is recorded even when the set could not
			// be marked applied (the error says why).
			if rerr := record(false); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
		if err != nil && perr == nil {
			perr = err
		}
	}
	if perr != nil {
		if errors.Is(perr, gitsync.ErrConflict) {
			fe := make([]unet.FieldError, 0, len(out.Conflicts))
			for _, c := range out.Conflicts {
				fe = append(fe, unet.FieldError{File: c.Path, Message: fmt.Sprintf("changed on both sides: source %s, target %s",
					orAbsent(c.SourceHash), orAbsent(c.TargetHash))})
			}
			return out, &unet.Error{Code: unet.ECONFLICT, Fields: fe, Err: perr, Message: fmt.Sprintf(
				"cannot promote %s from %s to %s: both changed the same files; nothing was pushed (use --prefer source|target, or merge in Git and retry)",
				p.Name, p.From, p.To)}
		}
		if errors.Is(perr, gitsync.ErrSourceMoved) {
			return out, &unet.Error{Code: unet.ECONFLICT, Err: perr, Message: fmt.Sprintf(
				"cannot promote %s from %s to %s: %v; nothing was pushed (propose the promotion again)", p.Name, p.From, p.To, perr)}
		}
		return out, gitError(perr)
	}
	return out, nil
}

// emitPromoted queues git.promoted for a pushed promotion in tx.
func emitPromoted(tx *sqlstore.Tx, m mutation, out *unet.GitPromoteResult) {
	d := unet.GitPromotedData{Source: out.Source, From: out.From, To: out.To, Branch: out.Branch, Kind: out.Kind, Commit: out.Commit,
		Before: out.TargetBefore, After: out.TargetAfter, Conflicts: len(out.Conflicts), ChangeSet: m.changeSet,
		Emergency: m.emergency, Reason: m.reason}
	if a := out.Activation; a != nil {
		d.Activated, d.ActiveCommit = a.Outcome == unet.GitActivated, a.Commit
	}
	data, _ := json.Marshal(d) // plain strings, ints and bools
	tx.Emit(unet.Event{Type: unet.EventGitPromoted, Time: m.now, Actor: m.actor, Subject: unet.KindGitSource + "/" + out.Source,
		Summary: fmt.Sprintf("%s: %s promoted to %s (%s, %s)", out.Source, out.From, out.To, strings.ReplaceAll(out.Kind, "_", "-"), shortHash(out.TargetAfter)),
		Data:    data})
}

// stagePromotion is the promote operation of a change set inside a
// transaction (its dry runs): it checks the promotion against the source
// and writes its change row, whose after image the approval rules see.
// The push itself happens only when the set is applied (applyPromotion).
func (s *Service) stagePromotion(ctx context.Context, tx *sqlstore.Tx, op unet.ChangeOp, m mutation) error {
	var p unet.GitPromotion
	if err := decodeOpData(op.Data, &p); err != nil {
		return err
	}
	if p.Name != op.Ref {
		return unet.Invalid("invalid promotion", unet.FieldError{Field: "data.name", Message: fmt.Sprintf("%q is not the source of the operation (%q)", p.Name, op.Ref)})
	}
	if p.Commit == "" || !isCommitID(p.Commit) {
		return unet.Invalid("invalid promotion", unet.FieldError{Field: "data.commit", Message: "must be the commit to promote"})
	}
	src, err := tx.Reader().GetGitSource(ctx, p.Name)
	if err != nil {
		return err
	}
	for _, env := range []string{p.From, p.To} {
		if err := checkEnv(src, env); err != nil {
			return err
		}
	}
	if p.From == "" || p.To == "" || p.From == p.To {
		return unet.Errorf(unet.EINVALID, "a promotion needs two different environments")
	}
	switch gitsync.Prefer(p.Prefer) {
	case gitsync.PreferNone, gitsync.PreferSource, gitsync.PreferTarget:
	default:
		return unet.Errorf(unet.EINVALID, "prefer %q: use source or target", p.Prefer)
	}
	p.Branch = toGitsync(src).Environment(p.To).Branch()
	return m.record(ctx, tx, unet.KindGitSource, p.Name, p.Name, unet.OpPromote, nil, p)
}

// promotionOf returns the promotion a set carries, or nil for a set of
// inventory operations.
func promotionOf(cs *unet.ChangeSet) *unet.ChangeOp {
	for i := range cs.Ops {
		if cs.Ops[i].Op == unet.OpPromote {
			return &cs.Ops[i]
		}
	}
	return nil
}

// checkPromotionAlone refuses a set that mixes a promotion with other
// operations: a promotion pushes to Git, which cannot share the
// transaction of inventory writes.
func checkPromotionAlone(ops []unet.ChangeOp) error {
	n := 0
	for _, op := range ops {
		if strings.EqualFold(strings.TrimSpace(op.Op), unet.OpPromote) {
			n++
		}
	}
	if n > 0 && len(ops) > 1 {
		return unet.Invalid("invalid change set", unet.FieldError{Field: "ops",
			Message: "a promotion is the only operation of its change set"})
	}
	return nil
}

// applyPromotion applies a change set carrying a promotion: with the
// approvals its rules need (or as an emergency), it pushes the commit
// recorded at proposal time — refused with a conflict when the environment
// promoted from has moved since — and marks the set applied in the
// transaction that records the promotion. A failed push leaves the set as
// it was.
func (s *Service) applyPromotion(ctx context.Context, cs *unet.ChangeSet, op *unet.ChangeOp, o unet.ApplyOptions) (*unet.ChangeSet, error) {
	if p := unet.PrincipalFrom(ctx); p != nil && !p.Can(unet.PermGitPromote) {
		return nil, unet.Errorf(unet.EFORBIDDEN, "applying %s promotes a Git source, which needs permission %s", cs.ID, unet.PermGitPromote)
	}
	if op.Kind == unet.KindCanary {
		return s.applyCanaryPromotion(ctx, cs, op, o)
	}
	var promo unet.GitPromotion
	if err := decodeOpData(op.Data, &promo); err != nil {
		return nil, opError(*op, err)
	}
	if err := s.promotionApproved(ctx, cs, promo, o); err != nil {
		return nil, err
	}
	src, err := s.db.Reader().GetGitSource(ctx, promo.Name)
	if err != nil {
		return nil, opError(*op, err)
	}
	m := s.promotionSetMutation(ctx, cs, o)
	_, err = s.performPromotion(ctx, src, promo, m, func(tx *sqlstore.Tx, out *unet.GitPromoteResult) error {
		detail := fmt.Sprintf("promoted %s from %s to %s: %s", promo.Name, promo.From, promo.To, strings.ReplaceAll(out.Kind, "_", " "))
		if out.TargetAfter != "" {
			detail += ", batch " + m.batch
		}
		return s.markPromotionApplied(ctx, tx, cs, m, o, detail)
	})
	if err != nil {
		return nil, err
	}
	return s.GetChangeSet(ctx, cs.ID, unet.ChangeSetView{})
}

// promotionApproved refuses the apply of a set carrying promotion p
// unless it has the approvals the rules covering p require (an emergency
// needs none).
func (s *Service) promotionApproved(ctx context.Context, cs *unet.ChangeSet, p unet.GitPromotion, o unet.ApplyOptions) error {
	if o.Emergency {
		return nil
	}
	req, err := s.approvalRequirement(ctx, s.db.Reader(), []touched{promotionTouched(p)}, cs.Approvals)
	if err != nil {
		return err
	}
	if !req.Satisfied {
		return unet.Errorf(unet.EFORBIDDEN, "%s needs %d approval(s) and has %d: it cannot be applied yet", cs.ID, req.Required, req.Approvals)
	}
	return nil
}

// promotionSetMutation is the mutation of a promotion set's apply.
func (s *Service) promotionSetMutation(ctx context.Context, cs *unet.ChangeSet, o unet.ApplyOptions) mutation {
	reason := cs.Title
	if o.Reason != "" {
		reason = o.Reason
	}
	m := s.stagingMutation(ctx, cs.ID, reason, true)
	m.emergency = o.Emergency
	return m
}

// promotionSetCurrent refuses a promotion set that changed since it was
// read (approved, rejected or applied meanwhile); it runs before anything
// is pushed.
func (s *Service) promotionSetCurrent(ctx context.Context, cs *unet.ChangeSet) error {
	cur, err := loadSet(ctx, s.db.Reader(), cs.ID)
	if err != nil {
		return err
	}
	return setUnchanged(cs, cur)
}

// setUnchanged refuses cur, the stored state of set cs, when it changed
// since cs was read.
func setUnchanged(cs, cur *unet.ChangeSet) error {
	if cur.Version != cs.Version {
		return unet.Errorf(unet.ECONFLICT, "%s changed while it was being applied (now %s): look at it again", cs.ID, cur.State)
	}
	return nil
}

// markPromotionApplied marks a promotion set applied in tx, the
// transaction that records the promotion: the set must not have changed
// since it was read; an emergency apply is flagged; detail says what the
// promotion did.
func (s *Service) markPromotionApplied(ctx context.Context, tx *sqlstore.Tx, cs *unet.ChangeSet, m mutation, o unet.ApplyOptions, detail string) error {
	if err := tx.LockChangeSet(ctx, cs.ID); err != nil {
		return err
	}
	cur, err := loadSet(ctx, tx.Reader(), cs.ID)
	if err != nil {
		return err
	}
	if err := setUnchanged(cs, cur); err != nil {
		return err
	}
	objs := make([]string, 0, len(cs.Ops))
	for _, op := range cs.Ops {
		objs = append(objs, op.Kind+"/"+op.Ref)
	}
	from, err := s.markApplied(ctx, tx, cur, m, o, objs)
	if err != nil {
		return err
	}
	return s.writeEvent(ctx, tx, cur.ID, unet.EventApplied, from, cur.State, detail)
}
