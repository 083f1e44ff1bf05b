package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/policy/workload"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// benchRules is the 100-rule policy workload of the engine benchmarks.
func benchRules() []unet.PolicyFile {
	return []unet.PolicyFile{{Name: "bench.rules", Content: workload.Source(workload.Specs())}}
}

// evalStoreService is a service over 10,000 nodes and 20,000 links
// (scaleBundle) whose rules are the 100-rule workload.
func evalStoreService(b *testing.B, engine string) *service.Service {
	b.Helper()
	svc := newService(b, engine)
	if _, err := svc.Import(actx(), scaleBundle(10000), unet.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	files := benchRules()
	svc.SetPolicySource(func(context.Context, string) ([]unet.PolicyFile, string, error) { return files, "bench", nil })
	return svc
}

// storeAll is a full evaluation with storage, as `policy eval --store` runs it.
func storeAll(b *testing.B, svc *service.Service) *unet.PolicyEvalReport {
	b.Helper()
	rep, err := svc.EvaluatePolicies(actx(), unet.PolicyEvalRequest{Store: true})
	if err != nil {
		b.Fatal(err)
	}
	if len(rep.Results) < 900000 {
		b.Fatalf("%d results", len(rep.Results))
	}
	b.ReportMetric(float64(len(rep.Results)), "results")
	return rep
}

// BenchmarkPolicyEvalStore10k is a full evaluation of 10,000 nodes × 100
// rules with storage: "first" into an empty results table (a million rows
// written), "again" over stored results that did not change (nothing
// written).
func BenchmarkPolicyEvalStore10k(b *testing.B) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(engine, func(b *testing.B) {
			b.Run("first", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					svc := evalStoreService(b, engine)
					b.StartTimer()
					if rep := storeAll(b, svc); rep.Changed != len(rep.Results) {
						b.Fatalf("%d changed", rep.Changed)
					}
				}
			})
			b.Run("again", func(b *testing.B) {
				svc := evalStoreService(b, engine)
				storeAll(b, svc)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if rep := storeAll(b, svc); rep.Changed != 0 {
						b.Fatalf("%d changed", rep.Changed)
					}
				}
			})
		})
	}
}

// BenchmarkPolicyEvalIncremental10k is what the server does after one node
// of 10,000 (× 100 rules, results stored) is edited: read the change log
// since the last evaluation, evaluate what the edit can affect and store
// what changed. The edit itself is not timed; it flips the node's software
// version, so the node's version rules change status every time.
func BenchmarkPolicyEvalIncremental10k(b *testing.B) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(engine, func(b *testing.B) {
			svc := evalStoreService(b, engine)
			ctx := actx()
			// n00006 is an iosxe leaf: version-07 holds for 17.9.4, not 1.2.3.
			storeAll(b, svc)
			last := newestChange(b, svc)
			versions := []string{"17.9.4", "1.2.3"}
			// One op is incrementalEdits edits, each timed from the read of
			// the change log to the commit; ms/edit is the figure.
			const incrementalEdits = 20
			var timed time.Duration
			b.ResetTimer()
			for i := 0; i < b.N*incrementalEdits; i++ {
				b.StopTimer()
				if _, err := svc.UpdateNode(ctx, "n00006.example.net", unet.Patch{"software_version": versions[i%2]}, unet.WriteOptions{}); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				l, err := svc.ListChanges(ctx, unet.ChangeFilter{Page: unet.Page{Limit: 200}})
				if err != nil {
					b.Fatal(err)
				}
				var changes []unet.Change
				for _, c := range l.Items {
					if c.ID == last {
						break
					}
					changes = append([]unet.Change{c}, changes...)
				}
				last = l.Items[0].ID
				rep, full, err := svc.EvaluateIncremental(ctx, service.IncrementalRequest{Changes: changes})
				if err != nil {
					b.Fatal(err)
				}
				timed += time.Since(start)
				if full || len(changes) != 1 || rep.Changed == 0 {
					b.Fatalf("full %v, %d changes, %d status changes", full, len(changes), rep.Changed)
				}
			}
			b.ReportMetric(float64(timed.Microseconds())/1000/float64(b.N*incrementalEdits), "ms/edit")
		})
	}
}

func newestChange(b *testing.B, svc *service.Service) string {
	b.Helper()
	l, err := svc.ListChanges(context.Background(), unet.ChangeFilter{Page: unet.Page{Limit: 1}})
	if err != nil || len(l.Items) == 0 {
		b.Fatalf("newest change: %v", err)
	}
	return l.Items[0].ID
}
