package webui_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	neturl "net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/examples"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/webui"
)

// The people of the scenario: their user names, passwords and roles.
const (
	approverName, approverPassword = "ada", "ada-approves-0001"
	engineerName, engineerPassword = "erin", "erin-proposes-0001"
	viewerName, viewerPassword     = "vic", "vic-only-reads-0001"
	adminName, adminPassword       = "root-admin", "admin-reads-audit-0001"
)

// scenarioServer runs `unet serve --demo` with local sign-in and the
// scenario's users: an approver (who may also render configurations), an
// engineer who proposes changes with an API token, a viewer and an
// administrator; an approval rule asks for one approval by the approver
// role for every change to an Arista node.
func scenarioServer(t *testing.T) (p *unetProc, engineerToken string) {
	t.Helper()
	p = newUnetProc(t)
	p.addUser(t, approverName, approverPassword, unet.RoleApprover, unet.RoleOperator)
	p.addUser(t, engineerName, engineerPassword, unet.RoleEngineer)
	p.addUser(t, viewerName, viewerPassword, unet.RoleViewer)
	p.addUser(t, adminName, adminPassword, unet.RoleAdmin)
	engineerToken = p.token(t, engineerName)
	p.local(t, "", "approvals", "add", "arista", "--when", `node.vendor == "arista"`, "--require", "1", "--role", unet.RoleApprover,
		"--description", "Arista changes are approved by an approver")
	p.start(t, "--demo")
	return p, engineerToken
}

// changeSetState reads a change set's state through the command line.
func changeSetState(t *testing.T, p *unetProc, token, id string) unet.ChangeSet {
	t.Helper()
	var cs unet.ChangeSet
	out := p.remote(t, token, "changes", "show", id, "--no-impact")
	if err := json.Unmarshal([]byte(out), &cs); err != nil {
		t.Fatalf("changes show %s: %v\n%s", id, err, out)
	}
	return cs
}

// dashboardProposed is the dashboard's count of change sets awaiting review.
func dashboardProposed(t *testing.T, ctx context.Context) int {
	t.Helper()
	s := eval[string](t, ctx, `(() => { const a = document.querySelector('a[href="/ui/changesets?state=proposed"] .dash-count'); return a ? a.textContent : "0"; })()`)
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		t.Fatalf("the dashboard's count of proposed change sets is %q", s)
	}
	return n
}

