package gitsync

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Prefer resolves files both sides of a promotion changed.
type Prefer string

// The ways to resolve promotion conflicts.
const (
	// PreferNone stops the promotion on conflicts.
	PreferNone Prefer = ""
	// PreferSource takes the promoted (from) environment's version of each
	// conflicting file.
	PreferSource Prefer = "source"
	// PreferTarget keeps the target (to) environment's version.
	PreferTarget Prefer = "target"
)

// PromoteKind says how the target branch was moved.
type PromoteKind string

// The kinds of promotion.
const (
	// PromoteUpToDate: the target branch already contains the commit.
	PromoteUpToDate PromoteKind = "up_to_date"
	// PromoteFastForward: the target branch was moved to the commit.
	PromoteFastForward PromoteKind = "fast_forward"
	// PromoteMerge: a merge commit of both branches was pushed.
	PromoteMerge PromoteKind = "merge"
	// PromoteConflict: both sides changed the same files; nothing pushed.
	PromoteConflict PromoteKind = "conflict"
)

// PromoteOptions tune a promotion.
type PromoteOptions struct {
	// Prefer resolves conflicting files wholesale; PreferNone stops.
	Prefer Prefer
	// AuthorName and AuthorEmail sign a merge commit (the actor); default
	// "unet" <unet@localhost>.
	AuthorName, AuthorEmail string
	// Message of a merge commit; a default names both environments.
	Message string
	// Commit, when set, is the commit of From the caller means to promote
	// (recorded when the promotion was approved): when From's active
	// commit is another one now, Promote returns ErrSourceMoved and
	// pushes nothing.
	Commit string
}

// Conflict is a file both sides of a promotion changed differently since
// their merge base. Hashes are Git blob ids; "" means the file does not
// exist on that side.
type Conflict struct {
	Path       string `json:"path"`
	SourceHash string `json:"source_hash"`
	TargetHash string `json:"target_hash"`
	BaseHash   string `json:"base_hash,omitempty"`
}

// PromoteResult is what a promotion did.
type PromoteResult struct {
	Source string      `json:"source"`
	From   string      `json:"from"`
	To     string      `json:"to"`
	Branch string      `json:"branch"`
	Kind   PromoteKind `json:"kind"`
	// Commit is the validated commit of From that was promoted.
	Commit string `json:"commit"`
	// TargetBefore and TargetAfter are the target branch tips before and
	// after; TargetAfter is empty when nothing was pushed.
	TargetBefore string `json:"target_before,omitempty"`
	TargetAfter  string `json:"target_after,omitempty"`
	// Conflicts lists the files both sides changed; with Prefer set they
	// are the files resolved that way.
	Conflicts []Conflict `json:"conflicts,omitempty"`
	// Activation is the sync of the target environment after the push.
	Activation *HistoryEntry `json:"activation,omitempty"`
}

