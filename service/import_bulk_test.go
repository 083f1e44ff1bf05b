package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// bulkTestBundle is scaleBundle(n) with what the fast path must treat as
// the row-by-row path does: named links, a node listed twice (the second
// record updates the first), a link given by node names.
func bulkTestBundle(n int) *unet.Bundle {
	b := scaleBundle(n)
	for i := 0; i < 10; i++ {
		b.Links[i*3].Name = fmt.Sprintf("uplink-%d", i)
	}
	dup := b.Nodes[7]
	dup.Model = "M2"
	b.Nodes = append(b.Nodes, dup)
	b.Links = append(b.Links, unet.LinkRecord{ANode: "n00003", AInterface: "mgmt0", ZNode: "n00004", ZInterface: "mgmt0", Role: "management"})
	return b
}

// TestBulkImportMatchesRowByRow imports the same bundles once row by row
// and once through the bulk path, on each engine: the reports, the exports
// and the change logs (IDs and times normalised) are the same.
func TestBulkImportMatchesRowByRow(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			rows, bulk := newService(t, engine), newService(t, engine)
			first := bulkTestBundle(300)
			// A second import into the same inventory: updates (a model, a
			// renamed link, a link moved to other interfaces), unchanged
			// records and new nodes and links.
			second := bulkTestBundle(320)
			second.Nodes[5].Model = "M9"
			second.Links[3].Name = "renamed"
			second.Links[4].ZInterface = "et9"
			for _, b := range []*unet.Bundle{first, second} {
				service.SetBulkImportMin(t, math.MaxInt)
				want := ok(rows.Import(actx(), b, unet.ImportOptions{Reason: "load"})).v(t)
				service.SetBulkImportMin(t, 0)
				got := ok(bulk.Import(actx(), b, unet.ImportOptions{Reason: "load"})).v(t)
				if !reflect.DeepEqual(want, got) {
					t.Fatalf("reports differ:\nrow by row %+v\nbulk %+v", want.Actions[:5], got.Actions[:5])
				}
			}
			if want, got := exportJSON(t, rows), exportJSON(t, bulk); want != got {
				t.Fatalf("exports differ:\nrow by row %.400s\nbulk       %.400s", want, got)
			}
			want, got := changeLog(t, rows), changeLog(t, bulk)
			if len(want) != len(got) || len(want) < 1000 {
				t.Fatalf("change rows: row by row %d, bulk %d", len(want), len(got))
			}
			for i := range want {
				if want[i] != got[i] {
					t.Fatalf("change row %d differs:\nrow by row %s\nbulk       %s", i, want[i], got[i])
				}
			}
		})
	}
}

