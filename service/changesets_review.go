package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// maxComment bounds review comments and reasons.
const maxComment = 10000

// transition runs one state change of the set ref in a transaction: step
// checks the set as stored and changes it; the set is then written
// (version-checked, so that concurrent transitions do not both win) with
// the event of the change.
func (s *Service) transition(ctx context.Context, ref, event string,
	step func(tx *sqlstore.Tx, cs *unet.ChangeSet) (detail string, err error)) (*unet.ChangeSet, error) {
	var id string
	err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.LockChangeSet(ctx, ref); err != nil {
			return err
		}
		cs, err := loadSet(ctx, tx.Reader(), ref)
		if err != nil {
			return err
		}
		id = cs.ID
		from := cs.State
		detail, err := step(tx, cs)
		if err != nil {
			return err
		}
		cs.UpdatedAt = s.now()
		if err := tx.UpdateChangeSet(ctx, cs); err != nil {
			return err
		}
		return s.writeEvent(ctx, tx, cs.ID, event, from, cs.State, detail)
	})
	if err != nil {
		return nil, err
	}
	return s.GetChangeSet(ctx, id, unet.ChangeSetView{})
}

// checkComment validates a comment or reason; required makes "" an error.
func checkComment(field, text string, required bool) error {
	if required && strings.TrimSpace(text) == "" {
		return unet.Invalid("invalid "+field, unet.FieldError{Field: field, Message: "is required"})
	}
	if fe := unet.CheckText(field, strings.ReplaceAll(strings.ReplaceAll(text, "\n", " "), "\t", " "), maxComment); fe != nil {
		return unet.Invalid("invalid "+field, *fe)
	}
	return nil
}

// callerRoles are the roles the caller holds (none on the trusted local
// path, which has no users).
func callerRoles(ctx context.Context) []string {
	roles := []string{}
	if p := unet.PrincipalFrom(ctx); p != nil {
		for _, g := range p.Grants {
			if !slices.Contains(roles, g.Role) {
				roles = append(roles, g.Role)
			}
		}
	}
	return roles
}

// SubmitChangeSet moves an open set (a draft) to proposed; only its author
// submits it.
func (s *Service) SubmitChangeSet(ctx context.Context, ref string) (*unet.ChangeSet, error) {
	actor := unet.ActorFrom(ctx)
	return s.transition(ctx, ref, unet.EventSubmitted, func(_ *sqlstore.Tx, cs *unet.ChangeSet) (string, error) {
		if cs.State != unet.ChangeSetOpen {
			return "", unet.Errorf(unet.ECONFLICT, "%s is %s: only an open set can be submitted", cs.ID, cs.State)
		}
		if cs.Author != actor {
			return "", unet.Errorf(unet.EFORBIDDEN, "only the author of %s (%s) can submit it", cs.ID, cs.Author)
		}
		if len(cs.Ops) == 0 {
			return "", unet.Errorf(unet.EINVALID, "%s has no operations: add some before submitting it", cs.ID)
		}
		cs.State = unet.ChangeSetProposed
		return "", nil
	})
}

// ApproveChangeSet records the caller's approval of a proposed (or already
// approved) set. The author never approves their own set; a second
// decision of the same reviewer replaces the first. When the approvals
// meet the requirement the set becomes approved, and a set that asks for it
// is then applied at once, as the approver.
func (s *Service) ApproveChangeSet(ctx context.Context, ref, comment string) (*unet.ChangeSet, error) {
	if err := checkComment("comment", comment, false); err != nil {
		return nil, err
	}
	cs, err := loadSet(ctx, s.db.Reader(), ref)
	if err != nil {
		return nil, err
	}
	if err := checkReviewable(ctx, cs, "approve"); err != nil {
		return nil, err
	}
	// What the set touches, for the approval rules.
	rows, err := s.dryRunOps(ctx, cs.Ops, s.stagingMutation(ctx, cs.ID, cs.Title, false), nil)
	objs := touchedObjects(rows)
	if err != nil {
		if unet.ErrorCode(err) == unet.EINTERNAL {
			return nil, err
		}
		objs = basesTouched(cs)
	}
	actor := unet.ActorFrom(ctx)
	approved := false
	out, err := s.transition(ctx, cs.ID, unet.EventApproved, func(tx *sqlstore.Tx, cur *unet.ChangeSet) (string, error) {
		if !sameOps(cur.Ops, cs.Ops) {
			return "", unet.Errorf(unet.ECONFLICT, "the operations of %s changed while it was being approved: review it again", cur.ID)
		}
		if err := checkReviewable(ctx, cur, "approve"); err != nil {
			return "", err
		}
		if err := tx.DeleteLiveDecision(ctx, cur.ID, actor); err != nil {
			return "", err
		}
		a := unet.Approval{Actor: actor, Decision: unet.DecisionApprove, Comment: comment, Roles: callerRoles(ctx), At: s.now()}
		if err := tx.InsertApproval(ctx, cur.ID, newID(), a); err != nil {
			return "", err
		}
		decisions, err := tx.Reader().ListApprovals(ctx, cur.ID)
		if err != nil {
			return "", err
		}
		req, err := s.approvalRequirement(ctx, tx.Reader(), objs, decisions)
		if err != nil {
			return "", err
		}
		if req.Satisfied {
			approved = cur.State == unet.ChangeSetProposed
			cur.State = unet.ChangeSetApproved
		}
		return fmt.Sprintf("%d/%d approvals", req.Approvals, req.Required), nil
	})
	if err != nil || !approved || !out.AutoApply {
		return out, err
	}
	applied, err := s.ApplyChangeSet(ctx, out.ID, unet.ApplyOptions{})
	if err != nil {
		msg := fmt.Sprintf("%s is approved, but applying it automatically failed: %v", out.ID, err)
		var ue *unet.Error
		if errors.As(err, &ue) {
			return nil, &unet.Error{Code: ue.Code, Message: msg, Fields: ue.Fields, Err: err}
		}
		return nil, unet.Internal(fmt.Errorf("%s: %w", msg, err))
	}
	return applied, nil
}

