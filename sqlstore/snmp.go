package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/unet-dev/unet"
)

const profileCols = `name, version, community_ref, user_name, auth_proto, auth_key_ref, priv_proto, priv_key_ref,
	port, timeout_ms, retries, max_repetitions, interval_s, created_at, updated_at`

func scanProfile(s rowScanner) (*unet.SNMPProfile, error) {
	p := &unet.SNMPProfile{}
	var timeoutMS, intervalS int64
	var created, updated string
	if err := s.Scan(&p.Name, &p.Version, &p.CommunityRef, &p.User, &p.AuthProto, &p.AuthKeyRef, &p.PrivProto,
		&p.PrivKeyRef, &p.Port, &timeoutMS, &p.Retries, &p.MaxRepetitions, &intervalS, &created, &updated); err != nil {
		return nil, err
	}
	if timeoutMS > 0 {
		p.Timeout = (time.Duration(timeoutMS) * time.Millisecond).String()
	}
	if intervalS > 0 {
		p.Interval = (time.Duration(intervalS) * time.Second).String()
	}
	p.CreatedAt, p.UpdatedAt = parseTime(created), parseTime(updated)
	return p, nil
}

// GetSNMPProfile returns a profile by name.
func (r Reader) GetSNMPProfile(ctx context.Context, name string) (*unet.SNMPProfile, error) {
	p, err := scanProfile(r.q.QueryRowContext(ctx, `SELECT `+profileCols+` FROM snmp_profiles WHERE name = $1`, name))
	return p, notFound(err, "SNMP profile", name)
}

// ListSNMPProfiles returns every profile ordered by name.
func (r Reader) ListSNMPProfiles(ctx context.Context) ([]unet.SNMPProfile, error) {
	return queryItems(ctx, r, `SELECT `+profileCols+` FROM snmp_profiles ORDER BY name`, nil, scanProfile)
}

// InsertSNMPProfile stores a new profile.
func (tx *Tx) InsertSNMPProfile(ctx context.Context, p *unet.SNMPProfile) error {
	timeout, err := parseOptionalDuration(p.Timeout)
	if err != nil {
		return unet.Errorf(unet.EINVALID, "SNMP profile %s: timeout %q: %v", p.Name, p.Timeout, err)
	}
	interval, err := parseOptionalDuration(p.Interval)
	if err != nil {
		return unet.Errorf(unet.EINVALID, "SNMP profile %s: interval %q: %v", p.Name, p.Interval, err)
	}
	_, err = tx.q.ExecContext(ctx, `INSERT INTO snmp_profiles (`+profileCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
		p.Name, p.Version, p.CommunityRef, p.User, p.AuthProto, p.AuthKeyRef, p.PrivProto, p.PrivKeyRef, p.Port,
		timeout.Milliseconds(), p.Retries, p.MaxRepetitions, int64(interval/time.Second), fmtTime(p.CreatedAt), fmtTime(p.UpdatedAt))
	return constraintError(err, "SNMP profile", p.Name)
}

// DeleteSNMPProfile removes a profile.
func (tx *Tx) DeleteSNMPProfile(ctx context.Context, name string) error {
	_, err := tx.q.ExecContext(ctx, `DELETE FROM snmp_profiles WHERE name = $1`, name)
	return err
}

// SNMPProfileUsers names (up to limit) the nodes and locations that name a
// profile.
func (r Reader) SNMPProfileUsers(ctx context.Context, name string, limit int) ([]string, error) {
	return queryStrings(ctx, r, fmt.Sprintf(`SELECT 'node ' || fqdn FROM nodes WHERE snmp_profile = $1
		UNION ALL SELECT 'location ' || path FROM locations WHERE snmp_profile = $1 LIMIT %d`, limit), name)
}

func optTime(s string) *time.Time {
	if s == "" {
		return nil
	}
	t := parseTime(s)
	return &t
}

func timeOrEmpty(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return fmtTime(*t)
}

const statusCols = `s.node_id, n.fqdn, s.reachable, s.last_attempt, s.last_success, s.error, s.consecutive_failures,
	s.profile, s.sys_descr, s.sys_object_id, s.sys_name, s.sys_contact, s.sys_location, s.uptime_s, s.vendor,
	s.platform, s.version, s.cpu_percent, s.memory_used, s.memory_total, s.next_poll`

