package webui_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/webui"
)

var rowRE = regexp.MustCompile(`<tr><td><a href="/ui/nodes/([^"]+)">`)

// rows are the node names of a list page, in order.
func rows(body string) []string {
	var out []string
	for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// listNames lists the node names the service gives for f.
func listNames(t *testing.T, s *uiServer, f unet.NodeFilter) []string {
	t.Helper()
	f.Page.Limit = 1000
	l, err := s.svc.ListNodes(adminCtx(), f)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range l.Items {
		out = append(out, n.FQDN)
	}
	return out
}

// okPage fetches a page that must answer 200.
func okPage(t *testing.T, s *uiServer, p string) page {
	t.Helper()
	got := s.get(t, p)
	if got.status != http.StatusOK {
		t.Fatalf("GET %s = %d:\n%s", p, got.status, got.body)
	}
	return got
}

// TestNodeListFiltersSortAndPages: on the demo inventory, each filter of
// the node list, free-text search, the orders and the pages give the rows
// the service gives, with the total, sort state and page links.
func TestNodeListFiltersSortAndPages(t *testing.T) {
	s := startUI(t, httpapi.Options{}, webui.Options{})
	loadDemo(t, s)
	all := listNames(t, s, unet.NodeFilter{})
	if len(all) != 51 {
		t.Fatalf("demo nodes = %d", len(all))
	}

	home := okPage(t, s, "/ui/nodes")
	if got := rows(home.body); !slices.Equal(got, all[:50]) {
		t.Fatalf("first page = %v", got)
	}
	for _, want := range []string{`Nodes 1–50 of 51`, `aria-sort="ascending"`, `<th scope="col" aria-sort="ascending"><a href="/ui/nodes?sort=-fqdn">`,
		`href="/ui/nodes?page=2" rel="next"`, `<label for="nf-q">Search</label>`, `<option>arista</option>`, `Page 1 of 2`} {
		if !strings.Contains(home.body, want) {
			t.Errorf("list page lacks %q", want)
		}
	}

	cases := []struct {
		query string
		want  []string
	}{
		{"vendor=arista", listNames(t, s, unet.NodeFilter{Vendor: "arista"})},
		{"role=leaf&environment=production", listNames(t, s, unet.NodeFilter{Role: "leaf", Environment: "production"})},
		{"environment=lab", listNames(t, s, unet.NodeFilter{Environment: "lab"})},
		{"location=EMEA%2FFrankfurt-DC", listNames(t, s, unet.NodeFilter{Location: "EMEA/Frankfurt-DC"})},
		{"q=192.0.2.48", []string{"fra-leaf-01.example.net"}},
		{"q=SN01029", []string{"fra-leaf-01.example.net"}},
		{"q=FRA-LEAF-0", listNames(t, s, unet.NodeFilter{Search: "fra-leaf-0"})},
		{"compliance=fail", listNames(t, s, unet.NodeFilter{Compliance: "fail"})},
		{"compliance=pass&vendor=cisco", listNames(t, s, unet.NodeFilter{Compliance: "pass", Vendor: "cisco"})},
		{"q=no-such-thing", nil},
	}
	for _, c := range cases {
		p := okPage(t, s, "/ui/nodes?"+c.query)
		if got := rows(p.body); !slices.Equal(got, c.want) {
			t.Errorf("%s: rows %v, want %v", c.query, got, c.want)
		}
		if c.want == nil && !strings.Contains(p.body, "No node matches") {
			t.Errorf("%s: no empty-list message", c.query)
		}
	}
	// The filtered sets are what they claim to be.
	if n := len(listNames(t, s, unet.NodeFilter{Vendor: "arista"})); n != 11 {
		t.Errorf("arista nodes = %d", n)
	}
	for _, fqdn := range listNames(t, s, unet.NodeFilter{Location: "EMEA/Frankfurt-DC"}) {
		if !strings.HasPrefix(fqdn, "fra-") {
			t.Errorf("Frankfurt filter gave %s", fqdn)
		}
	}
	failing := listNames(t, s, unet.NodeFilter{Compliance: "fail"})
	if len(failing) == 0 {
		t.Fatal("the demo has no failing node")
	}
	for _, fqdn := range failing {
		l, err := s.svc.ListPolicyResults(adminCtx(), unet.PolicyResultFilter{Node: fqdn, Status: unet.StatusFail})
		if err != nil || l.Total == 0 {
			t.Errorf("%s listed as failing: %v %+v", fqdn, err, l)
		}
	}
	fail := okPage(t, s, "/ui/nodes?compliance=fail")
	if strings.Count(fail.body, `<span class="status-fail">✗ fail (`) != len(failing) || !strings.Contains(fail.body, `<option selected>fail</option>`) {
		t.Errorf("compliance column or selected filter missing:\n%s", fail.body)
	}

	// Orders: descending by name; by vendor (the form keeps the order).
	desc := okPage(t, s, "/ui/nodes?sort=-fqdn&size=5")
	rev := slices.Clone(all)
	slices.Reverse(rev)
	if got := rows(desc.body); !slices.Equal(got, rev[:5]) {
		t.Errorf("descending = %v", got)
	}
	if !strings.Contains(desc.body, `aria-sort="descending"`) || !strings.Contains(desc.body, `<input type="hidden" name="sort" value="-fqdn">`) {
		t.Errorf("descending page lacks its sort state")
	}
	byVendor := okPage(t, s, "/ui/nodes?sort=vendor&size=500")
	if got := rows(byVendor.body); !slices.Equal(got, listNames(t, s, unet.NodeFilter{Sort: "vendor"})) || len(got) != 51 {
		t.Errorf("by vendor = %v", got)
	}
	if !strings.Contains(byVendor.body, `<th scope="col" aria-sort="ascending"><a href="/ui/nodes?size=500&amp;sort=-vendor">Vendor`) {
		t.Errorf("vendor header does not toggle to descending")
	}

	// Pages of 10 cover the list once, in order.
	var paged []string
	for pg := 1; pg <= 6; pg++ {
		p := okPage(t, s, "/ui/nodes?size=10&page="+string(rune('0'+pg)))
		paged = append(paged, rows(p.body)...)
		if pg == 6 && (!strings.Contains(p.body, "Nodes 51–51 of 51") || strings.Contains(p.body, `rel="next"`) ||
			!strings.Contains(p.body, `href="/ui/nodes?page=5&amp;size=10" rel="prev"`)) {
			t.Errorf("last page:\n%s", p.body)
		}
	}
	if !slices.Equal(paged, all) {
		t.Errorf("pages = %v", paged)
	}
	if got := rows(okPage(t, s, "/ui/nodes?size=100000").body); len(got) != 51 {
		t.Errorf("a size above the maximum: %d rows", len(got))
	}

	for _, bad := range []string{"size=ten", "page=0", "sort=custom_data", "compliance=green", "location=Mars"} {
		p := s.get(t, "/ui/nodes?"+bad)
		if p.status != http.StatusBadRequest && p.status != http.StatusNotFound {
			t.Errorf("%s = %d", bad, p.status)
		}
		if !strings.Contains(p.body, `class="error"`) {
			t.Errorf("%s: no error message", bad)
		}
	}
}

// TestNodePage: a node's data, location path, links with the other end
// linked, policy results, SNMP state, rendered configuration (on the page
// itself) with its download, and the unknown node's 404 page.
func TestNodePage(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	t.Setenv("UNET_SNMP_WEBUI_TEST_COMMUNITY", agent.Community)
	s := startUI(t, httpapi.Options{}, webui.Options{})
	loadDemo(t, s)
	ctx := adminCtx()

	p := okPage(t, s, "/ui/nodes/fra-leaf-01.example.net")
	body := html.UnescapeString(p.body)
	for _, want := range []string{
		"<h1>fra-leaf-01.example.net</h1>", "DCS-7050SX3-48YC8", "SN01029", "192.0.2.48", `"ntp_servers"`,
		`<a href="/ui/nodes?location=EMEA">EMEA</a>`, `<a href="/ui/nodes?location=EMEA%2FFrankfurt-DC%2FHall-A%2FRack-A02">Rack-A02</a>`,
		`<a href="/ui/nodes/fra-spine-01.example.net">fra-spine-01.example.net</a>`, "Ethernet49/1",
		"eos-min-version", "Never polled.",
		`<textarea id="drift-running" name="running"`, `name="csrf_token"`, `enctype="multipart/form-data"`,
		"demo dataset",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("node page lacks %q", want)
		}
	}
	// The page shows each rendered template with its copy button and
	// download link; the address that asked for the render still answers
	// the same configuration.
	for _, page := range []string{body, html.UnescapeString(okPage(t, s, "/ui/nodes/fra-leaf-01.example.net?render=1").body)} {
		for _, want := range []string{`<pre id="config-1">hostname fra-leaf-01`, `data-copy="config-1"`, `/ui/nodes/fra-leaf-01.example.net/config?template=eos%2Fbase.j2`,
			"<h3>eos/base.j2</h3>", `<a href="/ui/nodes/fra-leaf-01.example.net/config" download>Download it all</a>`} {
			if !strings.Contains(page, want) {
				t.Errorf("node page lacks %q", want)
			}
		}
	}
	// A failing node shows its failures with expected and actual values.
	failing := listNames(t, s, unet.NodeFilter{Compliance: "fail"})
	res, err := s.svc.ListPolicyResults(ctx, unet.PolicyResultFilter{Node: failing[0], Status: unet.StatusFail})
	if err != nil || len(res.Items) == 0 {
		t.Fatal(err, res)
	}
	fp := html.UnescapeString(okPage(t, s, "/ui/nodes/"+failing[0]).body)
	r0 := res.Items[0]
	if !strings.Contains(fp, "<td>"+r0.Rule+"</td><td>"+r0.Severity+`</td><td><span class="status-fail">✗ fail</span>`) || !strings.Contains(fp, r0.Message) {
		t.Errorf("failing node page lacks result %+v", r0)
	}

	// The download is the rendered text, as an attachment.
	dl := s.get(t, "/ui/nodes/fra-leaf-01.example.net/config?template=eos%2Fbase.j2")
	rr, err := s.svc.RenderNode(ctx, unet.TemplateRequest{Node: "fra-leaf-01.example.net", Templates: []string{"eos/base.j2"}})
	if err != nil {
		t.Fatal(err)
	}
	if dl.status != http.StatusOK || !strings.HasPrefix(dl.header.Get("Content-Type"), "text/plain") ||
		dl.header.Get("Content-Disposition") != `attachment; filename=fra-leaf-01.example.net-eos_base.cfg` || strings.TrimRight(dl.body, "\n") != strings.TrimRight(rr.Parts[0].Output, "\n") {
		t.Errorf("download = %d %v:\n%s", dl.status, dl.header, dl.body)
	}
	if got := s.get(t, "/ui/nodes/fra-leaf-01.example.net/config?template=no-such.j2"); got.status < 400 {
		t.Errorf("download of an unknown template = %d", got.status)
	}

	// A polled node shows its SNMP state and interfaces.
	if _, err := s.svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: "agent", Version: "2c", CommunityRef: "env:UNET_SNMP_WEBUI_TEST_COMMUNITY",
		Port: int(agent.Port), Timeout: "1s"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.CreateNode(ctx, &unet.Node{Name: "agent", Vendor: "generic", MgmtIP: agent.Host, SNMPProfile: "agent"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.PollNode(ctx, "agent", ""); err != nil {
		t.Fatal(err)
	}
	ifs, err := s.svc.ListNodeInterfaces(ctx, "agent")
	if err != nil || len(ifs) == 0 {
		t.Fatal(err, ifs)
	}
	ap := html.UnescapeString(okPage(t, s, "/ui/nodes/agent").body)
	for _, want := range []string{`<span class="status-pass">✓ yes</span>`, testutil.SNMPSysName, "<h3>Interfaces</h3>", "<td>" + ifs[0].Name + "</td>"} {
		if !strings.Contains(ap, want) {
			t.Errorf("polled node page lacks %q", want)
		}
	}
	if strings.Contains(ap, "Never polled") {
		t.Error("a polled node says never polled")
	}

	missing := s.get(t, "/ui/nodes/no-such-node")
	if missing.status != http.StatusNotFound || !strings.Contains(missing.body, `no-such-node`) || !strings.Contains(missing.body, `class="error"`) {
		t.Errorf("unknown node = %d:\n%s", missing.status, missing.body)
	}
}

// TestNodeDrift: a pasted running configuration that drifted gives a diff
// with + and - lines and the remediation; the same as an uploaded file; a
// compliant one gives no drift; nothing is written.
func TestNodeDrift(t *testing.T) {
	s := startUI(t, httpapi.Options{}, webui.Options{})
	loadDemo(t, s)
	ctx := adminCtx()
	before, err := s.svc.ListChanges(ctx, unet.ChangeFilter{Page: unet.Page{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	running := demoRunning(t, "fra-leaf-02")
	want, err := s.svc.DiffNode(ctx, unet.TemplateDiffRequest{TemplateRequest: unet.TemplateRequest{Node: "fra-leaf-02.example.net"}, Running: running, Remediation: true})
	if err != nil {
		t.Fatal(err)
	}
	if want.Equal || want.Remediation == nil || want.Remediation.Text == "" {
		t.Fatalf("the demo's fra-leaf-02 does not drift: %+v", want)
	}
	pasted := s.postForm(t, "/ui/nodes/fra-leaf-02.example.net/drift", url.Values{"running": {running}})
	upload := s.postFile(t, "/ui/nodes/fra-leaf-02.example.net/drift", nil, "running_file", "fra-leaf-02.cfg", []byte(running))
	for name, p := range map[string]page{"pasted": pasted, "uploaded": upload} {
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d\n%s", name, p.status, p.body)
		}
		body := html.UnescapeString(p.body)
		if !strings.Contains(body, `<pre class="diff">`) || !regexp.MustCompile(`<span class="add">\+[^<]`).MatchString(body) ||
			!regexp.MustCompile(`<span class="del">-[^<]`).MatchString(body) || !strings.Contains(body, "✗ Drift") {
			t.Errorf("%s: no coloured and signed diff:\n%s", name, body)
		}
		for _, l := range strings.Split(strings.TrimSpace(want.Remediation.Text), "\n") {
			if !strings.Contains(body, l) {
				t.Errorf("%s: remediation lacks %q", name, l)
			}
		}
		if !strings.Contains(body, `<pre id="remediation">`) || !strings.Contains(body, `<textarea id="drift-running" name="running" rows="8" cols="80">`+running) {
			t.Errorf("%s: remediation block or kept text missing", name)
		}
	}
	same := s.postForm(t, "/ui/nodes/fra-leaf-01.example.net/drift", url.Values{"running": {demoRunning(t, "fra-leaf-01")}})
	if same.status != http.StatusOK || !strings.Contains(same.body, "✓ No drift") || strings.Contains(same.body, `<span class="add">`) {
		t.Errorf("compliant running configuration:\n%s", same.body)
	}
	empty := s.postForm(t, "/ui/nodes/fra-leaf-01.example.net/drift", url.Values{"running": {"  "}})
	if empty.status != http.StatusBadRequest || !strings.Contains(empty.body, "Paste the running configuration") {
		t.Errorf("empty running configuration = %d", empty.status)
	}
	huge := s.postFile(t, "/ui/nodes/fra-leaf-01.example.net/drift", nil, "running_file", "big.cfg", []byte(strings.Repeat("interface x\n", 300000)))
	if huge.status != http.StatusBadRequest || !strings.Contains(huge.body, "larger than") {
		t.Errorf("a 3.6 MB upload = %d:\n%s", huge.status, huge.body)
	}
	after, err := s.svc.ListChanges(ctx, unet.ChangeFilter{Page: unet.Page{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if after.Total != before.Total {
		t.Errorf("drift wrote %d changes", after.Total-before.Total)
	}
}

// TestNodeHistory: the node's change-log entries with who, what changed
// and why, and the node as it was at an earlier change.
func TestNodeHistory(t *testing.T) {
	s := startUI(t, httpapi.Options{}, webui.Options{})
	loadDemo(t, s)
	ctx := unet.WithActor(adminCtx(), "alice")
	if _, err := s.svc.UpdateNode(ctx, "fra-leaf-01.example.net", unet.Patch{"software_version": "4.32.1F"}, unet.WriteOptions{Reason: "upgrade to 4.32"}); err != nil {
		t.Fatal(err)
	}
	changes, err := s.svc.ListChanges(ctx, unet.ChangeFilter{Object: "node/fra-leaf-01.example.net"})
	if err != nil || len(changes.Items) != 2 {
		t.Fatal(err, changes)
	}
	created := changes.Items[1]
	now := html.UnescapeString(okPage(t, s, "/ui/nodes/fra-leaf-01.example.net").body)
	for _, want := range []string{"<dd>4.32.1F</dd>", "<td>alice</td>", "upgrade to 4.32", `software_version: "4.31.2F" → "4.32.1F"`,
		`<a href="/ui/nodes/fra-leaf-01.example.net?at=` + created.ID + `">as of this change</a>`} {
		if !strings.Contains(now, want) {
			t.Errorf("node page lacks %q", want)
		}
	}
	if strings.Contains(now, "As of ") {
		t.Error("the current node has an as-of banner")
	}
	then := html.UnescapeString(okPage(t, s, "/ui/nodes/fra-leaf-01.example.net?at="+url.QueryEscape(created.ID)).body)
	for _, want := range []string{"<strong>As of " + created.Time.UTC().Format("2006-01-02T15:04:05Z07:00") + "</strong>", "<dd>4.31.2F</dd>", `<tr aria-current="true">`} {
		if !strings.Contains(then, want) {
			t.Errorf("as-of page lacks %q", want)
		}
	}
	if strings.Contains(then, "<dd>4.32.1F</dd>") || strings.Contains(then, `id="n-drift"`) {
		t.Error("the as-of page shows the current state")
	}
	if got := s.get(t, "/ui/nodes/fra-leaf-01.example.net?at=not-a-time"); got.status != http.StatusBadRequest && got.status != http.StatusNotFound {
		t.Errorf("bad at = %d", got.status)
	}
}

// principalAuth lets every request in as one principal, refusing what it
// does not hold.
type principalAuth struct{ p *unet.Principal }

func (a principalAuth) Mode() string { return "test" }

func (a principalAuth) Authorize(_ *http.Request, perm unet.Permission) (*unet.Principal, error) {
	if !a.p.Can(perm) {
		return nil, unet.Errorf(unet.EFORBIDDEN, "%s may not %s", a.p.User, perm)
	}
	return a.p, nil
}

// TestNodePagesScopedViewer: a viewer scoped to the Arista nodes sees only
// those in the list and their pages (others are not found), sees no drift
// form or configuration, and is refused the drift post and the download.
func TestNodePagesScopedViewer(t *testing.T) {
	viewer, _ := unet.BuiltinRole(unet.RoleViewer)
	lee := &unet.Principal{User: "lee", Method: unet.AuthMethodToken, Permissions: viewer.Permissions,
		Grants: []unet.Grant{{Role: unet.RoleViewer, Scope: `node.vendor == "arista"`}}}
	s := startUI(t, httpapi.Options{}, webui.Options{Authorizer: principalAuth{lee}})
	loadDemo(t, s)
	arista := listNames(t, s, unet.NodeFilter{Vendor: "arista"})
	list := okPage(t, s, "/ui/nodes")
	if got := rows(list.body); !slices.Equal(got, arista) || !strings.Contains(list.body, "of 11</p>") {
		t.Errorf("scoped list = %v", got)
	}
	if got := rows(okPage(t, s, "/ui/nodes?vendor=cisco").body); len(got) != 0 {
		t.Errorf("scoped list of cisco nodes = %v", got)
	}
	if got := rows(okPage(t, s, "/ui/nodes?q=fra-").body); !slices.Equal(got, listNames(t, s, unet.NodeFilter{Vendor: "arista", Search: "fra-"})) {
		t.Errorf("scoped search = %v", got)
	}
	leaf := okPage(t, s, "/ui/nodes/fra-leaf-01.example.net")
	if strings.Contains(leaf.body, `id="n-drift"`) || strings.Contains(leaf.body, `id="n-config"`) || !strings.Contains(leaf.body, `id="n-results"`) {
		t.Errorf("viewer's node page sections wrong:\n%s", leaf.body)
	}
	if got := s.get(t, "/ui/nodes/lon-core-01.example.net"); got.status != http.StatusNotFound {
		t.Errorf("node outside the scope = %d", got.status)
	}
	if got := s.postForm(t, "/ui/nodes/fra-leaf-01.example.net/drift", url.Values{"running": {"hostname x\n"}}); got.status != http.StatusForbidden {
		t.Errorf("viewer's drift post = %d", got.status)
	}
	if got := s.get(t, "/ui/nodes/fra-leaf-01.example.net/config"); got.status != http.StatusForbidden {
		t.Errorf("viewer's download = %d", got.status)
	}
}
