package unet

import (
	"context"
	"encoding/json"
	"path"
	"strings"
	"time"
)

// Event is something that happened, as notifications and the event stream
// carry it (SPEC §7.4). Events are written in the transaction of what they
// report, so an event exists exactly when its cause committed; IDs grow in
// commit order, so a reader that has seen ID n has seen every committed event
// before it.
type Event struct {
	// ID is the position in the event log (1, 2, …; gaps are possible).
	ID   int64     `json:"id"`
	Type string    `json:"type"`
	Time time.Time `json:"time"`
	// Actor is who caused it ("system" for background jobs).
	Actor string `json:"actor,omitempty"`
	// Subject names what the event is about: KIND/NAME ("node/sw1",
	// "git_source/policies", "change_set/cs-4", "canary/ntp-fix").
	Subject string `json:"subject,omitempty"`
	// Summary is one line for people (chat messages, mail subjects).
	Summary string `json:"summary"`
	// Data is the type's payload (docs/notifications.md lists them).
	Data json.RawMessage `json:"data"`
}

// Event types. Patterns over them (EventTypeMatches) select what a
// subscription or a stream receives.
const (
	// EventChangeApplied: one committed batch of the change log (a write, an
	// import, an applied change set): data is ChangeAppliedData.
	EventChangeApplied = "change.applied"
	// EventChangeSetPrefix + transition ("changeset.approved", …): a change
	// set moved; data is the ChangeEvent.
	EventChangeSetPrefix = "changeset."
	// EventEmergencyApplied: a change applied with --emergency (awaits
	// review); EventEmergencyReviewed: someone reviewed it.
	EventEmergencyApplied  = "emergency.applied"
	EventEmergencyReviewed = "emergency.reviewed"
	// Git syncs: a commit activated, a commit rejected by validation or by
	// its tests, a sync that could not run; a promotion.
	EventGitActivated = "git.activated"
	EventGitRejected  = "git.rejected"
	EventGitFailed    = "git.failed"
	EventGitPromoted  = "git.promoted"
	// Canaries.
	EventCanaryStarted  = "canary.started"
	EventCanaryPromoted = "canary.promoted"
	EventCanaryAborted  = "canary.aborted"
	// EventPolicyRegression: a stored evaluation found new failures (objects
	// and rules that passed before and fail now).
	EventPolicyRegression = "policy.regression"
	// SNMP reachability of a node changed.
	EventSNMPUnreachable = "snmp.unreachable"
	EventSNMPRecovered   = "snmp.recovered"
	// EventNotifyTest is what `unet notify test` sends (never stored).
	EventNotifyTest = "notify.test"
)

// EventTypes lists the event types a subscription can name, change-set
// transitions as the pattern "changeset.*".
func EventTypes() []string {
	return []string{EventChangeApplied, EventChangeSetPrefix + "*", EventEmergencyApplied, EventEmergencyReviewed,
		EventGitActivated, EventGitRejected, EventGitFailed, EventGitPromoted,
		EventCanaryStarted, EventCanaryPromoted, EventCanaryAborted, EventPolicyRegression,
		EventSNMPUnreachable, EventSNMPRecovered}
}

// ChangeAppliedData is the payload of change.applied: one batch of the
// change log. Changes lists at most MaxEventChanges of them; Count is the
// whole batch.
type ChangeAppliedData struct {
	Batch     string         `json:"batch"`
	ChangeSet string         `json:"change_set,omitempty"`
	Emergency bool           `json:"emergency,omitempty"`
	Reason    string         `json:"reason,omitempty"`
	Count     int            `json:"count"`
	Changes   []EventChange  `json:"changes"`
	ByKind    map[string]int `json:"by_kind"`
	Truncated bool           `json:"truncated,omitempty"`
}

// EventChange is one change of a batch in an event.
type EventChange struct {
	ID         string `json:"id"`
	ObjectKind string `json:"object_kind"`
	ObjectName string `json:"object_name"`
	Op         string `json:"op"`
}

// MaxEventChanges bounds the changes listed in one change.applied event.
const MaxEventChanges = 100

// EventFilter selects events: after an ID, of types matching any of the
// patterns (none: all), at most Limit (0: a default).
type EventFilter struct {
	After int64
	Types []string
	Limit int
}

