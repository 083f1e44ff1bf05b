package snmp

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

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
	// supersededBy, when set, is the base of a column that makes this one
	// needless for every row that has it (a 64-bit counter for a 32-bit
	// one); need reports whether row index lacks that value.
	supersededBy string
	need         func(index int) bool
}

// minRowsPerRequest is the fewest rows per column a capped agent should
// return per request before the walk narrows to fewer columns.
const minRowsPerRequest = 4

// maxInFlightPerDevice bounds the GETBULK requests one poll keeps in flight
// to its agent at once (SNMPv2c; an SNMPv3 session sends one at a time).
const maxInFlightPerDevice = 4

// walker issues GETBULK requests to one agent and counts them. Once the
// first request has answered the scalars, the unfinished columns are split
// into up to inFlight groups walked concurrently, each its own stream of
// multi-column GETBULK requests.
type walker struct {
	send     bulkSender
	reps     int
	inFlight int

	// mu guards the fields below and the collector the columns write to.
	mu       sync.Mutex
	requests int
	// walkAll walks superseded columns too (the reference walk of tests).
	walkAll bool
	// skipped are the superseded columns left out of the walk, for fill.
	skipped []*columnState
	// budget is how many variables the agent returns per response, known
	// once it has capped one (packet size or a limit on variables) or
	// answered tooBig; 0 while unknown. It may come from an earlier poll.
	budget int
	failed bool
}

type columnState struct {
	col    *column
	prefix string
	last   string
	done   bool
	rows   int
}

