package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// eventPollInterval is how often `unet events --follow` on a database looks
// for events other processes committed.
const eventPollInterval = time.Second

func (a *app) eventsCommand() *cobra.Command {
	var (
		follow bool
		types  string
		after  int64
		limit  int
	)
	cmd := &cobra.Command{
		Use:   "events [--follow] [--type PATTERNS] [--after ID] [--limit N]",
		Short: "Print the event log: one line per event (time, ID, type, subject, summary), or JSON lines with -o json",
		Long: `Print the event log, oldest first: what was applied, change-set transitions,
emergency changes, Git syncs, policy regressions, SNMP reachability (see
docs/notifications.md for the types and their payloads).

Without --follow it prints the events after --after (default: from the
first) and stops. With --follow it prints the events after --after (default:
from now on) and keeps printing new ones until interrupted; against a server
(--server) it reads the event stream and reconnects after a dropped
connection, resuming after the last event printed, so that no event is
missed or printed twice.

--type takes comma-separated glob patterns: --type 'git.*,changeset.approved'.
Table output is one line per event; json and ndjson print one JSON object
per line.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			patterns, err := unet.ParseEventPatterns(types)
			if err != nil {
				return usagef("--type: %v", err)
			}
			if after < 0 {
				return usagef("--after must be an event ID (0 or more)")
			}
			if limit < 0 {
				return usagef("--limit must not be negative")
			}
			if follow && limit > 0 {
				return usagef("--limit does not go with --follow")
			}
			if a.output == "yaml" {
				return usagef("events print one line each: use -o table, json or ndjson")
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			ctx := a.ctx(cmd)
			print := func(e *unet.Event) error { return a.printEvent(e) }
			if !follow {
				evs, err := svc.ListEvents(ctx, unet.EventFilter{After: after, Types: patterns, Limit: limit})
				if err != nil {
					return err
				}
				for i := range evs {
					if err := print(&evs[i]); err != nil {
						return err
					}
				}
				return nil
			}
			req := httpapi.EventStreamRequest{After: after, Set: cmd.Flags().Changed("after"), Types: patterns}
			if c, ok := svc.(*httpapi.Client); ok {
				err = c.FollowEvents(ctx, req, print)
			} else {
				err = followLocal(ctx, svc, req, print)
			}
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&follow, "follow", "f", false, "keep printing new events until interrupted")
	f.StringVar(&types, "type", "", "only events of these types: comma-separated patterns (git.*,changeset.approved)")
	f.Int64Var(&after, "after", 0, "only events after this event ID")
	f.IntVar(&limit, "limit", 0, "at most N events (default 100; not with --follow)")
	return cmd
}

// printEvent writes one event: a line of text for tables, a JSON line
// otherwise.
func (a *app) printEvent(e *unet.Event) error {
	if a.output != "table" {
		return writeLine(a.env.Stdout, e)
	}
	subject := e.Subject
	if subject == "" {
		subject = "-"
	}
	_, err := fmt.Fprintf(a.env.Stdout, "%s  %d  %s  %s  %s\n", e.Time.UTC().Format(time.RFC3339),
		e.ID, escapeCell(e.Type), escapeCell(subject), escapeCell(e.Summary))
	return err
}

// followLocal follows the event log of a database: it reads what was
// committed after the position, then waits for this process's next commit
// or polls for other processes' ones.
func followLocal(ctx context.Context, svc unet.Service, req httpapi.EventStreamRequest, fn func(*unet.Event) error) error {
	after := req.After
	if !req.Set {
		last, err := svc.LastEventID(ctx)
		if err != nil {
			return err
		}
		after = last
	}
	tick := time.NewTicker(eventPollInterval)
	defer tick.Stop()
	for {
		wake := svc.EventsWake()
		evs, err := svc.ListEvents(ctx, unet.EventFilter{After: after, Limit: 500})
		if err != nil {
			return err
		}
		for i := range evs {
			after = evs[i].ID
			if !unet.EventTypeMatches(req.Types, evs[i].Type) {
				continue
			}
			if err := fn(&evs[i]); err != nil {
				return err
			}
		}
		if len(evs) == 500 {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		case <-tick.C:
		}
	}
}
