package webui

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
)

// csReviewFixture is a proposed change set touching n nodes with its impact
// as the service computes it: a field change, a new failure and a
// configuration diff per node.
func csReviewFixture(n int) *unet.ChangeSet {
	now := time.Now()
	cs := &unet.ChangeSet{ID: "cs-1", State: unet.ChangeSetProposed, Title: "100 cores", Author: "alice", CreatedAt: now, UpdatedAt: now,
		Requirement: unet.ApprovalRequirement{Required: 1},
		Impact: &unet.Impact{ComputedAt: now, Stats: unet.ImpactStats{AffectedNodes: 100, TotalNodes: 10000, RenderedNodes: 200, ConfigChanged: 100},
			Guards: []unet.GuardResult{{Name: "config_change_ratio", Detail: "100 of 10000 nodes (1%) ≤ 20%"}}}}
	for i := range n {
		name := fmt.Sprintf("node-%05d", i*100)
		cs.Ops = append(cs.Ops, unet.ChangeOp{Seq: i + 1, Op: unet.OpUpdate, Kind: unet.KindNode, Ref: name, Data: []byte(`{"role":"core"}`), AddedBy: "alice"})
		cs.Impact.Objects = append(cs.Impact.Objects, unet.ObjectImpact{Kind: unet.KindNode, Name: name, Op: unet.OpUpdate,
			Fields: []unet.FieldChange{{Field: "role", Before: "access", After: "core"}}})
		cs.Impact.Policy = append(cs.Impact.Policy, unet.PolicyImpact{Kind: unet.KindNode, Object: name, Rule: "core-has-model",
			Severity: "high", After: unet.StatusFail, Message: `assertion failed: node.model == "big"`})
		cs.Impact.Config = append(cs.Impact.Config, unet.ConfigImpact{Node: name, Added: 1, Removed: 1,
			Diff: fmt.Sprintf("--- before/%[1]s/cisco/base.j2\n+++ after/%[1]s/cisco/base.j2\n@@ -1,2 +1,2 @@\n hostname %[1]s\n-role access\n+role core\n", name)})
	}
	return cs
}

// csBareUI is the interface's templates and assets without a service (for
// what the pages do with data already read).
func csBareUI(tb testing.TB) *UI {
	u := &UI{opts: Options{Authorizer: openAuthorizer{}}, log: slog.New(slog.DiscardHandler), mux: http.NewServeMux()}
	var err error
	if u.assets, err = loadAssets(); err != nil {
		tb.Fatal(err)
	}
	if u.pages, err = u.parsePages(); err != nil {
		tb.Fatal(err)
	}
	return u
}

// csReviewRequest is a request for the review page by actor holding every
// permission.
func csReviewRequest(actor string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, "/ui/changesets/cs-1", nil)
	p, _ := openAuthorizer{}.Authorize(req, unet.PermChangesRead)
	return req.WithContext(unet.WithPrincipal(unet.WithActor(req.Context(), actor), p))
}

// BenchmarkChangeSetReviewRender times what the interface adds to the
// service for the review page of a set touching 100 nodes: building the
// page's data from the set and its impact, and rendering the template.
func BenchmarkChangeSetReviewRender(b *testing.B) {
	u := csBareUI(b)
	cs := csReviewFixture(100)
	req := csReviewRequest("bob")
	var size int
	start := testutil.CPUTime(b)
	for b.Loop() {
		rec := httptest.NewRecorder()
		page := u.reviewPage(req.Context(), cs)
		if err := u.render(rec, req, http.StatusOK, "changeset", view{Title: "Change set cs-1", Nav: "changesets", Page: page}); err != nil {
			b.Fatal(err)
		}
		size = rec.Body.Len()
		if !strings.Contains(rec.Body.String(), "100 new failure(s)") {
			b.Fatal("the page lacks the policy impact")
		}
	}
	testutil.ReportCPU(b, start, time.Millisecond, "cpu-ms/op")
	b.ReportMetric(float64(size)/1024, "KiB/page")
}
