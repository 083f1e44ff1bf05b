package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/unet-dev/unet"
)

func itoa(n int) string { return strconv.Itoa(n) }

// changeSetText renders a change set for reviewers: the header, what it
// needs and has (requirement, approvals), its operations, conflicts and
// impact. Every stored text is escaped (escapeCell), one value a line.
func changeSetText(cs *unet.ChangeSet) string {
	var b strings.Builder
	kvs := kv{{"change set", cs.ID}, {"title", cs.Title}, {"state", cs.State}, {"author", cs.Author},
		{"created", cs.CreatedAt.Format(time.RFC3339)}, {"updated", cs.UpdatedAt.Format(time.RFC3339)}}
	if cs.Description != "" {
		kvs = append(kvs, [2]string{"description", cs.Description})
	}
	if cs.AutoApply {
		kvs = append(kvs, [2]string{"auto-apply", "on the last required approval"})
	}
	if cs.AppliedAt != nil {
		kvs = append(kvs, [2]string{"applied", cs.AppliedAt.Format(time.RFC3339) + " by " + cs.AppliedBy + " (batch " + cs.Batch + ")"})
	}
	if cs.Emergency {
		kvs = append(kvs, [2]string{"emergency", "applied without approvals"})
	}
	if cs.Reason != "" {
		kvs = append(kvs, [2]string{"reason", cs.Reason})
	}
	if cs.Reverts != "" {
		kvs = append(kvs, [2]string{"reverts", cs.Reverts})
	}
	if cs.RevertedBy != "" {
		kvs = append(kvs, [2]string{"reverted by", cs.RevertedBy})
	}
	writeKV(&b, kvs)

	switch cs.State {
	case unet.ChangeSetOpen, unet.ChangeSetProposed, unet.ChangeSetApproved:
		// What it still needs; a set past review no longer needs anything.
		writeRequirement(&b, cs)
	}
	writeApprovals(&b, cs.Approvals)
	writeOps(&b, cs.Ops)
	writeConflicts(&b, cs.Conflicts)
	if cs.Impact != nil {
		writeImpact(&b, cs.Impact)
	}
	return b.String()
}

// writeKV writes aligned "key: value" lines.
func writeKV(b *strings.Builder, kvs kv) {
	tw := tabwriter.NewWriter(b, 0, 4, 1, ' ', 0)
	for _, p := range kvs {
		// A strings.Builder does not fail.
		_, _ = fmt.Fprintf(tw, "%s:\t%s\n", p[0], escapeCell(p[1]))
	}
	_ = tw.Flush()
}

// writeTable writes an indented table.
func writeTable(b *strings.Builder, header []string, rows [][]string) {
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "  "+strings.Join(header, "\t"))
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = escapeCell(c)
		}
		_, _ = fmt.Fprintln(tw, "  "+strings.Join(cells, "\t"))
	}
	_ = tw.Flush()
}

func writeRequirement(b *strings.Builder, cs *unet.ChangeSet) {
	r := cs.Requirement
	status := "not met"
	if r.Satisfied {
		status = "met"
	}
	fmt.Fprintf(b, "\nrequirement: %d/%d approvals (%s)\n", r.Approvals, r.Required, status)
	if len(r.Rules) == 0 {
		b.WriteString("  no approval rule matches: 1 approval by default\n")
		return
	}
	for _, m := range r.Rules {
		role := ""
		if m.Role != "" {
			role = " with role " + escapeCell(m.Role)
		}
		fmt.Fprintf(b, "  rule %s: %d/%d approvals%s; matched %s\n", escapeCell(m.Rule), m.Approvals, m.Require, role,
			escapeCell(strings.Join(m.Objects, ", ")))
	}
}

