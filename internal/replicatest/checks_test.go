package replicatest

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// storedTime is the layout of times in the database (fixed-width UTC text).
const storedTime = "2006-01-02T15:04:05.000000Z"

// readPolls returns the poll times of every node from the SNMP status
// history (one row per poll of a node).
func readPolls(db *sql.DB) (map[string][]time.Time, error) {
	rows, err := db.Query(`SELECT node_id, time FROM status_history ORDER BY node_id, time`)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }() // read only; rows.Err is checked
	out := map[string][]time.Time{}
	for rows.Next() {
		var id, at string
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		t, err := time.Parse(storedTime, at)
		if err != nil {
			return nil, fmt.Errorf("status_history of %s: time %q: %w", id, at, err)
		}
		out[id] = append(out[id], t)
	}
	return out, rows.Err()
}

// pollErrors summarises the last poll of every node: how many succeeded and
// how many failed with each error (for the report of a failed test).
func pollErrors(db *sql.DB) string {
	rows, err := db.Query(`SELECT reachable, error, COUNT(*) FROM node_status GROUP BY reachable, error ORDER BY 3 DESC`)
	if err != nil {
		return err.Error()
	}
	defer func() { _ = rows.Close() }() // read only
	var b strings.Builder
	for rows.Next() {
		var reachable, n int
		var msg string
		if err := rows.Scan(&reachable, &msg, &n); err != nil {
			return err.Error()
		}
		fmt.Fprintf(&b, "%d nodes reachable=%d %s\n", n, reachable, msg)
	}
	return b.String()
}

// checkOncePerCycle checks that each device was polled exactly once per
// cycle of interval over [from, to]: at least twice in the window, never
// twice within half an interval (two replicas polling it), and never more
// than two intervals apart (a cycle missed). It returns one line per
// problem.
func checkOncePerCycle(polls map[string][]time.Time, devices []string, from, to time.Time, interval time.Duration) []string {
	var problems []string
	for _, id := range devices {
		ts := slices.Clone(polls[id])
		slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
		in := 0
		for i, t := range ts {
			if !t.Before(from) && !t.After(to) {
				in++
			}
			if i == 0 {
				continue
			}
			prev := ts[i-1]
			if t.Before(from) || prev.After(to) {
				continue // a gap outside the window
			}
			switch gap := t.Sub(prev); {
			case gap < interval/2:
				problems = append(problems, fmt.Sprintf("device %s polled twice %s apart (%s and %s)", id,
					gap.Round(time.Millisecond), prev.Format(time.TimeOnly+".000"), t.Format(time.TimeOnly+".000")))
			case gap > 2*interval:
				problems = append(problems, fmt.Sprintf("device %s not polled for %s (%s to %s)", id,
					gap.Round(time.Millisecond), prev.Format(time.TimeOnly+".000"), t.Format(time.TimeOnly+".000")))
			}
		}
		if in < 2 {
			problems = append(problems, fmt.Sprintf("device %s polled %d times from %s to %s", id, in,
				from.Format(time.TimeOnly), to.Format(time.TimeOnly)))
		}
	}
	return problems
}

// jobRun is one row of cluster_job_runs.
type jobRun struct {
	Job      string
	Member   string
	Token    int64
	Started  time.Time
	Finished time.Time // zero while running, or when its member died first
	Outcome  string
}

// readJobRuns returns every recorded run of a singleton job.
func readJobRuns(db *sql.DB) ([]jobRun, error) {
	rows, err := db.Query(`SELECT job, member, token, started_at, COALESCE(finished_at, ''), COALESCE(outcome, '')
		FROM cluster_job_runs ORDER BY started_at`)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }() // read only; rows.Err is checked
	var out []jobRun
	for rows.Next() {
		var r jobRun
		var started, finished string
		if err := rows.Scan(&r.Job, &r.Member, &r.Token, &started, &finished, &r.Outcome); err != nil {
			return nil, err
		}
		if r.Started, err = time.Parse(storedTime, started); err != nil {
			return nil, fmt.Errorf("cluster_job_runs: started_at %q: %w", started, err)
		}
		if finished != "" {
			if r.Finished, err = time.Parse(storedTime, finished); err != nil {
				return nil, fmt.Errorf("cluster_job_runs: finished_at %q: %w", finished, err)
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// checkJobRuns checks the recorded runs of the singleton jobs: one token
// belongs to one member; a run under an older token never starts after, and
// never ends after, the start of a run under a newer token; and two runs of
// one job under different tokens never overlap. A run without an end ends
// when its member was killed (killed), or is still running (now). It returns
// one line per problem.
func checkJobRuns(runs []jobRun, killed map[string]time.Time, now time.Time) []string {
	var problems []string
	end := func(r jobRun) time.Time {
		switch at, dead := killed[r.Member]; {
		case !r.Finished.IsZero():
			return r.Finished
		case dead:
			return at
		default:
			return now
		}
	}
	owner := map[int64]string{}
	for _, r := range runs {
		if m, ok := owner[r.Token]; ok && m != r.Member {
			problems = append(problems, fmt.Sprintf("token %d used by two members: %s and %s", r.Token, m, r.Member))
		}
		owner[r.Token] = r.Member
	}
	for i, a := range runs {
		for _, b := range runs[i+1:] {
			if a.Job != b.Job || a.Token == b.Token {
				continue
			}
			old, young := a, b
			if young.Token < old.Token {
				old, young = young, old
			}
			desc := func(r jobRun) string {
				return fmt.Sprintf("%s run of %s under token %d [%s, %s]", r.Job, r.Member, r.Token,
					r.Started.Format(time.TimeOnly+".000000"), fmtEnd(r.Finished))
			}
			switch {
			case !old.Started.Before(young.Started):
				problems = append(problems, fmt.Sprintf("stale token: %s started after %s", desc(old), desc(young)))
			case end(old).After(young.Started):
				problems = append(problems, fmt.Sprintf("overlap: %s still ran when %s started", desc(old), desc(young)))
			}
		}
	}
	return problems
}

func fmtEnd(t time.Time) string {
	if t.IsZero() {
		return "unfinished"
	}
	return t.Format(time.TimeOnly + ".000000")
}
