package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
)

func (a *app) changesCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "changes", Aliases: []string{"change"}, Short: "Read the change log"}
	var f unet.ChangeFilter
	var since string
	list := &cobra.Command{
		Use:   "list [--object KIND/NAME|ID] [--since RFC3339] [--limit N]",
		Short: "List changes, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if since != "" {
				t, err := time.Parse(time.RFC3339, since)
				if err != nil {
					return usagef("--since %q: want an RFC 3339 time such as 2026-01-02T15:04:05Z", since)
				}
				f.Since = t
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			changes, err := collect(f.Page, func(p unet.Page) (*unet.List[unet.Change], error) {
				ff := f
				ff.Page = p
				return svc.ListChanges(cmd.Context(), ff)
			})
			if err != nil {
				return err
			}
			return a.printer().emit(changes, func() any {
				t := table{header: []string{"ID", "TIME", "ACTOR", "OP", "OBJECT", "REASON"}}
				for _, c := range changes {
					t.rows = append(t.rows, []string{c.ID, c.Time.Format(time.RFC3339), c.Actor, c.Op, c.ObjectKind + "/" + c.ObjectName, dash(c.Reason)})
				}
				return t
			})
		},
	}
	list.Flags().StringVar(&f.Object, "object", "", "only changes of this object: KIND/NAME (node/leaf1, location/Campus/HQ) or an ID")
	list.Flags().StringVar(&f.Actor, "actor", "", "only changes by this actor")
	list.Flags().StringVar(&since, "since", "", "only changes at or after this time (RFC 3339)")
	pageFlags(list.Flags(), &f.Page)

	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show a change with its before and after",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			c, err := svc.GetChange(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return a.printer().emit(c, func() any { return changeText(c) })
		},
	}
	cmd.AddCommand(list, show)
	return cmd
}

// changeText renders a change for people: header lines, then the fields that
// differ between before and after.
func changeText(c *unet.Change) string {
	var b strings.Builder
	fmt.Fprintf(&b, "change:  %s\ntime:    %s\nactor:   %s\nop:      %s\nobject:  %s/%s (%s)\n", c.ID,
		c.Time.Format(time.RFC3339), c.Actor, c.Op, c.ObjectKind, c.ObjectName, c.ObjectID)
	if c.Reason != "" {
		fmt.Fprintf(&b, "reason:  %s\n", c.Reason)
	}
	var before, after map[string]any
	_ = json.Unmarshal(c.Before, &before)
	_ = json.Unmarshal(c.After, &after)
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		if k == "updated_at" || k == "version" {
			continue
		}
		names = append(names, k)
	}
	sort.Strings(names)
	b.WriteString("\n")
	for _, k := range names {
		bv, bok := before[k]
		av, aok := after[k]
		bj, aj := oneLine(bv), oneLine(av)
		switch {
		case bok && aok && bj == aj:
			continue
		case bok && before != nil:
			fmt.Fprintf(&b, "- %s: %s\n", k, bj)
		}
		if aok && after != nil {
			fmt.Fprintf(&b, "+ %s: %s\n", k, aj)
		}
	}
	return b.String()
}

func oneLine(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSpace(buf.String())
}
