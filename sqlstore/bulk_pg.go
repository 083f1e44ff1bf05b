package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// bulkArrayRows bounds the rows of one array INSERT on PostgreSQL.
const bulkArrayRows = 10000

// columnArray is the values of one column of queued rows, as a PostgreSQL
// array parameter.
type columnArray struct {
	sqlType string // "text" or "int8"
	text    []*string
	ints    []int64
}

// columnArrays splits rows of ncols values into one array per column. It
// reports false when a column holds values other than text (or NULL) and
// integers, or mixes the two.
func columnArrays(table [][]any, ncols int) ([]columnArray, bool) {
	rows := len(table)
	cols := make([]columnArray, ncols)
	for c := range cols {
		isText, isInt := false, false
		for r := 0; r < rows; r++ {
			switch table[r][c].(type) {
			case nil, string:
				isText = true
			case int, int64:
				isInt = true
			default:
				return nil, false
			}
		}
		if isText && isInt {
			return nil, false
		}
		if isInt {
			cols[c] = columnArray{sqlType: "int8", ints: make([]int64, rows)}
			for r := 0; r < rows; r++ {
				switch v := table[r][c].(type) {
				case int:
					cols[c].ints[r] = int64(v)
				case int64:
					cols[c].ints[r] = v
				}
			}
			continue
		}
		cols[c] = columnArray{sqlType: "text", text: make([]*string, rows)}
		for r := 0; r < rows; r++ {
			if v, ok := table[r][c].(string); ok {
				cols[c].text[r] = &v
			}
		}
	}
	return cols, true
}

// writeArrays sends the rows of g as INSERT … SELECT FROM unnest(…) with one
// array parameter per column: PostgreSQL then plans one statement of a few
// parameters instead of binding thousands.
func (g *insertGroup) writeArrays(ctx context.Context, c *stmtCache, cols []columnArray) error {
	total := len(g.rows)
	var b strings.Builder
	b.WriteString("INSERT INTO " + g.ins.table + " (" + g.ins.cols + ") SELECT * FROM unnest(")
	for i, col := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i+1) + "::" + col.sqlType + "[]")
	}
	b.WriteString(")")
	s, err := c.stmt(ctx, b.String())
	if err != nil {
		return fmt.Errorf("prepare bulk insert into %s: %w", g.ins.table, err)
	}
	for start := 0; start < total; start += bulkArrayRows {
		end := min(total, start+bulkArrayRows)
		params := make([]any, len(cols))
		for i, col := range cols {
			if col.sqlType == "int8" {
				params[i] = col.ints[start:end]
			} else {
				params[i] = col.text[start:end]
			}
		}
		if _, err := s.ExecContext(ctx, params...); err != nil {
			return constraintError(fmt.Errorf("bulk insert of %d rows into %s: %w", end-start, g.ins.table, err),
				bulkKind(g.ins.table), fmt.Sprintf("(one of %d written together)", end-start))
		}
	}
	return nil
}
