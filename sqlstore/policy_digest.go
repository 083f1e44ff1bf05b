package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"sort"
)

// A policy digest sums up the stored results of one object (table
// policy_digests): a full evaluation compares the digest of each object's
// new results with the stored one and reads, compares and writes the rows
// only of objects whose digest differs. Every object with stored results
// has a digest row; an empty digest means unknown and matches nothing.

// ObjectDigest is the digest of one object's stored results.
type ObjectDigest struct {
	ObjectRef
	Digest string
}

// DigestRows returns the digest of one object's results: SHA-256 (128 bits
// kept, hex) over every column but the times, in rule order. rows is
// reordered.
func DigestRows(rows []*ResultRow) string {
	sort.Slice(rows, func(i, j int) bool { return rows[i].Rule < rows[j].Rule })
	h := sha256.New()
	var buf []byte
	for _, r := range rows {
		buf = buf[:0]
		for _, s := range []string{r.Kind, r.ObjectID, r.Rule, r.Name, r.Severity, r.Status, r.Message, r.File, r.Source} {
			buf = binary.AppendUvarint(buf, uint64(len(s)))
			buf = append(buf, s...)
		}
		for _, v := range []struct {
			s  string
			ok bool
		}{{r.Expected.String, r.Expected.Valid}, {r.Actual.String, r.Actual.Valid}} {
			if !v.ok {
				buf = append(buf, 0)
				continue
			}
			buf = append(buf, 1)
			buf = binary.AppendUvarint(buf, uint64(len(v.s)))
			buf = append(buf, v.s...)
		}
		buf = binary.AppendVarint(buf, int64(r.Line))
		write(h, buf)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// write adds p to a hash, which cannot fail.
func write(h hash.Hash, p []byte) { _, _ = h.Write(p) }

// PolicyDigests calls fn with every stored object digest.
func (r Reader) PolicyDigests(ctx context.Context, fn func(ObjectRef, string)) error {
	rows, err := r.q.QueryContext(ctx, `SELECT object_kind, object_id, digest FROM policy_digests`)
	if err != nil {
		return fmt.Errorf("read policy digests: %w", err)
	}
	defer rows.Close()
	var o ObjectRef
	var d string
	for rows.Next() {
		if err := rows.Scan(&o.Kind, &o.ID, &d); err != nil {
			return fmt.Errorf("read policy digests: %w", err)
		}
		fn(o, d)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read policy digests: %w", err)
	}
	return nil
}

// UpsertPolicyDigests stores object digests in multi-row statements.
func (tx *Tx) UpsertPolicyDigests(ctx context.Context, ds []ObjectDigest) error {
	err := tx.bulkExec(ctx, len(ds), 3, `INSERT INTO policy_digests (object_kind, object_id, digest) VALUES `,
		` ON CONFLICT (object_kind, object_id) DO UPDATE SET digest = excluded.digest`, func(i int, dst []any) []any {
			return append(dst, ds[i].Kind, ds[i].ID, ds[i].Digest)
		})
	if err != nil {
		return fmt.Errorf("store policy digests: %w", err)
	}
	return nil
}

// DeletePolicyDigests removes the digests of objects left with no stored
// results, in multi-row statements.
func (tx *Tx) DeletePolicyDigests(ctx context.Context, objects []ObjectRef) error {
	err := tx.bulkExec(ctx, len(objects), 2, `DELETE FROM policy_digests WHERE (object_kind, object_id) IN (VALUES `, ")",
		func(i int, dst []any) []any { return append(dst, objects[i].Kind, objects[i].ID) })
	if err != nil {
		return fmt.Errorf("delete policy digests: %w", err)
	}
	return nil
}
