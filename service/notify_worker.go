package service

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/sqlstore"
)

// Defaults of the notification outbox.
const (
	DefaultNotifyRetryBase = time.Second
	DefaultNotifyRetryMax  = time.Hour
	DefaultNotifyGiveUp    = 24 * time.Hour
	// notifyPoll is how often the worker looks for events committed by
	// other processes (its own commits wake it at once).
	notifyPoll = time.Second
	// notifyScan bounds the events read per look at the log.
	notifyScan = 500
)

// NotifyConfig configures the notification outbox worker.
type NotifyConfig struct {
	// RetryBase and RetryMax bound the backoff between attempts at one
	// event: attempt n waits a random time in [0, min(RetryMax,
	// RetryBase·2^(n-1))) (full jitter). GiveUp is how long after the event
	// failed attempt the event becomes a dead letter.
	RetryBase, RetryMax, GiveUp time.Duration
	Logger                      *slog.Logger
}

func (c *NotifyConfig) defaults() {
	if c.RetryBase <= 0 {
		c.RetryBase = DefaultNotifyRetryBase
	}
	if c.RetryMax <= 0 {
		c.RetryMax = DefaultNotifyRetryMax
	}
	if c.RetryMax < c.RetryBase {
		c.RetryMax = c.RetryBase
	}
	if c.GiveUp <= 0 {
		c.GiveUp = DefaultNotifyGiveUp
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Backoff returns the wait before the attempt after the attempts-th failed
// one: a random duration in [0, min(max, base·2^(attempts-1))).
func Backoff(base, max time.Duration, attempts int) time.Duration {
	ceil := base
	for i := 1; i < attempts && ceil < max; i++ {
		ceil *= 2
	}
	ceil = min(ceil, max)
	if ceil <= 0 {
		return 0
	}
	return rand.N(ceil)
}

// RunNotifications delivers events to the subscriptions until ctx ends: one
// goroutine per subscription, which sends its events in order, each until
// it is delivered or given up on. Writes go through ctx, so a worker run
// as the cluster leader writes under its fence. It returns when every
// goroutine has stopped.
func (s *Service) RunNotifications(ctx context.Context, cfg NotifyConfig) {
	cfg.defaults()
	progress := metrics.RegisterWorker(metrics.WorkerNotifier, notifyPoll)
	defer progress.Stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	running := map[string]context.CancelFunc{}
	defer func() {
		for _, cancel := range running {
			cancel()
		}
	}()
	done := make(chan string, 16)
	tick := time.NewTicker(notifyPoll)
	defer tick.Stop()
	for {
		list, err := s.db.Reader().ListSubscriptions(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			cfg.Logger.Warn("notifications: list subscriptions", slog.Any("error", err))
		} else {
			progress.Tick()
			seen := map[string]bool{}
			for _, st := range list {
				seen[st.ID] = true
				if _, ok := running[st.ID]; ok {
					continue
				}
				subCtx, cancel := context.WithCancel(ctx)
				running[st.ID] = cancel
				wg.Add(1)
				go func(id, name string) {
					defer wg.Done()
					s.runSubscription(subCtx, cfg, id, name)
					select {
					case done <- id:
					case <-ctx.Done():
					}
				}(st.ID, st.Name)
			}
			for id, cancel := range running {
				if !seen[id] {
					cancel()
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case id := <-done:
			if cancel, ok := running[id]; ok {
				cancel()
				delete(running, id)
			}
		case <-tick.C:
		}
	}
}

// runSubscription delivers the events of one subscription in order until
// ctx ends or the subscription is removed.
func (s *Service) runSubscription(ctx context.Context, cfg NotifyConfig, id, name string) {
	log := cfg.Logger.With(slog.String("subscription", name))
	// scanned is the highest event ID known not to match past the cursor,
	// so that events of other types are not read again at every poll.
	var scanned int64
	for ctx.Err() == nil {
		wake := s.db.EventsWake()
		st, err := s.db.Reader().GetSubscriptionByID(ctx, id)
		if unet.ErrorCode(err) == unet.ENOTFOUND {
			metrics.ForgetNotification(name)
			return
		}
		wait := notifyPoll
		if err == nil {
			wait, scanned, err = s.deliverHead(ctx, cfg, st, scanned)
		}
		if err != nil && ctx.Err() == nil {
			log.Warn("notifications: delivery bookkeeping failed", slog.Any("error", err))
		}
		if wait <= 0 {
			continue
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-timer.C:
		case <-wake:
			// New events do not shorten a backoff.
			if st != nil && st.NextAttempt != nil && st.NextAttempt.After(s.now()) {
				select {
				case <-ctx.Done():
				case <-timer.C:
				}
			}
		}
		timer.Stop()
	}
}

// deliverHead attempts the subscription's head event once, when it is due,
// and records the outcome. It returns how long to wait before the next look
// (0: at once) and the new scanned mark.
func (s *Service) deliverHead(ctx context.Context, cfg NotifyConfig, st *sqlstore.StoredSubscription, scanned int64) (time.Duration, int64, error) {
	after := max(st.Cursor, scanned)
	events, err := s.db.Reader().ListEvents(ctx, unet.EventFilter{After: after, Limit: notifyScan})
	if err != nil {
		return notifyPoll, scanned, err
	}
	var head *unet.Event
	pending := 0
	for i := range events {
		if unet.EventTypeMatches(st.Events, events[i].Type) {
			if head == nil {
				head = &events[i]
			}
			pending++
		}
	}
	metrics.SetNotificationBacklog(st.Name, pending, st.Dead)
	if head == nil {
		if len(events) > 0 {
			scanned = events[len(events)-1].ID
		}
		if len(events) == notifyScan {
			return 0, scanned, nil
		}
		return notifyPoll, scanned, nil
	}
	scanned = head.ID - 1
	if st.HeadID != head.ID {
		// The retry state is about another event (one pruned from the log
		// meanwhile): this head starts afresh.
		st.Attempts, st.FirstFailure, st.NextAttempt = 0, nil, nil
	}
	now := s.now()
	if st.NextAttempt != nil && st.NextAttempt.After(now) {
		return st.NextAttempt.Sub(now), scanned, nil
	}
	d := s.sendOnce(ctx, st, *head, st.Attempts+1)
	if ctx.Err() != nil {
		// Stopped mid-attempt (shutdown, lost lease): the next leader
		// sends the event again.
		return 0, scanned, nil
	}
	state := sqlstore.DeliveryState{Cursor: head.ID}
	next := time.Duration(0)
	if d.Outcome != unet.DeliveryDelivered {
		first := now
		if st.FirstFailure != nil {
			first = *st.FirstFailure
		}
		// The give-up time runs from the event itself, not from its first
		// attempt: behind a receiver that stays down, an event that waited
		// its turn longer than that gets one attempt, not a day of them, so
		// a backlog drains instead of taking a day per event.
		if now.Sub(head.Time) >= cfg.GiveUp {
			d.Outcome = unet.DeliveryDead
			state.AddDead = 1
			cfg.Logger.Warn("notifications: event given up on (dead letter)", slog.String("subscription", st.Name),
				slog.Int64("event", head.ID), slog.Int("attempts", d.Attempt), slog.String("error", d.Error))
		} else {
			next = Backoff(cfg.RetryBase, cfg.RetryMax, d.Attempt)
			at := now.Add(next)
			state = sqlstore.DeliveryState{Cursor: st.Cursor, Head: head.ID, Attempts: d.Attempt, NextAttempt: &at, FirstFailure: &first,
				LastError: d.Error}
		}
	}
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.SetDeliveryState(ctx, st.ID, state); err != nil {
			return err
		}
		return tx.InsertDelivery(ctx, st.ID, &d)
	})
	if err != nil {
		return notifyPoll, scanned, err
	}
	metrics.ObserveNotification(st.Name, d.Outcome)
	if d.Outcome == unet.DeliveryDead {
		metrics.SetNotificationBacklog(st.Name, pending-1, st.Dead+1)
	}
	return next, scanned, nil
}
