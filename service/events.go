package service

import (
	"context"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// ListEvents returns events oldest first (see unet.EventService).
func (s *Service) ListEvents(ctx context.Context, f unet.EventFilter) ([]unet.Event, error) {
	if err := s.checkEventsScope(ctx); err != nil {
		return nil, err
	}
	return s.db.Reader().ListEvents(ctx, f)
}

// checkEventsScope refuses a principal whose events:read grants are all
// scoped: events name objects of every scope (change.applied lists the
// changed objects, snmp.* events name nodes), so the log is read whole or
// not at all.
func (s *Service) checkEventsScope(ctx context.Context) error {
	sc, err := s.scopeOf(ctx, unet.PermEventsRead)
	if err != nil || sc == nil {
		return err
	}
	return unet.Errorf(unet.EFORBIDDEN, "the event log is global: reading it needs an unscoped %s grant (yours is limited to %s)",
		unet.PermEventsRead, sc.String())
}

// EventsWake returns a channel closed when this process next commits events.
func (s *Service) EventsWake() <-chan struct{} { return s.db.EventsWake() }

// LastEventID returns the ID of the newest committed event (0: none).
func (s *Service) LastEventID(ctx context.Context) (int64, error) {
	if err := s.checkEventsScope(ctx); err != nil {
		return 0, err
	}
	return s.db.Reader().LastEventID(ctx)
}

// eventPruneBatch is how many events one transaction of PruneEvents
// deletes at most.
const eventPruneBatch = 5000

// PruneEvents deletes the events older than cutoff, oldest first, in
// transactions of at most eventPruneBatch, and returns how many went. Event
// times follow IDs only roughly: it stops at the first event (by ID) that
// is not older than cutoff.
func (s *Service) PruneEvents(ctx context.Context, cutoff time.Time) (int64, error) {
	var total int64
	for {
		var done bool
		var n int64
		err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
			before, d, err := tx.Reader().EventPruneBound(ctx, cutoff, eventPruneBatch)
			if err != nil || before == 0 {
				done = true
				return err
			}
			done = d
			n, err = tx.PruneEvents(ctx, before)
			return err
		})
		total += n
		if err != nil || done {
			return total, err
		}
	}
}
