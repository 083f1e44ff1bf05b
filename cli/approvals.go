package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
)

// approvalsCommand manages the approval rules: who must approve a change
// set is decided by what it touches.
func (a *app) approvalsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "approvals",
		Aliases: []string{"approval"},
		Short:   "Manage the approval rules of change sets",
		Long: `An approval rule says how many approvals a change set needs when it touches
certain objects. Its condition is in the policy language and is evaluated
against the before and the after image of every object the set touches; the
set needs the largest number any matching rule requires (1 when none matches).`,
	}
	cmd.AddCommand(a.approvalsAddCommand(), a.approvalsListCommand(), a.approvalsRemoveCommand())
	return cmd
}

func (a *app) approvalsAddCommand() *cobra.Command {
	var r unet.ApprovalRule
	var reason string
	cmd := &cobra.Command{
		Use:   "add NAME --when CONDITION --require N [--role R] [--environment E] [--description D]",
		Short: "Add an approval rule",
		Example: `  unet approvals add core-routers --when 'node.role == "core"' --require 2 --role network-lead
  unet approvals add prod --when 'node.lifecycle == "live"' --require 2 --environment production`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r.Name = args[0]
			if strings.TrimSpace(r.When) == "" {
				return usagef("--when needs a condition in the policy language, e.g. 'node.role == \"core\"'")
			}
			if r.Require < 1 {
				return usagef("--require needs a number of approvals of at least 1")
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			out, err := svc.AddApprovalRule(a.ctx(cmd), r, unet.WriteOptions{Reason: reason})
			if err != nil {
				return err
			}
			return a.printer().emit(out, func() any { return approvalRuleKV(out) })
		},
	}
	cmd.Flags().StringVar(&r.When, "when", "", "condition in the policy language on the objects a change set touches (required)")
	cmd.Flags().IntVar(&r.Require, "require", 0, "approvals a matching change set needs (required)")
	cmd.Flags().StringVar(&r.Role, "role", "", "only approvals by users with this role count")
	cmd.Flags().StringVar(&r.Environment, "environment", "", "only objects of this environment match")
	cmd.Flags().StringVar(&r.Description, "description", "", "what the rule is for")
	cmd.Flags().StringVar(&reason, "reason", "", "reason recorded in the change log")
	return cmd
}

func (a *app) approvalsListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the approval rules",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			rules, err := svc.ListApprovalRules(a.ctx(cmd))
			if err != nil {
				return err
			}
			if rules == nil {
				rules = []unet.ApprovalRule{}
			}
			return a.printer().emit(rules, func() any {
				t := table{header: []string{"NAME", "REQUIRE", "ROLE", "ENVIRONMENT", "WHEN", "DESCRIPTION"}}
				for _, r := range rules {
					t.rows = append(t.rows, []string{r.Name, itoa(r.Require), dash(r.Role), dash(r.Environment), r.When, dash(r.Description)})
				}
				return t
			})
		},
	}
}

func (a *app) approvalsRemoveCommand() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove an approval rule",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			if err := svc.RemoveApprovalRule(a.ctx(cmd), args[0], unet.DeleteOptions{Reason: reason}); err != nil {
				return err
			}
			return a.printer().emit(map[string]any{"removed": "approval_rule", "name": args[0]}, func() any {
				return fmt.Sprintf("removed approval rule %s\n", escapeCell(args[0]))
			})
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "reason recorded in the change log")
	return cmd
}

// approvalRuleKV is the table form of one rule.
func approvalRuleKV(r *unet.ApprovalRule) kv {
	return kv{{"name", r.Name}, {"when", r.When}, {"require", itoa(r.Require)}, {"role", dash(r.Role)},
		{"environment", dash(r.Environment)}, {"description", dash(r.Description)}}
}
