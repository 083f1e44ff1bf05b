package service_test

import (
	"context"
	"fmt"
	"testing"
	"testing/fstest"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/templates"
)

// reviewBenchRules: a core node needs a model (every node the benchmark's
// set moves to core fails it), and every node renders a template printing
// its role.
var reviewBenchRules = []unet.PolicyFile{{Name: "10-review.rules", Content: `RULE "core-has-model" SEVERITY high
WHEN node.role == "core"
THEN ASSERT node.model == "big"

RULE "template-base" SEVERITY info
WHEN node.vendor IS NOT NULL
THEN APPLY "base.j2"
`}}

var reviewBenchTemplates = fstest.MapFS{"base.j2": {Data: []byte("hostname {{ node.name }}\nrole {{ node.role }}\n")}}

// BenchmarkChangeSetReview reads a proposed change set of 100 node updates
// (their role: a field change, a new failure and a configuration diff
// each) in a 10,000-node, 20,000-link inventory with its requirement,
// conflicts and impact, as the review page and `changes show --impact` do.
// The inventory is loaded once per engine, outside the timed part; cold
// reads compute the impact every time, cached ones find it in the cache.
// cpu-ms/op is this process's CPU time; server-cpu-ms/op that of the
// PostgreSQL backends.
func BenchmarkChangeSetReview(b *testing.B) {
	bundle := scaleBundle(10000)
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(engine, func(b *testing.B) {
			svc := newService(b, engine)
			if _, err := svc.Import(actx(), bundle, unet.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			svc.SetPolicySource(func(context.Context, string) ([]unet.PolicyFile, string, error) {
				return reviewBenchRules, "bench", nil
			})
			svc.SetTemplateEnv(templates.New(reviewBenchTemplates, templates.Options{}))
			var ops []unet.ChangeOp
			for i := range 100 {
				ops = append(ops, unet.ChangeOp{Op: unet.OpUpdate, Kind: unet.KindNode,
					Ref: fmt.Sprintf("n%05d.example.net", i*100), Data: []byte(`{"role":"core"}`)})
			}
			cs, err := svc.ProposeChangeSet(actx(), unet.ChangeSetRequest{Title: "100 cores", Ops: ops})
			if err != nil {
				b.Fatal(err)
			}
			ctx := unet.WithActor(context.Background(), "reviewer")
			read := func(b *testing.B) {
				got, err := svc.GetChangeSet(ctx, cs.ID, unet.ChangeSetView{Impact: true})
				if err != nil {
					b.Fatal(err)
				}
				imp := got.Impact
				if len(imp.Objects) != 100 || len(imp.Policy) != 100 || len(imp.Config) != 100 || len(imp.Problems) != 0 ||
					imp.Stats.TotalNodes != 10000 || got.Requirement.Required == 0 || len(got.Conflicts) != 0 {
					b.Fatalf("impact: %d objects, %d policy changes, %d configs, problems %v, stats %+v, requirement %+v",
						len(imp.Objects), len(imp.Policy), len(imp.Config), imp.Problems, imp.Stats, got.Requirement)
				}
			}
			// cold computes the impact on every read; cached reads it again
			// with nothing changed (the review page shown again).
			for _, cached := range []bool{false, true} {
				name := "cold"
				if cached {
					name = "cached"
				}
				b.Run(name, func(b *testing.B) {
					svc.DropCachedImpacts()
					if cached {
						read(b)
					}
					start, server := testutil.CPUTime(b), backendCPU(b, svc)
					for b.Loop() {
						if !cached {
							svc.DropCachedImpacts()
						}
						read(b)
					}
					testutil.ReportCPU(b, start, time.Millisecond, "cpu-ms/op")
					if engine == sqlstore.Postgres {
						b.ReportMetric(float64(backendCPU(b, svc)-server)/float64(time.Millisecond)/float64(b.N), "server-cpu-ms/op")
					}
				})
			}
		})
	}
}
