package gitsync

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
)

// File modes of SnapshotFile (Git's).
const (
	ModeRegular    uint32 = 0o100644
	ModeExecutable uint32 = 0o100755
	ModeSymlink    uint32 = 0o120000
)

// SnapshotFile is one file of a snapshot as a SnapshotStore keeps it: the
// slash-separated path relative to the snapshot root, its mode (ModeRegular,
// ModeExecutable or ModeSymlink, whose Content is the link target) and its
// content.
type SnapshotFile struct {
	Path    string
	Mode    uint32
	Content []byte
}

// SnapshotContent is the content of one snapshot directory.
type SnapshotContent struct {
	// Name is the snapshot directory name (EnvState.Snapshot).
	Name   string
	Commit string
	Files  []SnapshotFile
}

// SnapshotStore is a StateStore that also keeps the content of activated
// snapshots, so that another process sharing the store (a replica with its
// own data directory) can serve a snapshot it never synced. The Syncer uses
// it when its store offers it.
type SnapshotStore interface {
	HistoryStateStore
	// HasSnapshot reports whether snapshot name of source is stored.
	HasSnapshot(ctx context.Context, source, name string) (bool, error)
	// SaveStateWithSnapshots is SaveStateWithHistory that also stores snaps
	// (those already stored are left alone) in the same atomic step: no
	// reader sees an active snapshot whose content is not stored.
	SaveStateWithSnapshots(ctx context.Context, source string, st State, snaps []SnapshotContent, entries ...HistoryEntry) error
	// LoadSnapshot returns a stored snapshot; an error wrapping
	// ErrNotFound when it is not stored.
	LoadSnapshot(ctx context.Context, source, name string) (SnapshotContent, error)
	// PruneSnapshots removes the stored snapshots of source not named in
	// keep (besides those active in the stored state) and the content no
	// stored snapshot uses any more.
	PruneSnapshots(ctx context.Context, source string, keep []string) error
}

// SourceLocker serialises the operations that change a source across
// processes (replicas sharing one database); the Syncer takes it after its
// own per-source lock.
type SourceLocker interface {
	// LockSource takes the lock of source, waiting for it unless wait is
	// false (then an error wrapping ErrBusy when another process has it).
	// The returned function releases it.
	LockSource(ctx context.Context, source string, wait bool) (unlock func(), err error)
}

// save replaces the state of source and appends entries atomically; with a
// SnapshotStore the content of every active snapshot not stored yet goes
// into the same step.
func (s *Syncer) save(ctx context.Context, source string, st State, entries ...HistoryEntry) error {
	ss, ok := s.store.(SnapshotStore)
	if !ok {
		return saveWithHistory(ctx, s.store, source, st, entries...)
	}
	snaps, err := s.unstoredSnapshots(ctx, ss, source, st)
	if err != nil {
		return err
	}
	return ss.SaveStateWithSnapshots(ctx, source, st, snaps, entries...)
}

// unstoredSnapshots reads the content of the active snapshots of st that the
// store does not hold yet (so the first sync after an upgrade stores the
// snapshots activated before it).
func (s *Syncer) unstoredSnapshots(ctx context.Context, ss SnapshotStore, source string, st State) ([]SnapshotContent, error) {
	seen := map[string]bool{}
	var out []SnapshotContent
	for _, env := range sortedEnvs(st) {
		es := st.Environments[env]
		if es.Snapshot == "" || seen[es.Snapshot] {
			continue
		}
		seen[es.Snapshot] = true
		ok, err := ss.HasSnapshot(ctx, source, es.Snapshot)
		if err != nil {
			return nil, err
		}
		if ok {
			continue
		}
		dir := s.snapshotPath(source, es.Snapshot)
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			// Activated elsewhere and not stored there: only the replica
			// holding it can store it.
			continue
		}
		files, err := readSnapshotDir(dir)
		if err != nil {
			return nil, fmt.Errorf("store snapshot %s of %s: %w", es.Snapshot, source, err)
		}
		out = append(out, SnapshotContent{Name: es.Snapshot, Commit: es.Commit, Files: files})
	}
	return out, nil
}

