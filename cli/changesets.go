package cli

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
)

// isChangeSetID reports whether ref names a change set ("cs-17") rather
// than a change of the log.
func isChangeSetID(ref string) bool { return strings.HasPrefix(ref, "cs-") }

// changeSetCommands are the change-review commands of `unet changes`.
func (a *app) changeSetCommands() []*cobra.Command {
	return []*cobra.Command{
		a.changesShowCommand(),
		a.changesProposeCommand(),
		a.changesAppendCommand(),
		a.changesSetsCommand(),
		a.changesDiffCommand(),
		a.changesSubmitCommand(),
		a.changesApproveCommand(),
		a.changesRejectCommand(),
		a.changesAbandonCommand(),
		a.changesApplyCommand(),
		a.changesRebaseCommand(),
		a.changesRevertCommand(),
		a.changesEventsCommand(),
		a.changesReviewsCommand(),
		a.changesReviewCommand(),
	}
}

// changesShowCommand shows a change of the log (by ID) or a change set
// (cs-N) with its impact.
func (a *app) changesShowCommand() *cobra.Command {
	var noImpact bool
	cmd := &cobra.Command{
		Use:   "show ID|cs-N [--no-impact]",
		Short: "Show a change with its before and after, or a change set with its impact",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			if !isChangeSetID(args[0]) {
				c, err := svc.GetChange(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				text, err := changeText(c)
				if err != nil {
					return err
				}
				return a.printer().emit(c, func() any { return text })
			}
			cs, err := svc.GetChangeSet(a.ctx(cmd), args[0], unet.ChangeSetView{Impact: !noImpact})
			if err != nil {
				return err
			}
			return a.printer().emit(cs, func() any { return changeSetText(cs) })
		},
	}
	cmd.Flags().BoolVar(&noImpact, "no-impact", false, "do not compute the impact of a change set")
	return cmd
}

