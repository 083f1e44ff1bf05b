package httpapi

import (
	"context"
	"net/http"
	"net/url"

	"github.com/unet-dev/unet"
)

func canaryPath(name string) string { return BasePath + "/canaries/" + url.PathEscape(name) }

// StartCanary starts a canary on the server.
func (c *Client) StartCanary(ctx context.Context, req unet.CanaryStartRequest) (*unet.Canary, error) {
	return fetch[unet.Canary](ctx, c, call{method: http.MethodPost, path: BasePath + "/canaries", body: req})
}

// GetCanary shows a canary.
func (c *Client) GetCanary(ctx context.Context, name string) (*unet.Canary, error) {
	return fetch[unet.Canary](ctx, c, call{method: http.MethodGet, path: canaryPath(name)})
}

// ListCanaries lists the active canaries, or every one with all.
func (c *Client) ListCanaries(ctx context.Context, all bool) ([]unet.Canary, error) {
	q := url.Values{}
	if all {
		q.Set("all", "true")
	}
	l, err := fetch[unet.List[unet.Canary]](ctx, c, call{method: http.MethodGet, path: BasePath + "/canaries", query: q})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// CanaryStatus compares candidate and baseline of a canary.
func (c *Client) CanaryStatus(ctx context.Context, name string, diff bool) (*unet.CanaryReport, error) {
	q := url.Values{}
	if diff {
		q.Set("diff", "true")
	}
	return fetch[unet.CanaryReport](ctx, c, call{method: http.MethodGet, path: canaryPath(name) + "/status", query: q})
}

// PromoteCanary makes a canary's candidate the active version, or proposes
// that as a change set (Kind proposed, answered 202) when an approval rule
// covers it or req.Propose asks.
func (c *Client) PromoteCanary(ctx context.Context, req unet.CanaryPromoteRequest) (*unet.CanaryPromoteResult, error) {
	return fetch[unet.CanaryPromoteResult](ctx, c, call{method: http.MethodPost, path: canaryPath(req.Name) + "/promote",
		body: CanaryPromoteRequest{Propose: req.Propose, Emergency: req.Emergency, Reason: req.Reason}})
}

// AbortCanary ends a canary.
func (c *Client) AbortCanary(ctx context.Context, name, reason string) (*unet.Canary, error) {
	return fetch[unet.Canary](ctx, c, call{method: http.MethodPost, path: canaryPath(name) + "/abort", body: CanaryAbortRequest{Reason: reason}})
}
