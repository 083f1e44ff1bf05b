package unet

import "context"

// Fence is the leader lease a singleton background job runs under: a write
// transaction whose context carries one commits only while Token is still
// the lease's current token (a deposed leader's writes fail with a conflict error).
type Fence struct {
	Lease string
	Token int64
}

type fenceKey struct{}

// WithFence returns ctx carrying f.
func WithFence(ctx context.Context, f Fence) context.Context {
	return context.WithValue(ctx, fenceKey{}, f)
}

// FenceFrom returns the fence ctx carries, if any.
func FenceFrom(ctx context.Context) (Fence, bool) {
	f, ok := ctx.Value(fenceKey{}).(Fence)
	return f, ok
}
