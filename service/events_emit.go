package service

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync"
	"github.com/unet-dev/unet/sqlstore"
)

// emitEvent queues an event with its payload in tx: it is written when tx
// commits, and not at all when tx rolls back.
func emitEvent(tx *sqlstore.Tx, typ string, at time.Time, actor, subject, summary string, data any) {
	raw, err := json.Marshal(data)
	if err != nil {
		// The payloads are plain structures: this cannot happen, but an
		// event without its payload is better than none.
		raw = []byte("{}")
	}
	tx.Emit(unet.Event{Type: typ, Time: at, Actor: actor, Subject: subject, Summary: summary, Data: raw})
}

// emitChangeSetEvent queues the changeset.<transition> event of e; an
// emergency application of a set is emergency.applied instead.
func emitChangeSetEvent(tx *sqlstore.Tx, e *unet.ChangeEvent) {
	subject := "change_set/" + e.ChangeSet
	var summary string
	switch e.Transition {
	case unet.EventApprovalDismissed:
		summary = fmt.Sprintf("the approvals of %s were dismissed", e.ChangeSet)
	case unet.EventForced:
		summary = fmt.Sprintf("%s forced %s past its guards", e.Actor, e.ChangeSet)
	default:
		summary = fmt.Sprintf("%s %s %s", e.Actor, e.Transition, e.ChangeSet)
	}
	if e.Detail != "" {
		summary += ": " + oneLine(e.Detail)
	}
	emitEvent(tx, unet.EventChangeSetPrefix+e.Transition, e.Time, e.Actor, subject, summary, e)
}

// emitEmergencyApplied queues emergency.applied for the emergency change of
// batch that changed objs.
func emitEmergencyApplied(tx *sqlstore.Tx, at time.Time, actor, batch, set, reason string, objs []string) {
	d := unet.EmergencyEventData{Batch: batch, ChangeSet: set, Author: actor, Reason: reason, Count: len(objs)}
	d.Objects, d.Truncated = capList(objs)
	subject := "change_batch/" + batch
	if set != "" {
		subject = "change_set/" + set
	}
	summary := fmt.Sprintf("%s applied an emergency change to %s", actor, countOf(len(objs), "object"))
	if set != "" {
		summary = fmt.Sprintf("%s applied %s as an emergency", actor, set)
	}
	if reason != "" {
		summary += ": " + oneLine(reason)
	}
	emitEvent(tx, unet.EventEmergencyApplied, at, actor, subject, summary, d)
}

// emitEmergencyReviewed queues emergency.reviewed for the review rv of e.
func emitEmergencyReviewed(tx *sqlstore.Tx, e *unet.EmergencyChange, rv unet.EmergencyReview) {
	d := unet.EmergencyEventData{Batch: e.Batch, ChangeSet: e.ChangeSet, Author: e.Actor, Reason: e.Reason,
		Count: len(e.Objects), Reviewer: rv.Reviewer, Comment: rv.Comment}
	d.Objects, d.Truncated = capList(e.Objects)
	subject := "change_batch/" + e.Batch
	if e.ChangeSet != "" {
		subject = "change_set/" + e.ChangeSet
	}
	summary := fmt.Sprintf("%s reviewed the emergency change %s by %s: %s", rv.Reviewer, e.Batch, e.Actor, oneLine(rv.Comment))
	emitEvent(tx, unet.EventEmergencyReviewed, rv.At, rv.Reviewer, subject, summary, d)
}

// emitGitEvents queues git.activated, git.rejected or git.failed for each
// history entry with that outcome; a sync nobody asked for (the schedule,
// a webhook) is the system's.
func emitGitEvents(tx *sqlstore.Tx, actor, source string, entries []gitsync.HistoryEntry) {
	if actor == "" || actor == "unknown" {
		actor = "system"
	}
	for i := range entries {
		e := &entries[i]
		var typ, what string
		switch e.Outcome {
		case gitsync.OutcomeActivated:
			typ, what = unet.EventGitActivated, "activated "+shortCommit(e.Commit)
		case gitsync.OutcomeRejected:
			typ, what = unet.EventGitRejected, "rejected "+shortCommit(e.Commit)
		case gitsync.OutcomeFailed:
			typ, what = unet.EventGitFailed, "sync failed"
		default:
			continue
		}
		d := unet.GitEventData{Source: source, Environment: e.Environment, Commit: e.Commit, Previous: e.Previous,
			Message: e.Message, Author: e.Author, Trigger: string(e.Trigger), Forced: e.Forced, Error: e.Error, Files: len(e.Files)}
		if len(e.Errors) > 0 {
			errs := make([]string, 0, min(len(e.Errors), unet.MaxEventChanges))
			for _, ve := range e.Errors[:min(len(e.Errors), unet.MaxEventChanges)] {
				errs = append(errs, ve.Error())
			}
			d.Errors = errs
		}
		where := source
		if e.Environment != "" {
			where += " (" + e.Environment + ")"
		}
		summary := fmt.Sprintf("git %s: %s", where, what)
		switch {
		case e.Outcome == gitsync.OutcomeActivated && e.Message != "":
			summary += ": " + oneLine(e.Message)
		case e.Outcome != gitsync.OutcomeActivated && len(d.Errors) > 0:
			summary += ": " + d.Errors[0]
			if len(e.Errors) > 1 {
				summary += fmt.Sprintf(" (and %d more)", len(e.Errors)-1)
			}
		case e.Error != "":
			summary += ": " + oneLine(e.Error)
		}
		at := e.SyncedAt
		if at.IsZero() {
			at = time.Now()
		}
		emitEvent(tx, typ, at, actor, "git_source/"+source, summary, d)
	}
}

