package webui

import (
	"context"

	"github.com/unet-dev/unet/httpapi"
)

// withEngine runs f, an engine call of a page (render, diff, a change set's
// impact, a canary's comparison), in one of the server's engine slots, as
// the API's engine routes run (httpapi.AcquireEngine): a page waits for a
// slot rather than adding to the engines' load without bound.
func withEngine[T any](ctx context.Context, f func(context.Context) (T, error)) (T, error) {
	ctx, release, err := httpapi.AcquireEngine(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	defer release()
	return f(ctx)
}
