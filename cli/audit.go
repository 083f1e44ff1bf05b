package cli

import (
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
)

func (a *app) auditCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "The audit log: mutating requests, denials and identity changes",
	}
	var f unet.AuditFilter
	var since string
	list := &cobra.Command{
		Use:   "list [--actor A] [--outcome ok|denied|error] [--since T]",
		Short: "List audit entries, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if since != "" {
				t, err := time.Parse(time.RFC3339Nano, since)
				if err != nil {
					d, derr := time.ParseDuration(since)
					if derr != nil || d <= 0 {
						return usagef("--since %q: want an RFC 3339 time or a duration back from now (24h)", since)
					}
					t = time.Now().Add(-d)
				}
				f.Since = t
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			l, err := svc.ListAudit(a.ctx(cmd), f)
			if err != nil {
				return err
			}
			return a.printer().emit(l, func() any {
				t := table{header: []string{"TIME", "ACTOR", "AUTH", "METHOD", "ROUTE", "OBJECT", "PERMISSION", "OUTCOME", "STATUS", "SOURCE", "DETAIL"}}
				for _, e := range l.Items {
					t.rows = append(t.rows, []string{e.Time.Format(time.RFC3339), e.Actor, e.AuthMethod, e.Method, e.Route,
						dash(e.Object), string(e.Permission), e.Outcome, strconv.Itoa(e.Status), dash(e.SourceIP), dash(e.Detail)})
				}
				return t
			})
		},
	}
	fl := list.Flags()
	fl.StringVar(&f.Actor, "actor", "", "only entries of this actor")
	fl.StringVar(&f.Outcome, "outcome", "", "only this outcome: ok, denied or error")
	fl.StringVar(&since, "since", "", "only entries since this RFC 3339 time or this long ago (24h)")
	fl.IntVar(&f.Limit, "limit", 0, "at most this many entries (default 100)")
	cmd.AddCommand(list)
	return cmd
}
