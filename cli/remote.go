package cli

import (
	"context"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// openRemote connects to a μNet server: the returned service runs every call
// over the server's REST API. Nothing is sent until the first call, which
// reports an unreachable server as code unavailable (exit 68) with its URL.
// token, when set, is sent as a bearer credential with every request.
func openRemote(_ context.Context, url, actor, token string) (unet.Service, error) {
	c, err := httpapi.NewClient(url, httpapi.ClientOptions{Actor: actor, Token: token})
	if err != nil {
		return nil, usagef("--server: %v", err)
	}
	return c, nil
}
