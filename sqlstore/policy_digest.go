package sqlstore

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"slices"
	"strings"
)

// A policy digest sums up the stored results of one object (column digest
// of policy_object_results): a full evaluation compares the digest of each
// object's new results with the stored one and decodes, compares and
// writes the results only of objects whose digest differs. An empty digest
// means unknown and matches nothing.

// DigestRows returns the digest of one object's results: SHA-256 (128 bits
// kept, hex) over every column but the times, in rule order. rows is
// reordered.
func DigestRows(rows []*ResultRow) string {
	// Rows usually come sorted already (pdqsort then only checks).
	slices.SortFunc(rows, func(a, b *ResultRow) int { return strings.Compare(a.Rule, b.Rule) })
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
