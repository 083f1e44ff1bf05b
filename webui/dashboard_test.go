package webui_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
)

// TestDashboard: on a real server with stored results, the dashboard's
// counts by severity and by rule are those of the service's stored
// results, the trend has a point per stored evaluation that changed
// something, the nodes failing critical rules are listed with links, a
// proposed change set is counted as awaiting review, and a caller who
// may read only nodes gets the page without the sections they may not
// read.
func TestDashboard(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			s := startAuthUI(t, engine)
			admin := s.token(t, "admin", unet.RoleAdmin)
			if _, err := s.svc.CreateRole(setup(), unet.Role{Name: "nodes-only", Permissions: []unet.Permission{unet.PermNodesRead}}); err != nil {
				t.Fatal(err)
			}
			narrow := s.token(t, "narrow", "nodes-only")

			if _, err := s.svc.Import(setup(), inventory(30), unet.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			storeResults(t, s.svc)
			if _, err := s.svc.UpdateNode(setup(), "node-00001", unet.Patch{"model": "c9300"}, unet.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			storeResults(t, s.svc)
			if _, err := s.svc.ProposeChangeSet(setup(), unet.ChangeSetRequest{Title: "model of node-00003",
				Ops: []unet.ChangeOp{{Op: unet.OpUpdate, Kind: unet.KindNode, Ref: "node-00003", Data: []byte(`{"model":"c9300"}`)}}}); err != nil {
				t.Fatal(err)
			}

			// What the service reports.
			type key struct{ group, status string }
			want := map[key]int{}
			ruleSev := map[string]string{}
			l, err := s.svc.ListPolicyResults(setup(), unet.PolicyResultFilter{Page: unet.Page{Limit: 10000}})
			if err != nil {
				t.Fatal(err)
			}
			if l.Total == 0 || l.Next != "" {
				t.Fatalf("stored results: total %d, next %q", l.Total, l.Next)
			}
			for _, r := range l.Items {
				want[key{r.Severity, r.Status}]++
				want[key{"rule " + r.Rule, r.Status}]++
				ruleSev[r.Rule] = r.Severity
			}

			home := s.as(t, admin, http.MethodGet, "/ui/", "")
			if home.status != http.StatusOK {
				t.Fatalf("GET /ui/ = %d:\n%s", home.status, home.body)
			}
			statuses := []string{unet.StatusPass, unet.StatusFail, unet.StatusError, unet.StatusNotApplicable}
			for _, sev := range []string{"critical", "high", "medium"} {
				got := cells(t, home.body, sev)
				for i, st := range statuses {
					if got[i] != fmt.Sprint(want[key{sev, st}]) {
						t.Errorf("severity %s, %s: page %s, service %d", sev, st, got[i], want[key{sev, st}])
					}
				}
			}
			for rule, sev := range ruleSev {
				got := cells(t, home.body, rule)
				if got[0] != sev {
					t.Errorf("rule %s: severity %q, want %q", rule, got[0], sev)
				}
				for i, st := range statuses {
					if got[i+1] != fmt.Sprint(want[key{"rule " + rule, st}]) {
						t.Errorf("rule %s, %s: page %s, service %d", rule, st, got[i+1], want[key{"rule " + rule, st}])
					}
				}
			}
			if want[key{"critical", unet.StatusFail}] != 14 {
				t.Fatalf("the odd nodes but node-00001 should fail model-set: %v", want)
			}
			for _, frag := range []string{
				`14 nodes fail critical or high rules`,
				`<a href="/ui/nodes/node-00003">node-00003</a>`,
				`<strong class="dash-count">1</strong> change set proposed, awaiting review`,
				`href="/ui/changesets?state=proposed"`,
				`href="/ui/changesets?state=emergency"`,
				`<h2 id="dash-snmp">SNMP</h2>`,
				`<strong class="dash-count">30</strong> never polled`,
				`No Git source is configured.`,
				`<polyline points="0.0,`,
			} {
				if !strings.Contains(home.body, frag) {
					t.Errorf("dashboard lacks %q:\n%s", frag, home.body)
				}
			}
			for _, frag := range []string{`href="/ui/nodes/node-00001"`, `href="/ui/nodes/node-00002"`} {
				if strings.Contains(home.body, frag) {
					t.Errorf("a compliant node is listed as failing: %s", frag)
				}
			}
			if m := regexp.MustCompile(`data-live="([^"]*)"`).FindStringSubmatch(home.body); m == nil ||
				!strings.Contains(m[1], "changeset.*") || !strings.Contains(m[1], "policy.regression") {
				t.Errorf("the dashboard does not list its live event types: %v", m)
			}
			// Two evaluations changed results: two points, the first with
			// node-00001 failing, the second without.
			trend := regexp.MustCompile(`(?s)<caption>Results after each stored evaluation.*?</tbody>`).FindString(home.body)
			rows := regexp.MustCompile(`<tr><td>[^<]*UTC</td><td>(\d+)</td><td>(\d+)</td>`).FindAllStringSubmatch(trend, -1)
			if len(rows) != 2 || rows[0][2] != "16" || rows[1][2] != "15" {
				t.Errorf("trend rows (time, pass, fail) = %v", rows)
			}

			// The page follows changes at once (its summaries are kept
			// only while nothing changed).
			if _, err := s.svc.UpdateNode(setup(), "node-00005", unet.Patch{"model": "c9300"}, unet.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			storeResults(t, s.svc)
			if _, err := s.svc.ProposeChangeSet(setup(), unet.ChangeSetRequest{Title: "model of node-00007",
				Ops: []unet.ChangeOp{{Op: unet.OpUpdate, Kind: unet.KindNode, Ref: "node-00007", Data: []byte(`{"model":"c9300"}`)}}}); err != nil {
				t.Fatal(err)
			}
			again := s.as(t, admin, http.MethodGet, "/ui/", "")
			for _, frag := range []string{`13 nodes fail critical or high rules`, `<strong class="dash-count">2</strong> change sets proposed`} {
				if !strings.Contains(again.body, frag) {
					t.Errorf("dashboard after changes lacks %q", frag)
				}
			}
			if got := cells(t, again.body, "critical"); got[1] != "13" {
				t.Errorf("critical failures after the fix = %v", got)
			}

			// A caller who may read nodes only: the page without the
			// sections.
			bare := s.as(t, narrow, http.MethodGet, "/ui/", "")
			if bare.status != http.StatusOK {
				t.Fatalf("GET /ui/ as nodes-only = %d:\n%s", bare.status, bare.body)
			}
			for _, frag := range []string{`dash-compliance`, `dash-review`, `dash-snmp`, `dash-git`, `data-live`, `href="/ui/audit"`} {
				if strings.Contains(bare.body, frag) {
					t.Errorf("a nodes-only caller sees %q:\n%s", frag, bare.body)
				}
			}
			if got := s.as(t, "", http.MethodGet, "/ui/", ""); got.status != http.StatusSeeOther ||
				got.header.Get("Location") != "/ui/login?next=%2Fui%2F" {
				t.Errorf("GET /ui/ without credentials = %d to %q, want 303 to the sign-in page", got.status, got.header.Get("Location"))
			}
		})
	}
}
