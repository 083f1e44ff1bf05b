package jinja

import "context"

// NewState returns the State a host passes when it calls a filter, test or
// function outside a render (a Go program applying a filter to a value, a
// test calling one directly). It runs under env's limits, or the default
// limits for a nil env, and ends with ctx: Limits.Timeout is not applied,
// so give ctx a deadline to bound the time.
func NewState(ctx context.Context, env *Env) *State {
	if ctx == nil {
		ctx = context.Background()
	}
	if env == nil {
		env = New(nil, Options{})
	}
	return &State{ctx: ctx, limits: env.opts.Limits, env: env}
}
