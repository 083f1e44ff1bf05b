package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
)

func (a *app) notifyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notify",
		Short: "Notification subscriptions: webhooks, Slack and email for events",
		Long: `A subscription sends the events whose types match its patterns (unet events
lists them; docs/notifications.md describes them) to a webhook (Standard
Webhooks, signed with --secret, or a Slack incoming webhook) or to mail
recipients over SMTP. Delivery is at least once and in event order, retried
with exponential backoff for up to a day (serve --notify-give-up), then the
event is a dead letter (notify deliveries NAME --dead). A new subscription
starts with the next event: it is not sent the past.`,
	}
	cmd.AddCommand(a.notifyAddCommand(), a.notifyListCommand(), a.notifyShowCommand(), a.notifyRemoveCommand(),
		a.notifyTestCommand(), a.notifyDeliveriesCommand(), a.notifyRedeliverCommand())
	return cmd
}

func (a *app) notifyAddCommand() *cobra.Command {
	var sub unet.Subscription
	var smtp unet.SMTPSettings
	var events, reason string
	var to []string
	cmd := &cobra.Command{
		Use:   "add NAME (--url URL [--format standard|slack] [--secret REF] | --smtp smtp://HOST:PORT --from A --to B...) --events PATTERNS",
		Short: "Add a webhook or email subscription",
		Example: `  unet notify add ops-hook --url https://hooks.example.com/unet --secret env:UNET_GIT_HOOK_SECRET --events 'change.applied,git.*'
  unet notify add chat --url db:git-slack-url --format slack --events 'changeset.*,emergency.*'
  unet notify add mail --smtp smtp://mail.example.com:587 --from unet@example.com --to ops@example.com --events 'git.rejected,git.failed'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sub.Name = args[0]
			if events == "" {
				return usagef("--events is required: comma-separated type patterns such as 'change.applied,git.*' ('*' for all)")
			}
			pats, err := unet.ParseEventPatterns(events)
			if err != nil {
				return err
			}
			sub.Events = pats
			switch {
			case smtp.Server != "" && sub.URL != "":
				return usagef("give either --url (webhook) or --smtp (email), not both")
			case smtp.Server != "":
				if sub.Format != "" || sub.SecretRef != "" {
					return usagef("--format and --secret are for webhooks (--url)")
				}
				for _, t := range to {
					for _, addr := range strings.Split(t, ",") {
						if addr = strings.TrimSpace(addr); addr != "" {
							smtp.To = append(smtp.To, addr)
						}
					}
				}
				m := smtp
				sub.SMTP = &m
			case sub.URL == "":
				return usagef("give --url URL (webhook) or --smtp smtp://HOST:PORT --from A --to B (email)")
			default:
				if smtp.From != "" || len(to) > 0 || smtp.Username != "" || smtp.PasswordRef != "" || smtp.CAFile != "" {
					return usagef("--from, --to and the --smtp-* flags are for email (--smtp)")
				}
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			out, err := svc.AddSubscription(a.ctx(cmd), sub, unet.WriteOptions{Reason: reason})
			if err != nil {
				return err
			}
			return a.printer().emit(out, func() any { return subscriptionKV(out) })
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&sub.URL, "url", "", "webhook URL (http or https), or a secret reference holding it (env:NAME, db:NAME, file:PATH)")
	fl.StringVar(&sub.Format, "format", "", "webhook format: standard (Standard Webhooks, the default) or slack (incoming webhook)")
	fl.StringVar(&sub.SecretRef, "secret", "", "secret reference of the Standard Webhooks signing key (whsec_BASE64 or any bytes)")
	fl.StringVar(&smtp.Server, "smtp", "", "SMTP server: smtp://HOST[:PORT] (STARTTLS when offered) or smtps://HOST[:PORT]")
	fl.StringVar(&smtp.From, "from", "", "sender address of the mail")
	fl.StringArrayVar(&to, "to", nil, "recipient address (repeat or separate with commas)")
	fl.StringVar(&smtp.Username, "smtp-user", "", "SMTP user name (authentication only over TLS)")
	fl.StringVar(&smtp.PasswordRef, "smtp-password", "", "secret reference of the SMTP password")
	fl.StringVar(&smtp.CAFile, "smtp-ca", "", "PEM file of authorities trusted for the SMTP server's certificate (path on the server)")
	fl.StringVar(&events, "events", "", "comma-separated event type patterns: change.applied, changeset.*, git.*, ... ('*' for all)")
	fl.StringVar(&reason, "reason", "", "reason recorded in the change log")
	return cmd
}

func subscriptionKV(s *unet.Subscription) kv {
	out := kv{{"name", s.Name}, {"kind", s.Kind}}
	if s.Kind == unet.NotifyEmail && s.SMTP != nil {
		out = append(out, [2]string{"smtp", s.SMTP.Server}, [2]string{"from", s.SMTP.From}, [2]string{"to", strings.Join(s.SMTP.To, ", ")})
		if s.SMTP.Username != "" {
			out = append(out, [2]string{"smtp user", s.SMTP.Username}, [2]string{"smtp password", s.SMTP.PasswordRef})
		}
		if s.SMTP.CAFile != "" {
			out = append(out, [2]string{"smtp ca", s.SMTP.CAFile})
		}
	} else {
		out = append(out, [2]string{"url", s.URL}, [2]string{"format", s.Format})
		if s.SecretRef != "" {
			out = append(out, [2]string{"secret", s.SecretRef})
		}
	}
	out = append(out, [2]string{"events", strings.Join(s.Events, ",")}, [2]string{"cursor", strconv.FormatInt(s.Cursor, 10)},
		[2]string{"dead letters", strconv.Itoa(s.Dead)})
	if s.Attempts > 0 {
		out = append(out, [2]string{"failed attempts", strconv.Itoa(s.Attempts)}, [2]string{"last error", s.LastError})
		if s.NextAttempt != nil {
			out = append(out, [2]string{"next attempt", s.NextAttempt.Format(time.RFC3339)})
		}
	}
	return append(out, [2]string{"created", s.CreatedAt.Format(time.RFC3339) + " by " + s.CreatedBy})
}

// subscriptionTarget is where a subscription sends, for lists.
func subscriptionTarget(s unet.Subscription) string {
	if s.SMTP != nil {
		return strings.Join(s.SMTP.To, ",") + " via " + s.SMTP.Server
	}
	return s.URL
}

func (a *app) notifyListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List subscriptions with their delivery state (URLs redacted)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			list, err := svc.ListSubscriptions(cmd.Context())
			if err != nil {
				return err
			}
			return a.printer().emit(list, func() any {
				t := table{header: []string{"NAME", "KIND", "FORMAT", "TARGET", "EVENTS", "CURSOR", "RETRYING", "DEAD"}}
				for _, s := range list {
					retry := "-"
					if s.Attempts > 0 {
						retry = fmt.Sprintf("%d attempts", s.Attempts)
					}
					t.rows = append(t.rows, []string{s.Name, s.Kind, s.Format, subscriptionTarget(s), strings.Join(s.Events, ","),
						strconv.FormatInt(s.Cursor, 10), retry, strconv.Itoa(s.Dead)})
				}
				return t
			})
		},
	}
}

func (a *app) notifyShowCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Show one subscription and its delivery state",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			s, err := svc.GetSubscription(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return a.printer().emit(s, func() any { return subscriptionKV(s) })
		},
	}
}

func (a *app) notifyRemoveCommand() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:     "remove NAME",
		Aliases: []string{"rm", "delete"},
		Short:   "Remove a subscription (its undelivered events are not sent)",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			if err := svc.RemoveSubscription(a.ctx(cmd), args[0], unet.DeleteOptions{Reason: reason}); err != nil {
				return err
			}
			return a.printer().emit(map[string]any{"removed": args[0]}, func() any { return kv{{"removed", args[0]}} })
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "reason recorded in the change log")
	return cmd
}

// deliveryKV prints one delivery attempt.
func deliveryKV(d *unet.Delivery) kv {
	out := kv{{"subscription", d.Subscription}, {"outcome", d.Outcome}, {"event", fmt.Sprintf("%d %s", d.EventID, d.EventType)},
		{"attempt", strconv.Itoa(d.Attempt)}, {"time", d.Time.Format(time.RFC3339)}, {"status", strconv.Itoa(d.Status)}}
	if d.Reply != "" {
		out = append(out, [2]string{"reply", d.Reply})
	}
	if d.Error != "" {
		out = append(out, [2]string{"error", d.Error})
	}
	return append(out, [2]string{"duration", (time.Duration(d.DurationMS) * time.Millisecond).String()})
}

// sendOutcome prints a synchronous send and fails the command when the
// receiver did not accept it.
func (a *app) sendOutcome(d *unet.Delivery) error {
	if err := a.printer().emit(d, func() any { return deliveryKV(d) }); err != nil {
		return err
	}
	if d.Error != "" {
		return &ExitError{Code: ExitFailure, Msg: "delivery failed: " + d.Error}
	}
	return nil
}

func (a *app) notifyTestCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "test NAME",
		Short: "Send a notify.test event to the subscription now and show the outcome",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			d, err := svc.TestSubscription(a.ctx(cmd), args[0])
			if err != nil {
				return err
			}
			return a.sendOutcome(d)
		},
	}
}

func (a *app) notifyDeliveriesCommand() *cobra.Command {
	var dead bool
	var outcome string
	var limit int
	cmd := &cobra.Command{
		Use:   "deliveries NAME [--dead] [--outcome OUTCOME] [--limit N]",
		Short: "Delivery attempts of a subscription, newest first",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dead {
				if outcome != "" && outcome != unet.DeliveryDead {
					return usagef("--dead and --outcome %s contradict each other", outcome)
				}
				outcome = unet.DeliveryDead
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			list, err := svc.ListDeliveries(cmd.Context(), args[0], unet.DeliveryFilter{Outcome: outcome, Limit: limit})
			if err != nil {
				return err
			}
			return a.printer().emit(list, func() any {
				t := table{header: []string{"ID", "TIME", "EVENT", "TYPE", "ATTEMPT", "OUTCOME", "STATUS", "ERROR"}}
				for _, d := range list {
					t.rows = append(t.rows, []string{strconv.FormatInt(d.ID, 10), d.Time.Format(time.RFC3339), strconv.FormatInt(d.EventID, 10),
						d.EventType, strconv.Itoa(d.Attempt), d.Outcome, strconv.Itoa(d.Status), d.Error})
				}
				return t
			})
		},
	}
	cmd.Flags().BoolVar(&dead, "dead", false, "only the dead letters (events given up on)")
	cmd.Flags().StringVar(&outcome, "outcome", "", "only this outcome: delivered, failed, dead or test")
	cmd.Flags().IntVar(&limit, "limit", 0, "at most this many (default 100, at most 1000)")
	return cmd
}

func (a *app) notifyRedeliverCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "redeliver NAME EVENT_ID",
		Short: "Send a dead-lettered event to the subscription again, now",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[1], 10, 64)
			if err != nil || id <= 0 {
				return usagef("EVENT_ID must be a positive event ID, not %q", args[1])
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			d, err := svc.Redeliver(a.ctx(cmd), args[0], id)
			if err != nil {
				return err
			}
			return a.sendOutcome(d)
		},
	}
}
