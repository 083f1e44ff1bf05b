package sqlstore

import (
	"context"
	"fmt"

	"github.com/unet-dev/unet"
)

// pageQuery describes a list ordered by a sort key, then an ID, and read with
// keyset (cursor) or offset pagination.
type pageQuery[T any] struct {
	from    string // FROM clause (table and joins) for counting and selecting
	columns string // selected columns
	sortCol string // SQL expression of the sort key
	idCol   string // SQL expression of the tie-breaking ID
	desc    bool   // descending order (of both)
	scan    func(rowScanner) (*T, error)
	// cursor returns the sort key and ID of an item, for the next page.
	cursor func(*T) (key, id string)
}

// listPage runs a page query with the filters in w.
func listPage[T any](ctx context.Context, r Reader, q pageQuery[T], w where, p unet.Page) (*unet.List[T], error) {
	var total int
	if err := r.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+q.from+w.String(), w.args...).Scan(&total); err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}
	tail, limit, err := pageClause(&w, p, q.sortCol, q.idCol, q.desc)
	if err != nil {
		return nil, err
	}
	items, err := queryItems(ctx, r, "SELECT "+q.columns+" FROM "+q.from+w.String()+tail, w.args, q.scan)
	if err != nil {
		return nil, err
	}
	out := &unet.List[T]{Items: items, Total: total}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.Next = encodeCursor(q.cursor(&out.Items[limit-1]))
	}
	return out, nil
}

// listNewest lists an append-only table newest first (by its time-ordered ID),
// with cursor or offset pagination.
func listNewest[T any](ctx context.Context, r Reader, table, columns string, w where, p unet.Page,
	scan func(rowScanner) (*T, error), id func(*T) string) (*unet.List[T], error) {
	var total int
	if err := r.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+w.String(), w.args...).Scan(&total); err != nil {
		return nil, fmt.Errorf("count %s: %w", table, err)
	}
	limit := p.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		limit = MaxLimit
	}
	if p.Cursor != "" {
		_, last, err := decodeCursor(p.Cursor)
		if err != nil {
			return nil, err
		}
		w.add("id < ?", last)
	}
	tail := fmt.Sprintf(" ORDER BY id DESC LIMIT %d", limit+1)
	if p.Offset > 0 {
		tail += fmt.Sprintf(" OFFSET %d", p.Offset)
	}
	items, err := queryItems(ctx, r, "SELECT "+columns+" FROM "+table+w.String()+tail, w.args, scan)
	if err != nil {
		return nil, err
	}
	out := &unet.List[T]{Items: items, Total: total}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.Next = encodeCursor("", id(&out.Items[limit-1]))
	}
	return out, nil
}

// queryItems runs a query and scans every row.
func queryItems[T any](ctx context.Context, r Reader, query string, args []any, scan func(rowScanner) (*T, error)) ([]T, error) {
	rows, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		it, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *it)
	}
	return out, rows.Err()
}

// queryStrings runs a query returning one text column.
func queryStrings(ctx context.Context, r Reader, query string, args ...any) ([]string, error) {
	return queryItems(ctx, r, query, args, func(s rowScanner) (*string, error) {
		var v string
		return &v, s.Scan(&v)
	})
}
