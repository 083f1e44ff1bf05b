package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/unet-dev/unet"
)

// The batch reads below serve computations that look at a part of the
// inventory (the impact of a change set): they read the objects of a set of
// IDs in a few queries instead of one query per object or the whole table.

// inChunk is how many IDs one IN list carries at most. Shorter lists are
// padded (with their last ID, which changes nothing) to one of inSizes, so
// that these queries have few distinct texts: the pool keeps a bounded
// number of prepared statements, first come first kept.
const inChunk = 500

var inSizes = []int{1, 8, 64, inChunk}

// placeholders returns "$1,$2,...,$n".
func placeholders(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "$%d", i+1)
	}
	return b.String()
}

// byChunks runs query (with %s standing for the IN list) over ids in chunks
// and collects what scan returns.
func byChunks[T any](ctx context.Context, r Reader, query string, ids []string, scan func(rowScanner) (*T, error)) ([]T, error) {
	out := []T{}
	for start := 0; start < len(ids); start += inChunk {
		chunk := ids[start:min(start+inChunk, len(ids))]
		size := inChunk
		for _, sz := range inSizes {
			if len(chunk) <= sz {
				size = sz
				break
			}
		}
		args := make([]any, size)
		for i := range args {
			args[i] = chunk[min(i, len(chunk)-1)]
		}
		items, err := queryItems(ctx, r, strings.ReplaceAll(query, "%s", placeholders(size)), args, scan)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

// NodesByID returns the nodes with the given IDs (those that exist), in no
// particular order.
func (r Reader) NodesByID(ctx context.Context, ids []string) ([]unet.Node, error) {
	return byChunks(ctx, r, `SELECT `+nodeCols+` FROM nodes WHERE id IN (%s)`, ids, scanNode)
}

// NodeIDsUnder returns the IDs of the nodes in the location with the given
// path and in every location below it.
func (r Reader) NodeIDsUnder(ctx context.Context, path string) ([]string, error) {
	return queryStrings(ctx, r, `SELECT id FROM nodes WHERE location_id IN
		(SELECT id FROM locations WHERE path = $1 OR path LIKE $2 ESCAPE '\')`, path, escapeLike(path)+"/%")
}

// LinksOfNodes returns every link with an end on one of the given nodes,
// each once, in the order of ListLinks: by the A end's FQDN and interface,
// then ID (compared bytewise, as SQLite and a PostgreSQL database with the C
// collation order them).
func (r Reader) LinksOfNodes(ctx context.Context, ids []string) ([]unet.Link, error) {
	links, err := byChunks(ctx, r, linkSelect+` WHERE l.a_node_id IN (%s) OR l.z_node_id IN (%s)`, ids, scanLink)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(links))
	out := links[:0]
	for _, l := range links {
		if !seen[l.ID] {
			seen[l.ID] = true
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		ki, kj := out[i].ANode+":"+out[i].AInterface, out[j].ANode+":"+out[j].AInterface
		if ki != kj {
			return ki < kj
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// LocationsByID returns the locations with the given IDs (those that
// exist), in no particular order.
func (r Reader) LocationsByID(ctx context.Context, ids []string) ([]unet.Location, error) {
	return byChunks(ctx, r, `SELECT `+locationCols+` FROM locations WHERE id IN (%s)`, ids, scanLocation)
}

// NodeStatusesOf returns the derived state of those of the given nodes that
// were polled.
func (r Reader) NodeStatusesOf(ctx context.Context, ids []string) ([]unet.NodeStatus, error) {
	return byChunks(ctx, r, `SELECT `+statusCols+` FROM node_status s JOIN nodes n ON n.id = s.node_id WHERE s.node_id IN (%s)`, ids, scanStatus)
}

// InterfacesOf returns the polled interfaces of the given nodes as JSON
// documents, grouped by node ID, in interface index order (as
// AllInterfaces).
func (r Reader) InterfacesOf(ctx context.Context, ids []string) (map[string][]json.RawMessage, error) {
	type row struct {
		id   string
		data string
	}
	rows, err := byChunks(ctx, r, `SELECT node_id, data FROM interface_status WHERE node_id IN (%s) ORDER BY node_id, if_index`, ids,
		func(s rowScanner) (*row, error) {
			var x row
			return &x, s.Scan(&x.id, &x.data)
		})
	if err != nil {
		return nil, err
	}
	out := map[string][]json.RawMessage{}
	for _, x := range rows {
		out[x.id] = append(out[x.id], json.RawMessage(x.data))
	}
	return out, nil
}

// CountNodes returns the number of nodes.
func (r Reader) CountNodes(ctx context.Context) (int, error) {
	var n int
	err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM nodes`).Scan(&n)
	return n, err
}

// NodePollTimes returns, for those of the given nodes that were polled,
// "ID TIME" of their last poll attempt, sorted: every poll writes the time
// of its attempt with what it found, so that the list changes whenever the
// polled state of one of the nodes may have.
func (r Reader) NodePollTimes(ctx context.Context, ids []string) ([]string, error) {
	type row struct{ id, at string }
	rows, err := byChunks(ctx, r, `SELECT node_id, last_attempt FROM node_status WHERE node_id IN (%s)`, ids,
		func(s rowScanner) (*row, error) {
			var x row
			return &x, s.Scan(&x.id, &x.at)
		})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(rows))
	seen := make(map[string]bool, len(rows))
	for _, x := range rows {
		if !seen[x.id] {
			seen[x.id] = true
			out = append(out, x.id+" "+x.at)
		}
	}
	sort.Strings(out)
	return out, nil
}
