package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/unet-dev/unet"
)

// stageFlags are the change-review flags of every mutating inventory command:
// --propose and --changeset stage the command's operation in a change set
// instead of writing it; --emergency writes it at once, flagged for review.
type stageFlags struct {
	propose   string
	changeSet string
	draft     bool
	autoApply bool
	emergency bool
}

// register adds the flags to fs.
func (s *stageFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&s.propose, "propose", "", "do not write: propose the change as a new change set with this title (--reason becomes its description)")
	fs.StringVar(&s.changeSet, "changeset", "", "do not write: append the change to this change set (cs-N; dismisses its approvals)")
	fs.BoolVar(&s.draft, "draft", false, "with --propose: create the change set open, to take more operations before it is submitted")
	fs.BoolVar(&s.autoApply, "auto-apply", false, "with --propose: apply the change set on its last required approval")
	fs.BoolVar(&s.emergency, "emergency", false, "write at once without approvals, flagged for review (needs --reason)")
}

// staging reports whether the command stages its operation instead of
// writing it.
func (s *stageFlags) staging() bool { return s.propose != "" || s.changeSet != "" }

// check refuses combinations that make no sense, before anything is read or
// written. reason is the command's --reason; ifVersion its --if-version (0
// when it has none).
func (s *stageFlags) check(cmd *cobra.Command, reason string, ifVersion int) error {
	fs := cmd.Flags()
	if fs.Changed("propose") && strings.TrimSpace(s.propose) == "" {
		return usagef("--propose needs a title")
	}
	if fs.Changed("changeset") && strings.TrimSpace(s.changeSet) == "" {
		return usagef("--changeset needs a change set ID (cs-N)")
	}
	switch {
	case s.propose != "" && s.changeSet != "":
		return usagef("--propose and --changeset are mutually exclusive: propose a new change set or append to an existing one")
	case s.emergency && s.staging():
		return usagef("--emergency writes at once: it does not combine with --propose or --changeset")
	case s.emergency && strings.TrimSpace(reason) == "":
		return usagef("--emergency needs --reason: the reason is recorded and reviewed")
	case (s.draft || s.autoApply) && s.propose == "":
		return usagef("--draft and --auto-apply qualify a new change set: use them with --propose")
	case ifVersion != 0 && s.staging():
		return usagef("--if-version does not combine with --propose or --changeset: a staged operation is checked against the version it was staged at")
	}
	return nil
}

// stage proposes op as a new change set or appends it to one, and prints
// the set. reason becomes the description of a new set.
func (a *app) stage(cmd *cobra.Command, svc unet.Service, s *stageFlags, reason string, ops ...unet.ChangeOp) error {
	var cs *unet.ChangeSet
	var err error
	verb := "appended to"
	if s.propose != "" {
		cs, err = svc.ProposeChangeSet(a.ctx(cmd), unet.ChangeSetRequest{Title: s.propose, Description: reason,
			Draft: s.draft, AutoApply: s.autoApply, Ops: ops})
		verb = "proposed"
		if s.draft {
			verb = "drafted"
		}
	} else {
		cs, err = svc.AppendChangeOps(a.ctx(cmd), s.changeSet, ops)
	}
	if err != nil {
		return err
	}
	return a.printSet(verb, cs)
}

// printSet prints a change set after a command changed it: the set itself
// in the structured formats, one summary line and a hint for people.
func (a *app) printSet(verb string, cs *unet.ChangeSet) error {
	return a.printer().emit(cs, func() any { return setSummary(verb, cs) })
}

// setSummary is the text form of printSet: "proposed cs-3: title (1 operation)".
func setSummary(verb string, cs *unet.ChangeSet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s (%s", verb, cs.ID, oneLineText(cs.Title), plural(len(cs.Ops), "operation"))
	if cs.State != unet.ChangeSetProposed || verb != "proposed" {
		fmt.Fprintf(&b, ", %s", cs.State)
	}
	if verb != "proposed" && (cs.State == unet.ChangeSetProposed || cs.State == unet.ChangeSetApproved) {
		fmt.Fprintf(&b, ", %d/%d approvals", cs.Requirement.Approvals, cs.Requirement.Required)
	}
	b.WriteString(")\n")
	switch cs.State {
	case unet.ChangeSetOpen:
		fmt.Fprintf(&b, "  add operations with --changeset %s, then: unet changes submit %s\n", cs.ID, cs.ID)
	case unet.ChangeSetProposed, unet.ChangeSetApproved:
		fmt.Fprintf(&b, "  review it: unet changes show %s\n", cs.ID)
	}
	return b.String()
}

// jsonOp builds an operation whose data is v in its JSON form.
func jsonOp(op, kind, ref string, v any) (unet.ChangeOp, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return unet.ChangeOp{}, unet.Errorf(unet.EINVALID, "%s %s: %v", op, kind, err)
	}
	return unet.ChangeOp{Op: op, Kind: kind, Ref: ref, Data: data}, nil
}

// plural writes "1 operation", "2 operations".
func plural(n int, what string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// oneLineText makes a free text safe on one line of terminal output.
func oneLineText(s string) string { return escapeCell(s) }