func writeApprovals(b *strings.Builder, approvals []unet.Approval) {
	if len(approvals) == 0 {
		b.WriteString("\napprovals: none\n")
		return
	}
	b.WriteString("\napprovals:\n")
	rows := make([][]string, 0, len(approvals))
	for _, ap := range approvals {
		decision := ap.Decision
		if ap.DismissedAt != nil {
			decision += " (dismissed " + ap.DismissedAt.Format(time.RFC3339) + ")"
		}
		rows = append(rows, []string{ap.At.Format(time.RFC3339), ap.Actor, decision, dash(strings.Join(ap.Roles, ",")), dash(ap.Comment)})
	}
	writeTable(b, []string{"TIME", "ACTOR", "DECISION", "ROLES", "COMMENT"}, rows)
}

func writeOps(b *strings.Builder, ops []unet.ChangeOp) {
	fmt.Fprintf(b, "\noperations (%d):\n", len(ops))
	for _, op := range ops {
		fmt.Fprintf(b, "  %d. %s\n", op.Seq, escapeCell(opSummary(op)))
	}
}

// opSummary is one line describing an operation: "update node leaf1
// {"role":"spine"}"; created objects show their non-empty fields, an import
// counts what its bundle holds.
func opSummary(op unet.ChangeOp) string {
	switch op.Op {
	case unet.OpCreate:
		return fmt.Sprintf("create %s %s", op.Kind, compactData(op.Data, true))
	case unet.OpUpdate:
		return fmt.Sprintf("update %s %s %s", op.Kind, op.Ref, compactData(op.Data, false))
	case unet.OpDelete:
		s := fmt.Sprintf("delete %s %s", op.Kind, op.Ref)
		if op.Cascade {
			s += " (cascade)"
		}
		return s
	case unet.OpImport:
		var bundle unet.Bundle
		if err := json.Unmarshal(op.Data, &bundle); err != nil {
			return "import (unreadable bundle)"
		}
		return fmt.Sprintf("import %s, %s, %s, %s", plural(len(bundle.Vendors), "vendor"), plural(len(bundle.Locations), "location"),
			plural(len(bundle.Nodes), "node"), plural(len(bundle.Links), "link"))
	}
	return fmt.Sprintf("%s %s %s %s", op.Op, op.Kind, op.Ref, compactData(op.Data, false))
}

