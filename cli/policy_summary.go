package cli

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/unet-dev/unet"
)

// checkSummaryFlags refuses the listing's flags with --summary, and --top
// without it.
func checkSummaryFlags(cmd *cobra.Command, summary bool) error {
	if !summary {
		if cmd.Flags().Changed("top") {
			return usagef("--top needs --summary")
		}
		return nil
	}
	for _, name := range []string{"node", "rule", "status", "severity", "limit", "offset", "cursor", "all"} {
		if fl := cmd.Flags().Lookup(name); fl != nil && fl.Changed {
			return usagef("--%s does not apply to --summary (it counts every stored result you may read)", name)
		}
	}
	return nil
}

// summaryStatuses are the statuses given a column, in order.
var summaryStatuses = []string{unet.StatusPass, unet.StatusFail, unet.StatusError, unet.StatusNotApplicable}

// summaryText is the table form of a summary: totals, counts by severity
// and by rule (a column per status), and the failing nodes.
func summaryText(s *unet.PolicyResultSummary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d results:", s.Total)
	for _, st := range summaryStatuses {
		fmt.Fprintf(&b, " %s %d", st, s.ByStatus[st])
	}
	var others []string
	for st := range s.ByStatus {
		if !slices.Contains(summaryStatuses, st) {
			others = append(others, st)
		}
	}
	slices.Sort(others)
	for _, st := range others {
		fmt.Fprintf(&b, " %s %d", escapeCell(st), s.ByStatus[st])
	}
	b.WriteString("\n\nby severity:\n")
	header := []string{"PASS", "FAIL", "ERROR", "N/A", "OTHER"}
	writeCounts(&b, append([]string{"SEVERITY"}, header...), s.BySeverity, func(c unet.PolicyResultCount) []string {
		return []string{c.Severity}
	})
	b.WriteString("\nby rule:\n")
	writeCounts(&b, append([]string{"RULE", "SEVERITY"}, header...), s.ByRule, func(c unet.PolicyResultCount) []string {
		return []string{c.Rule, c.Severity}
	})
	fmt.Fprintf(&b, "\n%d nodes fail critical or high rules", s.FailingNodesTotal)
	if len(s.FailingNodes) == 0 {
		b.WriteString("\n")
		return b.String()
	}
	if len(s.FailingNodes) < s.FailingNodesTotal {
		fmt.Fprintf(&b, " (the first %d)", len(s.FailingNodes))
	}
	b.WriteString(":\n")
	rows := make([][]string, len(s.FailingNodes))
	for i, n := range s.FailingNodes {
		rows[i] = []string{n.Name, strconv.Itoa(n.Critical), strconv.Itoa(n.High), strings.Join(n.Rules, ", ")}
	}
	writeTable(&b, []string{"NODE", "CRITICAL", "HIGH", "RULES"}, rows)
	return b.String()
}

// writeCounts writes counts as an indented table: a row per key (key's
// cells), a column per status (OTHER for unknown statuses, when any).
func writeCounts(b *strings.Builder, header []string, counts []unet.PolicyResultCount, key func(unet.PolicyResultCount) []string) {
	var rows [][]string
	at := map[string]int{}
	for _, c := range counts {
		k := key(c)
		id := strings.Join(k, "\x00")
		i, ok := at[id]
		if !ok {
			i = len(rows)
			at[id] = i
			rows = append(rows, append(k, "0", "0", "0", "0", "0"))
		}
		col := len(k) + len(summaryStatuses)
		if j := slices.Index(summaryStatuses, c.Status); j >= 0 {
			col = len(k) + j
		}
		n, _ := strconv.Atoi(rows[i][col])
		rows[i][col] = strconv.Itoa(n + c.Count)
	}
	if !slices.ContainsFunc(counts, func(c unet.PolicyResultCount) bool { return !slices.Contains(summaryStatuses, c.Status) }) {
		header = header[:len(header)-1] // no OTHER column
		for i := range rows {
			rows[i] = rows[i][:len(rows[i])-1]
		}
	}
	writeTable(b, header, rows)
}
