package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ClusterMember is one row of the membership table.
type ClusterMember struct {
	ID      string
	Address string
	Version string
	// Heartbeat and LeaseTTL are the member's timing: it is live while its
	// last heartbeat is younger than its LeaseTTL.
	Heartbeat     time.Duration
	LeaseTTL      time.Duration
	StartedAt     time.Time
	LastHeartbeat time.Time
}

// Live reports whether m's last heartbeat is younger than its lease TTL at now.
func (m ClusterMember) Live(now time.Time) bool { return now.Sub(m.LastHeartbeat) < m.LeaseTTL }

// Lease is one row of the lease table. Holder is empty (and Expires zero)
// once the lease is released.
type Lease struct {
	Name     string
	Holder   string
	Token    int64
	Acquired time.Time
	Expires  time.Time
}

// HeldBy reports whether holder has the lease at now.
func (l Lease) HeldBy(holder string, now time.Time) bool {
	return l.Holder != "" && l.Holder == holder && now.Before(l.Expires)
}

// Live reports whether someone holds the lease at now.
func (l Lease) Live(now time.Time) bool { return l.Holder != "" && now.Before(l.Expires) }

// JobRun is one run of a singleton job under a lease token. Finished is
// zero while it runs (or when its member died before it could say).
type JobRun struct {
	ID       string
	Job      string
	Member   string
	Token    int64
	Started  time.Time
	Finished time.Time
	Outcome  string
}

// forUpdate is the row lock a statement takes on PostgreSQL; SQLite's write
// transactions already hold the database's write lock from BEGIN.
func forUpdate(engine string) string {
	if engine == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// ClusterHeartbeat writes m's heartbeat at now, adding the member when it is
// new.
func (db *DB) ClusterHeartbeat(ctx context.Context, m ClusterMember, now time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `INSERT INTO cluster_members (id, address, version, heartbeat_ms, lease_ttl_ms, started_at, last_heartbeat)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (id) DO UPDATE SET address = excluded.address, version = excluded.version, heartbeat_ms = excluded.heartbeat_ms,
				lease_ttl_ms = excluded.lease_ttl_ms, last_heartbeat = excluded.last_heartbeat`,
			m.ID, m.Address, m.Version, m.Heartbeat.Milliseconds(), m.LeaseTTL.Milliseconds(), fmtTime(m.StartedAt), fmtTime(now))
		if err != nil {
			return fmt.Errorf("write the heartbeat of cluster member %s: %w", m.ID, err)
		}
		return nil
	})
}

// DeleteClusterMember removes a member (on its graceful shutdown).
func (db *DB) DeleteClusterMember(ctx context.Context, id string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM cluster_members WHERE id = $1`, id); err != nil {
			return fmt.Errorf("remove cluster member %s: %w", id, err)
		}
		return nil
	})
}

// PruneClusterMembers removes the members whose last heartbeat is older than
// before; they are long dead (a restarted process is a new member).
func (db *DB) PruneClusterMembers(ctx context.Context, before time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM cluster_members WHERE last_heartbeat < $1`, fmtTime(before)); err != nil {
			return fmt.Errorf("prune cluster members: %w", err)
		}
		return nil
	})
}

