package service

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync"
	"github.com/unet-dev/unet/sqlstore"
)

// PromoteCanary requires approval for, or performs, a canary promotion.
// Approval rules see it as a promotion of the canary's source from
// "canary:NAME" to its environment (unet.CanaryPromotion.Promotion); when
// one covers it (or req.Propose asks), it is proposed as a change set
// holding the one operation promote of kind canary and the canary stays
// active: applying the approved set promotes it (applyCanaryPromotion).
// Otherwise, and with req.Emergency and a reason, it is performed at once
// (promoteCanaryNow).
func (s *Service) PromoteCanary(ctx context.Context, req unet.CanaryPromoteRequest) (*unet.CanaryPromoteResult, error) {
	req.Reason = strings.TrimSpace(req.Reason)
	if err := checkComment("reason", req.Reason, false); err != nil {
		return nil, err
	}
	c, err := s.db.Reader().GetCanary(ctx, req.Name)
	if err != nil {
		return nil, err
	}
	if c.State != unet.CanaryActive {
		return nil, unet.Errorf(unet.ECONFLICT, "canary %s is not active (it is %s)", c.Name, c.State)
	}
	src, err := s.db.Reader().GetGitSource(ctx, c.Source)
	if err != nil {
		return nil, err
	}
	promo := canaryPromotion(src, c)
	m, propose, err := s.promotionMode(ctx, promo.Promotion(), req.Propose, req.Emergency, req.Reason, "canary promote "+c.Name)
	if err != nil {
		return nil, err
	}
	if propose {
		title := fmt.Sprintf("Promote canary %s: %s %s of %s to %s", c.Name, c.CandidateKind, shortHash(c.Commit), c.Source, c.Environment)
		cs, err := s.ProposeChangeSet(ctx, unet.ChangeSetRequest{Title: title, Description: req.Reason, Ops: []unet.ChangeOp{canaryPromotionOp(promo)}})
		if err != nil {
			return nil, err
		}
		return &unet.CanaryPromoteResult{Kind: unet.CanaryPromoteProposed, Canary: c, ChangeSet: cs}, nil
	}
	out, err := s.promoteCanaryNow(ctx, c, m, nil)
	if out == nil {
		return nil, err
	}
	return &unet.CanaryPromoteResult{Kind: unet.CanaryPromoteDone, Canary: out}, err
}

// canaryPromotion is the promotion of canary c of source src.
func canaryPromotion(src *unet.GitSource, c *unet.Canary) unet.CanaryPromotion {
	return unet.CanaryPromotion{Canary: c.Name, Source: c.Source, Environment: c.Environment,
		Branch: toGitsync(src).Environment(c.Environment).Branch(), CandidateKind: c.CandidateKind, Commit: c.Commit}
}

// canaryPromotionOp is the change-set operation of a canary promotion.
func canaryPromotionOp(p unet.CanaryPromotion) unet.ChangeOp {
	return unet.ChangeOp{Op: unet.OpPromote, Kind: unet.KindCanary, Ref: p.Canary, Data: image(p)}
}

// checkCanaryPromotion refuses a staged canary promotion that is not
// canary c's: another source, environment or candidate.
func checkCanaryPromotion(c *unet.Canary, p unet.CanaryPromotion) error {
	if p.Source != c.Source || p.Environment != c.Environment || p.Commit != c.Commit {
		return unet.Errorf(unet.ECONFLICT, "canary %s now serves %s of %s (%s), not the %s of %s (%s) proposed: propose the promotion again",
			c.Name, shortHash(c.Commit), c.Source, c.Environment, shortHash(p.Commit), p.Source, p.Environment)
	}
	return nil
}

// stageCanaryPromotion is the promote operation of kind canary inside a
// transaction (the dry runs of a change set): it checks the promotion
// against the canary and writes the git_source change row of the
// promotion as approval rules see it. The canary is promoted only when the
// set is applied (applyCanaryPromotion).
func (s *Service) stageCanaryPromotion(ctx context.Context, tx *sqlstore.Tx, op unet.ChangeOp, m mutation) error {
	var p unet.CanaryPromotion
	if err := decodeOpData(op.Data, &p); err != nil {
		return err
	}
	if p.Canary != op.Ref {
		return unet.Invalid("invalid canary promotion", unet.FieldError{Field: "data.canary", Message: fmt.Sprintf("%q is not the canary of the operation (%q)", p.Canary, op.Ref)})
	}
	c, err := tx.Reader().GetCanary(ctx, p.Canary)
	if err != nil {
		return err
	}
	if err := checkCanaryPromotion(c, p); err != nil {
		return err
	}
	src, err := tx.Reader().GetGitSource(ctx, c.Source)
	if err != nil {
		return err
	}
	promo := canaryPromotion(src, c).Promotion()
	return m.record(ctx, tx, unet.KindGitSource, promo.Name, promo.Name, unet.OpPromote, nil, promo)
}

