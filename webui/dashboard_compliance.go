package webui

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// Bounds of the dashboard's compliance section.
const (
	// dashFailingNodes is how many nodes failing critical or high rules
	// the dashboard lists.
	dashFailingNodes = 20
	// dashTrendPoints is how many stored evaluations the trend shows.
	dashTrendPoints = 20
	// dashTrendRows bounds the compliance history read for the trend.
	dashTrendRows = 2000
)

// counts are results counted by status.
type counts struct {
	Pass, Fail, Error, NotApplicable int
}

func (c *counts) add(status string, n int) {
	switch status {
	case unet.StatusPass:
		c.Pass += n
	case unet.StatusFail:
		c.Fail += n
	case unet.StatusError:
		c.Error += n
	default:
		c.NotApplicable += n
	}
}

// Evaluated is the number of results that passed, failed or erred.
func (c counts) Evaluated() int { return c.Pass + c.Fail + c.Error }

// Compliant is the share of evaluated results that pass, as text ("97.5 %",
// "–" when nothing was evaluated).
func (c counts) Compliant() string {
	if c.Evaluated() == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f %%", 100*float64(c.Pass)/float64(c.Evaluated()))
}

// group is the counts of one severity or rule.
type group struct {
	Name     string
	Severity string
	counts
}

// failingNode is a node failing critical or high rules.
type failingNode struct {
	Name           string
	Critical, High int
	Rules          []string
}

// RuleList is the node's failing rules as text.
func (f failingNode) RuleList() string { return strings.Join(f.Rules, ", ") }

// trendPoint is the state after one stored evaluation that changed
// something.
type trendPoint struct {
	Time time.Time
	counts
}

// dashCompliance is the compliance section.
type dashCompliance struct {
	Total      counts
	BySeverity []group
	ByRule     []group
	Failing    []failingNode
	// FailingNodes is the number of nodes failing critical or high rules
	// (Failing lists the first of them).
	FailingNodes int
	Trend        []trendPoint
	// Spark is the points of the trend's sparkline (SVG polyline).
	Spark string
}

// compliance summarizes the stored results the caller may see (counted
// by the service with the results) by severity and rule, with the nodes
// failing critical or high rules and the trend.
func (u *UI) compliance(ctx context.Context) (*dashCompliance, error) {
	sum, err := u.svc.SummarizePolicyResults(ctx, unet.PolicyResultSummaryFilter{Top: dashFailingNodes})
	if err != nil {
		return nil, err
	}
	d := &dashCompliance{FailingNodes: sum.FailingNodesTotal}
	for st, n := range sum.ByStatus {
		d.Total.add(st, n)
	}
	bySev := map[string]*group{}
	for _, c := range sum.BySeverity {
		g := bySev[c.Severity]
		if g == nil {
			g = &group{Name: c.Severity, Severity: c.Severity}
			bySev[c.Severity] = g
		}
		g.add(c.Status, c.Count)
	}
	byRule := map[string]*group{}
	for _, c := range sum.ByRule {
		g := byRule[c.Rule]
		if g == nil {
			g = &group{Name: c.Rule, Severity: c.Severity}
			byRule[c.Rule] = g
		} else if severityRank(c.Severity) < severityRank(g.Severity) {
			g.Severity = c.Severity
		}
		g.add(c.Status, c.Count)
	}
	d.BySeverity = sortedGroups(bySev, func(a, b *group) int {
		return cmp.Compare(severityRank(a.Name), severityRank(b.Name))
	})
	d.ByRule = sortedGroups(byRule, func(a, b *group) int {
		if c := cmp.Compare(b.Fail+b.Error, a.Fail+a.Error); c != 0 {
			return c
		}
		return cmp.Compare(severityRank(a.Severity), severityRank(b.Severity))
	})
	for _, n := range sum.FailingNodes {
		d.Failing = append(d.Failing, failingNode{Name: n.Name, Critical: n.Critical, High: n.High, Rules: n.Rules})
	}
	if d.Trend, err = u.trend(ctx, d.Total); err != nil {
		return nil, err
	}
	d.Spark = sparkline(d.Trend)
	return d, nil
}

// trend rebuilds the counts after each of the last stored evaluations from
// the compliance history: starting from the current counts, each change
// (newest first) is undone in turn. Changes of one evaluation share its
// time. An evaluation only partly read (the history is longer than what
// is read) is left out.
func (u *UI) trend(ctx context.Context, now counts) ([]trendPoint, error) {
	l, err := u.svc.ListComplianceHistory(ctx, unet.ComplianceHistoryFilter{Page: unet.Page{Limit: dashTrendRows}})
	if err != nil {
		return nil, err
	}
	var points []trendPoint
	cur := now
	for i := 0; i < len(l.Items) && len(points) < dashTrendPoints; {
		at := l.Items[i].Time
		j := i
		for j < len(l.Items) && l.Items[j].Time.Equal(at) {
			j++
		}
		if j == len(l.Items) && l.Next != "" {
			break // the oldest evaluation read may be incomplete
		}
		points = append(points, trendPoint{Time: at, counts: cur})
		for _, c := range l.Items[i:j] {
			if c.To != "" {
				cur.add(c.To, -1)
			}
			if c.From != "" {
				cur.add(c.From, 1)
			}
		}
		i = j
	}
	slices.Reverse(points)
	return points, nil
}

// Sparkline geometry: the view box of the SVG.
const (
	sparkWidth  = 200
	sparkHeight = 40
)

// sparkline returns the polyline points of the share of passing results
// over the trend (0 % at the bottom, 100 % at the top).
func sparkline(ps []trendPoint) string {
	if len(ps) < 2 {
		return ""
	}
	var b strings.Builder
	for i, p := range ps {
		share := 0.0
		if n := p.Evaluated(); n > 0 {
			share = float64(p.Pass) / float64(n)
		}
		x := float64(i) * sparkWidth / float64(len(ps)-1)
		y := sparkHeight - share*sparkHeight
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.1f,%.1f", x, y)
	}
	return b.String()
}

func severityRank(s string) int { return unet.SeverityRank(s) }

// sortedGroups returns the groups ordered by order, then by name.
func sortedGroups(m map[string]*group, order func(a, b *group) int) []group {
	gs := make([]*group, 0, len(m))
	for _, g := range m {
		gs = append(gs, g)
	}
	slices.SortFunc(gs, func(a, b *group) int {
		if c := order(a, b); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	out := make([]group, len(gs))
	for i, g := range gs {
		out[i] = *g
	}
	return out
}
