package service_test

import (
	"context"
	"testing"

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
	if len(rep.Results) < 1000000 {
		b.Fatalf("%d results", len(rep.Results))
	}
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
					if rep := storeAll(b, svc); rep.Changed < 1000000 {
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
