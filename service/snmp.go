package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/snmp"
	"github.com/unet-dev/unet/sqlstore"
)

// toSNMPProfile converts a stored profile into the poller's form.
func toSNMPProfile(p *unet.SNMPProfile) snmp.Profile {
	// The timeout was validated when the profile was stored; one that does
	// not parse (or is empty) means the poller's default.
	timeout, _ := time.ParseDuration(p.Timeout)
	return snmp.Profile{Name: p.Name, Version: snmp.Version(p.Version), CommunityRef: p.CommunityRef, User: p.User,
		AuthProto: snmp.AuthProto(p.AuthProto), AuthKeyRef: p.AuthKeyRef, PrivProto: snmp.PrivProto(p.PrivProto),
		PrivKeyRef: p.PrivKeyRef, Port: uint16(p.Port), Timeout: timeout, Retries: p.Retries, MaxRepetitions: p.MaxRepetitions}
}

// validateProfile checks a profile with the poller's rules and ours.
func validateProfile(p *unet.SNMPProfile) error {
	var fe []unet.FieldError
	switch _, ctl := unet.ControlChar(p.Name); {
	case p.Name == "" || strings.ContainsAny(p.Name, " /"):
		fe = append(fe, unet.FieldError{Field: "name", Message: "is required and may not contain spaces or '/'"})
	case utf8.RuneCountInString(p.Name) > unet.MaxKeyLen:
		fe = append(fe, unet.FieldError{Field: "name", Message: fmt.Sprintf("is %d characters long; the limit is %d", utf8.RuneCountInString(p.Name), unet.MaxKeyLen)})
	case ctl >= 0 || !utf8.ValidString(p.Name):
		fe = append(fe, unet.FieldError{Field: "name", Message: "must be valid UTF-8 without control characters (tab, newline, ESC, …)"})
	}
	if p.Port < 0 || p.Port > 65535 {
		fe = append(fe, unet.FieldError{Field: "port", Message: "must be 0..65535"})
	}
	for field, v := range map[string]string{"timeout": p.Timeout, "interval": p.Interval} {
		if v == "" {
			continue
		}
		if e := unet.CheckText(field, v, unet.MaxDurationLen); e != nil {
			fe = append(fe, *e)
			continue
		}
		if d, err := time.ParseDuration(v); err != nil || d < 0 {
			fe = append(fe, unet.FieldError{Field: field, Message: fmt.Sprintf("%q is not a duration such as 2s or 5m", v)})
		}
	}
	if err := toSNMPProfile(p).Validate(); err != nil {
		var ve *snmp.ValidationError
		if errors.As(err, &ve) {
			for _, f := range ve.Fields {
				if f.Field == "name" && fieldReported(fe, "name") {
					continue // already reported above
				}
				fe = append(fe, unet.FieldError{Field: f.Field, Message: f.Message})
			}
		} else {
			fe = append(fe, unet.FieldError{Message: err.Error()})
		}
	}
	if len(fe) > 0 {
		return unet.Invalid("invalid SNMP profile", fe...)
	}
	return nil
}

// fieldReported reports whether fe has a problem of field.
func fieldReported(fe []unet.FieldError, field string) bool {
	for _, e := range fe {
		if e.Field == field {
			return true
		}
	}
	return false
}

