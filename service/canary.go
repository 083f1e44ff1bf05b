package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/sqlstore"
)

var _ unet.CanaryService = (*Service)(nil)

// Bounds of a canary.
const (
	// MaxCanaryTTL is the longest TTL a canary may have.
	MaxCanaryTTL = 30 * 24 * time.Hour
)

// CanaryEventData is the payload of the canary.* events.
type CanaryEventData struct {
	Canary *unet.Canary `json:"canary"`
	// Reason of canary.aborted: manual, ttl or abort_on.
	Reason  string              `json:"reason,omitempty"`
	Detail  string              `json:"detail,omitempty"`
	Summary *unet.CanarySummary `json:"summary,omitempty"`
}

// checkCanaryRequest validates what does not need the store and returns the
// TTL and the compiled selector and abort-on condition.
func (s *Service) checkCanaryRequest(req *unet.CanaryStartRequest) (time.Duration, error) {
	var fe []unet.FieldError
	if req.Name == "" {
		fe = append(fe, unet.FieldError{Field: "name", Message: "is required"})
	} else if !validCanaryName(req.Name) {
		fe = append(fe, unet.FieldError{Field: "name", Message: fmt.Sprintf("%q: use letters, digits, dot, dash and underscore (at most 128, starting with a letter or digit)", req.Name)})
	}
	if req.Source == "" {
		fe = append(fe, unet.FieldError{Field: "source", Message: "is required"})
	}
	named := 0
	for _, set := range []bool{req.Commit != "", req.Branch != "", len(req.Files) > 0} {
		if set {
			named++
		}
	}
	if named != 1 {
		fe = append(fe, unet.FieldError{Field: "candidate", Message: "give exactly one of commit, branch or files (--commit, --branch or --path)"})
	}
	if req.Commit != "" && !isCommitID(req.Commit) {
		fe = append(fe, unet.FieldError{Field: "commit", Message: fmt.Sprintf("%q is not a commit id: give a full or abbreviated (4+ hex digits) commit", req.Commit)})
	}
	if e := unet.CheckText("branch", req.Branch, unet.MaxPathLen); e != nil {
		fe = append(fe, *e)
	}
	if e := unet.CheckText("dir", req.Dir, unet.MaxPathLen); e != nil {
		fe = append(fe, *e)
	}
	var ttl time.Duration
	if req.TTL == "" {
		fe = append(fe, unet.FieldError{Field: "ttl", Message: "is required (a duration such as 2h)"})
	} else if d, err := time.ParseDuration(req.TTL); err != nil || d <= 0 || d > MaxCanaryTTL {
		fe = append(fe, unet.FieldError{Field: "ttl", Message: fmt.Sprintf("%q is not a duration between 1s and %s", req.TTL, MaxCanaryTTL)})
	} else {
		ttl = d
	}
	if strings.TrimSpace(req.Selector) == "" {
		fe = append(fe, unet.FieldError{Field: "selector", Message: "is required (a condition of the policy language, such as role == \"access\")"})
	} else if sel, err := policy.ParseSelector(req.Selector); err != nil {
		fe = append(fe, selectorErrors("selector", err)...)
	} else if sel.Kind() != policy.KindNode {
		fe = append(fe, unet.FieldError{Field: "selector", Message: fmt.Sprintf("selects %ss: a canary selects nodes (node.*, location.* fields)", sel.Kind())})
	}
	if req.AbortOn != "" {
		if _, err := parseAbortOn(req.AbortOn); err != nil {
			fe = append(fe, selectorErrors("abort_on", err)...)
		}
	}
	size := 0
	for i, f := range req.Files {
		if _, ok := cleanCanaryPath(f.Path); !ok {
			fe = append(fe, unet.FieldError{Field: fmt.Sprintf("files[%d].path", i), Message: fmt.Sprintf("%q must be a clean relative path inside the source", f.Path)})
		}
		size += len(f.Content)
	}
	if len(req.Files) > unet.MaxCanaryFiles || size > unet.MaxCanaryBytes {
		fe = append(fe, unet.FieldError{Field: "files", Message: fmt.Sprintf("%d files, %d bytes: at most %d files and %d bytes", len(req.Files), size, unet.MaxCanaryFiles, unet.MaxCanaryBytes)})
	}
	if len(fe) > 0 {
		return 0, unet.Invalid("invalid canary", fe...)
	}
	return ttl, nil
}

// validCanaryName reports whether name is a valid canary name: letters,
// digits, dot, dash and underscore, starting with a letter or digit, at
// most 128 characters.
func validCanaryName(name string) bool {
	if len(name) == 0 || len(name) > 128 || !utf8.ValidString(name) {
		return false
	}
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || i > 0 && (r == '.' || r == '-' || r == '_')
		if !ok {
			return false
		}
	}
	return true
}

