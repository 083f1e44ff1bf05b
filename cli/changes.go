package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/unet-dev/unet"
)

// changesCommand is the change log (list, show) and change review: change
// sets, approvals, apply, revert and emergency reviews.
func (a *app) changesCommand() *cobra.Command {
	var since string
	cmd := resourceCommand(a, &resource[unet.Change, unet.ChangeFilter]{
		kind: "change", use: "changes", aliases: []string{"change"}, short: "Read the change log and review change sets",
		list: &listSpec[unet.Change, unet.ChangeFilter]{use: "list [--object KIND/NAME|ID] [--since RFC3339] [--limit N]",
			short: "List changes, newest first",
			flags: func(fs *pflag.FlagSet, f *unet.ChangeFilter) {
				fs.StringVar(&f.Object, "object", "", "only changes of this object: KIND/NAME (node/leaf1, location/Campus/HQ) or an ID")
				fs.StringVar(&f.Actor, "actor", "", "only changes by this actor")
				fs.StringVar(&since, "since", "", "only changes at or after this time (RFC 3339)")
			},
			prepare: func(f *unet.ChangeFilter) error {
				if since == "" {
					return nil
				}
				t, err := time.Parse(time.RFC3339, since)
				if err != nil {
					return usagef("--since %q: want an RFC 3339 time such as 2026-01-02T15:04:05Z", since)
				}
				f.Since = t
				return nil
			},
			page:   func(f *unet.ChangeFilter) *unet.Page { return &f.Page },
			paged:  unet.Service.ListChanges,
			header: []string{"ID", "TIME", "ACTOR", "OP", "OBJECT", "REASON"},
			row: func(c unet.Change) []string {
				return []string{c.ID, c.Time.Format(time.RFC3339), c.Actor, c.Op, c.ObjectKind + "/" + c.ObjectName, dash(c.Reason)}
			},
		},
	})
	cmd.Long = `The change log records every write: changes list, changes show ID.

Change review stages writes as change sets (cs-N) that others approve before
they are applied: every mutating command takes --propose "TITLE" (a new set)
or --changeset cs-N (append to one), and changes propose -f FILE takes a file
of operations. changes show cs-N shows what a set would do (objects, policy
outcomes, rendered configuration, guards) before anyone approves it;
approve, apply, revert and the emergency reviews follow.

  unet nodes update lon-acc-01 --set software_version=17.12.2 --propose "Upgrade lon-acc-01"
  unet changes show cs-1
  UNET_ACTOR=bob unet changes approve cs-1 --comment "checked"
  unet changes apply cs-1`
	// show takes a change ID or a change set (cs-N).
	cmd.AddCommand(a.changeSetCommands()...)
	return cmd
}

// changeText renders a change for people: header lines, then the fields that
// differ between before and after. An image that is not a JSON object is an
// internal error: the change log is the audit trail and must not look empty.
func changeText(c *unet.Change) (string, error) {
	before, err := changeImage(c, "before", c.Before)
	if err != nil {
		return "", err
	}
	after, err := changeImage(c, "after", c.After)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "change:  %s\ntime:    %s\nactor:   %s\nop:      %s\nobject:  %s/%s (%s)\n", c.ID,
		c.Time.Format(time.RFC3339), c.Actor, c.Op, c.ObjectKind, c.ObjectName, c.ObjectID)
	if c.Reason != "" {
		fmt.Fprintf(&b, "reason:  %s\n", c.Reason)
	}
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
	return b.String(), nil
}

// changeImage decodes the before or after image of a change: nil when the
// change has none (a create has no before, a delete no after).
func changeImage(c *unet.Change, which string, raw json.RawMessage) (map[string]any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, unet.Internal(fmt.Errorf("change %s: unreadable %s image: %w", c.ID, which, err))
	}
	return m, nil
}

// oneLine writes a decoded JSON value on one line, without HTML escaping.
func oneLine(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Values decoded from JSON always encode; show anything else as Go does.
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(buf.String())
}
