package service

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync"
	"github.com/unet-dev/unet/sqlstore"
)

// PromoteCanary makes the canary's candidate the environment's active
// version (see promoteCanaryNow).
func (s *Service) PromoteCanary(ctx context.Context, name string) (*unet.Canary, error) {
	c, err := s.db.Reader().GetCanary(ctx, name)
	if err != nil {
		return nil, err
	}
	if c.State != unet.CanaryActive {
		return nil, unet.Errorf(unet.ECONFLICT, "canary %s is not active (it is %s)", name, c.State)
	}
	return s.promoteCanaryNow(ctx, c)
}

// promoteCanaryNow moves the environment's branch to the candidate (a
// commit or branch candidate: fast-forward only; a path candidate: a commit
// of its files as the actor), pushes it and syncs, so the candidate
// activates through the normal validated path; then the canary ends as
// promoted and every node is evaluated again.
func (s *Service) promoteCanaryNow(ctx context.Context, c *unet.Canary) (*unet.Canary, error) {
	src, err := s.db.Reader().GetGitSource(ctx, c.Source)
	if err != nil {
		return nil, err
	}
	sy, err := s.syncer()
	if err != nil {
		return nil, err
	}
	gctx := withSourceDirs(withGitTrigger(ctx, string(gitsync.TriggerPromote)), src)
	var activated string
	switch c.CandidateKind {
	case unet.CanaryPath:
		if activated, err = s.commitCanaryFiles(gctx, sy, src, c); err != nil {
			return nil, err
		}
	default:
		res, err := sy.FastForward(gctx, toGitsync(src), c.Environment, c.Commit)
		if errors.Is(err, gitsync.ErrDiverged) {
			return nil, &unet.Error{Code: unet.ECONFLICT, Err: err, Message: fmt.Sprintf(
				"cannot promote canary %s: %v; nothing was pushed (merge the candidate into the branch and start a canary of the merge)", c.Name, err)}
		}
		if err != nil {
			return nil, gitError(err)
		}
		if res.TargetAfter != "" {
			m := s.mutation(ctx, "canary promote "+c.Name)
			before := map[string]any{"environment": c.Environment, "branch": res.Branch, "commit": res.TargetBefore}
			if err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
				return m.record(ctx, tx, unet.KindGitSource, src.Name, src.Name, unet.OpPromote, before, promoteResult(res))
			}); err != nil {
				return nil, err
			}
		}
		if a := res.Activation; a != nil && a.Outcome == gitsync.OutcomeRejected {
			return nil, gitError(&gitsync.RejectedError{Commit: a.Commit, Errors: a.Errors})
		}
		activated = c.Commit
	}
	st, err := loadGitState(ctx, s.db.Reader(), src.Name)
	if err != nil {
		return nil, err
	}
	if es := st.Environments[c.Environment]; c.CandidateKind != unet.CanaryPath && es.Commit != c.Commit {
		msg := fmt.Sprintf("canary %s: the branch was moved to %s but environment %s is at %s", c.Name, shortHash(c.Commit), c.Environment, shortHash(es.Commit))
		if es.Pinned {
			msg += " (it is pinned: `unet git unpin` it)"
		}
		return nil, unet.Errorf(unet.ECONFLICT, "%s; the canary stays active", msg)
	} else if c.CandidateKind == unet.CanaryPath && es.Commit != activated {
		msg := fmt.Sprintf("canary %s: the files were committed as %s but environment %s is at %s", c.Name, shortHash(activated),
			c.Environment, shortHash(es.Commit))
		if es.Pinned {
			msg += " (it is pinned: `unet git unpin` it)"
		}
		return nil, unet.Errorf(unet.ECONFLICT, "%s; the canary stays active", msg)
	}
	out, err := s.endCanary(ctx, c.Name, unet.CanaryPromoted, unet.CanaryReasonPromoted, "active commit "+shortHash(activated), c.Summary)
	if err != nil {
		return out, err
	}
	// Every node of the environment now sees the candidate.
	if _, err := s.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true}); err != nil && !errors.Is(err, ErrNoPolicies) {
		return out, fmt.Errorf("canary %s promoted; evaluating the inventory again failed: %w", c.Name, err)
	}
	return out, nil
}

// commitCanaryFiles commits the files of a path candidate to the
// environment's branch as the actor (one commit per top-level directory of
// the files) and syncs; it returns the branch's commit with the files.
func (s *Service) commitCanaryFiles(ctx context.Context, sy *gitsync.Syncer, src *unet.GitSource, c *unet.Canary) (string, error) {
	_, files, err := s.db.Reader().GitSnapshot(ctx, c.Source, c.Snapshot)
	if err != nil {
		return "", unet.Errorf(unet.EUNAVAILABLE, "canary %s: candidate content: %v", c.Name, err)
	}
	byDir := map[string]map[string][]byte{}
	for _, f := range files {
		dir, rest, ok := strings.Cut(f.Path, "/")
		if !ok {
			return "", unet.Errorf(unet.EINVALID, "canary %s: file %s is at the top of the source: promotion commits directories (put rules under policies/ and templates under templates/)", c.Name, f.Path)
		}
		if byDir[dir] == nil {
			byDir[dir] = map[string][]byte{}
		}
		byDir[dir][rest] = f.Content
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	actor := unet.ActorFrom(ctx)
	m := s.mutation(ctx, "canary promote "+c.Name)
	tip := ""
	for _, d := range dirs {
		res, err := sy.Export(ctx, toGitsync(src), byDir[d], gitsync.ExportOptions{Environment: c.Environment, Dir: d,
			AuthorName: actor, AuthorEmail: actor + "@unet", Message: fmt.Sprintf("Promote canary %s: %s/\n", c.Name, d)})
		if err != nil {
			return "", gitError(err)
		}
		tip = res.Commit
		if res.Changed {
			out := &unet.GitExportResult{Source: res.Source, Branch: res.Branch, Commit: res.Commit, Parent: res.Parent, Changed: true, Files: res.Files}
			if err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
				return m.record(ctx, tx, unet.KindGitSource, src.Name, src.Name, unet.OpPromote, nil, out)
			}); err != nil {
				return "", err
			}
		}
	}
	if _, err := s.SyncGitSource(ctx, src.Name, string(gitsync.TriggerPromote)); err != nil {
		return "", err
	}
	return tip, nil
}
