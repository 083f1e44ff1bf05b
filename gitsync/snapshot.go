package gitsync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"
)

// Snapshot is an active, immutable checkout of one commit of a source. Dir
// stays readable with the same content until Release is called, even when
// another commit is activated meanwhile, so one evaluation or render can use
// one consistent version.
type Snapshot struct {
	Source      string    `json:"source"`
	Environment string    `json:"environment"`
	Commit      string    `json:"commit"`
	Dir         string    `json:"dir"`
	Message     string    `json:"message,omitempty"`
	Author      string    `json:"author,omitempty"`
	CommitTime  time.Time `json:"commit_time,omitzero"`
	ActivatedAt time.Time `json:"activated_at,omitzero"`
	Pinned      bool      `json:"pinned,omitempty"`

	release func()
}

// Release tells the Syncer the snapshot is no longer used, so it may be
// pruned once inactive. Calling it more than once is harmless.
func (s Snapshot) Release() {
	if s.release != nil {
		s.release()
	}
}

// Active returns the active snapshot of environment env of src (an
// environment the source does not define maps to the default one) and holds
// it until Release. It returns ErrNoActive when no commit of that
// environment has been activated yet. A snapshot another process activated
// (sharing the store, not the data directory) is restored from a
// SnapshotStore first, without contacting the remote.
func (s *Syncer) Active(ctx context.Context, src Source, env string) (Snapshot, error) {
	e := src.Environment(env)
	missing := ""
	for range 5 {
		st, err := s.store.LoadState(ctx, src.Name)
		if err != nil {
			return Snapshot{}, err
		}
		es, ok := st.Environments[e.Name]
		if !ok || es.Commit == "" || es.Snapshot == "" {
			return Snapshot{}, fmt.Errorf("source %s, environment %s: %w", src.Name, e.Name, ErrNoActive)
		}
		dir := s.snapshotPath(src.Name, es.Snapshot)
		release, ok := s.hold(dir)
		if !ok {
			// Not here: activated by another process sharing the store
			// (restore it from the store), or pruned between reading the
			// state and holding it (the state has moved on: read it again).
			if es.Snapshot == missing {
				return Snapshot{}, fmt.Errorf("source %s, environment %s: snapshot %s is neither in the data directory nor stored in the database (activated by a version that did not store snapshots; the next sync on the replica that activated it stores it): %w",
					src.Name, e.Name, es.Snapshot, ErrSnapshotMissing)
			}
			restored, err := s.restore(ctx, src.Name, es.Snapshot)
			if err != nil {
				return Snapshot{}, err
			}
			if !restored {
				missing = es.Snapshot
			}
			continue
		}
		return Snapshot{
			Source: src.Name, Environment: e.Name, Commit: es.Commit, Dir: dir,
			Message: es.Message, Author: es.Author, CommitTime: es.CommitTime,
			ActivatedAt: es.ActivatedAt, Pinned: es.Pinned, release: release,
		}, nil
	}
	return Snapshot{}, fmt.Errorf("source %s, environment %s: active snapshot keeps changing", src.Name, e.Name)
}

// hold registers a reader of dir; it fails when dir no longer exists.
func (s *Syncer) hold(dir string) (func(), bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := os.Stat(dir); err != nil {
		return nil, false
	}
	s.leases[dir]++
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.leases[dir]--; s.leases[dir] <= 0 {
				delete(s.leases, dir)
			}
		})
	}, true
}

func (s *Syncer) snapshotRoot(source string) string {
	return filepath.Join(s.dataDir, "snapshots", source)
}

func (s *Syncer) snapshotPath(source, name string) string {
	return filepath.Join(s.snapshotRoot(source), name)
}

// snapshotName is the directory name of the snapshot of commit at subdir:
// the commit id, suffixed with a hash of the sub-directory when there is one
// (so changing a source's path never reuses a wrong snapshot).
func snapshotName(commit, subdir string) string {
	if subdir == "" {
		return commit
	}
	sum := sha256.Sum256([]byte(subdir))
	return commit + "-" + hex.EncodeToString(sum[:4])
}

// builtSnapshot is a snapshot directory and the files it holds.
type builtSnapshot struct {
	name, dir string
	files     map[string]treeFile
}

