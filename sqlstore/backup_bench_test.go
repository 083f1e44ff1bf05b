package sqlstore_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/unet-dev/unet/dbarchive"
	"github.com/unet-dev/unet/sqlstore"
)

// benchNodes is the size of the benchmarks' inventory: nodes, and as many
// change-log rows with a JSON image each.
const benchNodes = 10000

func populateBench(b testing.TB, db *sqlstore.DB) {
	b.Helper()
	ctx := context.Background()
	seq := fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) `, benchNodes)
	for _, q := range []string{
		seq + `INSERT INTO nodes (id, name, domain, fqdn, vendor, role, platform, mgmt_ip, lifecycle, environment, custom_data, version, created_at, updated_at)
			SELECT 'n-' || i, 'node' || i, 'example.net', 'node' || i || '.example.net', 'arista', 'leaf', 'eos', '10.0.0.1', 'live', 'production',
				'{"rack":"R' || i || '","owner":"dc-team"}', 1, '2026-01-02T03:04:05.000000Z', '2026-01-02T03:04:05.000000Z' FROM n`,
		seq + `INSERT INTO changes (id, time, actor, object_kind, object_id, object_name, op, after_json)
			SELECT 'c-' || i, '2026-01-02T03:04:05.000000Z', 'importer', 'node', 'n-' || i, 'node' || i, 'create',
				'{"name":"node' || i || '","domain":"example.net","vendor":"arista","role":"leaf","platform":"eos","lifecycle":"live","custom_data":{"rack":"R' || i || '"}}' FROM n`,
	} {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBackupRestore backs up and restores an inventory of 10,000 nodes
// and 10,000 change-log rows on each engine: the backup into a gzip'd
// archive, the restore (checks and read-back included) into a new database
// of the same engine.
func BenchmarkBackupRestore(b *testing.B) {
	ctx := context.Background()
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(engine, func(b *testing.B) {
			src, err := sqlstore.Open(ctx, engineURL(b, engine))
			if err != nil {
				b.Fatal(err)
			}
			defer src.Close()
			if _, err := src.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			populateBench(b, src)
			var archive bytes.Buffer
			_, sum, err := src.Backup(ctx, &archive, sqlstore.BackupOptions{Compress: true})
			if err != nil {
				b.Fatal(err)
			}
			b.Run("backup", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if _, _, err := src.Backup(ctx, io.Discard, sqlstore.BackupOptions{Compress: true}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(sum.Rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
			b.Run("restore", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					dst, err := sqlstore.Open(ctx, engineURL(b, engine))
					if err != nil {
						b.Fatal(err)
					}
					r, err := dbarchive.NewReader(bytes.NewReader(archive.Bytes()))
					if err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					if _, err := dst.Restore(ctx, r); err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					dst.Close()
					b.StartTimer()
				}
				b.ReportMetric(float64(sum.Rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		})
	}
}
