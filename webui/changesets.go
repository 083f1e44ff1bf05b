package webui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/unet-dev/unet"
)

// routesChangesets registers the change set pages: the list, the review
// page and its forms, each with the permission of the API route that does
// the same (httpapi/routes_changesets.go).
func (u *UI) routesChangesets() {
	u.handle("GET "+Prefix+"changesets", unet.PermChangesRead, u.changeSetList)
	u.handle("GET "+Prefix+"changesets/{id}", unet.PermChangesRead, u.changeSetReview)
	u.handle("POST "+Prefix+"changesets/{id}/approve", unet.PermChangesApprove, u.changeSetApprove)
	u.handle("POST "+Prefix+"changesets/{id}/reject", unet.PermChangesApprove, u.changeSetReject)
	u.handle("POST "+Prefix+"changesets/{id}/apply", unet.PermChangesApply, u.changeSetApply)
}

// csPageSize is the number of change sets a page of the list shows.
const csPageSize = 50

// csTab is one state tab of the list.
type csTab struct {
	Label   string
	State   string
	URL     string
	Current bool
}

// csListPage is the data of the list page.
type csListPage struct {
	State     string
	Emergency bool
	Tabs      []csTab
	States    []string
	Items     []unet.ChangeSet
	Total     int
	// First and Last number the shown sets (1-based) among Total.
	First, Last int
	Prev, Next  string
}

// csTabs are the list's tabs, in the order of a set's life.
var csTabs = []struct{ label, state string }{
	{"All", ""},
	{"Awaiting review", unet.ChangeSetProposed},
	{"Approved", unet.ChangeSetApproved},
	{"Applied", unet.ChangeSetApplied},
	{"Rejected", unet.ChangeSetRejected},
	{"Drafts", unet.ChangeSetOpen},
	{"Abandoned", unet.ChangeSetAbandoned},
	{"Reverted", unet.ChangeSetReverted},
}

// csListURL is the list's address with a filter and a page.
func csListURL(state string, emergency bool, offset int) string {
	q := url.Values{}
	if state != "" {
		q.Set("state", state)
	}
	if emergency {
		q.Set("emergency", "1")
	}
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	if len(q) == 0 {
		return Prefix + "changesets"
	}
	return Prefix + "changesets?" + q.Encode()
}

// changeSetList answers GET /ui/changesets: the sets newest first,
// filtered by state (?state=) and by the emergency flag (?emergency=1),
// a page at a time (?offset=).
func (u *UI) changeSetList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	state := q.Get("state")
	if state != "" && !slices.Contains(unet.ChangeSetStates(), state) {
		return unet.Invalid("invalid filter", unet.FieldError{Field: "state",
			Message: "unknown state " + strconv.Quote(state)})
	}
	emergency := q.Get("emergency") == "1" || q.Get("emergency") == "true" || q.Get("emergency") == "on"
	offset := 0
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return unet.Invalid("invalid page", unet.FieldError{Field: "offset",
				Message: "must be a non-negative integer, not " + strconv.Quote(v)})
		}
		offset = n
	}
	var items []unet.ChangeSet
	var total int
	var err error
	if emergency {
		items, total, err = u.emergencySets(r, state, offset)
	} else {
		var l *unet.List[unet.ChangeSet]
		l, err = u.svc.ListChangeSets(r.Context(), unet.ChangeSetFilter{State: state,
			Page: unet.Page{Limit: csPageSize, Offset: offset}})
		if l != nil {
			items, total = l.Items, l.Total
		}
	}
	if err != nil {
		return err
	}
	p := csListPage{State: state, Emergency: emergency, Items: items, Total: total, States: unet.ChangeSetStates()}
	for _, t := range csTabs {
		p.Tabs = append(p.Tabs, csTab{Label: t.label, State: t.state, URL: csListURL(t.state, emergency, 0), Current: t.state == state})
	}
	if len(items) > 0 {
		p.First, p.Last = offset+1, offset+len(items)
	}
	if offset > 0 {
		p.Prev = csListURL(state, emergency, max(0, offset-csPageSize))
	}
	if offset+len(items) < total {
		p.Next = csListURL(state, emergency, offset+csPageSize)
	}
	return u.render(w, r, http.StatusOK, "changesets", view{Title: "Change sets", Nav: "changesets", Page: p})
}

// emergencySets is a page of the sets applied as emergencies (in a state,
// when one is named), newest first, with their number. The service does
// not filter on the flag: the sets are read in chunks, newest first.
func (u *UI) emergencySets(r *http.Request, state string, offset int) ([]unet.ChangeSet, int, error) {
	var out []unet.ChangeSet
	total := 0
	f := unet.ChangeSetFilter{State: state, Page: unet.Page{Limit: 500}}
	for {
		l, err := u.svc.ListChangeSets(r.Context(), f)
		if err != nil {
			return nil, 0, err
		}
		for _, cs := range l.Items {
			if !cs.Emergency {
				continue
			}
			if total >= offset && len(out) < csPageSize {
				out = append(out, cs)
			}
			total++
		}
		if l.Next == "" || len(l.Items) == 0 {
			return out, total, nil
		}
		f.Cursor = l.Next
	}
}