func sortedEnvs(st State) []string {
	names := make([]string, 0, len(st.Environments))
	for n := range st.Environments {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// readSnapshotDir reads every file and symbolic link under dir, in path
// order.
func readSnapshotDir(dir string) ([]SnapshotFile, error) {
	var files []SnapshotFile
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		f := SnapshotFile{Path: filepath.ToSlash(rel), Mode: ModeRegular}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			f.Mode, f.Content = ModeSymlink, []byte(filepath.ToSlash(target))
		case d.Type().IsRegular():
			info, err := d.Info()
			if err != nil {
				return err
			}
			if info.Mode().Perm()&0o111 != 0 {
				f.Mode = ModeExecutable
			}
			if f.Content, err = os.ReadFile(p); err != nil {
				return err
			}
		default:
			return nil
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	return files, nil
}

// restore writes the stored snapshot name of source into the data
// directory (a temporary directory renamed into place, so a reader never
// sees it half written). It reports false when the store does not hold it.
func (s *Syncer) restore(ctx context.Context, source, name string) (bool, error) {
	ss, ok := s.store.(SnapshotStore)
	if !ok {
		return false, nil
	}
	content, err := ss.LoadSnapshot(ctx, source, name)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	root := s.snapshotRoot(source)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return false, fmt.Errorf("restore snapshot %s of %s: %w", name, source, err)
	}
	tmp, err := os.MkdirTemp(root, ".tmp-")
	if err != nil {
		return false, fmt.Errorf("restore snapshot %s of %s: %w", name, source, err)
	}
	err = WriteSnapshotFiles(tmp, content.Files)
	if err == nil {
		err = os.Chmod(tmp, 0o755)
	}
	if err == nil {
		err = os.Rename(tmp, s.snapshotPath(source, name))
		if err != nil {
			if _, serr := os.Stat(s.snapshotPath(source, name)); serr == nil {
				// Another reader restored it first (same content): drop
				// this copy, best effort like any leftover.
				_ = os.RemoveAll(tmp)
				return true, nil
			}
		}
	}
	if err != nil {
		// Best effort: prune removes a leftover dot-directory later.
		_ = makeWritable(tmp)
		_ = os.RemoveAll(tmp)
		return false, fmt.Errorf("restore snapshot %s of %s: %w", name, source, err)
	}
	return true, nil
}

// WriteSnapshotFiles writes files into the empty directory dir, read-only
// as a checked-out snapshot is. Paths must be local and clean, and symbolic
// links must stay inside dir; anything else is refused (the content comes
// from a database and is checked as if it came from a repository).
func WriteSnapshotFiles(dir string, files []SnapshotFile) error {
	// Links are made last, once every directory is a real one, so that no
	// file is written through a link; then each is checked against the
	// others (linkResolvesInside).
	var links []SnapshotFile
	for _, f := range files {
		if f.Path == "" || !filepath.IsLocal(filepath.FromSlash(f.Path)) || path.Clean(f.Path) != f.Path {
			return fmt.Errorf("file %q: unsafe path", f.Path)
		}
		target := filepath.Join(dir, filepath.FromSlash(f.Path))
		switch f.Mode {
		case ModeSymlink:
			link := string(f.Content)
			dest := path.Join(path.Dir(f.Path), link)
			if link == "" || path.IsAbs(link) || !filepath.IsLocal(filepath.FromSlash(dest)) {
				return fmt.Errorf("file %s: symbolic link to %q leaves the snapshot", f.Path, link)
			}
			links = append(links, f)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("file %s: %w", f.Path, err)
		}
		switch f.Mode {
		case ModeRegular, ModeExecutable:
			perm := os.FileMode(0o444)
			if f.Mode == ModeExecutable {
				perm = 0o555
			}
			if err := writeNewFile(target, f.Content, perm); err != nil {
				return fmt.Errorf("file %s: %w", f.Path, err)
			}
		default:
			return fmt.Errorf("file %s: unknown mode %o", f.Path, f.Mode)
		}
	}
	for _, f := range links {
		target := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("file %s: %w", f.Path, err)
		}
		if err := os.Symlink(filepath.FromSlash(string(f.Content)), target); err != nil {
			return fmt.Errorf("file %s: %w", f.Path, err)
		}
	}
	for _, f := range links {
		if !linkResolvesInside(dir, f.Path, string(f.Content)) {
			return fmt.Errorf("file %s: symbolic link to %q leaves the snapshot (through another link)", f.Path, f.Content)
		}
	}
	return nil
}

func writeNewFile(name string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return errors.Join(err, f.Close())
	}
	return f.Close()
}

// makeWritable lets a partly written read-only tree be removed.
func makeWritable(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			return os.Chmod(p, 0o755)
		}
		return nil
	})
}

// pruneStored removes the stored snapshots of source other than those of
// keep, when the store keeps snapshots. Failures only leave extra rows.
func (s *Syncer) pruneStored(ctx context.Context, source string, keep []string) {
	if ss, ok := s.store.(SnapshotStore); ok {
		// Best effort, like the local prune: the next prune retries.
		_ = ss.PruneSnapshots(ctx, source, keep)
	}
}