func (a *app) changesProposeCommand() *cobra.Command {
	var file, title string
	var draft, autoApply bool
	cmd := &cobra.Command{
		Use:   "propose -f FILE [--title T] [--draft] [--auto-apply]",
		Short: "Propose a change set from a file of operations (YAML or JSON)",
		Long: `Propose stages the operations of FILE as a new change set. The file holds
{title, description, auto_apply, ops: [{op, kind, ref, data, cascade}]}:

  title: Move lon-acc-01 to 17.12.2
  ops:
    - op: update
      kind: node
      ref: lon-acc-01
      data: {software_version: 17.12.2}
    - op: create
      kind: vendor
      data: {name: mikrotik}
    - op: delete
      kind: link
      ref: lon-acc-01:Gi1/0/48

op is create, update, delete or import (kind bundle, data an inventory
bundle); --title, --draft and --auto-apply override the file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file == "" {
				return usagef("give the operations with -f FILE")
			}
			cf, err := a.readChangeFile(file)
			if err != nil {
				return err
			}
			req := unet.ChangeSetRequest{Title: cf.Title, Description: cf.Description, AutoApply: cf.AutoApply, Draft: draft, Ops: cf.Ops}
			if cmd.Flags().Changed("title") {
				req.Title = title
			}
			if autoApply {
				req.AutoApply = true
			}
			if strings.TrimSpace(req.Title) == "" {
				return usagef("a change set needs a title: give title in the file or --title")
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			cs, err := svc.ProposeChangeSet(a.ctx(cmd), req)
			if err != nil {
				return err
			}
			return a.printSet("proposed", cs)
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "file of operations (YAML or JSON; - for standard input)")
	cmd.Flags().StringVar(&title, "title", "", "title of the change set (overrides the file's)")
	cmd.Flags().BoolVar(&draft, "draft", false, "create the change set open, to take more operations before it is submitted")
	cmd.Flags().BoolVar(&autoApply, "auto-apply", false, "apply the change set on its last required approval")
	return cmd
}

func (a *app) changesAppendCommand() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "append cs-N -f FILE",
		Short: "Append the operations of a file to a change set (dismisses its approvals)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return usagef("give the operations with -f FILE")
			}
			cf, err := a.readChangeFile(file)
			if err != nil {
				return err
			}
			if cf.Title != "" || cf.Description != "" || cf.AutoApply {
				return usagef("%s: append takes only ops (title, description and auto_apply belong to the change set)", file)
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			cs, err := svc.AppendChangeOps(a.ctx(cmd), args[0], cf.Ops)
			if err != nil {
				return err
			}
			return a.printSet("appended to", cs)
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "file of operations (YAML or JSON; - for standard input)")
	return cmd
}

func (a *app) changesSetsCommand() *cobra.Command {
	var f unet.ChangeSetFilter
	cmd := &cobra.Command{
		Use:   "sets [--state S] [--author A]",
		Short: "List change sets, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.State != "" && !oneOf(f.State, unet.ChangeSetStates()) {
				return usagef("unknown --state %q (want %s)", f.State, strings.Join(unet.ChangeSetStates(), ", "))
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			sets, err := collect(f.Page, func(p unet.Page) (*unet.List[unet.ChangeSet], error) {
				g := f
				g.Page = p
				return svc.ListChangeSets(a.ctx(cmd), g)
			})
			if err != nil {
				return err
			}
			return a.printer().emit(sets, func() any {
				t := table{header: []string{"ID", "STATE", "TITLE", "AUTHOR", "UPDATED"}}
				for _, cs := range sets {
					t.rows = append(t.rows, []string{cs.ID, cs.State, cs.Title, cs.Author, cs.UpdatedAt.Format(time.RFC3339)})
				}
				return t
			})
		},
	}
	cmd.Flags().StringVar(&f.State, "state", "", "only sets in this state ("+strings.Join(unet.ChangeSetStates(), ", ")+")")
	cmd.Flags().StringVar(&f.Author, "author", "", "only sets by this author")
	pageFlags(cmd.Flags(), &f.Page)
	return cmd
}

func (a *app) changesDiffCommand() *cobra.Command {
	var remediate bool
	cmd := &cobra.Command{
		Use:   "diff cs-N [--remediation]",
		Short: "Print how a change set changes the rendered configuration of each node",
		Long: `Print how a change set changes the rendered configuration of each node: a
unified diff per node, or with --remediation the commands that take the
configuration rendered before the set to the one rendered after it, in the
dialect of the node's platform. -o json gives every node's diff and
remediation.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			cs, err := svc.GetChangeSet(a.ctx(cmd), args[0], unet.ChangeSetView{Impact: true})
			if err != nil {
				return err
			}
			config := []unet.ConfigImpact{}
			if cs.Impact != nil {
				config = cs.Impact.Config
			}
			return a.printer().emit(config, func() any {
				if remediate {
					return configRemediationText(cs)
				}
				return configDiffText(cs)
			})
		},
	}
	cmd.Flags().BoolVar(&remediate, "remediation", false, "print each node's remediation commands instead of its diff")
	return cmd
}

// simpleSetCommand builds a command that takes cs-N and acts on the set;
// check, when not nil, vets the flags first.
func (a *app) simpleSetCommand(use, short, verb string, check func() error,
	act func(cmd *cobra.Command, svc unet.Service, id string) (*unet.ChangeSet, error)) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if check != nil {
				if err := check(); err != nil {
					return err
				}
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			cs, err := act(cmd, svc, args[0])
			if err != nil {
				return err
			}
			return a.printSet(verb, cs)
		},
	}
}

func (a *app) changesSubmitCommand() *cobra.Command {
	return a.simpleSetCommand("submit cs-N", "Submit an open change set for review", "submitted", nil,
		func(cmd *cobra.Command, svc unet.Service, id string) (*unet.ChangeSet, error) {
			return svc.SubmitChangeSet(a.ctx(cmd), id)
		})
}