// Promote moves environment to's branch to environment from's active
// (validated) commit and pushes it: a fast-forward when possible; when the
// branches diverged, a merge commit (first parent the target) if the files
// changed on each side since the merge base are disjoint, or if opts.Prefer
// resolves the files both changed. Otherwise it returns ErrConflict with the
// conflicting files in the result and pushes nothing. A merge commit is
// validated before it is pushed. The push only succeeds if the target
// branch did not move meanwhile. After the push the target environment is
// synced (its activation is in the result).
func (s *Syncer) Promote(ctx context.Context, src Source, from, to string, opts PromoteOptions) (PromoteResult, error) {
	res := PromoteResult{Source: src.Name, From: from, To: to}
	if err := src.Validate(); err != nil {
		return res, err
	}
	if opts.Prefer != PreferNone && opts.Prefer != PreferSource && opts.Prefer != PreferTarget {
		return res, fmt.Errorf("prefer %q: use source or target", opts.Prefer)
	}
	fromEnv, toEnv, err := promotionEnvs(src, from, to)
	if err != nil {
		return res, err
	}
	res.Branch = toEnv.Branch()
	unlock, err := s.lock(ctx, src.Name, true)
	if err != nil {
		return res, err
	}
	defer unlock()

	st, err := s.store.LoadState(ctx, src.Name)
	if err != nil {
		return res, err
	}
	fes := st.Environments[fromEnv.Name]
	if fes.Commit == "" {
		return res, fmt.Errorf("promote %s from %s: %w", src.Name, from, ErrNoActive)
	}
	res.Commit = fes.Commit
	if opts.Commit != "" && opts.Commit != fes.Commit {
		return res, fmt.Errorf("promote %s from %s: %w: %s is active there now, not %s", src.Name, from, ErrSourceMoved, short(fes.Commit), short(opts.Commit))
	}
	m, err := s.openMirror(src)
	if err != nil {
		return res, err
	}
	if err := s.fetch(ctx, m); err != nil {
		return res, err
	}
	fromC, err := m.commitObject(plumbing.NewHash(fes.Commit))
	if err != nil {
		return res, err
	}

	var push plumbing.Hash
	targetRef, err := m.repo.Reference(plumbing.NewRemoteReferenceName(remoteName, res.Branch), true)
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
		// The target branch does not exist yet: create it at the commit.
		res.Kind, push = PromoteFastForward, fromC.Hash
	case err != nil:
		return res, fmt.Errorf("read branch %s: %w", res.Branch, err)
	default:
		res.TargetBefore = targetRef.Hash().String()
		targetC, err := m.commitObject(targetRef.Hash())
		if err != nil {
			return res, err
		}
		push, err = s.planPromotion(ctx, m, src, fromC, targetC, opts, &res)
		if err != nil {
			return res, err
		}
	}
	if res.Kind == PromoteUpToDate {
		return res, nil
	}
	if err := s.push(ctx, m, push, res.Branch, res.TargetBefore); err != nil {
		return res, err
	}
	res.TargetAfter = push.String()
	if err := m.repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewRemoteReferenceName(remoteName, res.Branch), push)); err != nil {
		return res, fmt.Errorf("record pushed branch %s: %w", res.Branch, err)
	}
	sync, err := s.syncLocked(ctx, src, SyncOptions{Trigger: TriggerPromote, Environments: []string{toEnv.Name}})
	if e, ok := sync.Env(toEnv.Name); ok {
		res.Activation = &e
	}
	return res, err
}

// promotionEnvs checks that from and to are distinct environments of src
// and that to follows a branch.
func promotionEnvs(src Source, from, to string) (Environment, Environment, error) {
	find := func(name string) (Environment, bool) {
		if name == "" {
			name = DefaultEnvironment
		}
		for _, e := range src.EnvironmentList() {
			if e.Name == name {
				return e, true
			}
		}
		return Environment{}, false
	}
	fe, ok := find(from)
	if !ok {
		return fe, fe, fmt.Errorf("source %s has no environment %q", src.Name, from)
	}
	te, ok := find(to)
	if !ok {
		return fe, te, fmt.Errorf("source %s has no environment %q", src.Name, to)
	}
	if fe.Name == te.Name {
		return fe, te, fmt.Errorf("promote %s: from and to are the same environment", src.Name)
	}
	if te.Branch() == "" {
		return fe, te, fmt.Errorf("promote %s: environment %s does not follow a branch", src.Name, to)
	}
	return fe, te, nil
}

// planPromotion decides how to move target to include from and returns the
// commit to push (creating and validating a merge commit when needed).
func (s *Syncer) planPromotion(ctx context.Context, m *mirror, src Source, fromC, targetC *object.Commit, opts PromoteOptions, res *PromoteResult) (plumbing.Hash, error) {
	if fromC.Hash == targetC.Hash {
		res.Kind = PromoteUpToDate
		return plumbing.ZeroHash, nil
	}
	if ok, err := targetC.IsAncestor(fromC); err != nil {
		return plumbing.ZeroHash, err
	} else if ok {
		res.Kind = PromoteFastForward
		return fromC.Hash, nil
	}
	if ok, err := fromC.IsAncestor(targetC); err != nil {
		return plumbing.ZeroHash, err
	} else if ok {
		res.Kind = PromoteUpToDate
		return plumbing.ZeroHash, nil
	}

	base := map[string]treeFile{}
	bases, err := fromC.MergeBase(targetC)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("merge base: %w", err)
	}
	if len(bases) > 0 {
		if base, err = commitEntries(bases[0]); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	fromFiles, err := commitEntries(fromC)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	targetFiles, err := commitEntries(targetC)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	merged, conflicts := mergeFiles(base, fromFiles, targetFiles, opts.Prefer)
	res.Conflicts = conflicts
	if len(conflicts) > 0 && opts.Prefer == PreferNone {
		res.Kind = PromoteConflict
		return plumbing.ZeroHash, fmt.Errorf("promote %s from %s to %s: %w: %d file(s)", src.Name, res.From, res.To, ErrConflict, len(conflicts))
	}
	treeHash, err := buildTree(m.repo.Storer, merged)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	sig := object.Signature{Name: opts.AuthorName, Email: opts.AuthorEmail, When: s.clock()}
	if sig.Name == "" {
		sig.Name = "unet"
	}
	if sig.Email == "" {
		sig.Email = "unet@localhost"
	}
	msg := opts.Message
	if msg == "" {
		msg = fmt.Sprintf("Promote %s (%s) into %s\n", res.From, short(fromC.Hash.String()), res.To)
	}
	mergeC := &object.Commit{
		Author: sig, Committer: sig, Message: msg, TreeHash: treeHash,
		ParentHashes: []plumbing.Hash{targetC.Hash, fromC.Hash},
	}
	obj := m.repo.Storer.NewEncodedObject()
	if err := mergeC.Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode merge commit: %w", err)
	}
	h, err := m.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("store merge commit: %w", err)
	}
	if err := s.validateCommit(ctx, m, src, h); err != nil {
		return plumbing.ZeroHash, err
	}
	res.Kind = PromoteMerge
	return h, nil
}

