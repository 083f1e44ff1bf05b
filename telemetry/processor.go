package telemetry

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// batcher is where the spans of the provider Setup installs go (End hands
// them over; see pipeline): it does the work of the SDK's batch span
// processor and OTLP exporter, configured by the same OTEL_BSP_* variables,
// at a fraction of the cost per span. It is also an sdktrace.SpanProcessor.
//
// The SDK's processor hands every ended span to its export goroutine over
// a channel, which wakes that goroutine once per span, and keeps the span
// until its batch is converted into a tree of messages and marshalled by
// reflection. Here a span is encoded in protobuf's wire format when it
// ends, under a mutex, into the open batch (see spanBatch); the export
// goroutine is woken only when a batch is full or the schedule delay has
// passed, and sends batches through the OTLP client (the SDK's OTLP/HTTP
// client: OTEL_EXPORTER_OTLP_* endpoint, headers, TLS, compression,
// retries) with their encoded spans as they are.
//
// Spans that find the queue full (OTEL_BSP_MAX_QUEUE_SIZE spans waiting)
// are dropped and counted; the count is reported through otel.Handle, as
// export errors are.
type batcher struct {
	client otlptrace.Client
	cfg    batchConfig

	mu      sync.Mutex
	open    *spanBatch   // the batch that ending spans go to
	sealed  []*spanBatch // full batches, oldest first
	free    []*spanBatch // exported batches, for reuse
	queued  int          // spans in open and sealed batches
	dropped int          // spans dropped since the last report
	closed  bool
	room    *sync.Cond // signalled when exported batches leave the queue (block)

	wake chan struct{} // a batch was sealed
	stop chan struct{}
	done chan struct{}
	once sync.Once

	exportMu sync.Mutex // one export at a time; guards req
	req      requestBuilder
}

// batchConfig is the OTEL_BSP_* configuration of the batcher.
type batchConfig struct {
	delay    time.Duration // OTEL_BSP_SCHEDULE_DELAY
	timeout  time.Duration // OTEL_BSP_EXPORT_TIMEOUT
	maxQueue int           // OTEL_BSP_MAX_QUEUE_SIZE
	maxBatch int           // OTEL_BSP_MAX_EXPORT_BATCH_SIZE
	// block makes a span that finds the queue full wait for room rather
	// than be dropped (for benchmarks, which must export every span they
	// time; no variable sets it).
	block bool
}

// readBatchConfig reads the OTEL_BSP_* variables, with the defaults of the
// OpenTelemetry specification (5 s, 30 s, 2048 and 512). A value that is
// not a positive integer is an error naming the variable; a batch larger
// than the queue is the queue's size, as in the SDK.
func readBatchConfig(getenv func(string) string) (batchConfig, error) {
	c := batchConfig{delay: 5 * time.Second, timeout: 30 * time.Second, maxQueue: 2048, maxBatch: 512}
	for _, v := range []struct {
		key string
		ms  *time.Duration
		n   *int
	}{
		{"OTEL_BSP_SCHEDULE_DELAY", &c.delay, nil},
		{"OTEL_BSP_EXPORT_TIMEOUT", &c.timeout, nil},
		{"OTEL_BSP_MAX_QUEUE_SIZE", nil, &c.maxQueue},
		{"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", nil, &c.maxBatch},
	} {
		raw := strings.TrimSpace(getenv(v.key))
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n <= 0 {
			unit := "a number of spans"
			if v.ms != nil {
				unit = "a number of milliseconds"
			}
			return c, fmt.Errorf("%s=%q: want %s greater than 0", v.key, raw, unit)
		}
		if v.ms != nil {
			*v.ms = time.Duration(n) * time.Millisecond
		} else {
			*v.n = n
		}
	}
	c.maxBatch = min(c.maxBatch, c.maxQueue)
	return c, nil
}

