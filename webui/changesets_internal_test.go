package webui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
)

// TestReviewPageBoundsConfigDiffs: past csMaxConfigDiffs nodes the review
// page lists the other nodes with their counts instead of their diffs.
func TestReviewPageBoundsConfigDiffs(t *testing.T) {
	u := csBareUI(t)
	req := csReviewRequest("bob")
	rec := httptest.NewRecorder()
	page := u.reviewPage(req.Context(), csReviewFixture(csMaxConfigDiffs+50))
	if err := u.render(rec, req, http.StatusOK, "changeset", view{Title: "cs-1", Page: page}); err != nil {
		t.Fatal(err)
	}
	body := rec.Body.String()
	if n := strings.Count(body, `data-copy="cs-config-`); n != csMaxConfigDiffs {
		t.Errorf("%d configuration diffs shown, want %d", n, csMaxConfigDiffs)
	}
	if !strings.Contains(body, "50 more node(s)") || !strings.Contains(body, "<li>node-24900 (+1 −1)</li>") {
		t.Errorf("the nodes past the bound are not listed:\n%s", body)
	}
}

// TestDiffLines: field diffs mark removed and added values (a created
// object has only additions, a deleted one only removals), and a unified
// diff keeps its headers apart from its lines.
func TestDiffLines(t *testing.T) {
	f := []unet.FieldChange{{Field: "role", Before: "access", After: "core"}, {Field: "model", Before: nil, After: ""}}
	got := func(lines []diffLine) string {
		var b strings.Builder
		for _, l := range lines {
			b.WriteString(l.Kind + "|" + map[string]string{"add": "+", "del": "-", "ctx": " "}[l.Kind] + l.Text + "\n")
		}
		return b.String()
	}
	if g, want := got(csFieldLines(f, unet.OpUpdate)), "del|-role: \"access\"\nadd|+role: \"core\"\ndel|-model: null\nadd|+model: \"\"\n"; g != want {
		t.Errorf("update:\n%s\nwant\n%s", g, want)
	}
	if g := got(csFieldLines(f, unet.OpCreate)); strings.Contains(g, "del|") {
		t.Errorf("create has removals:\n%s", g)
	}
	if g := got(csFieldLines(f, unet.OpDelete)); strings.Contains(g, "add|") {
		t.Errorf("delete has additions:\n%s", g)
	}
	u := got(diffLines("--- a\n+++ b\n@@ -1 +1 @@\n same\n-old\n+new\n"))
	if want := "hunk|--- a\nhunk|+++ b\nhunk|@@ -1 +1 @@\nctx| same\ndel|-old\nadd|+new\n"; u != want {
		t.Errorf("unified:\n%s\nwant\n%s", u, want)
	}
	before := []byte(`{"name":"a","version":1,"custom_data":{"snmp":{"location":"x"}}}`)
	after := []byte(`{"name":"a","version":2,"custom_data":{"snmp":{"location":"y"}}}`)
	if fc := csImageFields(before, after); len(fc) != 1 || fc[0].Field != "custom_data.snmp.location" {
		t.Errorf("image fields: %+v", fc)
	}
}