// validateCommit builds the snapshot of commit h and runs the validators;
// the snapshot stays for the activation that follows.
func (s *Syncer) validateCommit(ctx context.Context, m *mirror, src Source, h plumbing.Hash) error {
	c, err := m.commitObject(h)
	if err != nil {
		return err
	}
	_, problems, err := s.buildValidated(ctx, m, src, c)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return &RejectedError{Commit: h.String(), Errors: problems}
	}
	return nil
}

func commitEntries(c *object.Commit) (map[string]treeFile, error) {
	tree, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("read tree of commit %s: %w", c.Hash, err)
	}
	return listEntries(tree)
}

// mergeFiles merges the file sets of both sides relative to base: files
// changed on one side only take that side's version; files changed on both
// sides to different results are conflicts, resolved by prefer (or left at
// the target's version when prefer is PreferNone).
func mergeFiles(base, from, target map[string]treeFile, prefer Prefer) (map[string]treeFile, []Conflict) {
	merged := make(map[string]treeFile, len(target))
	for p, f := range target {
		merged[p] = f
	}
	paths := map[string]bool{}
	for p := range base {
		paths[p] = true
	}
	for p := range from {
		paths[p] = true
	}
	for p := range target {
		paths[p] = true
	}
	var conflicts []Conflict
	for p := range paths {
		b, inBase := base[p]
		f, inFrom := from[p]
		t, inTarget := target[p]
		fromChanged := inFrom != inBase || f != b
		targetChanged := inTarget != inBase || t != b
		if !fromChanged {
			continue
		}
		if targetChanged && (inFrom != inTarget || f != t) {
			conflicts = append(conflicts, Conflict{Path: p, SourceHash: hashOf(f, inFrom), TargetHash: hashOf(t, inTarget), BaseHash: hashOf(b, inBase)})
			if prefer != PreferSource {
				continue
			}
		}
		if inFrom {
			merged[p] = f
		} else {
			delete(merged, p)
		}
	}
	sort.Slice(conflicts, func(i, j int) bool { return conflicts[i].Path < conflicts[j].Path })
	return merged, conflicts
}

func hashOf(f treeFile, ok bool) string {
	if !ok {
		return ""
	}
	return f.Hash.String()
}

// push updates branch on the remote to commit h, but only if the branch is
// still at expected (empty: the branch must not exist) — never a force
// push.
func (s *Syncer) push(ctx context.Context, m *mirror, h plumbing.Hash, branch, expected string) error {
	auth, err := s.authMethod(ctx, m.src)
	if err != nil {
		return remoteError(m.src.Name, "push", err)
	}
	local := plumbing.ReferenceName("refs/unet/promote/" + branch)
	if err := m.repo.Storer.SetReference(plumbing.NewHashReference(local, h)); err != nil {
		return fmt.Errorf("prepare push: %w", err)
	}
	// The temporary reference only names the commit for the push; a failure
	// to remove it leaves a harmless ref that the next push overwrites.
	defer func() { _ = m.repo.Storer.RemoveReference(local) }()
	dst := plumbing.NewBranchReferenceName(branch)
	opts := &git.PushOptions{
		RemoteName: remoteName,
		RefSpecs:   []config.RefSpec{config.RefSpec(local.String() + ":" + dst.String())},
		Auth:       auth,
	}
	if expected != "" {
		opts.RequireRemoteRefs = []config.RefSpec{config.RefSpec(expected + ":" + dst.String())}
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	err = m.repo.PushContext(pctx, opts)
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return remoteError(m.src.Name, "push", err)
	}
	return nil
}