// applyCanaryPromotion applies a change set carrying a canary promotion:
// with the approvals its rules need (or as an emergency), it promotes the
// canary — refused with a conflict when the canary has ended or serves
// another candidate since the proposal — and marks the set applied in the
// transaction that ends the canary as promoted. A failed promotion leaves
// the set as it was.
func (s *Service) applyCanaryPromotion(ctx context.Context, cs *unet.ChangeSet, op *unet.ChangeOp, o unet.ApplyOptions) (*unet.ChangeSet, error) {
	var p unet.CanaryPromotion
	if err := decodeOpData(op.Data, &p); err != nil {
		return nil, opError(*op, err)
	}
	if err := s.promotionApproved(ctx, cs, p.Promotion(), o); err != nil {
		return nil, err
	}
	c, err := s.db.Reader().GetCanary(ctx, p.Canary)
	if err != nil {
		return nil, opError(*op, err)
	}
	if c.State != unet.CanaryActive {
		return nil, unet.Errorf(unet.ECONFLICT, "%s promotes canary %s, which has ended (%s) since it was proposed: nothing was pushed (start a canary again and propose its promotion)",
			cs.ID, c.Name, c.State)
	}
	if err := checkCanaryPromotion(c, p); err != nil {
		return nil, err
	}
	if err := s.promotionSetCurrent(ctx, cs); err != nil {
		return nil, err
	}
	m := s.promotionSetMutation(ctx, cs, o)
	_, err = s.promoteCanaryNow(ctx, c, m, func(tx *sqlstore.Tx, out *unet.Canary) error {
		detail := fmt.Sprintf("promoted canary %s: %s of %s is active in %s, batch %s", c.Name, shortHash(c.Commit), c.Source, c.Environment, m.batch)
		return s.markPromotionApplied(ctx, tx, cs, m, o, detail)
	})
	if err != nil {
		got, gerr := s.GetChangeSet(ctx, cs.ID, unet.ChangeSetView{})
		if gerr == nil && got.State == unet.ChangeSetApplied {
			// Promoted and applied; only what follows (evaluating the
			// inventory again) failed.
			return got, err
		}
		return nil, err
	}
	return s.GetChangeSet(ctx, cs.ID, unet.ChangeSetView{})
}