// CreateSNMPProfile stores a new profile (credentials as secret references).
func (s *Service) CreateSNMPProfile(ctx context.Context, p *unet.SNMPProfile, o unet.WriteOptions) (*unet.SNMPProfile, error) {
	p = unet.CloneJSON(p)
	p.Version = strings.TrimPrefix(strings.ToLower(p.Version), "v")
	if err := validateProfile(p); err != nil {
		return nil, err
	}
	if fe := s.checkRefs(secret.UseSNMP, []string{"community_ref", "auth_key_ref", "priv_key_ref"},
		map[string]string{"community_ref": p.CommunityRef, "auth_key_ref": p.AuthKeyRef, "priv_key_ref": p.PrivKeyRef}); len(fe) > 0 {
		return nil, unet.Invalid("invalid SNMP profile", fe...)
	}
	m := s.mutation(ctx, o.Reason)
	p.CreatedAt, p.UpdatedAt = m.now, m.now
	err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		if _, err := tx.Reader().GetSNMPProfile(ctx, p.Name); err == nil {
			return unet.Errorf(unet.ECONFLICT, "SNMP profile %s already exists", p.Name)
		}
		if err := tx.InsertSNMPProfile(ctx, p); err != nil {
			return err
		}
		return m.record(ctx, tx, "snmp_profile", p.Name, p.Name, unet.OpCreate, nil, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// ListSNMPProfiles lists profiles.
func (s *Service) ListSNMPProfiles(ctx context.Context) ([]unet.SNMPProfile, error) {
	return s.db.Reader().ListSNMPProfiles(ctx)
}

// GetSNMPProfile returns one profile.
func (s *Service) GetSNMPProfile(ctx context.Context, name string) (*unet.SNMPProfile, error) {
	return s.db.Reader().GetSNMPProfile(ctx, name)
}

// DeleteSNMPProfile deletes a profile no node or location names.
func (s *Service) DeleteSNMPProfile(ctx context.Context, name string, o unet.DeleteOptions) error {
	m := s.mutation(ctx, o.Reason)
	return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		r := tx.Reader()
		p, err := r.GetSNMPProfile(ctx, name)
		if err != nil {
			return err
		}
		users, err := r.SNMPProfileUsers(ctx, name, 10)
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return unet.Errorf(unet.ECONFLICT, "SNMP profile %s is in use by %s", name, strings.Join(users, ", "))
		}
		if err := tx.DeleteSNMPProfile(ctx, name); err != nil {
			return err
		}
		return m.record(ctx, tx, "snmp_profile", name, name, unet.OpDelete, p, nil)
	})
}

// effectiveProfile resolves a node's profile: its own, else its nearest
// location's, else "default".
func effectiveProfile(n *unet.Node, locs map[string]*unet.Location) string {
	if n.SNMPProfile != "" {
		return n.SNMPProfile
	}
	for l := locs[n.LocationID]; l != nil; l = locs[l.ParentID] {
		if l.SNMPProfile != "" {
			return l.SNMPProfile
		}
	}
	return unet.DefaultSNMPProfile
}

// PollNode polls one node now, stores what it got and returns its status.
func (s *Service) PollNode(ctx context.Context, ref, profile string) (*unet.NodeStatus, error) {
	r := s.db.Reader()
	n, err := s.findNodeIn(ctx, unet.PermSNMPPoll, ref)
	if err != nil {
		return nil, err
	}
	if n.MgmtIP == "" {
		return nil, unet.Invalid("cannot poll", unet.FieldError{Field: "mgmt_ip", Message: "node " + n.FQDN + " has no management address"})
	}
	if profile == "" {
		inv, err := s.loadInventory(ctx, false)
		if err != nil {
			return nil, err
		}
		profile = effectiveProfile(n, inv.locations)
	}
	p, err := r.GetSNMPProfile(ctx, profile)
	if err != nil {
		return nil, unet.Errorf(unet.EINVALID, "SNMP profile %q not found (create it with `unet snmp profile add`)", profile)
	}
	target := snmp.Target{ID: n.ID, Name: n.FQDN, Host: n.MgmtIP}
	start, t0 := s.now(), time.Now()
	res, perr := snmp.Poll(ctx, s.Secrets(secret.UseSNMP), target, toSNMPProfile(p))
	observePoll(perr, time.Since(t0))
	prev, err := r.GetNodeStatus(ctx, n.ID)
	if err != nil && unet.ErrorCode(err) != unet.ENOTFOUND {
		return nil, err
	}
	w := statusWrite(n.ID, n.FQDN, profile, start, res, perr, prev, nil)
	if err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		// The reachability before, read in the transaction so that two
		// polls at once flip it (and emit its event) once.
		before, err := tx.Reader().GetNodeStatus(ctx, n.ID)
		if err != nil && unet.ErrorCode(err) != unet.ENOTFOUND {
			return err
		}
		if before != nil {
			emitSNMPFlip(tx, &w.Status, before.Reachable)
		}
		return tx.WriteStatuses(ctx, []sqlstore.StatusWrite{w}, newID)
	}); err != nil {
		return nil, err
	}
	st := w.Status
	if perr != nil {
		// A credential that cannot be resolved is a configuration error
		// (66); an agent that does not answer may answer later (75).
		code := unet.EUNAVAILABLE
		if isSecretConfigError(perr) {
			code = unet.EINVALID
		}
		return &st, &unet.Error{Code: code, Message: fmt.Sprintf("poll %s: %v", n.FQDN, perr), Err: perr}
	}
	return &st, nil
}