func (a *app) changesApproveCommand() *cobra.Command {
	var comment string
	cmd := a.simpleSetCommand("approve cs-N [--comment C]", "Approve a change set (not your own)", "approved", nil,
		func(cmd *cobra.Command, svc unet.Service, id string) (*unet.ChangeSet, error) {
			return svc.ApproveChangeSet(a.ctx(cmd), id, comment)
		})
	cmd.Flags().StringVar(&comment, "comment", "", "comment recorded with the approval")
	return cmd
}

func (a *app) changesRejectCommand() *cobra.Command {
	var comment string
	cmd := a.simpleSetCommand("reject cs-N --comment C", "Reject a change set, saying why", "rejected",
		func() error {
			if strings.TrimSpace(comment) == "" {
				return usagef("reject needs --comment: say why")
			}
			return nil
		},
		func(cmd *cobra.Command, svc unet.Service, id string) (*unet.ChangeSet, error) {
			return svc.RejectChangeSet(a.ctx(cmd), id, comment)
		})
	cmd.Flags().StringVar(&comment, "comment", "", "why the change set is rejected (required)")
	return cmd
}

func (a *app) changesAbandonCommand() *cobra.Command {
	var reason string
	cmd := a.simpleSetCommand("abandon cs-N [--reason R]", "Abandon a change set", "abandoned", nil,
		func(cmd *cobra.Command, svc unet.Service, id string) (*unet.ChangeSet, error) {
			return svc.AbandonChangeSet(a.ctx(cmd), id, reason)
		})
	cmd.Flags().StringVar(&reason, "reason", "", "why the change set is abandoned")
	return cmd
}

func (a *app) changesApplyCommand() *cobra.Command {
	var o unet.ApplyOptions
	cmd := a.simpleSetCommand("apply cs-N [--force --reason R] [--emergency --reason R]",
		"Apply an approved change set in one transaction", "applied",
		func() error {
			if (o.Force || o.Emergency) && strings.TrimSpace(o.Reason) == "" {
				return usagef("--force and --emergency need --reason: the reason is recorded and reviewed")
			}
			return nil
		},
		func(cmd *cobra.Command, svc unet.Service, id string) (*unet.ChangeSet, error) {
			return svc.ApplyChangeSet(a.ctx(cmd), id, o)
		})
	cmd.Flags().BoolVar(&o.Force, "force", false, "apply although guards trip (needs --reason and the changes:force permission)")
	cmd.Flags().BoolVar(&o.Emergency, "emergency", false, "apply without approvals, flagged for review (needs --reason and the changes:emergency permission)")
	cmd.Flags().StringVar(&o.Reason, "reason", "", "reason for --force or --emergency")
	return cmd
}

func (a *app) changesRebaseCommand() *cobra.Command {
	return a.simpleSetCommand("rebase cs-N", "Move operations whose fields did not change onto the current objects (dismisses approvals)",
		"rebased", nil, func(cmd *cobra.Command, svc unet.Service, id string) (*unet.ChangeSet, error) {
			return svc.RebaseChangeSet(a.ctx(cmd), id)
		})
}

func (a *app) changesRevertCommand() *cobra.Command {
	var o unet.RevertOptions
	cmd := a.simpleSetCommand("revert ID|cs-N [--reason R] [--force]",
		"Apply the inverse of a change or of an applied change set as a new change set", "reverted with", nil,
		func(cmd *cobra.Command, svc unet.Service, ref string) (*unet.ChangeSet, error) {
			return svc.RevertChange(a.ctx(cmd), ref, o)
		})
	cmd.Flags().StringVar(&o.Reason, "reason", "", "reason recorded in the change log")
	cmd.Flags().BoolVar(&o.Force, "force", false, "revert even objects that changed since (their current state is overwritten)")
	return cmd
}

