package webui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// nodeHistoryLimit bounds the change-log entries on a node page.
const nodeHistoryLimit = 100

// nodeField is one labelled value of the node's data.
type nodeField struct{ Label, Value string }

// crumb is one step of a location path, linking to the nodes below it.
type crumb struct{ Name, Href string }

// nodeLink is one of the node's links seen from the node.
type nodeLink struct {
	Name, Interface, Peer, PeerInterface, Role, Circuit, Lifecycle string
}

// nodeResult is a stored policy result for display.
type nodeResult struct {
	unet.PolicyResult
	ExpectedText, ActualText string
}

// configPart is one rendered template with its element ID and download
// address.
type configPart struct {
	Template, ID, Output, Download string
}

// historyEntry is one change-log entry of the node.
type historyEntry struct {
	unet.Change
	Changed []string
	Href    string
	Current bool
}

// nodePageData is the node page's template data.
type nodePageData struct {
	Node   *unet.Node
	Title  string
	At     string
	AtTime string
	Fields []nodeField
	Custom string
	Crumbs []crumb

	ShowLinks bool
	Links     []nodeLink

	ShowResults bool
	Results     []nodeResult
	Compliance  nodeCompliance

	ShowSNMP   bool
	Status     *unet.NodeStatus
	Interfaces []unet.InterfaceStatus

	// ShowConfig shows the rendered configuration of the current node: a
	// render reads only the node's part of the inventory (the node, its
	// location chain, its links and their peers), so the page renders it
	// on every view.
	ShowConfig bool
	Configs    []configPart
	ConfigErr  string
	Warnings   []string

	Drift *driftView

	ShowHistory bool
	History     []historyEntry
}

// nodePage answers GET /ui/nodes/{name}, the node as it is, with its
// rendered configuration, or, with ?at=CHANGE-ID or an RFC 3339 time, as
// it was then. The address of the configuration rendered on request
// (?render=1) still answers the page, which now always shows it.
func (u *UI) nodePage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d, err := u.nodeData(r.Context(), r.PathValue("name"), strings.TrimSpace(q.Get("at")))
	if err != nil {
		return err
	}
	return u.renderNode(w, r, http.StatusOK, d)
}

func (u *UI) renderNode(w http.ResponseWriter, r *http.Request, status int, d *nodePageData) error {
	return u.render(w, r, status, "node", view{Title: d.Title, Nav: "nodes", Page: d})
}

