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
	for start, end := 0, 0; start < n; start = end {
		end = unnestEnd(n, start, types, value)
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
			params[c] = textColumn(start, end, func(i int) any { return value(i, c) })
		}
		if _, err := tx.q.ExecContext(ctx, q, params...); err != nil {
			return err
		}
	}
	return nil
}

// unnestBytes bounds the text one unnest statement sends (about 1 MiB, at
// least one row): the driver builds a statement's parameters in one buffer,
// and object rows of a thousand results each (about 2 kB) would make it
// tens of megabytes, grown by copying.
const unnestBytes = 1 << 20

// unnestEnd is the end of the rows from start that one unnest statement
// sends: at most bulkArrayRows, and no more text than unnestBytes.
func unnestEnd(n, start int, types []string, value func(i, c int) any) int {
	end, size := start, 0
	for end < n && end-start < bulkArrayRows && (end == start || size < unnestBytes) {
		for c, t := range types {
			if t == "int8" {
				continue
			}
			switch v := value(end, c).(type) {
			case string:
				size += len(v)
			case *string:
				if v != nil {
					size += len(*v)
				}
			}
		}
		end++
	}
	return end
}

// textColumn is the array parameter of a text column over rows [start,
// end): a []string when no value is NULL (pgx encodes it without going
// through a pointer per value), else a []*string.
func textColumn(start, end int, value func(i int) any) any {
	col := make([]string, 0, end-start)
	var nulls []int
	for i := start; i < end; i++ {
		switch v := value(i).(type) {
		case string:
			col = append(col, v)
		case *string:
			if v == nil {
				nulls = append(nulls, i-start)
				col = append(col, "")
			} else {
				col = append(col, *v)
			}
		default:
			nulls = append(nulls, i-start)
			col = append(col, "")
		}
	}
	if len(nulls) == 0 {
		return col
	}
	ptrs := make([]*string, len(col))
	for i := range col {
		ptrs[i] = &col[i]
	}
	for _, i := range nulls {
		ptrs[i] = nil
	}
	return ptrs
}