// regressions collects the new failures of a store for policy.regression.
type regressions struct {
	data  unet.PolicyRegressionData
	first *unet.ComplianceChange
}

// add counts c when it moves a result to fail from another status (c is
// not kept).
func (g *regressions) add(c *unet.ComplianceChange) {
	if c.To != unet.StatusFail || c.From == unet.StatusFail {
		return
	}
	if g.data.BySeverity == nil {
		g.data.BySeverity = map[string]int{}
		g.data.Failures = []unet.EventFailure{}
		f := *c
		g.first = &f
	}
	g.data.Count++
	g.data.BySeverity[c.Severity]++
	if len(g.data.Failures) < unet.MaxEventChanges {
		g.data.Failures = append(g.data.Failures, unet.EventFailure{ObjectKind: c.ObjectKind, ObjectName: c.ObjectName,
			Rule: c.Rule, Severity: c.Severity, From: c.From})
	} else {
		g.data.Truncated = true
	}
}

// emit queues the policy.regression event when there were new failures.
func (g *regressions) emit(tx *sqlstore.Tx, at time.Time, actor, trigger string) {
	if g.data.Count == 0 {
		return
	}
	g.data.Trigger = trigger
	var subject, summary string
	if g.data.Count == 1 {
		f := g.first
		subject = f.ObjectKind + "/" + f.ObjectName
		summary = fmt.Sprintf("%s %s now fails %s (%s)", f.ObjectKind, f.ObjectName, f.Rule, f.Severity)
	} else {
		summary = fmt.Sprintf("%s (%s)", countOf(g.data.Count, "new policy failure"), severities(g.data.BySeverity))
	}
	emitEvent(tx, unet.EventPolicyRegression, at, actor, subject, summary, g.data)
}

// severities lists counts by severity, most severe first.
func severities(by map[string]int) string {
	order := []string{"critical", "high", "medium", "low", "info"}
	var parts []string
	seen := map[string]bool{}
	for _, s := range order {
		if n := by[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
			seen[s] = true
		}
	}
	var rest []string
	for s, n := range by {
		if !seen[s] {
			rest = append(rest, fmt.Sprintf("%d %s", n, s))
		}
	}
	sort.Strings(rest)
	return strings.Join(append(parts, rest...), ", ")
}

// emitSNMPFlip queues snmp.unreachable or snmp.recovered when st flips the
// reachability a node had (wasReachable); a node's first poll emits none.
func emitSNMPFlip(tx *sqlstore.Tx, st *unet.NodeStatus, wasReachable bool) {
	if st.Reachable == wasReachable {
		return
	}
	d := unet.SNMPEventData{Node: st.Node, NodeID: st.NodeID, Error: st.Error, LastSuccess: st.LastSuccess, Attempted: st.LastAttempt}
	typ, summary := unet.EventSNMPRecovered, fmt.Sprintf("node %s answers SNMP again", st.Node)
	if !st.Reachable {
		d.ConsecutiveFailures = st.ConsecutiveFailures
		typ, summary = unet.EventSNMPUnreachable, fmt.Sprintf("node %s does not answer SNMP", st.Node)
		if st.Error != "" {
			summary += ": " + oneLine(st.Error)
		}
	}
	emitEvent(tx, typ, st.LastAttempt, "system", "node/"+st.Node, summary, d)
}

// capList returns at most MaxEventChanges of list and whether it cut it.
func capList(list []string) ([]string, bool) {
	if list == nil {
		return []string{}, false
	}
	if len(list) > unet.MaxEventChanges {
		return list[:unet.MaxEventChanges], true
	}
	return list, false
}

// countOf says "1 object" or "3 objects".
func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// shortCommit abbreviates a commit hash for a summary.
func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// oneLine keeps the first line of s, at most 200 characters.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = strings.TrimSpace(s[:i]) + " …"
	}
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