// selectorErrors turns the positioned errors of a condition into field
// errors of field.
func selectorErrors(field string, err error) []unet.FieldError {
	var el policy.ErrorList
	if errors.As(err, &el) {
		out := make([]unet.FieldError, 0, len(el))
		for _, e := range el {
			out = append(out, unet.FieldError{Field: field, Message: fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)})
		}
		return out
	}
	return []unet.FieldError{{Field: field, Message: err.Error()}}
}

// StartCanary validates the candidate exactly like an activation, stores
// its content where every replica reads it, and starts serving it to the
// selected nodes of the environment, whose stored results are evaluated
// again at once.
func (s *Service) StartCanary(ctx context.Context, req unet.CanaryStartRequest) (*unet.Canary, error) {
	ttl, err := s.checkCanaryRequest(&req)
	if err != nil {
		return nil, err
	}
	if sc, err := s.scopeOf(ctx, unet.PermCanariesWrite); err != nil {
		return nil, err
	} else if sc != nil {
		// The selector reaches nodes of every scope, whose stored results
		// the canary changes.
		return nil, globalWrite(sc, "canary", req.Name)
	}
	src, err := s.db.Reader().GetGitSource(ctx, req.Source)
	if err != nil {
		return nil, err
	}
	if err := checkEnv(src, req.Environment); err != nil {
		return nil, err
	}
	env := gitsync.DefaultEnvironment
	if req.Environment != "" {
		env = req.Environment
	}
	st, err := loadGitState(ctx, s.db.Reader(), src.Name)
	if err != nil {
		return nil, err
	}
	if st.Environments[env].Commit == "" {
		return nil, unet.Errorf(unet.ECONFLICT, "Git source %s has no active commit in environment %s yet: a canary compares with the active version (run `unet git sync` first)", src.Name, env)
	}
	if active, err := s.activeCanaryOf(ctx, s.db.Reader(), src.Name, env); err != nil {
		return nil, err
	} else if active != nil {
		return nil, canaryBusy(active)
	}
	now := s.now()
	c := &unet.Canary{Name: req.Name, Source: src.Name, Environment: env, Selector: req.Selector, AbortOn: req.AbortOn,
		TTL: ttl.String(), ExpiresAt: now.Add(ttl), State: unet.CanaryActive, CreatedBy: unet.ActorFrom(ctx), CreatedAt: now}
	var content gitsync.SnapshotContent
	switch {
	case len(req.Files) > 0:
		c.CandidateKind, c.CandidateRef = unet.CanaryPath, req.Dir
		content, err = s.pathCandidate(ctx, src, req.Files)
	default:
		c.CandidateKind, c.CandidateRef = unet.CanaryCommit, req.Commit
		if req.Branch != "" {
			c.CandidateKind, c.CandidateRef = unet.CanaryBranch, req.Branch
		}
		content, c.Message, err = s.commitCandidate(ctx, src, req.Commit, req.Branch)
	}
	if err != nil {
		return nil, err
	}
	c.Commit, c.Snapshot = content.Commit, content.Name
	m := s.mutation(ctx, "canary start")
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		if active, err := s.activeCanaryOf(ctx, tx.Reader(), src.Name, env); err != nil {
			return err
		} else if active != nil {
			return canaryBusy(active)
		}
		if _, err := tx.Reader().GetCanary(ctx, c.Name); err == nil {
			return unet.Errorf(unet.ECONFLICT, "canary %s already exists (canary names are not reused: `unet canary list --all` shows them)", c.Name)
		}
		if err := putSnapshots(ctx, tx, src.Name, []gitsync.SnapshotContent{content}, now); err != nil {
			return err
		}
		if err := tx.InsertCanary(ctx, c); err != nil {
			if unet.ErrorCode(err) == unet.ECONFLICT {
				return unet.Errorf(unet.ECONFLICT, "Git source %s already has an active canary in environment %s: one canary per source and environment", src.Name, env)
			}
			return err
		}
		s.emitCanary(tx, unet.EventCanaryStarted, c, "", "", nil,
			fmt.Sprintf("Canary %s started: %s %s of %s (%s) on %s", c.Name, c.CandidateKind, shortHash(c.Commit), c.Source, c.Environment, c.Selector))
		return m.record(ctx, tx, unet.KindCanary, c.Name, c.Name, unet.OpCreate, nil, c)
	})
	if err != nil {
		return nil, err
	}
	if err := s.reevaluateCanaryNodes(ctx, c); err != nil {
		return c, err
	}
	return c, nil
}

func canaryBusy(active *unet.Canary) error {
	return unet.Errorf(unet.ECONFLICT, "Git source %s already has an active canary in environment %s (%s): one canary per source and environment; promote or abort it first",
		active.Source, active.Environment, active.Name)
}

