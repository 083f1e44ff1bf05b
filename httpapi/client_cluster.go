package httpapi

import (
	"context"
	"net/http"

	"github.com/unet-dev/unet/cluster"
)

// ClusterStatus reads the server's view of its replicas.
func (c *Client) ClusterStatus(ctx context.Context) (*cluster.Status, error) {
	return fetch[cluster.Status](ctx, c, call{method: http.MethodGet, path: BasePath + "/cluster"})
}