// statusWrite converts a poll outcome into stored state.
func statusWrite(nodeID, name, profile string, at time.Time, res *snmp.PollResult, perr error, prev *unet.NodeStatus, next *time.Time) sqlstore.StatusWrite {
	st := unet.NodeStatus{NodeID: nodeID, Node: name, LastAttempt: at, Profile: profile, NextPoll: next}
	if perr != nil || res == nil {
		st.Reachable = false
		if perr != nil {
			st.Error = perr.Error()
		}
		st.ConsecutiveFailures = 1
		if prev != nil {
			st.ConsecutiveFailures = prev.ConsecutiveFailures + 1
			st.LastSuccess = prev.LastSuccess
		}
		return sqlstore.StatusWrite{Status: st}
	}
	st.Reachable = true
	ok := at
	st.LastSuccess = &ok
	st.System = unet.SystemInfo{Descr: res.System.Descr, ObjectID: res.System.ObjectID, Name: res.System.Name,
		Contact: res.System.Contact, Location: res.System.Location, UptimeSeconds: int64(res.System.UpTime / time.Second)}
	st.Vendor, st.Platform, st.Version = res.Vendor, string(res.Platform), res.Version
	st.CPUPercent, st.MemoryUsed, st.MemoryTotal = res.CPUPercent, res.MemoryUsed, res.MemoryTotal
	ifs := make([]unet.InterfaceStatus, 0, len(res.Interfaces))
	for _, i := range res.Interfaces {
		// snmp.Interface and unet.InterfaceStatus share their JSON form of
		// strings, integers and a time the poller computed: the copy through
		// JSON cannot fail.
		b, _ := json.Marshal(i)
		var is unet.InterfaceStatus
		_ = json.Unmarshal(b, &is)
		ifs = append(ifs, is)
	}
	return sqlstore.StatusWrite{Status: st, Interfaces: ifs}
}

// GetNodeStatus returns a node's polled state.
func (s *Service) GetNodeStatus(ctx context.Context, ref string) (*unet.NodeStatus, error) {
	n, err := s.findNodeIn(ctx, unet.PermSNMPRead, ref)
	if err != nil {
		return nil, err
	}
	st, err := s.db.Reader().GetNodeStatus(ctx, n.ID)
	if err != nil {
		return nil, unet.Errorf(unet.ENOTFOUND, "node %s has not been polled yet (unet snmp poll %s)", n.FQDN, n.Name)
	}
	return st, nil
}

// ListNodeInterfaces returns a node's polled interfaces.
func (s *Service) ListNodeInterfaces(ctx context.Context, ref string) ([]unet.InterfaceStatus, error) {
	n, err := s.findNodeIn(ctx, unet.PermSNMPRead, ref)
	if err != nil {
		return nil, err
	}
	return s.db.Reader().ListInterfaces(ctx, n.ID)
}

// ListNodeHistory returns a node's status history since a time.
func (s *Service) ListNodeHistory(ctx context.Context, ref string, since time.Time) ([]unet.StatusSnapshot, error) {
	n, err := s.findNodeIn(ctx, unet.PermSNMPRead, ref)
	if err != nil {
		return nil, err
	}
	return s.db.Reader().ListStatusHistory(ctx, n.ID, since)
}

// ListDrift lists nodes whose detected version differs from software_version.
func (s *Service) ListDrift(ctx context.Context) ([]unet.DriftEntry, error) {
	r := s.db.Reader()
	sts, err := r.ListNodeStatuses(ctx)
	if err != nil {
		return nil, err
	}
	out := []unet.DriftEntry{}
	for _, st := range sts {
		if st.Version == "" || st.LastSuccess == nil {
			continue
		}
		n, err := r.GetNode(ctx, st.NodeID)
		if err != nil || n.SoftwareVersion == "" || snmp.SameVersion(n.SoftwareVersion, st.Version) {
			continue
		}
		out = append(out, unet.DriftEntry{Node: n.FQDN, Platform: n.Platform, DesiredVersion: n.SoftwareVersion,
			DetectedVersion: st.Version, LastSuccess: *st.LastSuccess})
	}
	return s.driftInScope(ctx, out)
}

