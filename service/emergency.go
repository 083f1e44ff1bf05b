package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// maxEventObjects bounds the objects an emergency event names.
const maxEventObjects = 20

// writeMutation starts the mutation of a direct write. With emergency it
// needs a reason and, when the caller is authenticated, the permission
// changes:emergency; its change rows are then flagged, it bypasses
// `serve --require-change-sets`, and finishWrite records the event.
func (s *Service) writeMutation(ctx context.Context, reason string, emergency bool) (mutation, error) {
	m := s.mutation(ctx, reason)
	if !emergency {
		return m, nil
	}
	if strings.TrimSpace(reason) == "" {
		return m, unet.Invalid("--emergency needs a reason (--reason)",
			unet.FieldError{Field: "reason", Message: "is required with emergency: say why the change cannot wait for review"})
	}
	if p := unet.PrincipalFrom(ctx); p != nil && !p.Can(unet.PermChangesEmergency) {
		return m, unet.Errorf(unet.EFORBIDDEN, "an emergency change needs permission %s", unet.PermChangesEmergency)
	}
	m.emergency = true
	return m, nil
}

// finishWrite ends the transaction of a direct write: when the write
// succeeded and was an emergency, it records the emergency event (reason
// and objects) in the same transaction. It returns err unchanged otherwise.
func (s *Service) finishWrite(ctx context.Context, tx *sqlstore.Tx, m mutation, err error) error {
	if err != nil || !m.emergency || m.changeSet != "" {
		return err
	}
	return s.emergencyEvent(ctx, tx, m)
}

// emergencyEvent records the emergency event of a direct write's batch;
// a write that changed nothing records none.
func (s *Service) emergencyEvent(ctx context.Context, tx *sqlstore.Tx, m mutation) error {
	if !m.emergency || m.changeSet != "" {
		return nil
	}
	rows, err := tx.Reader().EmergencyRows(ctx, []string{m.batch})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	objs := emergencyObjects(rows)
	emitEmergencyApplied(tx, m.now, m.actor, m.batch, "", m.reason, objs)
	return tx.InsertEmergencyEvent(ctx, &unet.ChangeEvent{ID: newID(), Time: m.now, Actor: m.actor,
		Transition: unet.EventEmergency, Detail: eventDetail(m.reason, objs)})
}

// eventDetail is the reason followed by the objects, at most
// maxEventObjects of them.
func eventDetail(reason string, objs []string) string {
	list := objs
	more := ""
	if len(list) > maxEventObjects {
		list = list[:maxEventObjects]
		more = fmt.Sprintf(" and %d more", len(objs)-maxEventObjects)
	}
	return fmt.Sprintf("%s (%s%s)", reason, strings.Join(list, ", "), more)
}

// emergencyObjects lists the objects (KIND/NAME) of change rows, each once, in
// order.
func emergencyObjects(rows []unet.Change) []string {
	out := []string{}
	seen := make(map[string]bool, len(rows))
	for _, c := range rows {
		ref := c.ObjectKind + "/" + c.ObjectName
		if !seen[ref] {
			seen[ref] = true
			out = append(out, ref)
		}
	}
	return out
}

// ListEmergencyChanges lists the emergency changes, one per change-log
// batch, newest first; Pending keeps those nobody reviewed. A scoped reader
// sees only the changes whose every object is in their scope.
func (s *Service) ListEmergencyChanges(ctx context.Context, f unet.EmergencyFilter) (*unet.List[unet.EmergencyChange], error) {
	r := s.db.Reader()
	page, err := r.ListEmergencyBatches(ctx, f.Pending, f.Page)
	if err != nil {
		return nil, err
	}
	visible, err := s.changeVisible(ctx)
	if err != nil {
		return nil, err
	}
	items, err := emergencyChanges(ctx, r, page.Batches, visible)
	if err != nil {
		return nil, err
	}
	return &unet.List[unet.EmergencyChange]{Items: items, Next: page.Next, Total: page.Total}, nil
}

// changeVisible returns whether the caller may read a change row (nil
// when every row is visible).
func (s *Service) changeVisible(ctx context.Context) (func(*unet.Change) bool, error) {
	e, err := s.readEval(ctx, unet.PermChangesRead)
	if err != nil || e == nil {
		return nil, err
	}
	return e.changeOK, nil
}