// nodeData reads everything the node page shows that the caller may see.
func (u *UI) nodeData(ctx context.Context, name, at string) (*nodePageData, error) {
	var (
		n   *unet.Node
		err error
	)
	if at != "" {
		n, err = u.svc.NodeAt(ctx, name, at)
	} else {
		n, err = u.svc.GetNode(ctx, name)
	}
	if err != nil {
		return nil, err
	}
	d := &nodePageData{Node: n, Title: n.FQDN, At: at}
	d.Fields = nodeFields(n)
	if len(n.CustomData) > 0 {
		b, err := json.MarshalIndent(n.CustomData, "", "  ")
		if err != nil {
			return nil, err
		}
		d.Custom = string(b)
	}
	d.Crumbs = u.locationCrumbs(ctx, n.LocationID, at)
	if at != "" {
		d.AtTime = at
		if can(ctx, unet.PermChangesRead) {
			if c, err := u.svc.GetChange(ctx, at); err == nil {
				d.AtTime = c.Time.UTC().Format(time.RFC3339)
			}
		}
	} else if err := u.nodeLive(ctx, d); err != nil {
		return nil, err
	}
	if can(ctx, unet.PermChangesRead) {
		d.ShowHistory = true
		if d.History, err = u.nodeHistory(ctx, n, at); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// nodeLive reads the current state around the node: links, results, SNMP
// state and the rendered configuration, each when the caller may read it.
func (u *UI) nodeLive(ctx context.Context, d *nodePageData) error {
	n := d.Node
	if can(ctx, unet.PermLinksRead) {
		d.ShowLinks = true
		links, err := u.svc.ListLinks(ctx, unet.LinkFilter{Node: n.ID, Page: unet.Page{Limit: 1000}})
		if err != nil {
			return err
		}
		for _, l := range links.Items {
			nl := nodeLink{Name: l.Name, Role: l.Role, Circuit: l.CircuitID, Lifecycle: l.Lifecycle,
				Interface: l.AInterface, Peer: l.ZNode, PeerInterface: l.ZInterface}
			if l.ANodeID != n.ID {
				nl.Interface, nl.Peer, nl.PeerInterface = l.ZInterface, l.ANode, l.AInterface
			}
			d.Links = append(d.Links, nl)
		}
	}
	if can(ctx, unet.PermPoliciesRead) {
		d.ShowResults = true
		res, err := u.svc.ListPolicyResults(ctx, unet.PolicyResultFilter{Node: n.ID, Kind: unet.KindNode, Page: unet.Page{Limit: nodeResultsLimit}})
		if err != nil {
			return err
		}
		for _, pr := range res.Items {
			d.Compliance.add(pr.Status)
			d.Results = append(d.Results, nodeResult{PolicyResult: pr, ExpectedText: valueText(pr.Expected), ActualText: valueText(pr.Actual)})
		}
		d.Compliance.State = d.Compliance.state()
		// Failures first, then errors, passes and the rest, each by rule.
		sort.SliceStable(d.Results, func(i, j int) bool {
			a, b := resultRank(d.Results[i].Status), resultRank(d.Results[j].Status)
			return a < b
		})
	}
	if can(ctx, unet.PermSNMPRead) {
		d.ShowSNMP = true
		st, err := u.svc.GetNodeStatus(ctx, n.ID)
		switch {
		case unet.ErrorCode(err) == unet.ENOTFOUND:
		case err != nil:
			return err
		default:
			d.Status = st
			if d.Interfaces, err = u.svc.ListNodeInterfaces(ctx, n.ID); err != nil {
				return err
			}
		}
	}
	if can(ctx, unet.PermTemplatesRender) {
		d.ShowConfig, d.Drift = true, &driftView{}
		rr, err := withEngine(ctx, func(ctx context.Context) (*unet.RenderResult, error) {
			return u.svc.RenderNode(ctx, unet.TemplateRequest{Node: n.ID})
		})
		switch {
		case err != nil && ctx.Err() != nil:
			return err
		case err != nil && statusOf(err) >= 500:
			// The rest of the page stands: the section says the render
			// failed, the log says why.
			u.log.ErrorContext(ctx, "node page: render failed", slog.String("node", n.FQDN), slog.Any("error", err))
			d.ConfigErr = "The configuration could not be rendered: server error (see the server's log)."
		case err != nil:
			d.ConfigErr = err.Error()
		default:
			d.Warnings = rr.Warnings
			for i, p := range rr.Parts {
				d.Configs = append(d.Configs, configPart{Template: p.Template, ID: "config-" + strconv.Itoa(i+1), Output: p.Output,
					Download: Prefix + "nodes/" + url.PathEscape(n.FQDN) + "/config?" + url.Values{"template": {p.Template}}.Encode()})
			}
		}
	}
	return nil
}

func resultRank(status string) int {
	switch status {
	case unet.StatusFail:
		return 0
	case unet.StatusError:
		return 1
	case unet.StatusPass:
		return 2
	}
	return 3
}

// valueText is an expected or actual value as compact JSON ("" for none).
func valueText(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// nodeFields are the node's own fields, labelled.
func nodeFields(n *unet.Node) []nodeField {
	f := []nodeField{
		{"Name", n.Name}, {"Domain", n.Domain}, {"FQDN", n.FQDN}, {"Vendor", n.Vendor}, {"Model", n.Model},
		{"Role", n.Role}, {"Device type", n.DeviceType}, {"Platform", n.Platform}, {"Management address", n.MgmtIP},
		{"Software version", n.SoftwareVersion}, {"Serial number", n.SerialNumber}, {"Asset tag", n.AssetTag},
		{"Lifecycle", n.Lifecycle}, {"Environment", n.Environment}, {"SNMP profile", n.SNMPProfile},
		{"Tags", strings.Join(n.Tags, ", ")}, {"Version", strconv.Itoa(n.Version)}, {"ID", n.ID},
	}
	if !n.CreatedAt.IsZero() {
		f = append(f, nodeField{"Created", n.CreatedAt.UTC().Format(time.RFC3339)})
	}
	if !n.UpdatedAt.IsZero() {
		f = append(f, nodeField{"Updated", n.UpdatedAt.UTC().Format(time.RFC3339)})
	}
	return f
}

// locationCrumbs is the node's location path, each step linking to the
// node list filtered to it (the location as it was at at, if given).
func (u *UI) locationCrumbs(ctx context.Context, id, at string) []crumb {
	if id == "" {
		return nil
	}
	var (
		l   *unet.Location
		err error
	)
	if at != "" {
		l, err = u.svc.LocationAt(ctx, id, at)
	} else {
		l, err = u.svc.GetLocation(ctx, id)
	}
	if err != nil || l.Path == "" {
		return nil
	}
	parts := strings.Split(l.Path, "/")
	out := make([]crumb, len(parts))
	for i, p := range parts {
		out[i] = crumb{Name: p, Href: Prefix + "nodes?" + url.Values{"location": {strings.Join(parts[:i+1], "/")}}.Encode()}
	}
	return out
}

// nodeHistory is the node's change-log entries, newest first, with the
// fields each changed.
func (u *UI) nodeHistory(ctx context.Context, n *unet.Node, at string) ([]historyEntry, error) {
	l, err := u.svc.ListChanges(ctx, unet.ChangeFilter{Object: n.ID, Page: unet.Page{Limit: nodeHistoryLimit}})
	if err != nil {
		return nil, err
	}
	out := make([]historyEntry, 0, len(l.Items))
	for _, c := range l.Items {
		out = append(out, historyEntry{Change: c, Changed: changedFields(c), Current: c.ID == at,
			Href: Prefix + "nodes/" + url.PathEscape(n.FQDN) + "?" + url.Values{"at": {c.ID}}.Encode()})
	}
	return out, nil
}

// changedFields describes what an update did to the object: "field: old
// → new" for each changed field (custom_data by its keys).
func changedFields(c unet.Change) []string {
	if c.Op != unet.OpUpdate {
		return nil // the whole object came or went
	}
	before, after := objectFields(c.Before), objectFields(c.After)
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		switch k {
		case "version", "created_at", "updated_at", "id":
			continue
		}
		b, a := before[k], after[k]
		if reflect.DeepEqual(b, a) {
			continue
		}
		out = append(out, k+": "+orNone(valueText(b))+" → "+orNone(valueText(a)))
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// objectFields decodes an object image of the change log into its fields,
// custom_data spread as custom_data.KEY.
func objectFields(img json.RawMessage) map[string]any {
	out := map[string]any{}
	img = bytes.TrimSpace(img)
	if len(img) == 0 || string(img) == "null" {
		return out
	}
	var m map[string]any
	if err := json.Unmarshal(img, &m); err != nil {
		return out
	}
	for k, v := range m {
		if cd, ok := v.(map[string]any); ok && k == "custom_data" {
			for ck, cv := range cd {
				out["custom_data."+ck] = cv
			}
			continue
		}
		out[k] = v
	}
	return out
}
