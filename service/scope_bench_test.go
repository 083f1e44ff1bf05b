package service_test

import (
	"context"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// BenchmarkScopedList10k lists the first page (100 nodes) of 10,000 nodes
// in 100 racks, unscoped and as a viewer scoped to half of the racks
// (`location.path MATCHES "^DC/R[0-4]"`): the scoped list judges every
// node once (the locations are read once, no round trip per node) so that
// its total is exact.
func BenchmarkScopedList10k(b *testing.B) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(engine, func(b *testing.B) {
			svc := newService(b, engine)
			if err := svc.SetTokenPepper(testPepper); err != nil {
				b.Fatal(err)
			}
			svc.SetArgon2(fastArgon)
			bundle := scaleBundle(10000)
			bundle.Links = nil
			ctx := actx()
			if _, err := svc.Import(ctx, bundle, unet.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			if _, err := svc.CreateUser(ctx, unet.NewUser{Name: "half"}); err != nil {
				b.Fatal(err)
			}
			if _, err := svc.GrantRole(ctx, "half", unet.Grant{Role: unet.RoleViewer, Scope: `location.path MATCHES "^DC/R[0-4]"`}); err != nil {
				b.Fatal(err)
			}
			scoped := principalCtx(b, svc, "half")
			for _, c := range []struct {
				name  string
				ctx   context.Context
				total int
			}{{"unscoped", context.Background(), 10000}, {"scoped", scoped, 5000}} {
				b.Run(c.name, func(b *testing.B) {
					for i := 0; i < b.N; i++ {
						l, err := svc.ListNodes(c.ctx, unet.NodeFilter{Page: unet.Page{Limit: 100}})
						if err != nil {
							b.Fatal(err)
						}
						if l.Total != c.total || len(l.Items) != 100 {
							b.Fatalf("%d items, total %d", len(l.Items), l.Total)
						}
					}
				})
			}
		})
	}
}
