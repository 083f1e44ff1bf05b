package service

import "context"

// EvalProgress is how far an evaluation got: Phase "evaluate" (Done of
// Total objects evaluated) or "store" (Done of Total results written; Total
// is known once the stored results were compared).
type EvalProgress struct {
	Phase       string
	Done, Total int
}

type progressKey struct{}

// WithEvalProgress returns a context whose evaluations report their
// progress to fn (from one goroutine at a time, every few hundred objects).
func WithEvalProgress(ctx context.Context, fn func(EvalProgress)) context.Context {
	return context.WithValue(ctx, progressKey{}, fn)
}

// reportProgress calls the context's progress function, if any.
func reportProgress(ctx context.Context, phase string, done, total int) {
	if fn, ok := ctx.Value(progressKey{}).(func(EvalProgress)); ok && fn != nil {
		fn(EvalProgress{Phase: phase, Done: done, Total: total})
	}
}
