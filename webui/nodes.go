package webui

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/unet-dev/unet"
)

// Node list pages: 50 rows by default, at most 500.
const (
	defaultNodePageSize = 50
	maxNodePageSize     = 500
	// nodeResultsLimit bounds the stored results read for one node.
	nodeResultsLimit = 1000
)

// routesNodes registers the node list, the node page, its configuration
// download and its drift form.
func (u *UI) routesNodes() {
	u.handle("GET "+Prefix+"nodes", unet.PermNodesRead, u.nodeList)
	u.handle("GET "+Prefix+"nodes/{name}", unet.PermNodesRead, u.nodePage)
	u.handle("GET "+Prefix+"nodes/{name}/config", unet.PermTemplatesRender, u.nodeConfig)
	u.handle("POST "+Prefix+"nodes/{name}/drift", unet.PermTemplatesRender, u.nodeDrift)
}

// nodeQuery is the node list's form: its filters, order and page.
type nodeQuery struct {
	Search      string
	Vendor      string
	Role        string
	Location    string
	Environment string
	Compliance  string
	Sort        string
	Page        int
	Size        int
}

// parseNodeQuery reads the list's query string; a page or size that is
// not a number is a bad request.
func parseNodeQuery(v url.Values) (nodeQuery, error) {
	q := nodeQuery{
		Search: strings.TrimSpace(v.Get("q")), Vendor: strings.TrimSpace(v.Get("vendor")),
		Role: strings.TrimSpace(v.Get("role")), Location: strings.TrimSpace(v.Get("location")),
		Environment: strings.TrimSpace(v.Get("environment")), Compliance: strings.TrimSpace(v.Get("compliance")),
		Sort: strings.TrimSpace(v.Get("sort")), Page: 1, Size: defaultNodePageSize,
	}
	var err error
	if s := v.Get("page"); s != "" {
		if q.Page, err = strconv.Atoi(s); err != nil || q.Page < 1 {
			return q, unet.Errorf(unet.EINVALID, "page %q must be a whole number from 1", s)
		}
	}
	if s := v.Get("size"); s != "" {
		if q.Size, err = strconv.Atoi(s); err != nil || q.Size < 1 {
			return q, unet.Errorf(unet.EINVALID, "size %q must be a whole number from 1 to %d", s, maxNodePageSize)
		}
		q.Size = min(q.Size, maxNodePageSize)
	}
	if q.Compliance != "" && !slices.Contains(unet.NodeCompliances, q.Compliance) {
		return q, unet.Errorf(unet.EINVALID, "compliance %q is not one of %s", q.Compliance, strings.Join(unet.NodeCompliances, ", "))
	}
	return q, nil
}

// values is the query string of q, without defaults.
func (q nodeQuery) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", q.Search)
	set("vendor", q.Vendor)
	set("role", q.Role)
	set("location", q.Location)
	set("environment", q.Environment)
	set("compliance", q.Compliance)
	set("sort", q.Sort)
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if q.Size != defaultNodePageSize {
		v.Set("size", strconv.Itoa(q.Size))
	}
	return v
}

// href is the list's address for q.
func (q nodeQuery) href() string {
	if e := q.values().Encode(); e != "" {
		return Prefix + "nodes?" + e
	}
	return Prefix + "nodes"
}

// filter is q as the service's node filter.
func (q nodeQuery) filter() unet.NodeFilter {
	return unet.NodeFilter{Vendor: q.Vendor, Role: q.Role, Location: q.Location, Environment: q.Environment,
		Search: q.Search, Compliance: q.Compliance, Sort: q.Sort,
		Page: unet.Page{Limit: q.Size, Offset: (q.Page - 1) * q.Size}}
}

// nodeColumn is a sortable column header.
type nodeColumn struct {
	Label string
	Href  string
	// AriaSort is "ascending" or "descending" for the column the list is
	// sorted by, "" for the others.
	AriaSort string
}

// nodeRow is a row of the list.
type nodeRow struct {
	unet.Node
	Location   string
	Compliance nodeCompliance
}

// nodeCompliance is a node's compliance state from its stored results.
type nodeCompliance struct {
	// State is one of unet.NodeCompliances.
	State                   string
	Pass, Fail, Error, Rest int
}

// nodeListPage is the list's template data.
type nodeListPage struct {
	Query         nodeQuery
	Vendors       []string
	Compliances   []string
	Sizes         []int
	Columns       []nodeColumn
	Rows          []nodeRow
	Total         int
	From, To      int
	Pages         int
	First, Prev   string
	Next, Last    string
	ShowCompliant bool
	Filtered      bool
}

// nodeSortColumns are the list's sortable columns in order, with their
// sort keys.
var nodeSortColumns = []struct{ key, label string }{
	{"fqdn", "Name"}, {"vendor", "Vendor"}, {"model", "Model"}, {"role", "Role"}, {"platform", "Platform"},
	{"mgmt_ip", "Management address"}, {"environment", "Environment"}, {"lifecycle", "Lifecycle"},
}

