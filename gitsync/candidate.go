package gitsync

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ErrDiverged is in the chain of FastForward's error when the branch is not
// an ancestor of the commit to move it to.
var ErrDiverged = errors.New("the branch has diverged from the commit")

// Candidate is a commit checked out and validated without being activated:
// the content a canary serves.
type Candidate struct {
	Commit   string
	Message  string
	Author   string
	Snapshot string
	// Files are the snapshot's files (relative to the source's
	// sub-directory), empty when Problems is not.
	Files []SnapshotFile
	// Problems are the validation errors: a candidate with any is refused.
	Problems []ValidationError
}

// Candidate fetches src and checks out commit (a full or abbreviated id)
// or, when commit is empty, the tip of branch, validates it as an
// activation would, and returns its files. Nothing is activated.
func (s *Syncer) Candidate(ctx context.Context, src Source, commit, branch string) (Candidate, error) {
	if err := src.Validate(); err != nil {
		return Candidate{}, err
	}
	m, unlock, err := s.lockedFetch(ctx, src)
	if err != nil {
		return Candidate{}, err
	}
	defer unlock()
	var c *object.Commit
	if commit != "" {
		c, err = m.commit(commit)
	} else {
		if !validRefName(branch) {
			return Candidate{}, fmt.Errorf("%q is not a branch name", branch)
		}
		c, err = m.tip(Environment{Ref: plumbing.NewBranchReferenceName(branch)})
	}
	if err != nil {
		return Candidate{}, fmt.Errorf("source %s: %w", src.Name, err)
	}
	info := describe(c)
	out := Candidate{Commit: info.Hash, Message: info.Message, Author: info.Author}
	snap, problems, err := s.buildValidated(ctx, m, src, c)
	if err != nil {
		return out, err
	}
	out.Snapshot = snap.name
	if len(problems) > 0 {
		out.Problems = problems
		return out, nil
	}
	release, ok := s.hold(snap.dir)
	if !ok {
		return out, fmt.Errorf("snapshot of commit %s disappeared", short(info.Hash))
	}
	defer release()
	out.Files, err = readSnapshotDir(snap.dir)
	return out, err
}

// FastForward moves the branch of environment env of src to commit and
// pushes it, then syncs env so that the commit activates through the
// normal validated path. The branch must be an ancestor of the commit
// (ErrDiverged otherwise); nothing is force-pushed.
func (s *Syncer) FastForward(ctx context.Context, src Source, env, commit string) (PromoteResult, error) {
	e := src.Environment(env)
	res := PromoteResult{Source: src.Name, From: commit, To: e.Name, Branch: e.Branch(), Commit: commit}
	if err := src.Validate(); err != nil {
		return res, err
	}
	if res.Branch == "" {
		return res, fmt.Errorf("source %s: environment %s %w", src.Name, e.Name, ErrNoBranch)
	}
	m, unlock, err := s.lockedFetch(ctx, src)
	if err != nil {
		return res, err
	}
	defer unlock()
	c, err := m.commit(commit)
	if err != nil {
		return res, err
	}
	res.Commit = c.Hash.String()
	ref, err := m.repo.Reference(plumbing.NewRemoteReferenceName(remoteName, res.Branch), true)
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
		res.Kind = PromoteFastForward
	case err != nil:
		return res, fmt.Errorf("read branch %s: %w", res.Branch, err)
	default:
		res.TargetBefore = ref.Hash().String()
		tip, err := m.commitObject(ref.Hash())
		if err != nil {
			return res, err
		}
		switch ok, err := tip.IsAncestor(c); {
		case err != nil:
			return res, err
		case tip.Hash == c.Hash:
			res.Kind = PromoteUpToDate
		case ok:
			res.Kind = PromoteFastForward
		default:
			res.Kind = PromoteConflict
			return res, fmt.Errorf("branch %s of source %s is at %s, which is not an ancestor of %s: %w",
				res.Branch, src.Name, short(res.TargetBefore), short(res.Commit), ErrDiverged)
		}
	}
	if res.Kind == PromoteFastForward {
		if err := s.push(ctx, m, c.Hash, res.Branch, res.TargetBefore); err != nil {
			return res, err
		}
		res.TargetAfter = res.Commit
		if err := m.repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewRemoteReferenceName(remoteName, res.Branch), c.Hash)); err != nil {
			return res, fmt.Errorf("record pushed branch %s: %w", res.Branch, err)
		}
	}
	sync, err := s.syncLocked(ctx, src, SyncOptions{Trigger: TriggerPromote, Environments: []string{e.Name}})
	if he, ok := sync.Env(e.Name); ok {
		res.Activation = &he
	}
	return res, err
}
