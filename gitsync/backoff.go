package gitsync

import (
	"math"
	"math/rand/v2"
	"time"
)

// Backoff computes retry delays that grow exponentially up to a cap, for the
// scheduler that retries failed syncs. The zero value uses the defaults.
type Backoff struct {
	// Base is the first delay (default 10s).
	Base time.Duration
	// Max caps the delay (default 10m).
	Max time.Duration
	// Factor multiplies the delay after each failure (default 2).
	Factor float64
	// Jitter in [0,1] randomises each delay by up to ±Jitter×delay so that
	// many sources failing together do not retry in lock-step (default 0).
	Jitter float64
}

// Delay returns the delay before retry number attempt (0 for the first
// retry after one failure). Negative attempts count as 0.
func (b Backoff) Delay(attempt int) time.Duration {
	base, maxDelay, factor := b.Base, b.Max, b.Factor
	if base <= 0 {
		base = 10 * time.Second
	}
	if maxDelay <= 0 {
		maxDelay = 10 * time.Minute
	}
	if maxDelay < base {
		maxDelay = base
	}
	if factor < 1 {
		factor = 2
	}
	if attempt < 0 {
		attempt = 0
	}
	d := float64(base) * math.Pow(factor, float64(attempt))
	if math.IsInf(d, 0) || math.IsNaN(d) || d > float64(maxDelay) {
		d = float64(maxDelay)
	}
	if j := math.Min(math.Max(b.Jitter, 0), 1); j > 0 {
		d += d * j * (2*rand.Float64() - 1)
		if d > float64(maxDelay) {
			d = float64(maxDelay)
		}
	}
	if d < 0 {
		d = 0
	}
	return time.Duration(d)
}