// nodeList answers GET /ui/nodes.
func (u *UI) nodeList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q, err := parseNodeQuery(r.URL.Query())
	if err != nil {
		return err
	}
	list, err := u.svc.ListNodes(ctx, q.filter())
	if err != nil {
		return err
	}
	p := nodeListPage{Query: q, Compliances: unet.NodeCompliances, Sizes: []int{50, 100, 200, 500},
		Total: list.Total, ShowCompliant: can(ctx, unet.PermPoliciesRead),
		Filtered: q.Search != "" || q.Vendor != "" || q.Role != "" || q.Location != "" || q.Environment != "" || q.Compliance != ""}
	if !slices.Contains(p.Sizes, q.Size) {
		p.Sizes = append(p.Sizes, q.Size)
		slices.Sort(p.Sizes)
	}
	if vs, err := u.svc.ListVendors(ctx); err == nil {
		for _, v := range vs {
			p.Vendors = append(p.Vendors, v.Name)
		}
	}
	p.Columns = nodeColumns(q)
	locs := map[string]string{}
	for _, n := range list.Items {
		row := nodeRow{Node: n, Location: u.locationPath(ctx, locs, n.LocationID)}
		if p.ShowCompliant {
			if row.Compliance, err = u.complianceOf(ctx, n.ID); err != nil {
				return err
			}
		}
		p.Rows = append(p.Rows, row)
	}
	if len(p.Rows) > 0 {
		p.From = (q.Page-1)*q.Size + 1
		p.To = p.From + len(p.Rows) - 1
	}
	p.Pages = max(1, (list.Total+q.Size-1)/q.Size)
	at := func(page int) string {
		c := q
		c.Page = page
		return c.href()
	}
	if q.Page > 1 {
		p.First, p.Prev = at(1), at(min(q.Page-1, p.Pages))
	}
	if q.Page < p.Pages {
		p.Next, p.Last = at(q.Page+1), at(p.Pages)
	}
	return u.render(w, r, http.StatusOK, "nodes", view{Title: "Nodes", Nav: "nodes", Page: p})
}

// nodeColumns are the column headers of the list sorted as q says: each
// links to the list sorted by it, the other way round when it is the
// current order.
func nodeColumns(q nodeQuery) []nodeColumn {
	cur, desc := strings.CutPrefix(q.Sort, "-")
	if cur == "" {
		cur = "fqdn"
	}
	out := make([]nodeColumn, len(nodeSortColumns))
	for i, c := range nodeSortColumns {
		s := q
		s.Page = 1
		s.Sort = c.key
		col := nodeColumn{Label: c.label}
		if c.key == cur {
			col.AriaSort = "ascending"
			if desc {
				col.AriaSort = "descending"
			} else {
				s.Sort = "-" + c.key
			}
		}
		if s.Sort == "fqdn" {
			s.Sort = ""
		}
		col.Href = s.href()
		out[i] = col
	}
	return out
}

// locationPath returns the path of a location by ID, remembered in seen
// ("" for none or one the caller may not see).
func (u *UI) locationPath(ctx context.Context, seen map[string]string, id string) string {
	if id == "" {
		return ""
	}
	if p, ok := seen[id]; ok {
		return p
	}
	p := ""
	if l, err := u.svc.GetLocation(ctx, id); err == nil {
		p = l.Path
	}
	seen[id] = p
	return p
}

// complianceOf counts a node's stored results by status.
func (u *UI) complianceOf(ctx context.Context, id string) (nodeCompliance, error) {
	var c nodeCompliance
	l, err := u.svc.ListPolicyResults(ctx, unet.PolicyResultFilter{Node: id, Kind: unet.KindNode, Page: unet.Page{Limit: nodeResultsLimit}})
	if err != nil {
		return c, err
	}
	for _, res := range l.Items {
		c.add(res.Status)
	}
	if l.Total > len(l.Items) {
		// More results than one read: count the failures and errors.
		for _, st := range []string{unet.StatusFail, unet.StatusError} {
			sl, err := u.svc.ListPolicyResults(ctx, unet.PolicyResultFilter{Node: id, Kind: unet.KindNode, Status: st, Page: unet.Page{Limit: 1}})
			if err != nil {
				return c, err
			}
			if st == unet.StatusFail {
				c.Fail = sl.Total
			} else {
				c.Error = sl.Total
			}
		}
	}
	c.State = c.state()
	return c, nil
}

func (c *nodeCompliance) add(status string) {
	switch status {
	case unet.StatusPass:
		c.Pass++
	case unet.StatusFail:
		c.Fail++
	case unet.StatusError:
		c.Error++
	default:
		c.Rest++
	}
}

// state is the node's compliance state (unet.NodeCompliances): a failure
// before an error before a pass.
func (c *nodeCompliance) state() string {
	switch {
	case c.Fail > 0:
		return unet.ComplianceFail
	case c.Error > 0:
		return unet.ComplianceError
	case c.Pass > 0:
		return unet.CompliancePass
	}
	return unet.ComplianceNone
}
