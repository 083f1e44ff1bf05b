package sqlstore

import (
	"context"
	"strconv"
	"strings"
)

// unnestExec runs head (INSERT INTO t (cols)) SELECT * FROM unnest(…) tail
// over n rows on PostgreSQL, bulkArrayRows rows a statement, with one array
// parameter per column: a few parameters to bind instead of thousands.
// types are the columns' array element types ("text" or "int8"); value(i,
// c) is row i's value of column c: a string, a *string (nil: NULL) or an
// int for an int8 column.
func (tx *Tx) unnestExec(ctx context.Context, n int, head string, types []string, tail string, value func(i, c int) any) error {
	var b strings.Builder
	b.WriteString(head + " SELECT * FROM unnest(")
	for c, t := range types {
		if c > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(c+1) + "::" + t + "[]")
	}
	b.WriteString(")" + tail)
	q := b.String()
	for start := 0; start < n; start += bulkArrayRows {
		end := min(n, start+bulkArrayRows)
		params := make([]any, len(types))
		for c, t := range types {
			if t == "int8" {
				col := make([]int64, 0, end-start)
				for i := start; i < end; i++ {
					v, _ := value(i, c).(int)
					col = append(col, int64(v))
				}
				params[c] = col
				continue
			}
			col := make([]*string, 0, end-start)
			for i := start; i < end; i++ {
				switch v := value(i, c).(type) {
				case string:
					col = append(col, &v)
				case *string:
					col = append(col, v)
				default:
					col = append(col, nil)
				}
			}
			params[c] = col
		}
		if _, err := tx.q.ExecContext(ctx, q, params...); err != nil {
			return err
		}
	}
	return nil
}

// nullText is the *string of a nullable text value (nil: NULL).
func nullText(valid bool, s string) *string {
	if !valid {
		return nil
	}
	return &s
}