// compactData writes JSON data on one line; with dropEmpty, top-level fields
// with empty values (the zero fields of a created object) are left out.
func compactData(raw json.RawMessage, dropEmpty bool) string {
	if len(bytes.TrimSpace(raw)) == 0 {
		return ""
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	if m, ok := v.(map[string]any); ok && dropEmpty {
		for k, x := range m {
			if unet.EmptyJSON(x) {
				delete(m, k)
			}
		}
	}
	return oneLine(v)
}

func writeConflicts(b *strings.Builder, conflicts []unet.Conflict) {
	if len(conflicts) == 0 {
		return
	}
	fmt.Fprintf(b, "\nconflicts (%d): changed since staged; `unet changes rebase` moves operations without overlap\n", len(conflicts))
	for _, c := range conflicts {
		now := fmt.Sprintf("version %d → %d", c.StagedVersion, c.CurrentVersion)
		if c.CurrentVersion == 0 {
			now = fmt.Sprintf("version %d → deleted", c.StagedVersion)
		}
		overlap := ""
		if c.Overlaps {
			overlap = ", overlaps the operation"
		}
		fmt.Fprintf(b, "  operation %d, %s/%s: %s%s\n", c.Seq, c.Kind, escapeCell(c.Name), now, overlap)
		writeFields(b, c.Fields, "    ")
	}
}

// writeFields writes "field: before → after" lines.
func writeFields(b *strings.Builder, fields []unet.FieldChange, indent string) {
	for _, f := range fields {
		fmt.Fprintf(b, "%s%s: %s → %s\n", indent, escapeCell(f.Field), escapeCell(oneLine(f.Before)), escapeCell(oneLine(f.After)))
	}
}

func writeImpact(b *strings.Builder, im *unet.Impact) {
	s := im.Stats
	fmt.Fprintf(b, "\nimpact (computed %s: %d of %s affected, %d rendered, %s changed)\n",
		im.ComputedAt.Format(time.RFC3339), s.AffectedNodes, plural(s.TotalNodes, "node"), s.RenderedNodes, plural(s.ConfigChanged, "configuration"))

	fmt.Fprintf(b, "\nobjects (%d):\n", len(im.Objects))
	for _, o := range im.Objects {
		fmt.Fprintf(b, "  %s %s/%s\n", o.Op, o.Kind, escapeCell(o.Name))
		writeFields(b, o.Fields, "    ")
	}

	if len(im.Policy) == 0 {
		b.WriteString("\npolicy: no status changes\n")
	} else {
		fmt.Fprintf(b, "\npolicy (%s):\n", plural(len(im.Policy), "status change"))
		rows := make([][]string, 0, len(im.Policy))
		for _, p := range im.Policy {
			rows = append(rows, []string{p.Kind + "/" + p.Object, p.Rule, p.Severity, dash(p.Before), dash(p.After), dash(p.Message)})
		}
		writeTable(b, []string{"OBJECT", "RULE", "SEVERITY", "BEFORE", "AFTER", "MESSAGE"}, rows)
	}

	if len(im.Config) == 0 {
		b.WriteString("\nconfig: no rendered configuration changes\n")
	} else {
		fmt.Fprintf(b, "\nconfig (%s; `unet changes diff` prints the diffs):\n", plural(len(im.Config), "node"))
		for _, c := range im.Config {
			fmt.Fprintf(b, "  %s  +%d -%d\n", escapeCell(c.Node), c.Added, c.Removed)
		}
	}

	if len(im.Guards) > 0 {
		b.WriteString("\nguards:\n")
		guards := append([]unet.GuardResult(nil), im.Guards...)
		// Tripped guards first: they are what refuses the apply.
		sort.SliceStable(guards, func(i, j int) bool { return guards[i].Tripped && !guards[j].Tripped })
		for _, g := range guards {
			mark := "  ok       "
			if g.Tripped {
				mark = "! TRIPPED  "
			}
			fmt.Fprintf(b, "  %s%s: %s\n", mark, escapeCell(g.Name), escapeCell(g.Detail))
		}
	}

	if len(im.Problems) > 0 {
		fmt.Fprintf(b, "\nproblems (%d): impact not computed for\n", len(im.Problems))
		for _, p := range im.Problems {
			fmt.Fprintf(b, "  %s (%s): %s\n", escapeCell(p.Object), p.Stage, escapeCell(p.Message))
		}
	}
}

// configDiffText is what `changes diff` prints: each node's unified diff of
// its rendered configuration.
func configDiffText(cs *unet.ChangeSet) string {
	if cs.Impact == nil || len(cs.Impact.Config) == 0 {
		return fmt.Sprintf("%s changes no rendered configuration\n", cs.ID)
	}
	var b strings.Builder
	for i, c := range cs.Impact.Config {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "# %s (+%d -%d)\n", escapeCell(c.Node), c.Added, c.Removed)
		b.WriteString(c.Diff)
		if c.Diff != "" && !strings.HasSuffix(c.Diff, "\n") {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// configRemediationText is what `changes diff --remediation` prints: each
// node's remediation, the commands from the configuration rendered before
// the set to the one rendered after it.
func configRemediationText(cs *unet.ChangeSet) string {
	if cs.Impact == nil || len(cs.Impact.Config) == 0 {
		return fmt.Sprintf("%s changes no rendered configuration\n", cs.ID)
	}
	var b strings.Builder
	for i, c := range cs.Impact.Config {
		if i > 0 {
			b.WriteString("\n")
		}
		switch {
		case c.Remediation == nil:
			fmt.Fprintf(&b, "# %s: no remediation (%s)\n", escapeCell(c.Node), escapeCell(c.RemediationError))
		case len(c.Remediation.Commands) == 0:
			fmt.Fprintf(&b, "# %s (%s): no command\n", escapeCell(c.Node), c.Remediation.Dialect)
		default:
			fmt.Fprintf(&b, "# %s (%s, %s)\n", escapeCell(c.Node), c.Remediation.Dialect, plural(len(c.Remediation.Commands), "command"))
			b.WriteString(c.Remediation.Text)
			if !strings.HasSuffix(c.Remediation.Text, "\n") {
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}
