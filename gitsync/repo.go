package gitsync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

const remoteName = "origin"

// fetchSpecs mirror every branch of the remote under refs/remotes/origin/
// and every tag; "+" accepts rewritten history (force-pushes).
var fetchSpecs = []config.RefSpec{
	"+refs/heads/*:refs/remotes/origin/*",
	"+refs/tags/*:refs/tags/*",
}

// mirror is the bare local copy of a source's repository.
type mirror struct {
	src  Source
	repo *git.Repository
}

// openMirror opens (or creates) the bare repository of src in the data
// directory and points its remote at src.URL.
func (s *Syncer) openMirror(src Source) (*mirror, error) {
	if !s.allowLocal && IsLocalURL(src.URL) {
		return nil, fmt.Errorf("source %s: %w", src.Name, ErrLocalURL)
	}
	dir := filepath.Join(s.dataDir, "repos", src.Name+".git")
	repo, err := git.PlainOpen(dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return nil, fmt.Errorf("create repository directory: %w", err)
		}
		repo, err = git.PlainInit(dir, true)
	}
	if err != nil {
		return nil, fmt.Errorf("open local repository of source %s: %w", src.Name, err)
	}
	rc := &config.RemoteConfig{Name: remoteName, URLs: []string{src.URL}, Fetch: fetchSpecs}
	remote, err := repo.Remote(remoteName)
	switch {
	case errors.Is(err, git.ErrRemoteNotFound):
		_, err = repo.CreateRemote(rc)
	case err == nil && (len(remote.Config().URLs) != 1 || remote.Config().URLs[0] != src.URL):
		if err = repo.DeleteRemote(remoteName); err == nil {
			_, err = repo.CreateRemote(rc)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("configure remote of source %s: %w", src.Name, err)
	}
	return &mirror{src: src, repo: repo}, nil
}

// fetch brings every branch and tag of the remote into the mirror. When an
// environment follows the remote's default branch, it also records the
// remote HEAD as refs/remotes/origin/HEAD.
func (s *Syncer) fetch(ctx context.Context, m *mirror) error {
	auth, err := s.authMethod(ctx, m.src)
	if err != nil {
		return remoteError(m.src.Name, "fetch", err)
	}
	err = m.repo.FetchContext(ctx, &git.FetchOptions{
		RemoteName: remoteName,
		RefSpecs:   fetchSpecs,
		Auth:       auth,
		Tags:       git.NoTags,
		Force:      true,
		Prune:      true,
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return remoteError(m.src.Name, "fetch", err)
	}
	for _, env := range m.src.EnvironmentList() {
		if env.Ref == "" && env.Commit == "" {
			return s.recordRemoteHead(ctx, m, auth)
		}
	}
	return nil
}

func (s *Syncer) recordRemoteHead(ctx context.Context, m *mirror, auth transport.AuthMethod) error {
	remote, err := m.repo.Remote(remoteName)
	if err != nil {
		return err
	}
	refs, err := remote.ListContext(ctx, &git.ListOptions{Auth: auth})
	if err != nil {
		return remoteError(m.src.Name, "list", err)
	}
	for _, r := range refs {
		if r.Name() != plumbing.HEAD {
			continue
		}
		name := plumbing.ReferenceName("refs/remotes/origin/HEAD")
		var ref *plumbing.Reference
		if r.Type() == plumbing.SymbolicReference && r.Target().IsBranch() {
			ref = plumbing.NewSymbolicReference(name, plumbing.NewRemoteReferenceName(remoteName, r.Target().Short()))
		} else {
			ref = plumbing.NewHashReference(name, r.Hash())
		}
		return m.repo.Storer.SetReference(ref)
	}
	return nil
}

// defaultBranch returns the name of the remote's default branch, as recorded
// by fetch for sources that follow it.
func (m *mirror) defaultBranch() (string, error) {
	ref, err := m.repo.Reference("refs/remotes/origin/HEAD", false)
	if err != nil || ref.Type() != plumbing.SymbolicReference {
		return "", fmt.Errorf("the remote's default branch is unknown (an empty repository?): add the source with --branch: %w", ErrNoBranch)
	}
	name := ref.Target().String()
	prefix := "refs/remotes/" + remoteName + "/"
	if !strings.HasPrefix(name, prefix) {
		return "", fmt.Errorf("the remote's HEAD is not a branch (%s): add the source with --branch: %w", name, ErrNoBranch)
	}
	return strings.TrimPrefix(name, prefix), nil
}

// tip returns the commit env follows in the mirror.
func (m *mirror) tip(env Environment) (*object.Commit, error) {
	switch {
	case env.Commit != "":
		return m.commit(env.Commit)
	case env.Ref.IsBranch():
		ref, err := m.repo.Reference(plumbing.NewRemoteReferenceName(remoteName, env.Ref.Short()), true)
		if err != nil {
			return nil, fmt.Errorf("branch %s: %w", env.Ref.Short(), ErrNotFound)
		}
		return m.commitObject(ref.Hash())
	case env.Ref.IsTag():
		ref, err := m.repo.Reference(env.Ref, true)
		if err != nil {
			return nil, fmt.Errorf("tag %s: %w", env.Ref.Short(), ErrNotFound)
		}
		if tag, err := m.repo.TagObject(ref.Hash()); err == nil {
			c, err := tag.Commit()
			if err != nil {
				return nil, fmt.Errorf("tag %s does not point at a commit: %w", env.Ref.Short(), err)
			}
			return c, nil
		}
		return m.commitObject(ref.Hash())
	default:
		ref, err := m.repo.Reference("refs/remotes/origin/HEAD", true)
		if err != nil {
			return nil, fmt.Errorf("default branch of the remote: %w", ErrNotFound)
		}
		return m.commitObject(ref.Hash())
	}
}

// commit resolves a full or abbreviated commit id.
func (m *mirror) commit(rev string) (*object.Commit, error) {
	rev = strings.ToLower(strings.TrimSpace(rev))
	if !commitPattern.MatchString(rev) {
		return nil, fmt.Errorf("%q is not a commit id", rev)
	}
	h, err := m.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", rev, ErrNotFound)
	}
	return m.commitObject(*h)
}

func (m *mirror) commitObject(h plumbing.Hash) (*object.Commit, error) {
	c, err := m.repo.CommitObject(h)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", h, ErrNotFound)
	}
	return c, nil
}

// isAncestor reports whether commit old is reachable from commit young.
func (m *mirror) isAncestor(old string, young *object.Commit) bool {
	oc, err := m.repo.CommitObject(plumbing.NewHash(old))
	if err != nil {
		return false
	}
	ok, err := oc.IsAncestor(young)
	return err == nil && ok
}

// commitInfo is the metadata of a commit recorded with snapshots.
type commitInfo struct {
	Hash, Message, Author string
	Time                  time.Time
}

func describe(c *object.Commit) commitInfo {
	return commitInfo{
		Hash:    c.Hash.String(),
		Message: strings.TrimSpace(c.Message),
		Author:  fmt.Sprintf("%s <%s>", c.Author.Name, c.Author.Email),
		Time:    c.Author.When.UTC(),
	}
}

// lockedFetch takes the source's lock (waiting for it), opens its mirror and
// fetches; the caller releases the lock with unlock. On error nothing is held.
func (s *Syncer) lockedFetch(ctx context.Context, src Source) (m *mirror, unlock func(), err error) {
	unlock, err = s.lock(ctx, src.Name, true)
	if err != nil {
		return nil, nil, err
	}
	if m, err = s.openMirror(src); err == nil {
		err = s.fetch(ctx, m)
	}
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return m, unlock, nil
}