// materialize checks commit c of src out into its snapshot directory,
// writing a temporary directory and renaming it into place. An existing
// snapshot of the same commit is reused (created is false). Structural
// problems (missing sub-directory, unsafe paths) come back as validation
// problems.
func (s *Syncer) materialize(ctx context.Context, m *mirror, src Source, c *object.Commit) (builtSnapshot, []ValidationError, bool, error) {
	subdir, err := cleanSubdir(src.Path)
	if err != nil {
		return builtSnapshot{}, nil, false, err
	}
	tree, missing, err := subtree(c, subdir)
	if err != nil {
		return builtSnapshot{}, nil, false, err
	}
	if missing != nil {
		return builtSnapshot{}, []ValidationError{*missing}, false, nil
	}
	files, err := listTree(tree)
	if err != nil {
		return builtSnapshot{}, nil, false, err
	}
	name := snapshotName(c.Hash.String(), subdir)
	snap := builtSnapshot{name: name, dir: s.snapshotPath(src.Name, name), files: files}
	if _, err := os.Stat(snap.dir); err == nil {
		return snap, nil, false, nil
	}
	root := s.snapshotRoot(src.Name)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return snap, nil, false, fmt.Errorf("create snapshot directory: %w", err)
	}
	tmp, err := os.MkdirTemp(root, ".tmp-")
	if err != nil {
		return snap, nil, false, fmt.Errorf("create snapshot directory: %w", err)
	}
	problems, err := writeTree(ctx, m.repo.Storer, tree, tmp)
	if err == nil && len(problems) > 0 {
		err = os.RemoveAll(tmp)
		return snap, problems, false, err
	}
	if err == nil {
		err = os.Chmod(tmp, 0o755)
	}
	if err == nil {
		err = os.Rename(tmp, snap.dir)
	}
	if err != nil {
		// Best-effort cleanup on a path that already fails; prune removes
		// any leftover dot-directory later.
		_ = os.RemoveAll(tmp)
		return snap, nil, false, fmt.Errorf("check out commit %s: %w", short(c.Hash.String()), err)
	}
	return snap, nil, true, nil
}

// discard removes a snapshot directory nobody may use (a rejected commit).
func (s *Syncer) discard(source, name string) {
	s.mu.Lock()
	trash, ok := s.trashLocked(source, name)
	s.mu.Unlock()
	if ok {
		// Best effort: a leftover .trash- directory is removed by prune.
		_ = os.RemoveAll(trash)
	}
}

// trashLocked moves a snapshot out of the way unless a reader holds it;
// s.mu must be held. The caller deletes the returned directory.
func (s *Syncer) trashLocked(source, name string) (string, bool) {
	dir := s.snapshotPath(source, name)
	if s.leases[dir] > 0 {
		return "", false
	}
	trash := s.snapshotPath(source, ".trash-"+name)
	if err := os.Rename(dir, trash); err != nil {
		return "", false
	}
	return trash, true
}

// prune removes inactive snapshots of source beyond the newest KeepSnapshots,
// never one that is active in an environment or held by a reader, and
// leftovers of interrupted runs. Failures only leave extra directories.
func (s *Syncer) prune(ctx context.Context, source string, st State) {
	root := s.snapshotRoot(source)
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	active := map[string]bool{}
	for _, es := range st.Environments {
		active[es.Snapshot] = true
	}
	type candidate struct {
		name string
		mod  time.Time
	}
	var inactive []candidate
	var garbage []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			garbage = append(garbage, filepath.Join(root, name))
			continue
		}
		if !e.IsDir() || active[name] {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		inactive = append(inactive, candidate{name, info.ModTime()})
	}
	sort.Slice(inactive, func(i, j int) bool { return inactive[i].mod.After(inactive[j].mod) })
	keep := make([]string, 0, len(active)+s.keep)
	for name := range active {
		if name != "" {
			keep = append(keep, name)
		}
	}
	s.mu.Lock()
	for i, c := range inactive {
		if i < s.keep {
			keep = append(keep, c.name)
			continue
		}
		if trash, ok := s.trashLocked(source, c.name); ok {
			garbage = append(garbage, trash)
		} else {
			keep = append(keep, c.name)
		}
	}
	s.mu.Unlock()
	sort.Strings(keep)
	s.pruneStored(ctx, source, keep)
	for _, g := range garbage {
		// Best effort: a failure only leaves a directory for the next prune.
		_ = os.RemoveAll(g)
	}
}

// buildValidated materializes commit c of src and, when it has no structural
// problem, runs the validators of the source's kind on it. A snapshot this
// call created is removed again when there are problems; one that passes
// stays for the activation that follows. A cancelled context fails the call
// (the validators' findings may then be incomplete).
func (s *Syncer) buildValidated(ctx context.Context, m *mirror, src Source, c *object.Commit) (builtSnapshot, []ValidationError, error) {
	validators, err := s.validatorsFor(src.Kind)
	if err != nil {
		return builtSnapshot{}, nil, fmt.Errorf("source %s: %w", src.Name, err)
	}
	snap, problems, created, err := s.materialize(ctx, m, src, c)
	if err != nil {
		return builtSnapshot{}, nil, err
	}
	if len(problems) == 0 {
		for _, v := range validators {
			problems = append(problems, relativize(snap.dir, v(ctx, snap.dir))...)
		}
	}
	if err := ctx.Err(); err != nil {
		return builtSnapshot{}, nil, err
	}
	if len(problems) > 0 && created {
		s.discard(src.Name, snap.name)
	}
	return snap, problems, nil
}
