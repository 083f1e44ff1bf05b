package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync/webhook"
)

// webhookReceiver is the state of the webhook receiver: the admission slots,
// the deliveries seen, and the syncs deliveries started.
type webhookReceiver struct {
	// slots bounds the deliveries handled at once (MaxWebhookConcurrency).
	slots chan struct{}
	// seen remembers recent delivery ids and body digests, per source.
	seen *webhook.Dedup
	// syncs coalesces the syncs deliveries ask for.
	syncs syncCoalescer
}

// deliveryStorer is a service that keeps webhook deliveries in its
// database, shared by the replicas.
type deliveryStorer interface {
	WebhookDeliveries() webhook.DeliveryStore
}

func newWebhookReceiver(concurrency int, svc unet.Service, log *slog.Logger) *webhookReceiver {
	seen := webhook.NewDedup(0, 0)
	if ds, ok := svc.(deliveryStorer); ok {
		seen = webhook.NewStoreDedup(ds.WebhookDeliveries(), 0, 0, func(err error) {
			log.Warn("webhook de-duplication: the database failed; this replica's memory answers", slog.Any("error", err))
		})
	}
	return &webhookReceiver{slots: make(chan struct{}, concurrency), seen: seen}
}

// tryAcquire takes a slot without waiting; false when all are taken.
func (wr *webhookReceiver) tryAcquire() bool {
	select {
	case wr.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

func (wr *webhookReceiver) release() { <-wr.slots }

// duplicate reports whether a delivery of source was seen before, by its id
// or by its body digest, and records both otherwise. The id comes from a
// header the signature does not cover, so the digest is what stops a signed
// body replayed with fresh ids. Keys are hashed: their size stays fixed
// whatever the headers hold.
func (wr *webhookReceiver) duplicate(ctx context.Context, source, delivery string, digest [sha256.Size]byte, now time.Time) bool {
	byDigest := wr.seen.SeenContext(ctx, source, dedupKey("body", source, hex.EncodeToString(digest[:])), now)
	if delivery == "" {
		return byDigest
	}
	byID := wr.seen.SeenContext(ctx, source, dedupKey("id", source, delivery), now)
	return byDigest || byID
}

func dedupKey(kind, source, value string) string {
	sum := sha256.Sum256([]byte(source + "\x00" + value))
	return kind + ":" + hex.EncodeToString(sum[:16])
}

// syncCoalescer runs at most one webhook sync per source at a time and keeps
// at most one more pending: a delivery that arrives while a sync runs makes
// one sync follow it (the commit it announces may have been pushed after the
// running fetch), and deliveries beyond that are covered by the pending one.
type syncCoalescer struct {
	mu      sync.Mutex
	sources map[string]*coalesced
	wg      sync.WaitGroup
}

type coalesced struct{ pending bool }

// What request decided about a delivery's sync.
const (
	syncStarted   = "started"   // no sync was running: one started
	syncPending   = "pending"   // a sync runs: another follows it
	syncCoalesced = "coalesced" // a sync runs and another is already pending
)

// request asks for a sync of source, running run in the background when none
// runs (and again once when asked for while it ran).
func (c *syncCoalescer) request(ctx context.Context, source string, run func(context.Context)) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sources == nil {
		c.sources = map[string]*coalesced{}
	}
	if st, ok := c.sources[source]; ok {
		if st.pending {
			return syncCoalesced
		}
		st.pending = true
		return syncPending
	}
	st := &coalesced{}
	c.sources[source] = st
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		for {
			run(ctx)
			c.mu.Lock()
			if !st.pending || ctx.Err() != nil {
				delete(c.sources, source)
				c.mu.Unlock()
				return
			}
			st.pending = false
			c.mu.Unlock()
		}
	}()
	return syncStarted
}

// wait waits until no sync runs or is pending, or ctx is done.
func (c *syncCoalescer) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		c.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