// checkReviewable refuses a decision on a set that is not under review, or
// by its author.
func checkReviewable(ctx context.Context, cs *unet.ChangeSet, verb string) error {
	switch cs.State {
	case unet.ChangeSetProposed, unet.ChangeSetApproved:
	case unet.ChangeSetOpen:
		return unet.Errorf(unet.ECONFLICT, "%s is open (a draft): its author must submit it before it can be reviewed", cs.ID)
	default:
		return unet.Errorf(unet.ECONFLICT, "%s is %s: it can no longer be reviewed", cs.ID, cs.State)
	}
	if cs.Author == unet.ActorFrom(ctx) {
		return unet.Errorf(unet.EFORBIDDEN, "you are the author of %s: someone else must %s it", cs.ID, verb)
	}
	return nil
}

// RejectChangeSet rejects a set (final) with the reviewer's comment; the
// author cannot reject their own set (they abandon it).
func (s *Service) RejectChangeSet(ctx context.Context, ref, comment string) (*unet.ChangeSet, error) {
	if err := checkComment("comment", comment, true); err != nil {
		return nil, err
	}
	actor := unet.ActorFrom(ctx)
	return s.transition(ctx, ref, unet.EventRejected, func(tx *sqlstore.Tx, cs *unet.ChangeSet) (string, error) {
		if cs.Author == actor {
			return "", unet.Errorf(unet.EFORBIDDEN, "you are the author of %s: someone else must reject it (abandon it instead)", cs.ID)
		}
		if err := editable(cs, "reject"); err != nil {
			return "", err
		}
		if err := tx.DeleteLiveDecision(ctx, cs.ID, actor); err != nil {
			return "", err
		}
		a := unet.Approval{Actor: actor, Decision: unet.DecisionReject, Comment: comment, Roles: callerRoles(ctx), At: s.now()}
		if err := tx.InsertApproval(ctx, cs.ID, newID(), a); err != nil {
			return "", err
		}
		cs.State = unet.ChangeSetRejected
		return comment, nil
	})
}

// AbandonChangeSet withdraws a set that is not final: its author may, and
// so may anyone allowed to approve changes.
func (s *Service) AbandonChangeSet(ctx context.Context, ref, reason string) (*unet.ChangeSet, error) {
	if err := checkComment("reason", reason, false); err != nil {
		return nil, err
	}
	actor := unet.ActorFrom(ctx)
	return s.transition(ctx, ref, unet.EventAbandoned, func(_ *sqlstore.Tx, cs *unet.ChangeSet) (string, error) {
		if finalState(cs.State) {
			return "", unet.Errorf(unet.ECONFLICT, "%s is %s: it can no longer be abandoned", cs.ID, cs.State)
		}
		if p := unet.PrincipalFrom(ctx); p != nil && cs.Author != actor && !p.Can(unet.PermChangesApprove) {
			return "", unet.Errorf(unet.EFORBIDDEN, "only the author of %s (%s) or someone with permission %s can abandon it",
				cs.ID, cs.Author, unet.PermChangesApprove)
		}
		cs.State = unet.ChangeSetAbandoned
		return reason, nil
	})
}

// sameOps reports whether two readings of a set's operations agree (with
// their bases).
func sameOps(a, b []unet.ChangeOp) bool {
	ja, erra := json.Marshal(a)
	jb, errb := json.Marshal(b)
	return erra == nil && errb == nil && bytes.Equal(ja, jb)
}
