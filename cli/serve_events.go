package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet/cluster"
	"github.com/unet-dev/unet/service"
)

// jobEventRetention is the singleton job that deletes old events.
const jobEventRetention = "event_retention"

// defaultEventRetention is how long events are kept by default (30 days).
const defaultEventRetention = 720 * time.Hour

// eventRetention picks the retention: the flag when given, else the config
// file's [server] event_retention, else the flag's default.
func eventRetention(cmd *cobra.Command, flag time.Duration, file *duration) (time.Duration, error) {
	d := flag
	if !cmd.Flags().Changed("event-retention") && file != nil {
		d = time.Duration(*file)
	}
	if d < 0 {
		return 0, usagef("event retention %s is negative: give a duration such as 720h (0 keeps every event)", d)
	}
	return d, nil
}

// eventPruneInterval is how often the retention job runs for retention d:
// a tenth of it, between a minute and an hour.
func eventPruneInterval(d time.Duration) time.Duration {
	return min(max(d/10, time.Minute), time.Hour)
}

// startEventRetention deletes the events older than retention (0: keeps
// everything) on the replica that leads, at once and then every
// eventPruneInterval, in the leader's fenced context. The returned function
// waits until it has stopped.
func startEventRetention(ctx context.Context, svc *service.Service, coord cluster.Coordinator, retention time.Duration, logger *slog.Logger) func() {
	if retention <= 0 {
		return func() {}
	}
	return asLeader(ctx, coord, jobEventRetention, func(ctx context.Context) {
		t := time.NewTicker(eventPruneInterval(retention))
		defer t.Stop()
		for {
			n, err := svc.PruneEvents(ctx, time.Now().Add(-retention))
			switch {
			case err != nil && ctx.Err() == nil:
				logger.Warn("event retention: delete old events", slog.Any("error", err))
			case n > 0:
				logger.Info("event retention: deleted old events", slog.Int64("events", n), slog.Duration("retention", retention))
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
}