// ClusterMembers lists the membership table by start time.
func (r Reader) ClusterMembers(ctx context.Context) ([]ClusterMember, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, address, version, heartbeat_ms, lease_ttl_ms, started_at, last_heartbeat FROM cluster_members ORDER BY started_at, id`)
	if err != nil {
		return nil, fmt.Errorf("read cluster members: %w", err)
	}
	defer rows.Close()
	var out []ClusterMember
	for rows.Next() {
		var m ClusterMember
		var started, beat string
		var beatMS, ttlMS int64
		if err := rows.Scan(&m.ID, &m.Address, &m.Version, &beatMS, &ttlMS, &started, &beat); err != nil {
			return nil, fmt.Errorf("read cluster members: %w", err)
		}
		m.StartedAt, m.LastHeartbeat = parseTime(started), parseTime(beat)
		m.Heartbeat, m.LeaseTTL = time.Duration(beatMS)*time.Millisecond, time.Duration(ttlMS)*time.Millisecond
		out = append(out, m)
	}
	return out, rows.Err()
}

// Lease reads a lease; ok is false when it was never taken.
func (r Reader) Lease(ctx context.Context, name string) (l Lease, ok bool, err error) {
	return readLease(ctx, r.q, name, "")
}

func readLease(ctx context.Context, q queryer, name, lock string) (Lease, bool, error) {
	l := Lease{Name: name}
	var acquired, expires string
	err := q.QueryRowContext(ctx, `SELECT holder, token, acquired_at, expires_at FROM cluster_leases WHERE name = $1`+lock, name).
		Scan(&l.Holder, &l.Token, &acquired, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return l, false, nil
	}
	if err != nil {
		return l, false, fmt.Errorf("read lease %s: %w", name, err)
	}
	if acquired != "" {
		l.Acquired = parseTime(acquired)
	}
	if expires != "" {
		l.Expires = parseTime(expires)
	}
	return l, true, nil
}

// AcquireLease takes or renews the lease name for holder until now+ttl, in
// one transaction that locks the lease row. held is the token holder
// believes it has (0: none). The lease is renewed (same token) when holder
// still has it with that token and it has not expired; it is taken with
// the next token when it is free, released or expired; otherwise the
// current holder keeps it. The lease as it stands after the transaction is
// returned with whether holder has it.
func (db *DB) AcquireLease(ctx context.Context, name, holder string, held int64, now time.Time, ttl time.Duration) (Lease, bool, error) {
	var out Lease
	var got bool
	err := db.WithTx(ctx, func(tx *Tx) error {
		out, got = Lease{}, false
		l, exists, err := readLease(ctx, tx.q, name, forUpdate(db.engine))
		if err != nil {
			return err
		}
		expires := now.Add(ttl)
		switch {
		case !exists:
			res, err := tx.q.ExecContext(ctx, `INSERT INTO cluster_leases (name, holder, token, acquired_at, expires_at)
				VALUES ($1, $2, 1, $3, $4) ON CONFLICT (name) DO NOTHING`, name, holder, fmtTime(now), fmtTime(expires))
			if err != nil {
				return fmt.Errorf("take lease %s: %w", name, err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				out, got = Lease{Name: name, Holder: holder, Token: 1, Acquired: now, Expires: expires}, true
				return nil
			}
			// Another member inserted it first: read who.
			out, _, err = readLease(ctx, tx.q, name, "")
			return err
		case held != 0 && l.Token == held && l.HeldBy(holder, now):
			res, err := tx.q.ExecContext(ctx, `UPDATE cluster_leases SET expires_at = $1 WHERE name = $2 AND holder = $3 AND token = $4`,
				fmtTime(expires), name, holder, held)
			if err != nil {
				return fmt.Errorf("renew lease %s: %w", name, err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				l.Expires = expires
				out, got = l, true
				return nil
			}
			out, _, err = readLease(ctx, tx.q, name, "")
			return err
		case !l.Live(now):
			res, err := tx.q.ExecContext(ctx, `UPDATE cluster_leases SET holder = $1, token = token + 1, acquired_at = $2, expires_at = $3
				WHERE name = $4 AND token = $5`, holder, fmtTime(now), fmtTime(expires), name, l.Token)
			if err != nil {
				return fmt.Errorf("take lease %s: %w", name, err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				out, got = Lease{Name: name, Holder: holder, Token: l.Token + 1, Acquired: now, Expires: expires}, true
				return nil
			}
			out, _, err = readLease(ctx, tx.q, name, "")
			return err
		default:
			out = l
			return nil
		}
	})
	return out, got, err
}

// ReleaseLease gives the lease up when holder still has it with token, so
// that another member can take it at once (with the next token).
func (db *DB) ReleaseLease(ctx context.Context, name, holder string, token int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `UPDATE cluster_leases SET holder = '', expires_at = '' WHERE name = $1 AND holder = $2 AND token = $3`,
			name, holder, token)
		if err != nil {
			return fmt.Errorf("release lease %s: %w", name, err)
		}
		return nil
	})
}

// StartJobRun records the start of a singleton job's run. Called in a
// transaction whose context carries the fence, it commits only while the
// run's token is current.
func (tx *Tx) StartJobRun(ctx context.Context, r JobRun) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO cluster_job_runs (id, job, member, token, started_at) VALUES ($1, $2, $3, $4, $5)`,
		r.ID, r.Job, r.Member, r.Token, fmtTime(r.Started))
	if err != nil {
		return fmt.Errorf("record the run of job %s: %w", r.Job, err)
	}
	return nil
}

// FinishJobRun records the end of a run and its outcome.
func (db *DB) FinishJobRun(ctx context.Context, id, outcome string, at time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `UPDATE cluster_job_runs SET finished_at = $1, outcome = $2 WHERE id = $3`, fmtTime(at), outcome, id)
		if err != nil {
			return fmt.Errorf("record the end of job run %s: %w", id, err)
		}
		return nil
	})
}

// JobRuns lists the recorded runs of job ("" for every job) by start time.
func (r Reader) JobRuns(ctx context.Context, job string) ([]JobRun, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, job, member, token, started_at, finished_at, outcome FROM cluster_job_runs
		WHERE $1 = '' OR job = $1 ORDER BY started_at, id`, job)
	if err != nil {
		return nil, fmt.Errorf("read job runs: %w", err)
	}
	defer rows.Close()
	var out []JobRun
	for rows.Next() {
		var jr JobRun
		var started string
		var finished sql.NullString
		if err := rows.Scan(&jr.ID, &jr.Job, &jr.Member, &jr.Token, &started, &finished, &jr.Outcome); err != nil {
			return nil, fmt.Errorf("read job runs: %w", err)
		}
		jr.Started = parseTime(started)
		if finished.Valid {
			jr.Finished = parseTime(finished.String)
		}
		out = append(out, jr)
	}
	return out, rows.Err()
}
