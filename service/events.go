package service

import (
	"context"

	"github.com/unet-dev/unet"
)

// ListEvents returns events oldest first (see unet.EventService).
func (s *Service) ListEvents(ctx context.Context, f unet.EventFilter) ([]unet.Event, error) {
	return s.db.Reader().ListEvents(ctx, f)
}

// EventsWake returns a channel closed when this process next commits events.
func (s *Service) EventsWake() <-chan struct{} { return s.db.EventsWake() }