// promoteCanaryNow moves the environment's branch to the candidate (a
// commit or branch candidate: fast-forward only; a path candidate: a commit
// of its files as the actor), pushes it and syncs, so the candidate
// activates through the normal validated path; then the canary ends as
// promoted and every node is evaluated again. Every change row is written
// under m; finish, when set, runs in the transaction that ends the canary
// (the apply of a change set marks the set applied there).
func (s *Service) promoteCanaryNow(ctx context.Context, c *unet.Canary, m mutation, finish func(tx *sqlstore.Tx, out *unet.Canary) error) (*unet.Canary, error) {
	src, err := s.db.Reader().GetGitSource(ctx, c.Source)
	if err != nil {
		return nil, err
	}
	sy, err := s.syncer()
	if err != nil {
		return nil, err
	}
	gctx := withSourceDirs(withGitTrigger(ctx, string(gitsync.TriggerPromote)), src)
	var activated string
	switch c.CandidateKind {
	case unet.CanaryPath:
		if activated, err = s.commitCanaryFiles(gctx, sy, src, c, m); err != nil {
			return nil, err
		}
	default:
		res, err := sy.FastForward(gctx, toGitsync(src), c.Environment, c.Commit)
		if errors.Is(err, gitsync.ErrDiverged) {
			return nil, &unet.Error{Code: unet.ECONFLICT, Err: err, Message: fmt.Sprintf(
				"cannot promote canary %s: %v; nothing was pushed (merge the candidate into the branch and start a canary of the merge)", c.Name, err)}
		}
		if err != nil {
			return nil, gitError(err)
		}
		if res.TargetAfter != "" {
			before := map[string]any{"environment": c.Environment, "branch": res.Branch, "commit": res.TargetBefore}
			if err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
				return m.record(ctx, tx, unet.KindGitSource, src.Name, src.Name, unet.OpPromote, before, promoteResult(res))
			}); err != nil {
				return nil, err
			}
		}
		if a := res.Activation; a != nil && a.Outcome == gitsync.OutcomeRejected {
			return nil, gitError(&gitsync.RejectedError{Commit: a.Commit, Errors: a.Errors})
		}
		activated = c.Commit
	}
	st, err := loadGitState(ctx, s.db.Reader(), src.Name)
	if err != nil {
		return nil, err
	}
	if es := st.Environments[c.Environment]; c.CandidateKind != unet.CanaryPath && es.Commit != c.Commit {
		msg := fmt.Sprintf("canary %s: the branch was moved to %s but environment %s is at %s", c.Name, shortHash(c.Commit), c.Environment, shortHash(es.Commit))
		if es.Pinned {
			msg += " (it is pinned: `unet git unpin` it)"
		}
		return nil, unet.Errorf(unet.ECONFLICT, "%s; the canary stays active", msg)
	} else if c.CandidateKind == unet.CanaryPath && es.Commit != activated {
		msg := fmt.Sprintf("canary %s: the files were committed as %s but environment %s is at %s", c.Name, shortHash(activated),
			c.Environment, shortHash(es.Commit))
		if es.Pinned {
			msg += " (it is pinned: `unet git unpin` it)"
		}
		return nil, unet.Errorf(unet.ECONFLICT, "%s; the canary stays active", msg)
	}
	out, err := s.endCanaryWith(ctx, m, c.Name, unet.CanaryPromoted, unet.CanaryReasonPromoted, "active commit "+shortHash(activated), c.Summary, finish)
	if err != nil {
		return out, err
	}
	// Every node of the environment now sees the candidate.
	if _, err := s.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true}); err != nil && !errors.Is(err, ErrNoPolicies) {
		return out, fmt.Errorf("canary %s promoted; evaluating the inventory again failed: %w", c.Name, err)
	}
	return out, nil
}

// commitCanaryFiles commits the files of a path candidate to the
// environment's branch as the actor (one commit per top-level directory of
// the files) and syncs; it returns the branch's commit with the files.
func (s *Service) commitCanaryFiles(ctx context.Context, sy *gitsync.Syncer, src *unet.GitSource, c *unet.Canary, m mutation) (string, error) {
	_, files, err := s.db.Reader().GitSnapshot(ctx, c.Source, c.Snapshot)
	if err != nil {
		return "", unet.Errorf(unet.EUNAVAILABLE, "canary %s: candidate content: %v", c.Name, err)
	}
	byDir := map[string]map[string][]byte{}
	for _, f := range files {
		dir, rest, ok := strings.Cut(f.Path, "/")
		if !ok {
			return "", unet.Errorf(unet.EINVALID, "canary %s: file %s is at the top of the source: promotion commits directories (put rules under policies/ and templates under templates/)", c.Name, f.Path)
		}
		if byDir[dir] == nil {
			byDir[dir] = map[string][]byte{}
		}
		byDir[dir][rest] = f.Content
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	actor := unet.ActorFrom(ctx)
	tip := ""
	for _, d := range dirs {
		res, err := sy.Export(ctx, toGitsync(src), byDir[d], gitsync.ExportOptions{Environment: c.Environment, Dir: d,
			AuthorName: actor, AuthorEmail: actor + "@unet", Message: fmt.Sprintf("Promote canary %s: %s/\n", c.Name, d)})
		if err != nil {
			return "", gitError(err)
		}
		tip = res.Commit
		if res.Changed {
			out := &unet.GitExportResult{Source: res.Source, Branch: res.Branch, Commit: res.Commit, Parent: res.Parent, Changed: true, Files: res.Files}
			if err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
				return m.record(ctx, tx, unet.KindGitSource, src.Name, src.Name, unet.OpPromote, nil, out)
			}); err != nil {
				return "", err
			}
		}
	}
	if _, err := s.SyncGitSource(ctx, src.Name, string(gitsync.TriggerPromote)); err != nil {
		return "", err
	}
	return tip, nil
}