// bulk answers every scalar (in the first request) and walks every column
// to its end. Columns advance together: each request carries the last OID
// seen for each unfinished column of its stream, so a table of R rows and C
// columns costs about C*R/budget requests whatever the agent's cap.
// Responses truncated by the agent are handled: the columns that got
// nothing are asked again, and later requests ask for no more variables
// than the agent returned, over fewer columns at a time when its cap leaves
// fewer than minRowsPerRequest rows per column. A tooBig answer halves the
// request, and a column that does not advance is an error, never a loop.
func (w *walker) bulk(scalars []scalar, cols []column) error {
	states := make([]*columnState, len(cols))
	for i := range cols {
		states[i] = &columnState{col: &cols[i], prefix: cols[i].base + ".", last: cols[i].base}
	}
	active, err := w.stream(scalars, states, true)
	if err != nil || len(active) == 0 {
		return err
	}
	if !w.walkAll {
		active = w.dropSuperseded(states, active)
	}
	if w.inFlight <= 1 || len(active) <= 1 {
		_, err := w.stream(nil, active, false)
		return err
	}
	k := min(w.inFlight, len(active))
	errs := make([]error, k)
	var wg sync.WaitGroup
	for g := range k {
		group := active[g*len(active)/k : (g+1)*len(active)/k]
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := w.stream(nil, group, false); err != nil {
				w.mu.Lock()
				w.failed = true
				w.mu.Unlock()
				errs[g] = err
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// dropSuperseded leaves out of the rest of the walk the columns whose
// superseding column answered rows in the first request: the agent has the
// better objects, and fill reads the superseded ones only for the rows
// that lack them. It returns the columns still to walk.
func (w *walker) dropSuperseded(states, active []*columnState) []*columnState {
	rows := make(map[string]int, len(states))
	for _, st := range states {
		rows[st.col.base] = st.rows
	}
	keep := active[:0:0]
	for _, st := range active {
		if st.col.supersededBy != "" && st.col.need != nil && rows[st.col.supersededBy] > 0 {
			w.skipped = append(w.skipped, st)
			continue
		}
		keep = append(keep, st)
	}
	return keep
}

// fill reads with GET the skipped superseded columns of the rows (from
// rows) that lack the superseding value; absent objects stay unset.
func (w *walker) fill(rows []int) error {
	type want struct {
		col   *column
		index string
	}
	var oids []string
	var wants []want
	for _, st := range w.skipped {
		for _, i := range rows {
			if st.col.need(i) {
				idx := strconv.Itoa(i)
				oids = append(oids, st.prefix+idx)
				wants = append(wants, want{st.col, idx})
			}
		}
	}
	per := gosnmp.MaxOids
	if w.budget > 0 {
		per = min(per, w.budget)
	}
	for len(oids) > 0 {
		n := min(per, len(oids))
		pkt, err := w.send.get(oids[:n])
		if err != nil {
			return err
		}
		w.requests++
		if pkt.Error == gosnmp.TooBig && n > 1 {
			per = max(n/2, 1)
			continue
		}
		if pkt.Error != gosnmp.NoError {
			return fmt.Errorf("%w: agent answered %s to a GET (error index %d)", ErrProtocol, pkt.Error, pkt.ErrorIndex)
		}
		for k, v := range pkt.Variables {
			if k >= n || isException(v) || v.Name != oids[k] {
				continue
			}
			wants[k].col.set(wants[k].index, v)
		}
		oids, wants = oids[n:], wants[n:]
	}
	return nil
}

// errStreamStopped ends a stream whose sibling failed; bulk reports the
// sibling's error instead.
var errStreamStopped = errors.New("walk stopped")

// stream walks the columns of active with one request at a time, the first
// of them also carrying scalars. With once it returns after the first
// answered request, with the columns still unfinished.
func (w *walker) stream(scalars []scalar, active []*columnState, once bool) ([]*columnState, error) {
	first := len(scalars) > 0
	for first || len(active) > 0 {
		w.mu.Lock()
		budget, failed := w.budget, w.failed
		w.mu.Unlock()
		if failed {
			return nil, errStreamStopped
		}
		nr := 0
		oids := make([]string, 0, gosnmp.MaxOids)
		if first {
			for _, s := range scalars {
				oids = append(oids, s.oid)
			}
			nr = len(scalars)
		}
		n := min(len(active), gosnmp.MaxOids-nr)
		r := max(w.reps, 1)
		if budget > 0 {
			// Within the agent's cap, keep at least minRowsPerRequest rows
			// per column: the same number of responses, from smaller
			// requests, and no rows built by the agent only to be dropped.
			// The first request touches every column once, to learn which
			// the agent has (and which are superseded).
			if first {
				n = min(n, max(1, budget))
			} else {
				n = min(n, max(1, budget/minRowsPerRequest))
			}
			r = max(1, budget/max(n, 1))
		}
		if n == 0 {
			r = 0
		}
		batch := active[:n]
		for _, c := range batch {
			oids = append(oids, c.last)
		}
		pkt, err := w.send.getBulk(oids, uint8(nr), uint32(r))
		if err != nil {
			return nil, err
		}
		w.mu.Lock()
		w.requests++
		if pkt.Error == gosnmp.TooBig && n*r > 1 {
			half := max(n*r/2, 1)
			if w.budget == 0 || half < w.budget {
				w.budget = half
			}
			w.mu.Unlock()
			continue
		}
		if pkt.Error != gosnmp.NoError {
			w.mu.Unlock()
			return nil, fmt.Errorf("%w: agent answered %s (error index %d)", ErrProtocol, pkt.Error, pkt.ErrorIndex)
		}
		// The budget counts repetitions only: some agents cap them apart
		// from the non-repeaters, and for the others it errs on the small
		// side by the scalars of the first request.
		if got := len(pkt.Variables) - nr; got < n*r && got > 0 && (w.budget == 0 || got < w.budget) {
			w.budget = got
		}
		err = w.apply(pkt.Variables, scalars, nr, batch)
		w.mu.Unlock()
		if err != nil {
			return nil, err
		}
		first = false
		next := active[:0:0]
		for _, c := range active {
			if !c.done {
				next = append(next, c)
			}
		}
		active = next
		if once {
			return active, nil
		}
	}
	return active, nil
}

// apply hands the variables of one response to the scalars (the first nr)
// and to the columns of batch, repetition by repetition. w.mu is held.
func (w *walker) apply(vars []gosnmp.SnmpPDU, scalars []scalar, nr int, batch []*columnState) error {
	if nr > 0 {
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
	}
	n := len(batch)
	if n == 0 {
		return nil
	}
	if len(vars) == 0 {
		return fmt.Errorf("%w: empty GETBULK response while walking %s", ErrProtocol, batch[0].col.base)
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
		c.rows++
		c.col.set(v.Name[len(c.prefix):], v)
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