// SNMPTargets lists what the scheduler polls: every live node with a
// management address, with its effective profile. Nodes whose profile does not
// exist are skipped.
func (s *Service) SNMPTargets(ctx context.Context) ([]snmp.Assignment, error) {
	inv, err := s.loadInventory(ctx, false)
	if err != nil {
		return nil, err
	}
	profiles, err := s.db.Reader().ListSNMPProfiles(ctx)
	if err != nil {
		return nil, err
	}
	byName := map[string]*unet.SNMPProfile{}
	for i := range profiles {
		byName[profiles[i].Name] = &profiles[i]
	}
	due, err := s.db.Reader().SNMPNextPolls(ctx)
	if err != nil {
		return nil, err
	}
	var out []snmp.Assignment
	for i := range inv.nodes {
		n := &inv.nodes[i]
		if n.Lifecycle != unet.LifecycleLive || n.MgmtIP == "" {
			continue
		}
		p := byName[effectiveProfile(n, inv.locations)]
		if p == nil {
			continue
		}
		t := snmp.Target{ID: n.ID, Name: n.FQDN, Host: n.MgmtIP}
		if d, err := time.ParseDuration(p.Interval); err == nil {
			t.Interval = d
		}
		// A node overrides its profile's interval with custom_data.snmp_interval.
		if v, ok := n.CustomData["snmp_interval"].(string); ok {
			if d, err := time.ParseDuration(v); err == nil && d > 0 {
				t.Interval = d
			}
		}
		out = append(out, snmp.Assignment{Target: t, Profile: toSNMPProfile(p), Due: due[n.ID]})
	}
	return out, nil
}

// statusSource adapts the service to snmp.TargetSource.
type statusSource struct{ s *Service }

func (ss statusSource) Targets(ctx context.Context) ([]snmp.Assignment, error) {
	return ss.s.SNMPTargets(ctx)
}

// statusSink writes each poll cycle as one transaction and prunes history.
type statusSink struct {
	s         *Service
	retention time.Duration
}

func (ss statusSink) WriteBatch(ctx context.Context, b snmp.Batch) error {
	prev := map[string]*unet.NodeStatus{}
	if sts, err := ss.s.db.Reader().ListNodeStatuses(ctx); err == nil {
		for i := range sts {
			prev[sts[i].NodeID] = &sts[i]
		}
	}
	ws := make([]sqlstore.StatusWrite, 0, len(b.Outcomes))
	for _, o := range b.Outcomes {
		next := o.NextPoll
		w := statusWrite(o.Target.ID, o.Target.Name, o.Profile, o.Attempted, o.Result, o.Err, prev[o.Target.ID], &next)
		w.Status.ConsecutiveFailures = o.ConsecutiveFailures
		ws = append(ws, w)
	}
	return ss.s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		// The reachability before this cycle, read in its transaction:
		// each flip emits one event, whoever wrote the state before.
		before, err := tx.Reader().SNMPReachability(ctx)
		if err != nil {
			return err
		}
		for i := range ws {
			if was, ok := before[ws[i].Status.NodeID]; ok {
				emitSNMPFlip(tx, &ws[i].Status, was)
			}
		}
		if err := tx.WriteStatuses(ctx, ws, newID); err != nil {
			return err
		}
		if ss.retention > 0 {
			return tx.PruneStatusHistory(ctx, b.Finished.Add(-ss.retention))
		}
		return nil
	})
}

// NewPollScheduler returns a scheduler that polls the inventory's live nodes
// (only this replica's share with PollOwned) and stores their derived
// state, keeping history for retention (0: forever).
func (s *Service) NewPollScheduler(opts snmp.Options, retention time.Duration, po ...PollOption) *snmp.Scheduler {
	opts.Secrets = s.Secrets(secret.UseSNMP)
	onOutcome := opts.OnOutcome
	opts.OnOutcome = func(o snmp.Outcome) {
		observePoll(o.Err, o.Duration)
		if onOutcome != nil {
			onOutcome(o)
		}
	}
	return snmp.NewScheduler(s.pollSource(po), statusSink{s: s, retention: retention}, opts)
}