func exportJSON(t *testing.T, svc *service.Service) string {
	t.Helper()
	b := ok(svc.Export(actx())).v(t)
	out, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

var (
	uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	timeRE = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z`)
)

// changeLog is every change row, oldest first, as text with object IDs
// replaced by KIND/NAME and times, row IDs and batches blanked.
func changeLog(t *testing.T, svc *service.Service) []string {
	t.Helper()
	var all []unet.Change
	p := unet.Page{Limit: 1000}
	for {
		l := ok(svc.ListChanges(context.Background(), unet.ChangeFilter{Page: p})).v(t)
		all = append(all, l.Items...)
		if l.Next == "" {
			break
		}
		p.Cursor = l.Next
	}
	names := map[string]string{}
	for _, c := range all {
		if c.Op == unet.OpCreate {
			names[c.ObjectID] = c.ObjectKind + "/" + c.ObjectName
		}
	}
	norm := func(s string) string {
		s = uuidRE.ReplaceAllStringFunc(s, func(id string) string {
			if n, ok := names[id]; ok {
				return n
			}
			return "?"
		})
		return timeRE.ReplaceAllString(s, "T")
	}
	out := make([]string, len(all))
	for i, c := range all {
		row := strings.Join([]string{c.Actor, c.ObjectKind, norm(c.ObjectID), c.ObjectName, c.Op,
			norm(string(c.Before)), norm(string(c.After)), c.Reason, c.ChangeSet, fmt.Sprint(c.Emergency)}, " | ")
		out[len(all)-1-i] = row
	}
	return out
}

// TestBulkImportFailingRowRollsBack: bad records in the middle of a large
// import (an invalid node, a link to an unknown node, two links on one
// interface) fail it as a whole with every problem positioned by file and
// record, and nothing is written, on each engine.
func TestBulkImportFailingRowRollsBack(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		b := scaleBundle(300)
		for i := range b.Nodes {
			b.Nodes[i].Source = &unet.Origin{File: "nodes.yaml", Record: i + 1}
		}
		for i := range b.Links {
			b.Links[i].Source = &unet.Origin{File: "links.yaml", Record: i + 1}
		}
		good := *b
		good.Nodes = append([]unet.NodeRecord{}, b.Nodes...)
		good.Links = append([]unet.LinkRecord{}, b.Links...)
		b.Nodes[150].MgmtIP = "not-an-ip"
		b.Links[300].ZNode = "ghost.example.net"
		b.Links[400].ZNode, b.Links[400].ZInterface = b.Links[398].ZNode, b.Links[398].ZInterface
		_, err := svc.Import(ctx, b, unet.ImportOptions{})
		mustCode(t, err, unet.EINVALID)
		found := map[string]string{}
		for _, f := range unet.ErrorFields(err) {
			found[fmt.Sprintf("%s/%d", f.File, f.Record)] = f.Field + ": " + f.Message
		}
		for _, want := range []string{"nodes.yaml/151", "links.yaml/301", "links.yaml/401"} {
			if _, ok := found[want]; !ok {
				t.Errorf("no error at %s: %v", want, found)
			}
		}
		if !strings.Contains(found["links.yaml/401"], "already used by link") {
			t.Errorf("interface conflict: %q", found["links.yaml/401"])
		}
		if n := changeCount(t, svc); n != 0 {
			t.Fatalf("failed import left %d change rows", n)
		}
		nodes := ok(svc.ListNodes(ctx, unet.NodeFilter{Page: unet.Page{Limit: 1}})).v(t)
		if nodes.Total != 0 {
			t.Fatalf("failed import left %d nodes", nodes.Total)
		}
		// The same import without the bad records goes through.
		rep := ok(svc.Import(ctx, &good, unet.ImportOptions{})).v(t)
		if rep.Created != 101+300+600 {
			t.Fatalf("created %d", rep.Created)
		}
	})
}

// TestImportUnderStatementTimeout: on PostgreSQL a statement timeout that a
// large import's statements exceed fails the import at once as
// unavailable, saying so, and nothing is written.
func TestImportUnderStatementTimeout(t *testing.T) {
	ctx := context.Background()
	url := dbURL(t, sqlstore.Postgres)
	setup, err := sqlstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := setup.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := setup.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sqlstore.OpenWith(ctx, url, sqlstore.Options{StatementTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := service.New(db)
	_, err = svc.Import(actx(), scaleBundle(3000), unet.ImportOptions{})
	mustCode(t, err, unet.EUNAVAILABLE)
	if !strings.Contains(err.Error(), "statement timeout") {
		t.Fatalf("error does not name the statement timeout: %v", err)
	}
	check, err := sqlstore.Open(ctx, url) // without the timeout
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { check.Close() })
	var n int
	if err := check.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM changes").Scan(&n); err != nil || n != 0 {
		t.Fatalf("change rows after the cancelled import: %d %v", n, err)
	}
}

// TestBulkImportErrorsMatchRowByRow: a bundle with bad records (an invalid
// node, a node name shared by two domains used as a link end, an unknown
// node, an interface claimed twice, a duplicate link name) fails with the
// same positioned problems on both paths, on each engine.
func TestBulkImportErrorsMatchRowByRow(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		b := scaleBundle(100)
		other := b.Nodes[3]
		other.Domain, other.MgmtIP = "other.net", "10.200.0.3"
		b.Nodes = append(b.Nodes, other)
		b.Nodes[10].MgmtIP = "bad"
		b.Links = append(b.Links,
			unet.LinkRecord{ANode: "n00003", AInterface: "mgmt0", ZNode: "n00004.example.net", ZInterface: "mgmt0", Role: "management"},
			unet.LinkRecord{ANode: "n00005.example.net", AInterface: "mgmt0", ZNode: "ghost", ZInterface: "mgmt0", Role: "management"},
			unet.LinkRecord{ANode: "n00006.example.net", AInterface: "mgmt0", ZNode: "n00001.example.net", ZInterface: "et3", Role: "management"},
			unet.LinkRecord{Name: "dup", ANode: "n00007.example.net", AInterface: "mgmt0", Role: "management"},
			unet.LinkRecord{Name: "dup", ANode: "n00008.example.net", AInterface: "mgmt0", Role: "management"})
		for i := range b.Nodes {
			b.Nodes[i].Source = &unet.Origin{File: "nodes.yaml", Record: i + 1}
		}
		for i := range b.Links {
			b.Links[i].Source = &unet.Origin{File: "links.yaml", Record: i + 1}
		}
		service.SetBulkImportMin(t, math.MaxInt)
		_, want := svc.Import(actx(), b, unet.ImportOptions{})
		service.SetBulkImportMin(t, 0)
		_, got := svc.Import(actx(), b, unet.ImportOptions{})
		mustCode(t, want, unet.EINVALID)
		mustCode(t, got, unet.EINVALID)
		wf, gf := unet.ErrorFields(want), unet.ErrorFields(got)
		for _, fs := range [][]unet.FieldError{wf, gf} {
			for i := range fs { // the IDs of new objects differ
				fs[i].Message = uuidRE.ReplaceAllString(fs[i].Message, "ID")
			}
		}
		if len(wf) < 5 || !reflect.DeepEqual(wf, gf) {
			t.Fatalf("problems differ:\nrow by row %+v\nbulk       %+v", wf, gf)
		}
	})
}
