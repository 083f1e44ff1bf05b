package service_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// scaleBundle is a synthetic inventory: 100 racks, nodes nodes and 2×nodes
// links (each node linked to the next two).
func scaleBundle(nodes int) *unet.Bundle {
	b := &unet.Bundle{Locations: []unet.LocationRecord{{Name: "DC", Type: "site"}}}
	for r := 0; r < 100; r++ {
		b.Locations = append(b.Locations, unet.LocationRecord{Name: fmt.Sprintf("R%02d", r), Type: "rack", Parent: "DC"})
	}
	vendors := []string{"cisco", "juniper", "arista"}
	platforms := []string{"iosxe", "junos", "eos"}
	for i := 0; i < nodes; i++ {
		b.Nodes = append(b.Nodes, unet.NodeRecord{
			Name: fmt.Sprintf("n%05d", i), Domain: "example.net", Vendor: vendors[i%3], Platform: platforms[i%3],
			Role: "leaf", Model: "M1", MgmtIP: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255),
			SoftwareVersion: "1.2.3", Location: fmt.Sprintf("DC/R%02d", i%100), Lifecycle: "live",
			Tags:       []string{"bench"},
			CustomData: map[string]any{"ntp_servers": []any{"192.0.2.1"}, "snmp": map[string]any{"location": "DC"}},
		})
	}
	for i := 0; i < nodes; i++ {
		a := fmt.Sprintf("n%05d.example.net", i)
		b.Links = append(b.Links,
			unet.LinkRecord{ANode: a, AInterface: "et1", ZNode: fmt.Sprintf("n%05d.example.net", (i+1)%nodes), ZInterface: "et3", Role: "backbone", BandwidthBPS: 100e9},
			unet.LinkRecord{ANode: a, AInterface: "et2", ZNode: fmt.Sprintf("n%05d.example.net", (i+2)%nodes), ZInterface: "et4", Role: "backbone", BandwidthBPS: 100e9})
	}
	return b
}

// BenchmarkImport10k imports 10,000 nodes and 20,000 links into an empty
// database, in one transaction, on each engine: through the bulk path that
// an import of this size takes, and through the row-by-row path for
// comparison. cpu-ms/op is this process's CPU time (all of SQLite's work);
// server-cpu-ms/op is that of the PostgreSQL backends serving the
// database (read from /proc: the test server runs on this machine). On a
// machine shared with other work both vary much less than the wall time.
func BenchmarkImport10k(b *testing.B) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		for _, path := range []struct {
			name string
			min  int
		}{{"bulk", 0}, {"row-by-row", math.MaxInt}} {
			b.Run(engine+"/"+path.name, func(b *testing.B) {
				service.SetBulkImportMin(b, path.min)
				bundle := scaleBundle(10000)
				var cpu, serverCPU time.Duration
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					svc := newService(b, engine)
					start, server := testutil.CPUTime(b), backendCPU(b, svc)
					b.StartTimer()
					rep, err := svc.Import(actx(), bundle, unet.ImportOptions{})
					b.StopTimer()
					cpu += testutil.CPUTime(b) - start
					serverCPU += backendCPU(b, svc) - server
					b.StartTimer()
					if err != nil {
						b.Fatal(err)
					}
					if rep.Created != 101+10000+20000 {
						b.Fatalf("created %d", rep.Created)
					}
				}
				b.ReportMetric(float64(cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
				if engine == sqlstore.Postgres {
					b.ReportMetric(float64(serverCPU)/float64(time.Millisecond)/float64(b.N), "server-cpu-ms/op")
				}
			})
		}
	}
}

// BenchmarkListNodes10k lists all 10,000 nodes (pages of 1,000, as the CLI does).
func BenchmarkListNodes10k(b *testing.B) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(engine, func(b *testing.B) {
			svc := newService(b, engine)
			bundle := scaleBundle(10000)
			bundle.Links = nil
			if _, err := svc.Import(actx(), bundle, unet.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				n := 0
				p := unet.Page{Limit: 1000}
				for {
					l, err := svc.ListNodes(ctx, unet.NodeFilter{Page: p})
					if err != nil {
						b.Fatal(err)
					}
					n += len(l.Items)
					if l.Next == "" {
						break
					}
					p.Cursor = l.Next
				}
				if n != 10000 {
					b.Fatalf("listed %d", n)
				}
			}
		})
	}
}

// backendCPU is the CPU time (user + system) used so far by the PostgreSQL
// backends connected to svc's database; 0 for SQLite.
func backendCPU(b *testing.B, svc *service.Service) time.Duration {
	b.Helper()
	if svc.DB().Engine() != sqlstore.Postgres {
		return 0
	}
	rows, err := svc.DB().SQL().Query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var total time.Duration
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			b.Fatal(err)
		}
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			b.Fatalf("the PostgreSQL server must run on this machine: %v", err)
		}
		// Fields 14 and 15 (utime, stime, in clock ticks of 10 ms) follow
		// the command name in parentheses.
		f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
		for _, s := range f[11:13] {
			ticks, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			total += time.Duration(ticks) * 10 * time.Millisecond
		}
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return total
}