func (a *app) changesEventsCommand() *cobra.Command {
	var f unet.ChangeEventFilter
	var since string
	cmd := &cobra.Command{
		Use:   "events [--changeset cs-N] [--since RFC3339]",
		Short: "List the state transitions of change sets and emergency changes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if since != "" {
				t, err := time.Parse(time.RFC3339, since)
				if err != nil {
					return usagef("--since %q: want an RFC 3339 time such as 2026-01-02T15:04:05Z", since)
				}
				f.Since = t
			}
			if f.Limit < 0 {
				return usagef("--limit must not be negative")
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			l, err := svc.ListChangeEvents(a.ctx(cmd), f)
			if err != nil {
				return err
			}
			events := l.Items
			if events == nil {
				events = []unet.ChangeEvent{}
			}
			return a.printer().emit(events, func() any {
				t := table{header: []string{"TIME", "ACTOR", "SET", "TRANSITION", "STATE", "DETAIL"}}
				for _, e := range events {
					state := ""
					if e.From != "" || e.To != "" {
						state = dash(e.From) + " → " + dash(e.To)
					}
					t.rows = append(t.rows, []string{e.Time.Format(time.RFC3339), e.Actor, dash(e.ChangeSet), e.Transition, dash(state), dash(e.Detail)})
				}
				return t
			})
		},
	}
	cmd.Flags().StringVar(&f.ChangeSet, "changeset", "", "only events of this change set")
	cmd.Flags().StringVar(&since, "since", "", "only events at or after this time (RFC 3339)")
	cmd.Flags().StringVar(&f.After, "after", "", "only events after this event ID")
	cmd.Flags().IntVar(&f.Limit, "limit", 0, "at most N events (default: the server's page)")
	return cmd
}

func (a *app) changesReviewsCommand() *cobra.Command {
	var all bool
	var page unet.Page
	cmd := &cobra.Command{
		Use:   "reviews [--all]",
		Short: "List emergency changes waiting for review (--all: reviewed ones too)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			items, err := collect(page, func(p unet.Page) (*unet.List[unet.EmergencyChange], error) {
				return svc.ListEmergencyChanges(a.ctx(cmd), unet.EmergencyFilter{Pending: !all, Page: p})
			})
			if err != nil {
				return err
			}
			return a.printer().emit(items, func() any {
				t := table{header: []string{"BATCH", "TIME", "ACTOR", "REASON", "OBJECTS", "REVIEWED"}}
				for _, e := range items {
					reviewed := "-"
					if e.Review != nil {
						reviewed = e.Review.Reviewer + " " + e.Review.At.Format(time.RFC3339)
					}
					batch := e.Batch
					if e.ChangeSet != "" {
						batch += " (" + e.ChangeSet + ")"
					}
					t.rows = append(t.rows, []string{batch, e.Time.Format(time.RFC3339), e.Actor, e.Reason,
						strings.Join(e.Objects, ", "), reviewed})
				}
				return t
			})
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "list reviewed emergency changes too")
	pageFlags(cmd.Flags(), &page)
	return cmd
}

func (a *app) changesReviewCommand() *cobra.Command {
	var comment string
	cmd := &cobra.Command{
		Use:   "review BATCH|CHANGE_ID|cs-N --comment C",
		Short: "Review an emergency change (its batch, one of its change IDs or its change set)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(comment) == "" {
				return usagef("review needs --comment")
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			e, err := svc.ReviewEmergencyChange(a.ctx(cmd), args[0], comment)
			if err != nil {
				return err
			}
			return a.printer().emit(e, func() any {
				return "reviewed emergency change " + e.Batch + " (" + plural(len(e.Objects), "object") + ", by " + e.Actor + ")\n"
			})
		},
	}
	cmd.Flags().StringVar(&comment, "comment", "", "the review (required)")
	return cmd
}

func oneOf(s string, set []string) bool {
	for _, v := range set {
		if s == v {
			return true
		}
	}
	return false
}