// emergencyChanges assembles the emergency changes of batches, in the
// order of batches; with visible, a batch with a row it refuses is left
// out.
func emergencyChanges(ctx context.Context, r sqlstore.Reader, batches []string, visible func(*unet.Change) bool) ([]unet.EmergencyChange, error) {
	rows, err := r.EmergencyRows(ctx, batches)
	if err != nil {
		return nil, err
	}
	reviews, err := r.EmergencyReviews(ctx, batches)
	if err != nil {
		return nil, err
	}
	byBatch := map[string][]unet.Change{}
	hidden := map[string]bool{}
	for _, c := range rows {
		byBatch[c.Batch] = append(byBatch[c.Batch], c)
		if visible != nil && !visible(&c) {
			hidden[c.Batch] = true
		}
	}
	out := make([]unet.EmergencyChange, 0, len(batches))
	for _, b := range batches {
		cs := byBatch[b]
		if len(cs) == 0 || hidden[b] {
			continue
		}
		e := unet.EmergencyChange{Batch: b, Time: cs[0].Time, Actor: cs[0].Actor, Reason: cs[0].Reason,
			Objects: emergencyObjects(cs), Changes: make([]string, len(cs))}
		for i, c := range cs {
			e.Changes[i] = c.ID
			if e.ChangeSet == "" {
				e.ChangeSet = c.ChangeSet
			}
		}
		if rv, ok := reviews[b]; ok {
			e.Review = &rv
		}
		out = append(out, e)
	}
	return out, nil
}

// ReviewEmergencyChange records the review of an emergency change named by
// its batch, one of its change IDs or its change set. The author cannot
// review their own change, and a change is reviewed once.
func (s *Service) ReviewEmergencyChange(ctx context.Context, ref, comment string) (*unet.EmergencyChange, error) {
	ref, comment = strings.TrimSpace(ref), strings.TrimSpace(comment)
	var fe []unet.FieldError
	if ref == "" {
		fe = append(fe, unet.FieldError{Field: "id", Message: "name the emergency change: its batch, one of its change IDs or its change set (cs-N)"})
	}
	if comment == "" {
		fe = append(fe, unet.FieldError{Field: "comment", Message: "is required: say what the review found (--comment)"})
	} else if len(comment) > 4096 {
		fe = append(fe, unet.FieldError{Field: "comment", Message: "is longer than 4096 bytes"})
	}
	if len(fe) > 0 {
		return nil, unet.Invalid("invalid review", fe...)
	}
	reviewer := unet.ActorFrom(ctx)
	now := s.now()
	visible, err := s.changeVisible(ctx)
	if err != nil {
		return nil, err
	}
	var out *unet.EmergencyChange
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		r := tx.Reader()
		batch, err := r.EmergencyBatchOf(ctx, ref)
		if err != nil {
			return err
		}
		list, err := emergencyChanges(ctx, r, []string{batch}, visible)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return unet.Errorf(unet.ENOTFOUND, "no emergency change %q (see `unet changes reviews`)", ref)
		}
		e := list[0]
		if e.Review != nil {
			return unet.Errorf(unet.ECONFLICT, "emergency change %s was already reviewed by %s at %s", batch, e.Review.Reviewer,
				e.Review.At.Format("2006-01-02 15:04:05Z07:00"))
		}
		if e.Actor == reviewer {
			return unet.Errorf(unet.EFORBIDDEN, "you made this emergency change: someone else must review it")
		}
		rv := unet.EmergencyReview{Reviewer: reviewer, Comment: comment, At: now}
		if err := tx.InsertEmergencyReview(ctx, batch, rv); err != nil {
			return err
		}
		emitEmergencyReviewed(tx, &e, rv)
		if err := tx.InsertEmergencyEvent(ctx, &unet.ChangeEvent{ID: newID(), Time: now, Actor: reviewer, ChangeSet: e.ChangeSet,
			Transition: unet.EventReviewed, Detail: fmt.Sprintf("emergency change %s: %s", batch, comment)}); err != nil {
			return err
		}
		e.Review = &rv
		out = &e
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
