package httpapi

// STUB (replaced by time travel).

import (
	"context"

	"github.com/unet-dev/unet"
)

func (c *Client) NodeAt(ctx context.Context, ref, at string) (*unet.Node, error) {
	return nil, notYetClient()
}
func (c *Client) LinkAt(ctx context.Context, ref, at string) (*unet.Link, error) {
	return nil, notYetClient()
}
func (c *Client) LocationAt(ctx context.Context, ref, at string) (*unet.Location, error) {
	return nil, notYetClient()
}
func (c *Client) ExportAt(ctx context.Context, at string) (*unet.Bundle, error) {
	return nil, notYetClient()
}