// activeCanaryOf returns the active canary of a source and environment,
// nil when there is none.
func (s *Service) activeCanaryOf(ctx context.Context, r sqlstore.Reader, source, env string) (*unet.Canary, error) {
	list, err := r.ListCanaries(ctx, false)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].Source == source && list[i].Environment == env {
			return &list[i], nil
		}
	}
	return nil, nil
}

// commitCandidate fetches and validates a commit or branch tip of src.
func (s *Service) commitCandidate(ctx context.Context, src *unet.GitSource, commit, branch string) (gitsync.SnapshotContent, string, error) {
	sy, err := s.syncer()
	if err != nil {
		return gitsync.SnapshotContent{}, "", err
	}
	cand, err := sy.Candidate(withSourceDirs(ctx, src), toGitsync(src), commit, branch)
	if err != nil {
		return gitsync.SnapshotContent{}, "", gitError(err)
	}
	if len(cand.Problems) > 0 {
		return gitsync.SnapshotContent{}, "", gitError(&gitsync.RejectedError{Commit: cand.Commit, Errors: cand.Problems})
	}
	return gitsync.SnapshotContent{Name: cand.Snapshot, Commit: cand.Commit, Files: cand.Files}, cand.Message, nil
}

// pathCandidate builds a snapshot from pushed files and validates it like
// an activation.
func (s *Service) pathCandidate(ctx context.Context, src *unet.GitSource, files []unet.CanaryFile) (gitsync.SnapshotContent, error) {
	sorted := append([]unet.CanaryFile(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	h := sha256.New()
	out := gitsync.SnapshotContent{}
	seen := map[string]bool{}
	for _, f := range sorted {
		if seen[f.Path] {
			return out, unet.Invalid("invalid canary", unet.FieldError{Field: "files", Message: fmt.Sprintf("%s is given twice", f.Path)})
		}
		seen[f.Path] = true
		// A hash never fails to write.
		_, _ = fmt.Fprintf(h, "%s\x00%d\x00", f.Path, len(f.Content))
		_, _ = h.Write([]byte(f.Content))
		out.Files = append(out.Files, gitsync.SnapshotFile{Path: f.Path, Mode: gitsync.ModeRegular, Content: []byte(f.Content)})
	}
	digest := hex.EncodeToString(h.Sum(nil))
	out.Commit, out.Name = "sha256:"+digest, "canary-"+digest[:32]
	tmp, err := os.MkdirTemp("", "unet-canary-")
	if err != nil {
		return out, unet.Internal(err)
	}
	// Best effort: the directory is temporary.
	defer func() { _ = os.RemoveAll(tmp) }()
	dir := filepath.Join(tmp, "c")
	if err := gitsync.WriteSnapshotFiles(dir, out.Files); err != nil {
		return out, unet.Invalid("invalid canary", unet.FieldError{Field: "files", Message: err.Error()})
	}
	vctx := withSourceDirs(ctx, src)
	var problems []gitsync.ValidationError
	if src.Kind == unet.GitKindPolicies || src.Kind == unet.GitKindBoth {
		problems = append(problems, validatePolicySnapshot(vctx, dir)...)
	}
	if src.Kind == unet.GitKindTemplates || src.Kind == unet.GitKindBoth {
		problems = append(problems, validateTemplateSnapshot(vctx, dir)...)
	}
	for i := range problems {
		if rel, err := filepath.Rel(dir, problems[i].File); err == nil && filepath.IsAbs(problems[i].File) && filepath.IsLocal(rel) {
			problems[i].File = filepath.ToSlash(rel)
		}
	}
	if len(problems) > 0 {
		fe := make([]unet.FieldError, 0, len(problems))
		for _, v := range problems {
			fe = append(fe, unet.FieldError{Message: toValidationError(v).String()})
		}
		return out, &unet.Error{Code: unet.EINVALID, Message: "the candidate files failed validation; no canary was started", Fields: fe}
	}
	return out, nil
}

// emitCanary queues a canary event in tx.
func (s *Service) emitCanary(tx *sqlstore.Tx, typ string, c *unet.Canary, reason, detail string, sum *unet.CanarySummary, summary string) {
	cp := *c
	data, err := json.Marshal(CanaryEventData{Canary: &cp, Reason: reason, Detail: detail, Summary: sum})
	if err != nil {
		data = []byte("{}")
	}
	actor := c.CreatedBy
	if c.EndedBy != "" {
		actor = c.EndedBy
	}
	tx.Emit(unet.Event{Type: typ, Time: s.now(), Actor: actor, Subject: "canary/" + c.Name, Summary: summary, Data: data})
}

// GetCanary returns one canary.
func (s *Service) GetCanary(ctx context.Context, name string) (*unet.Canary, error) {
	return s.db.Reader().GetCanary(ctx, name)
}

// ListCanaries lists the active canaries, or every one with all.
func (s *Service) ListCanaries(ctx context.Context, all bool) ([]unet.Canary, error) {
	return s.db.Reader().ListCanaries(ctx, all)
}

// AbortCanary ends a canary by hand: its nodes go back to the active
// version, their stored results are evaluated again at once.
func (s *Service) AbortCanary(ctx context.Context, name, reason string) (*unet.Canary, error) {
	if e := unet.CheckText("reason", reason, unet.MaxTextLen); e != nil {
		return nil, unet.Invalid("invalid reason", *e)
	}
	return s.endCanary(ctx, name, unet.CanaryAborted, unet.CanaryReasonManual, reason, nil)
}

// endCanary moves an active canary to state and, once committed, evaluates
// the nodes it served again with the active version.
func (s *Service) endCanary(ctx context.Context, name, state, reason, detail string, sum *unet.CanarySummary) (*unet.Canary, error) {
	return s.endCanaryWith(ctx, s.mutation(ctx, "canary "+reason), name, state, reason, detail, sum, nil)
}

// endCanaryWith is endCanary writing its change row under m; finish, when
// set, runs in the transaction that ends the canary.
func (s *Service) endCanaryWith(ctx context.Context, m mutation, name, state, reason, detail string, sum *unet.CanarySummary,
	finish func(tx *sqlstore.Tx, c *unet.Canary) error) (*unet.Canary, error) {
	var c *unet.Canary
	err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		before, err := tx.Reader().GetCanary(ctx, name)
		if err != nil {
			return err
		}
		if before.State != unet.CanaryActive {
			return unet.Errorf(unet.ECONFLICT, "canary %s is not active (it is %s)", name, before.State)
		}
		now := s.now()
		if err := tx.EndCanary(ctx, name, state, reason, detail, m.actor, now); err != nil {
			return err
		}
		if sum != nil {
			if err := tx.SetCanarySummary(ctx, name, sum); err != nil {
				return err
			}
		}
		c = unet.CloneJSON(before)
		c.State, c.EndReason, c.EndDetail, c.EndedBy, c.EndedAt = state, reason, detail, m.actor, &now
		if sum != nil {
			c.Summary = sum
		}
		typ, verb := unet.EventCanaryAborted, "aborted"
		switch {
		case state == unet.CanaryPromoted:
			typ, verb = unet.EventCanaryPromoted, "promoted"
		case reason == unet.CanaryReasonTTL:
			verb = "expired"
		case reason == unet.CanaryReasonAbortOn:
			verb = "aborted (" + detail + ")"
		}
		s.emitCanary(tx, typ, c, reason, detail, c.Summary, fmt.Sprintf("Canary %s %s: %s of %s (%s)", c.Name, verb, shortHash(c.Commit), c.Source, c.Environment))
		if err := m.record(ctx, tx, unet.KindCanary, c.Name, c.Name, state, before, c); err != nil {
			return err
		}
		if err := s.finishWrite(ctx, tx, m, nil); err != nil {
			return err
		}
		if finish != nil {
			return finish(tx, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.reevaluateCanaryNodes(ctx, c); err != nil {
		return c, err
	}
	return c, nil
}

// reevaluateCanaryNodes evaluates and stores the nodes of the canary's
// environment that its selector matches, with whatever serves them now.
func (s *Service) reevaluateCanaryNodes(ctx context.Context, c *unet.Canary) error {
	ids, err := s.canaryNodeIDs(ctx, c)
	if err != nil || len(ids) == 0 {
		return err
	}
	_, _, err = s.EvaluateIncremental(ctx, IncrementalRequest{Nodes: ids})
	if errors.Is(err, ErrNoPolicies) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("canary %s: evaluate its nodes again: %w", c.Name, err)
	}
	return nil
}

// canaryNodeIDs returns the IDs of the nodes a canary selects.
func (s *Service) canaryNodeIDs(ctx context.Context, c *unet.Canary) ([]string, error) {
	nodes, inv, err := s.canaryNodes(ctx, c)
	if err != nil || inv == nil {
		return nil, err
	}
	ids := make([]string, len(nodes))
	for i, n := range nodes {
		ids[i] = n.ID
	}
	return ids, nil
}

// canaryNodes returns the nodes a canary selects (ordered by FQDN) from
// the whole inventory.
func (s *Service) canaryNodes(ctx context.Context, c *unet.Canary) ([]*unet.Node, *inventory, error) {
	v, err := s.canaryView(ctx, c)
	if err != nil || v == nil {
		return nil, nil, err
	}
	inv, err := s.loadInventory(ctx, false)
	if err != nil {
		return nil, nil, err
	}
	var out []*unet.Node
	for i := range inv.nodes {
		if v.selects(inv, &inv.nodes[i]) {
			out = append(out, &inv.nodes[i])
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].FQDN < out[j].FQDN })
	return out, inv, nil
}