func scanStatus(sc rowScanner) (*unet.NodeStatus, error) {
	st := &unet.NodeStatus{}
	var reachable int
	var attempt, success, next string
	var cpu sql.NullFloat64
	var used, total sql.NullInt64
	if err := sc.Scan(&st.NodeID, &st.Node, &reachable, &attempt, &success, &st.Error, &st.ConsecutiveFailures,
		&st.Profile, &st.System.Descr, &st.System.ObjectID, &st.System.Name, &st.System.Contact, &st.System.Location,
		&st.System.UptimeSeconds, &st.Vendor, &st.Platform, &st.Version, &cpu, &used, &total, &next); err != nil {
		return nil, err
	}
	st.Reachable = reachable != 0
	st.LastAttempt = parseTime(attempt)
	st.LastSuccess = optTime(success)
	st.NextPoll = optTime(next)
	if cpu.Valid {
		st.CPUPercent = &cpu.Float64
	}
	if used.Valid {
		u := uint64(used.Int64)
		st.MemoryUsed = &u
	}
	if total.Valid {
		u := uint64(total.Int64)
		st.MemoryTotal = &u
	}
	return st, nil
}

// GetNodeStatus returns a node's derived state.
func (r Reader) GetNodeStatus(ctx context.Context, nodeID string) (*unet.NodeStatus, error) {
	st, err := scanStatus(r.q.QueryRowContext(ctx, `SELECT `+statusCols+` FROM node_status s JOIN nodes n ON n.id = s.node_id WHERE s.node_id = $1`, nodeID))
	if err == sql.ErrNoRows {
		return nil, unet.Errorf(unet.ENOTFOUND, "node has not been polled yet (unet snmp poll NODE)")
	}
	return st, err
}

