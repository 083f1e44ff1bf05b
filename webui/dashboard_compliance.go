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
	// resultPage is the page size in which stored results are read.
	resultPage = 10000
)

// severityOrder ranks severities, most severe first.
var severityOrder = []string{"critical", "high", "medium", "low", "info"}

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

// compliance reads every stored result the caller may see, counts them
// by severity and rule, and finds the nodes failing critical or high rules.
func (u *UI) compliance(ctx context.Context) (*dashCompliance, error) {
	d := &dashCompliance{}
	bySev := map[string]*group{}
	byRule := map[string]*group{}
	failing := map[string]*failingNode{}
	page := unet.Page{Limit: resultPage}
	for {
		l, err := u.svc.ListPolicyResults(ctx, unet.PolicyResultFilter{Page: page})
		if err != nil {
			return nil, err
		}
		for i := range l.Items {
			r := &l.Items[i]
			d.Total.add(r.Status, 1)
			g := bySev[r.Severity]
			if g == nil {
				g = &group{Name: r.Severity, Severity: r.Severity}
				bySev[r.Severity] = g
			}
			g.add(r.Status, 1)
			g = byRule[r.Rule]
			if g == nil {
				g = &group{Name: r.Rule, Severity: r.Severity}
				byRule[r.Rule] = g
			}
			g.add(r.Status, 1)
			if r.Status != unet.StatusFail || r.ObjectKind != unet.KindNode || (r.Severity != "critical" && r.Severity != "high") {
				continue
			}
			f := failing[r.ObjectName]
			if f == nil {
				f = &failingNode{Name: r.ObjectName}
				failing[r.ObjectName] = f
			}
			if r.Severity == "critical" {
				f.Critical++
			} else {
				f.High++
			}
			f.Rules = append(f.Rules, r.Rule)
		}
		if l.Next == "" || len(l.Items) == 0 {
			break
		}
		page = unet.Page{Limit: resultPage, Cursor: l.Next}
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
	d.FailingNodes = len(failing)
	for _, f := range failing {
		d.Failing = append(d.Failing, *f)
	}
	slices.SortFunc(d.Failing, func(a, b failingNode) int {
		if c := cmp.Compare(b.Critical, a.Critical); c != 0 {
			return c
		}
		if c := cmp.Compare(b.High, a.High); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	if len(d.Failing) > dashFailingNodes {
		d.Failing = d.Failing[:dashFailingNodes]
	}
	var err error
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

func severityRank(s string) int {
	if i := slices.Index(severityOrder, s); i >= 0 {
		return i
	}
	return len(severityOrder)
}

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