// TestBrowserScenario is the acceptance in a real browser against
// a real `unet serve` process: sign in, filter and sort the node list, open
// a node, render its configuration, compare a pasted running configuration,
// propose a change with the command line as one user and approve and apply
// it in the browser as another, see the dashboard and the node follow; a
// viewer has no approve button and a forged approval is refused, and so is
// an approval without the CSRF token. Every page visited is checked for
// accessibility in the light and dark themes at desktop and phone width.
func TestBrowserScenario(t *testing.T) {
	start := time.Now()
	defer func() { t.Logf("the scenario took %v", time.Since(start).Round(time.Millisecond)) }()
	p, engineerToken := scenarioServer(t)
	t.Logf("the server started after %v", time.Since(start).Round(time.Millisecond))
	base := p.URL

	// Sign-in page, then signing in as the approver.
	ctx := newPrivateTab(t)
	navigate(t, ctx, base+"/ui/")
	if loc := eval[string](t, ctx, `location.pathname`); loc != "/ui/login" {
		t.Fatalf("a signed-out visit of the dashboard is at %s, want the sign-in page", loc)
	}
	checkKeyboard(t, ctx, "sign-in")
	checkScenarioPage(t, ctx, "sign-in")
	fill(t, ctx, "#login-username", approverName)
	fill(t, ctx, "#login-password", "wrong password")
	if status := submit(t, ctx, "form.login button[type=submit]"); status != http.StatusUnauthorized {
		t.Errorf("a wrong password: status %d, want 401", status)
	}
	if got := textOf(t, ctx, "#login-error"); !strings.Contains(got, "wrong") {
		t.Errorf("a wrong password says %q", got)
	}
	// The browser logs the refused sign-in's 401; nothing else.
	for _, e := range consoleProblems(t, ctx) {
		if !strings.Contains(e, "/ui/login") || !strings.Contains(e, "401") {
			t.Errorf("sign-in: %s", e)
		}
	}
	fill(t, ctx, "#login-username", approverName)
	fill(t, ctx, "#login-password", approverPassword)
	if status := submit(t, ctx, "form.login button[type=submit]"); status != http.StatusOK {
		t.Fatalf("sign in: status %d", status)
	}
	if loc := eval[string](t, ctx, `location.pathname`); loc != "/ui/" {
		t.Fatalf("after signing in the tab is at %s, want the dashboard", loc)
	}
	if got := textOf(t, ctx, ".account"); !strings.Contains(got, approverName) {
		t.Errorf("the header says %q, want the approver's name", got)
	}
	// The session's cookie: HttpOnly (no script reads it), SameSite=Strict,
	// for the interface's paths only.
	cookies := browserCookies(t, ctx, base+"/ui/")
	session := false
	for _, c := range cookies {
		if c.Name == "unet_session" {
			session = true
			if !c.HTTPOnly || c.SameSite != network.CookieSameSiteStrict || c.Path != "/ui/" {
				t.Errorf("the session cookie: HttpOnly %v, SameSite %q, Path %q", c.HTTPOnly, c.SameSite, c.Path)
			}
		}
	}
	if !session {
		t.Errorf("no session cookie after signing in: %v", cookies)
	}
	if dc := eval[string](t, ctx, `document.cookie`); strings.Contains(dc, "unet_session") {
		t.Errorf("a script reads the session cookie: %q", dc)
	}
	checkScenarioPage(t, ctx, "dashboard", "-dark")
	proposedBefore := dashboardProposed(t, ctx)

	// The node list: filter by vendor (the form's menu) and a search, then
	// sort by name, descending.
	click(t, ctx, `header nav a[href="/ui/nodes"]`)
	all := eval[int](t, ctx, `document.querySelectorAll("table.nodes tbody tr").length`)
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#nf-vendor"), "arista")); err != nil {
		t.Fatal(err)
	}
	fill(t, ctx, "#nf-q", "fra-")
	submit(t, ctx, `.nodes-filter button[type="submit"]`)
	if q := eval[string](t, ctx, `location.search`); !strings.Contains(q, "vendor=arista") || !strings.Contains(q, "q=fra-") {
		t.Errorf("the filter's address is %s", q)
	}
	type nodeRow struct {
		Name   string `json:"name"`
		Vendor string `json:"vendor"`
	}
	const readRows = `[...document.querySelectorAll("table.nodes tbody tr")].map(r => ({name: r.cells[0].innerText, vendor: r.cells[1].innerText}))`
	rows := eval[[]nodeRow](t, ctx, readRows)
	if len(rows) == 0 || len(rows) >= all {
		t.Fatalf("the filtered list shows %d rows of %d", len(rows), all)
	}
	var names []string
	for _, r := range rows {
		if r.Vendor != "arista" || !strings.Contains(r.Name, "fra-") {
			t.Errorf("the filtered list shows %+v", r)
		}
		names = append(names, r.Name)
	}
	if !slices.Contains(names, "fra-leaf-02.example.net") {
		t.Errorf("the filtered list %v lacks fra-leaf-02.example.net", names)
	}
	if got := textOf(t, ctx, "#nodes-count"); !strings.Contains(got, "of "+strconv.Itoa(len(rows))) {
		t.Errorf("the count says %q for %d rows", got, len(rows))
	}
	// The name column sorts ascending by default: its link sorts the other way.
	click(t, ctx, `table.nodes thead th:first-child a`)
	sorted := eval[[]nodeRow](t, ctx, readRows)
	var desc []string
	for _, r := range sorted {
		desc = append(desc, r.Name)
	}
	want := slices.Clone(names)
	slices.Sort(want)
	slices.Reverse(want)
	if !slices.Equal(desc, want) {
		t.Errorf("sorted by name descending: %v, want %v", desc, want)
	}
	if q := eval[string](t, ctx, `location.search`); !strings.Contains(q, "vendor=arista") {
		t.Errorf("sorting lost the filter: %s", q)
	}
	if s := eval[string](t, ctx, `document.querySelector("table.nodes thead th:first-child").getAttribute("aria-sort")`); s != "descending" {
		t.Errorf("the name column's aria-sort = %q after sorting descending", s)
	}
	checkScenarioPage(t, ctx, "nodes")

	// A node: its data, its rendered configuration, its drift from a pasted
	// running configuration and the remediation.
	click(t, ctx, `table.nodes a[href="/ui/nodes/fra-leaf-02.example.net"]`)
	if h1 := textOf(t, ctx, "h1"); h1 != "fra-leaf-02.example.net" {
		t.Fatalf("the node page's heading is %q", h1)
	}
	data := textOf(t, ctx, "#n-data + dl")
	for _, want := range []string{"arista", "leaf"} {
		if !strings.Contains(data, want) {
			t.Errorf("the node's data lack %q:\n%s", want, data)
		}
	}
	// The configuration is rendered with the page.
	cfg := textOf(t, ctx, "#config-1")
	if !strings.Contains(cfg, "hostname fra-leaf-02") {
		t.Errorf("the rendered configuration lacks its hostname:\n%s", cfg)
	}
	checkScenarioPage(t, ctx, "node-config")
	t.Logf("the node's configuration after %v", time.Since(start).Round(time.Millisecond))
	running, err := fs.ReadFile(examples.Running(), "fra-leaf-02.cfg")
	if err != nil {
		t.Fatal(err)
	}
	// Pasted: the text arrives in the field at once, as a paste does.
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#drift-running"), string(running))); err != nil {
		t.Fatal(err)
	}
	if status := submit(t, ctx, `form[action*="/drift"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("compare: status %d", status)
	}
	if got := textOf(t, ctx, "#n-drift ~ p[role=status]"); !strings.Contains(got, "Drift") {
		t.Errorf("the drift's status says %q", got)
	}
	adds := eval[[]string](t, ctx, `[...document.querySelectorAll("pre.diff .add")].map(e => e.textContent)`)
	dels := eval[[]string](t, ctx, `[...document.querySelectorAll("pre.diff .del")].map(e => e.textContent)`)
	if len(adds) == 0 || len(dels) == 0 {
		t.Fatalf("the drift diff shows %d added and %d removed lines", len(adds), len(dels))
	}
	for _, l := range adds {
		if !strings.HasPrefix(l, "+") {
			t.Errorf("an added line is not marked with +: %q", l)
		}
	}
	for _, l := range dels {
		if !strings.HasPrefix(l, "-") {
			t.Errorf("a removed line is not marked with -: %q", l)
		}
	}
	if rem := textOf(t, ctx, "#remediation"); strings.TrimSpace(rem) == "" {
		t.Error("the remediation is empty")
	}
	checkScenarioPage(t, ctx, "node-drift", "-phone")

	// A viewer keeps the dashboard open in another browser.
	vctx := newPrivateTab(t)
	signIn(t, vctx, base, "/ui/", viewerName, viewerPassword)
	if n := dashboardProposed(t, vctx); n != proposedBefore {
		t.Errorf("the viewer's dashboard counts %d proposed sets, the approver's %d", n, proposedBefore)
	}

	// The engineer proposes a change with the command line.
	var cs unet.ChangeSet
	out := p.remote(t, engineerToken, "nodes", "update", "fra-leaf-01.example.net", "--set", `custom_data.owner="noc-frankfurt"`,
		"--propose", "Owner of fra-leaf-01")
	if err := json.Unmarshal([]byte(out), &cs); err != nil || cs.State != unet.ChangeSetProposed || cs.Author != engineerName {
		t.Fatalf("propose: %v %+v\n%s", err, cs, out)
	}
	setPath := "/ui/changesets/" + cs.ID

	// The viewer's dashboard follows without a reload (the live update).
	waitText(t, vctx, `a[href="/ui/changesets?state=proposed"]`, strconv.Itoa(proposedBefore+1), 10*time.Second)

	// The approver sees it on the dashboard, in the list, and reviews it.
	click(t, ctx, `header nav a[href="/ui/"]`)
	if n := dashboardProposed(t, ctx); n != proposedBefore+1 {
		t.Errorf("after the proposal the dashboard counts %d proposed sets, want %d", n, proposedBefore+1)
	}
	click(t, ctx, `header nav a[href="/ui/changesets"]`)
	checkScenarioPage(t, ctx, "changesets")
	click(t, ctx, `table.cs-list a[href="`+setPath+`"]`)
	review := textOf(t, ctx, "main")
	for _, want := range []string{"Owner of fra-leaf-01", engineerName, "arista", "0 received of 1 required", "noc-frankfurt"} {
		if !strings.Contains(review, want) {
			t.Errorf("the review page lacks %q:\n%s", want, review)
		}
	}
	checkScenarioPage(t, ctx, "changeset")

	// The viewer has no button, and a forged approval with the viewer's
	// own session and CSRF token is refused.
	navigate(t, vctx, base+setPath)
	if n := eval[int](t, vctx, `document.querySelectorAll('form[action$="/approve"], form[action$="/apply"], form[action$="/reject"]').length`); n != 0 {
		t.Errorf("the viewer sees %d decision forms", n)
	}
	viewerToken := eval[string](t, vctx, `document.querySelector('input[name="csrf_token"]').value`)
	if viewerToken == "" {
		t.Fatal("the viewer's page has no CSRF token")
	}
	if status := postFromPage(t, vctx, setPath+"/approve", map[string]string{"csrf_token": viewerToken, "action": "approve"}); status != http.StatusForbidden {
		t.Errorf("the viewer's forged approval: status %d, want 403", status)
	}
	// The approver's session without the token, or with the viewer's.
	if status := postFromPage(t, ctx, setPath+"/approve", map[string]string{"action": "approve"}); status != http.StatusForbidden {
		t.Errorf("an approval without a CSRF token: status %d, want 403", status)
	}
	if status := postFromPage(t, ctx, setPath+"/approve", map[string]string{"csrf_token": viewerToken, "action": "approve"}); status != http.StatusForbidden {
		t.Errorf("an approval with another session's CSRF token: status %d, want 403", status)
	}
	// The approver's cookies outside the browser, without the token, and
	// with it (the post then succeeds, so it comes last, below).
	if status := postWithCookies(t, cookies, base+setPath+"/approve", neturl.Values{"action": {"approve"}}); status != http.StatusForbidden {
		t.Errorf("an approval with the browser's cookies and no CSRF token: status %d, want 403", status)
	}
	if status := postWithCookies(t, cookies, base+setPath+"/approve", neturl.Values{"action": {"approve"}, "csrf_token": {"forged"}}); status != http.StatusForbidden {
		t.Errorf("an approval with the browser's cookies and a wrong CSRF token: status %d, want 403", status)
	}
	// The browsers log the refusals; nothing else.
	for _, c := range []context.Context{ctx, vctx} {
		for _, e := range consoleProblems(t, c) {
			if !strings.Contains(e, setPath+"/approve") || !strings.Contains(e, "403") {
				t.Errorf("refused approvals: %s", e)
			}
		}
	}
	if got := changeSetState(t, p, engineerToken, cs.ID); got.State != unet.ChangeSetProposed || len(got.Approvals) != 0 {
		t.Fatalf("after the refused posts the set is %s with %d approvals", got.State, len(got.Approvals))
	}

	// The approver approves, then applies.
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#cs-approve-comment"), "checked in the browser")); err != nil {
		t.Fatal(err)
	}
	if status := submit(t, ctx, `form[action$="/approve"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("approve: status %d", status)
	}
	if got := textOf(t, ctx, "#cs-summary-h + dl"); !strings.Contains(got, "approved") || !strings.Contains(got, "1 received of 1 required (met)") {
		t.Errorf("after approving the summary says:\n%s", got)
	}
	if status := submit(t, ctx, `form[action$="/apply"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("apply: status %d", status)
	}
	if got := textOf(t, ctx, "#cs-summary-h + dl"); !strings.Contains(got, "applied") || !strings.Contains(got, "by "+approverName) {
		t.Errorf("after applying the summary says:\n%s", got)
	}
	if got := changeSetState(t, p, engineerToken, cs.ID); got.State != unet.ChangeSetApplied || got.Approvals[0].Actor != approverName {
		t.Fatalf("after the browser's apply: %+v", got)
	}

	// The node shows the new value, and the dashboards count one fewer.
	navigate(t, ctx, base+"/ui/nodes/fra-leaf-01.example.net")
	if got := textOf(t, ctx, "#custom-data"); !strings.Contains(got, "noc-frankfurt") {
		t.Errorf("the node's custom data after the apply:\n%s", got)
	}
	if got := textOf(t, ctx, "#n-history ~ div"); !strings.Contains(got, cs.ID) || !strings.Contains(got, approverName) {
		t.Errorf("the node's history lacks the change:\n%s", got)
	}
	navigate(t, vctx, base+"/ui/")
	if n := dashboardProposed(t, vctx); n != proposedBefore {
		t.Errorf("after the apply the dashboard counts %d proposed sets, want %d", n, proposedBefore)
	}
	checkConsole(t, vctx, "dashboard")

	// Git sources, an error page, and the audit log as an administrator
	// (where the refused posts are recorded).
	navigate(t, ctx, base+"/ui/git")
	checkScenarioPage(t, ctx, "git")
	if status := navigate(t, ctx, base+"/ui/nodes/no-such-node.example.net"); status != http.StatusNotFound {
		t.Errorf("a missing node: status %d", status)
	}
	checkScenarioPage(t, ctx, "error")
	if status := navigate(t, ctx, base+"/ui/audit"); status != http.StatusForbidden {
		t.Errorf("the approver's audit page: status %d, want 403", status)
	}
	actx := newPrivateTab(t)
	signIn(t, actx, base, "/ui/audit", adminName, adminPassword)
	if got := textOf(t, actx, "main"); !strings.Contains(got, viewerName) {
		t.Errorf("the audit log does not show the viewer's refused approval:\n%s", got)
	}
	checkScenarioPage(t, actx, "audit")
}

// TestPagesReferrerPolicy: the pages answer with Referrer-Policy
// same-origin, so that a browser's form posts name their origin (under the
// API's no-referrer a browser sends "Origin: null", which the server's
// cross-origin check refuses); the API keeps no-referrer.
func TestPagesReferrerPolicy(t *testing.T) {
	s := startUI(t, httpapi.Options{}, webui.Options{})
	for _, path := range []string{"/ui/", "/ui/no-such-page"} {
		if got := s.get(t, path).header.Get("Referrer-Policy"); got != "same-origin" {
			t.Errorf("GET %s: Referrer-Policy %q, want same-origin", path, got)
		}
	}
	if got := s.get(t, "/api/v1/vendors").header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("the API's Referrer-Policy is %q, want no-referrer", got)
	}
}