// newBatcher returns a started batcher sending through client (started
// already; the batcher's Shutdown stops it).
func newBatcher(client otlptrace.Client, cfg batchConfig) *batcher {
	p := &batcher{client: client, cfg: cfg, open: &spanBatch{},
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	p.room = sync.NewCond(&p.mu)
	go p.run()
	return p
}

// OnStart implements sdktrace.SpanProcessor.
func (p *batcher) OnStart(context.Context, sdktrace.ReadWriteSpan) {}

// OnEnd implements sdktrace.SpanProcessor: it encodes a sampled span, which
// has ended, into the open batch.
func (p *batcher) OnEnd(s sdktrace.ReadOnlySpan) {
	if !s.SpanContext().IsSampled() {
		return
	}
	// The span is encoded before the lock is taken: requests ending spans
	// at once wait for each other only to copy the bytes.
	buf := encodeBuffers.Get().(*[]byte)
	*buf = appendSpan((*buf)[:0], s)
	defer encodeBuffers.Put(buf)
	p.mu.Lock()
	for p.cfg.block && p.queued >= p.cfg.maxQueue && !p.closed {
		p.signal()
		p.room.Wait()
	}
	if p.closed {
		p.mu.Unlock()
		return
	}
	if p.queued >= p.cfg.maxQueue {
		p.dropped++
		p.mu.Unlock()
		return
	}
	p.open.addEncoded(s, *buf)
	p.queued++
	full := p.open.n >= p.cfg.maxBatch
	if full {
		p.seal()
	}
	p.mu.Unlock()
	if full {
		p.signal()
	}
}

// encodeBuffers are the buffers spans are encoded in before they join a
// batch.
var encodeBuffers = sync.Pool{New: func() any { return new([]byte) }}

// signal wakes the export goroutine (unless it is woken already).
func (p *batcher) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// seal queues the open batch for export and opens another. p.mu is held.
func (p *batcher) seal() {
	if p.open.n == 0 {
		return
	}
	p.sealed = append(p.sealed, p.open)
	if n := len(p.free); n > 0 {
		p.open, p.free = p.free[n-1], p.free[:n-1]
	} else {
		p.open = &spanBatch{}
	}
}

// take removes the sealed batches, oldest first (with all, the open batch
// is sealed first): what one export sends. Spans ending meanwhile wait for
// the next export.
func (p *batcher) take(all bool) []*spanBatch {
	p.mu.Lock()
	defer p.mu.Unlock()
	if all {
		p.seal()
	}
	out := p.sealed
	p.sealed = nil
	for _, b := range out {
		p.queued -= b.n
	}
	if len(out) > 0 {
		p.room.Broadcast()
	}
	return out
}

// recycle keeps an exported batch's buffers for a later batch.
func (p *batcher) recycle(b *spanBatch) {
	b.reset()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) < p.cfg.maxQueue/max(p.cfg.maxBatch, 1)+1 {
		p.free = append(p.free, b)
	}
}

// export sends the sealed batches, and with all the open one too, oldest
// first; it returns the first error (the other batches are still sent) and
// reports the spans dropped since the last export.
func (p *batcher) export(ctx context.Context, all bool) error {
	p.exportMu.Lock()
	defer p.exportMu.Unlock()
	var errs []error
	for _, b := range p.take(all) {
		if err := p.upload(ctx, b); err != nil && len(errs) == 0 {
			errs = append(errs, err)
		}
		p.recycle(b)
	}
	p.mu.Lock()
	dropped := p.dropped
	p.dropped = 0
	p.mu.Unlock()
	if dropped > 0 {
		errs = append(errs, fmt.Errorf("%d spans dropped: %d were waiting for export (OTEL_BSP_MAX_QUEUE_SIZE)", dropped, p.cfg.maxQueue))
	}
	return errors.Join(errs...)
}

func (p *batcher) upload(ctx context.Context, b *spanBatch) error {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.timeout)
	defer cancel()
	return p.client.UploadTraces(ctx, p.req.build(b))
}

// run exports full batches as they are sealed, and everything waiting
// every schedule delay, until Shutdown.
func (p *batcher) run() {
	defer close(p.done)
	t := time.NewTimer(p.cfg.delay)
	defer t.Stop()
	for {
		all := false
		select {
		case <-p.stop:
			return
		case <-p.wake:
		case <-t.C:
			all = true
		}
		if err := p.export(context.Background(), all); err != nil {
			otel.Handle(fmt.Errorf("tracing: export: %w", err))
		}
		if all {
			t.Reset(p.cfg.delay)
		}
	}
}

// ForceFlush implements sdktrace.SpanProcessor: it sends every span ended
// so far.
func (p *batcher) ForceFlush(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return p.export(ctx, true)
}

// Shutdown implements sdktrace.SpanProcessor: spans ending afterwards are
// ignored, those waiting are sent, and the client is stopped. Later calls
// do nothing.
func (p *batcher) Shutdown(ctx context.Context) error {
	var err error
	p.once.Do(func() {
		p.mu.Lock()
		p.closed = true
		p.room.Broadcast()
		p.mu.Unlock()
		close(p.stop)
		select {
		case <-p.done:
		case <-ctx.Done():
		}
		err = errors.Join(p.export(ctx, true), p.client.Stop(ctx))
	})
	return err
}
