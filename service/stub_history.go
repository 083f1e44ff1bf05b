package service

// STUB (replaced by time travel).

import (
	"context"

	"github.com/unet-dev/unet"
)

func (s *Service) NodeAt(ctx context.Context, ref, at string) (*unet.Node, error) {
	return nil, notYet()
}
func (s *Service) LinkAt(ctx context.Context, ref, at string) (*unet.Link, error) {
	return nil, notYet()
}
func (s *Service) LocationAt(ctx context.Context, ref, at string) (*unet.Location, error) {
	return nil, notYet()
}
func (s *Service) ExportAt(ctx context.Context, at string) (*unet.Bundle, error) {
	return nil, notYet()
}
