package webui

import (
	"context"
	"net/http"
	"strings"

	"github.com/unet-dev/unet"
)

// dashLive are the event types on which the dashboard refreshes itself:
// stored evaluations that found new failures, writes (whose incremental
// evaluation follows), change-set transitions, emergency changes and their
// reviews, Git activity, canaries and SNMP reachability.
var dashLive = []string{unet.EventPolicyRegression, unet.EventChangeApplied, unet.EventChangeSetPrefix + "*",
	"emergency.*", "git.*", "canary.*", "snmp.*"}

// routesDashboard registers the dashboard's companions: the Git sources
// page, the audit log and the live-update stream (the dashboard itself is
// the root page, GET /ui/).
func (u *UI) routesDashboard() {
	u.handle("GET "+Prefix+"git", unet.PermGitRead, u.gitPage)
	u.handle("GET "+Prefix+"git/canaries/{name}", unet.PermGitRead, u.canaryPage)
	u.handle("GET "+Prefix+"audit", unet.PermAuditRead, u.auditPage)
	u.handle("GET "+Prefix+"events", unet.PermEventsRead, u.events)
}

// dashData is the dashboard: each section is nil when the caller may not
// read what it shows.
type dashData struct {
	Compliance *dashCompliance
	SNMP       *dashSNMP
	Git        *dashGit
	Review     *dashReview
}

// dashReview counts what awaits a reviewer.
type dashReview struct {
	Proposed  int
	Approved  int
	Emergency int
}

// dashGit is the Git sources section.
type dashGit struct {
	Sources []gitSourceView
}

// dashboard is GET /ui/: compliance, SNMP, Git and review at a glance.
func (u *UI) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var d dashData
	var err error
	if can(ctx, unet.PermPoliciesRead) {
		if d.Compliance, err = u.compliance(ctx); err != nil {
			return err
		}
	}
	if can(ctx, unet.PermSNMPRead) {
		if d.SNMP, err = u.snmpSummary(ctx); err != nil {
			return err
		}
	}
	if can(ctx, unet.PermGitRead) {
		sts, err := u.svc.GitStatus(ctx, "")
		if err != nil {
			return err
		}
		d.Git = &dashGit{Sources: gitSourceViews(sts)}
	}
	if can(ctx, unet.PermChangesRead) {
		if d.Review, err = u.review(ctx); err != nil {
			return err
		}
	}
	v := view{Title: "Dashboard", Nav: "dashboard", Page: d}
	if can(ctx, unet.PermEventsRead) {
		v.Live = strings.Join(dashLive, ",")
	}
	return u.render(w, r, http.StatusOK, "dashboard", v)
}

// review counts the change sets awaiting review or apply and the emergency
// changes awaiting review.
func (u *UI) review(ctx context.Context) (*dashReview, error) {
	var d dashReview
	for _, c := range []struct {
		state string
		n     *int
	}{{unet.ChangeSetProposed, &d.Proposed}, {unet.ChangeSetApproved, &d.Approved}} {
		l, err := u.svc.ListChangeSets(ctx, unet.ChangeSetFilter{State: c.state, Page: unet.Page{Limit: 1}})
		if err != nil {
			return nil, err
		}
		*c.n = l.Total
	}
	l, err := u.svc.ListEmergencyChanges(ctx, unet.EmergencyFilter{Pending: true, Page: unet.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	d.Emergency = l.Total
	return &d, nil
}