// ListNodeStatuses returns the derived state of every polled node.
func (r Reader) ListNodeStatuses(ctx context.Context) ([]unet.NodeStatus, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+statusCols+` FROM node_status s JOIN nodes n ON n.id = s.node_id ORDER BY n.fqdn`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []unet.NodeStatus
	for rows.Next() {
		st, err := scanStatus(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, rows.Err()
}

// StatusWrite is the derived state of one poll outcome.
type StatusWrite struct {
	Status     unet.NodeStatus
	Interfaces []unet.InterfaceStatus // nil when the poll failed
}

// WriteStatuses stores the outcomes of one poll cycle: status rows, interface
// rows (replaced on success) and one history snapshot each. Outcomes of nodes
// deleted meanwhile are skipped.
func (tx *Tx) WriteStatuses(ctx context.Context, ws []StatusWrite, newID func() string) error {
	for _, w := range ws {
		st := w.Status
		var exists int
		if err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM nodes WHERE id = $1`, st.NodeID).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			continue
		}
		reach := 0
		if st.Reachable {
			reach = 1
		}
		var cpu, used, total any
		if st.CPUPercent != nil {
			cpu = *st.CPUPercent
		}
		if st.MemoryUsed != nil {
			used = int64(*st.MemoryUsed)
		}
		if st.MemoryTotal != nil {
			total = int64(*st.MemoryTotal)
		}
		args := []any{st.NodeID, reach, fmtTime(st.LastAttempt), timeOrEmpty(st.LastSuccess), st.Error, st.ConsecutiveFailures,
			st.Profile, st.System.Descr, st.System.ObjectID, st.System.Name, st.System.Contact, st.System.Location,
			st.System.UptimeSeconds, st.Vendor, st.Platform, st.Version, cpu, used, total, timeOrEmpty(st.NextPoll)}
		if st.Reachable {
			_, err := tx.q.ExecContext(ctx, `INSERT INTO node_status (node_id, reachable, last_attempt, last_success, error,
				consecutive_failures, profile, sys_descr, sys_object_id, sys_name, sys_contact, sys_location, uptime_s, vendor,
				platform, version, cpu_percent, memory_used, memory_total, next_poll)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)
				ON CONFLICT (node_id) DO UPDATE SET reachable=excluded.reachable, last_attempt=excluded.last_attempt,
				last_success=excluded.last_success, error=excluded.error, consecutive_failures=excluded.consecutive_failures,
				profile=excluded.profile, sys_descr=excluded.sys_descr, sys_object_id=excluded.sys_object_id,
				sys_name=excluded.sys_name, sys_contact=excluded.sys_contact, sys_location=excluded.sys_location,
				uptime_s=excluded.uptime_s, vendor=excluded.vendor, platform=excluded.platform, version=excluded.version,
				cpu_percent=excluded.cpu_percent, memory_used=excluded.memory_used, memory_total=excluded.memory_total,
				next_poll=excluded.next_poll`, args...)
			if err != nil {
				return fmt.Errorf("write node status: %w", err)
			}
			if _, err := tx.q.ExecContext(ctx, `DELETE FROM interface_status WHERE node_id = $1`, st.NodeID); err != nil {
				return err
			}
			for _, ifc := range w.Interfaces {
				data, err := json.Marshal(ifc)
				if err != nil {
					return fmt.Errorf("encode interface status %s: %w", ifc.Name, err)
				}
				if _, err := tx.q.ExecContext(ctx, `INSERT INTO interface_status (node_id, if_index, name, data, updated_at)
					VALUES ($1, $2, $3, $4, $5)`, st.NodeID, ifc.Index, ifc.Name, string(data), fmtTime(st.LastAttempt)); err != nil {
					return fmt.Errorf("write interface status: %w", err)
				}
			}
		} else {
			// A failed poll keeps the last known system data and interfaces.
			_, err := tx.q.ExecContext(ctx, `INSERT INTO node_status (node_id, reachable, last_attempt, last_success, error,
				consecutive_failures, profile, next_poll) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
				ON CONFLICT (node_id) DO UPDATE SET reachable=excluded.reachable, last_attempt=excluded.last_attempt,
				error=excluded.error, consecutive_failures=excluded.consecutive_failures, profile=excluded.profile,
				next_poll=excluded.next_poll`,
				st.NodeID, 0, fmtTime(st.LastAttempt), timeOrEmpty(st.LastSuccess), st.Error, st.ConsecutiveFailures, st.Profile, timeOrEmpty(st.NextPoll))
			if err != nil {
				return fmt.Errorf("write node status: %w", err)
			}
		}
		up := 0
		for _, ifc := range w.Interfaces {
			if ifc.OperStatus == "up" {
				up++
			}
		}
		snap, err := json.Marshal(map[string]int{"interfaces_up": up, "interfaces_total": len(w.Interfaces)})
		if err != nil {
			return fmt.Errorf("encode status history: %w", err)
		}
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO status_history (id, node_id, time, reachable, version, error, snapshot)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, newID(), st.NodeID, fmtTime(st.LastAttempt), reach, st.Version, st.Error, string(snap)); err != nil {
			return fmt.Errorf("write status history: %w", err)
		}
	}
	return nil
}

// PruneStatusHistory deletes history older than the cutoff.
func (tx *Tx) PruneStatusHistory(ctx context.Context, before time.Time) error {
	_, err := tx.q.ExecContext(ctx, `DELETE FROM status_history WHERE time < $1`, fmtTime(before))
	return err
}

// ListInterfaces returns a node's polled interfaces by index.
func (r Reader) ListInterfaces(ctx context.Context, nodeID string) ([]unet.InterfaceStatus, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT data FROM interface_status WHERE node_id = $1 ORDER BY if_index`, nodeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []unet.InterfaceStatus{}
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var ifc unet.InterfaceStatus
		if err := json.Unmarshal([]byte(data), &ifc); err != nil {
			return nil, err
		}
		out = append(out, ifc)
	}
	return out, rows.Err()
}

// ListStatusHistory returns a node's history since a time, newest first.
func (r Reader) ListStatusHistory(ctx context.Context, nodeID string, since time.Time) ([]unet.StatusSnapshot, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT time, reachable, version, error, snapshot FROM status_history
		WHERE node_id = $1 AND time >= $2 ORDER BY time DESC, id DESC LIMIT 10000`, nodeID, fmtTime(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []unet.StatusSnapshot{}
	for rows.Next() {
		var s unet.StatusSnapshot
		var at, snap string
		var reach int
		if err := rows.Scan(&at, &reach, &s.Version, &s.Error, &snap); err != nil {
			return nil, err
		}
		s.Time, s.Reachable = parseTime(at), reach != 0
		var m map[string]int
		if err := json.Unmarshal([]byte(snap), &m); err != nil {
			return nil, fmt.Errorf("decode status history of %s at %s: %w", nodeID, at, err)
		}
		s.InterfacesUp, s.InterfacesTotal = m["interfaces_up"], m["interfaces_total"]
		out = append(out, s)
	}
	return out, rows.Err()
}

// AllInterfaces returns the polled interfaces of every node as JSON documents,
// grouped by node ID, in interface index order.
func (r Reader) AllInterfaces(ctx context.Context) (map[string][]json.RawMessage, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT node_id, data FROM interface_status ORDER BY node_id, if_index`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]json.RawMessage{}
	for rows.Next() {
		var id, data string
		if err := rows.Scan(&id, &data); err != nil {
			return nil, err
		}
		out[id] = append(out[id], json.RawMessage(data))
	}
	return out, rows.Err()
}
