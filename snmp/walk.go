package snmp

import (
	"fmt"
	"strings"

	"github.com/gosnmp/gosnmp"
)

// scalar is a non-repeating variable of a GETBULK request: the agent
// answers it like a GETNEXT, with the first object after oid.
type scalar struct {
	oid string
	set func(gosnmp.SnmpPDU)
}

// column is a table column walked with GETBULK repetitions. set receives the
// instance suffix of each row (the part of the OID after the column) and
// the variable.
type column struct {
	base string
	set  func(index string, v gosnmp.SnmpPDU)
}

// minRowsPerRequest is the fewest rows per column a capped agent should
// return per request before the walk narrows to fewer columns.
const minRowsPerRequest = 4

// walker issues GETBULK requests on one session and counts them.
type walker struct {
	g        *gosnmp.GoSNMP
	reps     int
	requests int
}

type columnState struct {
	col    *column
	prefix string
	last   string
	done   bool
}

// bulk answers every scalar (in the first request) and walks every column
// to its end. All columns advance together: each request carries the last
// OID seen for each unfinished column, so a table of R rows and C columns
// costs about R/reps requests instead of C*R/reps. Responses truncated by
// the agent are handled: the columns that got nothing are asked again, and
// later requests ask for no more variables than the agent returned, over
// fewer columns at a time when its cap leaves fewer than minRowsPerRequest
// rows per column. A tooBig answer halves the request, and a column that
// does not advance is an error, never a loop.
func (w *walker) bulk(scalars []scalar, cols []column) error {
	states := make([]*columnState, len(cols))
	for i := range cols {
		states[i] = &columnState{col: &cols[i], prefix: cols[i].base + ".", last: cols[i].base}
	}
	active := states
	first := len(scalars) > 0
	reps := max(w.reps, 1)
	// budget is how many variables the agent returns per response, known
	// once it has capped one (packet size or a limit on variables).
	budget := 0
	for first || len(active) > 0 {
		nr := 0
		oids := make([]string, 0, gosnmp.MaxOids)
		if first {
			for _, s := range scalars {
				oids = append(oids, s.oid)
			}
			nr = len(scalars)
		}
		n := min(len(active), gosnmp.MaxOids-nr)
		r := reps
		if budget > 0 {
			// Within the agent's cap, keep at least minRowsPerRequest rows
			// per column: the same number of responses, from smaller
			// requests, and no rows built by the agent only to be dropped.
			n = min(n, max(1, budget/minRowsPerRequest))
			r = max(1, budget/max(n, 1))
		}
		if n == 0 {
			r = 0
		}
		batch := active[:n]
		for _, c := range batch {
			oids = append(oids, c.last)
		}
		pkt, err := w.g.GetBulk(oids, uint8(nr), uint32(r))
		if err != nil {
			return err
		}
		w.requests++
		if pkt.Error == gosnmp.TooBig && n*r > 1 {
			reps = max(r/2, 1)
			budget = max(n*r/2, 1)
			continue
		}
		if pkt.Error != gosnmp.NoError {
			return fmt.Errorf("%w: agent answered %s (error index %d)", ErrProtocol, pkt.Error, pkt.ErrorIndex)
		}
		vars := pkt.Variables
		if first {
			if len(vars) < nr {
				return fmt.Errorf("%w: response has %d variables for %d requested objects", ErrProtocol, len(vars), nr)
			}
			for i, s := range scalars {
				if isException(vars[i]) {
					continue
				}
				s.set(vars[i])
			}
			vars = vars[nr:]
			first = false
		}
		if n == 0 {
			continue
		}
		if len(vars) == 0 {
			return fmt.Errorf("%w: empty GETBULK response while walking %s", ErrProtocol, batch[0].col.base)
		}
		if len(vars) < n*r {
			budget = len(vars)
		}
		ended := make([]bool, n)
		for k, v := range vars {
			i := k % n
			if ended[i] {
				continue
			}
			c := batch[i]
			if isException(v) || !strings.HasPrefix(v.Name, c.prefix) {
				ended[i] = true
				c.done = true
				continue
			}
			if compareOID(v.Name, c.last) <= 0 {
				return fmt.Errorf("%w: OID %s does not follow %s (agent loop)", ErrProtocol, v.Name, c.last)
			}
			c.last = v.Name
			c.col.set(v.Name[len(c.prefix):], v)
		}
		next := active[:0]
		for _, c := range active {
			if !c.done {
				next = append(next, c)
			}
		}
		active = next
	}
	return nil
}

func isException(v gosnmp.SnmpPDU) bool {
	switch v.Type {
	case gosnmp.EndOfMibView, gosnmp.NoSuchObject, gosnmp.NoSuchInstance, gosnmp.Null:
		return true
	}
	return false
}

// compareOID compares two dotted OIDs numerically, component by component;
// a leading dot is ignored. It returns -1, 0 or +1.
func compareOID(a, b string) int {
	a = strings.TrimPrefix(a, ".")
	b = strings.TrimPrefix(b, ".")
	for a != "" || b != "" {
		if a == "" {
			return -1
		}
		if b == "" {
			return 1
		}
		var ca, cb string
		ca, a, _ = strings.Cut(a, ".")
		cb, b, _ = strings.Cut(b, ".")
		if len(ca) != len(cb) {
			// Components have no leading zeros: the longer is larger.
			if len(ca) < len(cb) {
				return -1
			}
			return 1
		}
		if c := strings.Compare(ca, cb); c != 0 {
			return c
		}
	}
	return 0
}
