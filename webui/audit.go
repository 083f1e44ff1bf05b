package webui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// auditPageSize is how many audit entries a page shows.
const auditPageSize = 50

// auditTimeLayout is the form of the time filters (an <input
// type="datetime-local">, read as UTC).
const auditTimeLayout = "2006-01-02T15:04"

// auditFilter is the audit page's filter as the form sends it.
type auditFilter struct {
	Actor, Action, Outcome, Since, Until string
}

// auditData is the audit page.
type auditData struct {
	Filter   auditFilter
	Entries  []auditEntryView
	Total    int
	Actions  []unet.Permission
	Outcomes []string
	// Next is the query of the next page ("" on the last); First that of
	// the first page when this is not it.
	Next, First string
}

// auditEntryView is one audit entry.
type auditEntryView struct {
	unet.AuditEntry
}

// At is the entry's time.
func (e auditEntryView) At() string { return when(&e.Time) }

// auditPage is GET /ui/audit: the audit log, newest first, filtered by
// actor, action (the permission a request needed), outcome and time, a
// page at a time.
func (u *UI) auditPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := auditFilter{Actor: strings.TrimSpace(q.Get("actor")), Action: q.Get("action"), Outcome: q.Get("outcome"),
		Since: q.Get("since"), Until: q.Get("until")}
	af := unet.AuditFilter{Actor: f.Actor, Outcome: f.Outcome, Permission: unet.Permission(f.Action),
		Page: unet.Page{Limit: auditPageSize, Cursor: q.Get("cursor")}}
	var err error
	if af.Since, err = auditTime("since", f.Since); err != nil {
		return err
	}
	if af.Until, err = auditTime("until", f.Until); err != nil {
		return err
	}
	l, err := u.svc.ListAudit(r.Context(), af)
	if err != nil {
		return err
	}
	d := auditData{Filter: f, Total: l.Total, Actions: unet.GrantablePermissions(),
		Outcomes: []string{unet.OutcomeOK, unet.OutcomeDenied, unet.OutcomeError}}
	for _, e := range l.Items {
		d.Entries = append(d.Entries, auditEntryView{e})
	}
	keep := url.Values{}
	for k, v := range map[string]string{"actor": f.Actor, "action": f.Action, "outcome": f.Outcome, "since": f.Since, "until": f.Until} {
		if v != "" {
			keep.Set(k, v)
		}
	}
	if l.Next != "" {
		next := url.Values{}
		for k, v := range keep {
			next[k] = v
		}
		next.Set("cursor", l.Next)
		d.Next = "?" + next.Encode()
	}
	if af.Cursor != "" {
		d.First = "?" + keep.Encode()
	}
	return u.render(w, r, http.StatusOK, "audit", view{Title: "Audit log", Nav: "audit", Page: d})
}

// auditTime reads a time filter: empty, or a date and time in UTC.
func auditTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(auditTimeLayout, s)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, s); err != nil {
			return time.Time{}, unet.Errorf(unet.EINVALID, "audit filter %s: %s is not a date and time (2006-01-02T15:04, UTC)", field, strconv.Quote(s))
		}
	}
	return t.UTC(), nil
}
