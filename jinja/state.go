package jinja

import (
	"context"
	"fmt"
	"time"
)

// Limits bound one render. Zero fields take the defaults.
type Limits struct {
	// Timeout bounds the duration of a render (default 10 s).
	Timeout time.Duration
	// MaxOutput bounds the output in bytes (default 16 MiB).
	MaxOutput int
	// MaxValueBytes bounds the size of a string any single operation may
	// produce (default MaxOutput).
	MaxValueBytes int
	// MaxValueItems bounds the items of a list (or range) any single
	// operation may produce (default 100,000).
	MaxValueItems int
	// MaxDepth bounds the nesting of macro calls and of include, import and
	// extends chains (default 100).
	MaxDepth int
	// MaxHeap bounds the process heap (bytes) at which an operation about
	// to allocate a large value fails instead: the guard against a render
	// that keeps many values, each within the limits (default: three
	// quarters of the Go memory limit, GOMEMLIMIT, when one is set, else
	// 2 GiB).
	MaxHeap int64
}

// Defaults of Limits.
const (
	DefaultTimeout       = 10 * time.Second
	DefaultMaxOutput     = 16 << 20
	DefaultMaxValueItems = 100_000
	DefaultMaxDepth      = 100
)

// WithDefaults returns l with zero fields set to their defaults.
func (l Limits) WithDefaults() Limits {
	if l.Timeout <= 0 {
		l.Timeout = DefaultTimeout
	}
	if l.MaxOutput <= 0 {
		l.MaxOutput = DefaultMaxOutput
	}
	if l.MaxValueBytes <= 0 {
		l.MaxValueBytes = l.MaxOutput
	}
	if l.MaxValueItems <= 0 {
		l.MaxValueItems = DefaultMaxValueItems
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxHeap <= 0 {
		l.MaxHeap = defaultMaxHeap()
	}
	return l
}

// State is the state of one render, passed to filters, tests and functions.
// It is never shared between renders.
type State struct {
	ctx    context.Context
	limits Limits
	env    *Env
	ticks  int
	depth  int
}

// Context returns the render's context (cancellation and deadline).
func (s *State) Context() context.Context { return s.ctx }

// Limits returns the render's limits.
func (s *State) Limits() Limits { return s.limits }

// Env returns the environment the render runs in (for filters that apply
// other filters or tests by name, such as map and select).
func (s *State) Env() *Env { return s.env }

// CheckBytes reports ErrValueLimit when an operation (what, e.g. "center")
// would produce a string of n bytes, over MaxValueBytes. Call it before
// allocating. Before a large allocation it also looks at the clock, so that
// a loop of large allocations stops when the render's time is up rather
// than at its next check, 256 iterations later.
func (s *State) CheckBytes(what string, n int) error {
	if n < 0 || n > s.limits.MaxValueBytes {
		return &limitError{err: ErrValueLimit, msg: overText(what, "a string of", n, "bytes", s.limits.MaxValueBytes)}
	}
	if n >= largeValueBytes {
		if err := s.CheckTime(); err != nil {
			return err
		}
		return s.checkHeap(what)
	}
	return nil
}

// largeValueBytes is the size from which CheckBytes looks at the clock: the
// allocation costs far more than the look.
const largeValueBytes = 64 << 10

// CheckItems reports ErrValueLimit when an operation would produce a list of
// n items, over MaxValueItems. Call it before allocating.
func (s *State) CheckItems(what string, n int) error {
	if n < 0 || n > s.limits.MaxValueItems {
		return &limitError{err: ErrValueLimit, msg: overText(what, "", n, "items", s.limits.MaxValueItems)}
	}
	if n >= largeValueItems {
		return s.checkHeap(what)
	}
	return nil
}

// largeValueItems is the list size from which CheckItems looks at the heap.
const largeValueItems = 4096

// Tick reports ErrTimeLimit once the render's time is up (or its context is
// cancelled). Loops and macro calls call it; it looks at the clock every
// 256 calls.
func (s *State) Tick() error {
	s.ticks++
	if s.ticks&255 != 0 {
		return nil
	}
	return s.CheckTime()
}

// CheckTime reports ErrTimeLimit when the render's time is up, at once.
func (s *State) CheckTime() error {
	if err := s.ctx.Err(); err != nil {
		if err == context.DeadlineExceeded {
			return &limitError{err: ErrTimeLimit, msg: fmt.Sprintf("the render ran for %s", s.limits.Timeout)}
		}
		return err
	}
	return nil
}

// overText words an operation's result over a limit: "center would produce
// a string of 2000000000 bytes, over the limit of 16777216 bytes" (or "a
// string larger than the limit" when the size overflowed as it was
// computed, n < 0).
func overText(what, kind string, n int, unit string, limit int) string {
	if kind != "" {
		kind += " "
	}
	if n < 0 {
		return fmt.Sprintf("%s would produce %smore %s than the limit of %d", what, kind, unit, limit)
	}
	return fmt.Sprintf("%s would produce %s%d %s, over the limit of %d %s", what, kind, n, unit, limit, unit)
}

// limitError is a limit being hit; it wraps its sentinel.
type limitError struct {
	err error
	msg string
}

// Error names the limit, then what hit it: "template value size limit
// exceeded: center would produce a string of 2000000000 bytes, over the limit
// of 16777216 bytes".
func (e *limitError) Error() string { return e.err.Error() + ": " + e.msg }
func (e *limitError) Unwrap() error { return e.err }

// FilterFunc is a filter: v | name(args).
type FilterFunc func(s *State, v Value, a Args) (Value, error)

// TestFunc is a test: v is name(args).
type TestFunc func(s *State, v Value, a Args) (bool, error)