// ParseEventPatterns splits a comma-separated list of type patterns and
// checks each ("git.*", "changeset.approved", "*").
func ParseEventPatterns(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if _, err := path.Match(p, ""); err != nil {
			return nil, Errorf(EINVALID, "event pattern %q: %v", p, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// EventTypeMatches reports whether typ matches one of the patterns (glob
// syntax of path.Match: "git.*" matches "git.rejected"); no pattern matches
// everything.
func EventTypeMatches(patterns []string, typ string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if ok, err := path.Match(p, typ); err == nil && ok {
			return true
		}
	}
	return false
}

// EventService reads the event log.
type EventService interface {
	// ListEvents returns events oldest first.
	ListEvents(ctx context.Context, f EventFilter) ([]Event, error)
	// LastEventID returns the ID of the newest committed event (0: none):
	// a reader that starts after it sees every event committed later.
	LastEventID(ctx context.Context) (int64, error)
	// EventsWake returns a channel closed at the next commit of events by
	// this process (other replicas' events are found by polling).
	EventsWake() <-chan struct{}
}

// EmergencyEventData is the payload of emergency.applied and
// emergency.reviewed: the emergency change (one change-log batch) and, for
// a review, who reviewed it and what they found.
type EmergencyEventData struct {
	Batch     string `json:"batch"`
	ChangeSet string `json:"change_set,omitempty"`
	// Author made the emergency change.
	Author string `json:"author"`
	Reason string `json:"reason,omitempty"`
	// Objects lists the objects changed (KIND/NAME), at most
	// MaxEventChanges of them; Count is how many there are.
	Objects   []string `json:"objects"`
	Count     int      `json:"count"`
	Truncated bool     `json:"truncated,omitempty"`
	Reviewer  string   `json:"reviewer,omitempty"`
	Comment   string   `json:"comment,omitempty"`
}

// GitEventData is the payload of git.activated, git.rejected and
// git.failed: one entry of a source's sync history.
type GitEventData struct {
	Source      string `json:"source"`
	Environment string `json:"environment,omitempty"`
	// Commit is the commit activated or rejected (empty when a fetch
	// failed before one was known); Previous the one active before.
	Commit   string `json:"commit,omitempty"`
	Previous string `json:"previous,omitempty"`
	Message  string `json:"message,omitempty"`
	Author   string `json:"author,omitempty"`
	// Trigger is what started the sync: manual, schedule, webhook, pin,
	// unpin or promote.
	Trigger string `json:"trigger"`
	// Forced: the upstream history was rewritten (force-push).
	Forced bool `json:"forced,omitempty"`
	// Error says why a commit was rejected or a sync failed; Errors lists
	// the validation problems as "file:line:col: message", at most
	// MaxEventChanges of them.
	Error  string   `json:"error,omitempty"`
	Errors []string `json:"errors,omitempty"`
	// Files is the number of files that changed between Previous and
	// Commit (activations).
	Files int `json:"files"`
}

// PolicyRegressionData is the payload of policy.regression: the results of
// one stored evaluation that fail now and did not fail before (new
// objects and rules included). Failures lists at most MaxEventChanges of
// them; Count and BySeverity cover all.
type PolicyRegressionData struct {
	// Trigger is how the evaluation started: schedule, change (the
	// incremental evaluation after a write), api or cli.
	Trigger    string         `json:"trigger"`
	Count      int            `json:"count"`
	BySeverity map[string]int `json:"by_severity"`
	Failures   []EventFailure `json:"failures"`
	Truncated  bool           `json:"truncated,omitempty"`
}

// EventFailure is one new failure in a policy.regression event.
type EventFailure struct {
	ObjectKind string `json:"object_kind"`
	ObjectName string `json:"object_name"`
	Rule       string `json:"rule"`
	Severity   string `json:"severity"`
	// From is the previous status ("" for a result that is new).
	From string `json:"from"`
}

// SNMPEventData is the payload of snmp.unreachable and snmp.recovered: the
// node whose reachability flipped and the poll that saw it.
type SNMPEventData struct {
	Node   string `json:"node"`
	NodeID string `json:"node_id"`
	// Error is why the poll failed (snmp.unreachable).
	Error string `json:"error,omitempty"`
	// ConsecutiveFailures counts the failed polls in a row (0 on recovery).
	ConsecutiveFailures int `json:"consecutive_failures"`
	// LastSuccess is the last successful poll (the recovering one for
	// snmp.recovered; nil when the node never answered).
	LastSuccess *time.Time `json:"last_success,omitempty"`
	Attempted   time.Time  `json:"attempted"`
}
