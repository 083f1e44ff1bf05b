package gitsync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// treeFile is one file of a tree: its blob and mode.
type treeFile struct {
	Hash plumbing.Hash
	Mode filemode.FileMode
}

// subtree returns the tree of commit c at the source's sub-directory, or a
// validation error when the directory does not exist in that commit.
func subtree(c *object.Commit, subdir string) (*object.Tree, *ValidationError, error) {
	tree, err := c.Tree()
	if err != nil {
		return nil, nil, fmt.Errorf("read tree of commit %s: %w", c.Hash, err)
	}
	if subdir == "" {
		return tree, nil, nil
	}
	st, err := tree.Tree(subdir)
	if errors.Is(err, object.ErrDirectoryNotFound) || errors.Is(err, object.ErrEntryNotFound) {
		return nil, &ValidationError{File: subdir, Message: "sub-directory does not exist in commit " + c.Hash.String()[:12]}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read %s in commit %s: %w", subdir, c.Hash, err)
	}
	return st, nil, nil
}

// listTree returns every file of tree (recursively) by slash-separated path,
// without reading blob contents. Submodules are left out.
func listTree(tree *object.Tree) (map[string]treeFile, error) { return walkTree(tree, false) }

// listEntries is listTree including submodule entries, for building trees.
func listEntries(tree *object.Tree) (map[string]treeFile, error) { return walkTree(tree, true) }

func walkTree(tree *object.Tree, keepSub bool) (map[string]treeFile, error) {
	files := map[string]treeFile{}
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	for {
		name, entry, err := w.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, fmt.Errorf("walk tree %s: %w", tree.Hash, err)
		}
		if entry.Mode == filemode.Dir || (entry.Mode == filemode.Submodule && !keepSub) {
			continue
		}
		files[name] = treeFile{Hash: entry.Hash, Mode: entry.Mode}
	}
}

// diffFiles lists the changes from old to new, sorted by path.
func diffFiles(old, new map[string]treeFile) []FileChange {
	var out []FileChange
	for p, nf := range new {
		of, ok := old[p]
		switch {
		case !ok:
			out = append(out, FileChange{Path: p, Change: FileAdded, Hash: nf.Hash.String()})
		case of != nf:
			out = append(out, FileChange{Path: p, Change: FileModified, Hash: nf.Hash.String(), OldHash: of.Hash.String()})
		}
	}
	for p, of := range old {
		if _, ok := new[p]; !ok {
			out = append(out, FileChange{Path: p, Change: FileRemoved, OldHash: of.Hash.String()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// writeTree writes the files of tree into the empty directory dir. Files
// are made read-only: snapshots are immutable. Paths that would leave the
// directory and symbolic links pointing outside it are reported as
// validation errors and not written.
func writeTree(ctx context.Context, st storer.EncodedObjectStorer, tree *object.Tree, dir string) ([]ValidationError, error) {
	var problems []ValidationError
	links := map[string]string{} // name → target
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name, entry, err := w.Next()
		if errors.Is(err, io.EOF) {
			return checkTreeLinks(dir, links, problems)
		}
		if err != nil {
			return nil, fmt.Errorf("walk tree %s: %w", tree.Hash, err)
		}
		if !filepath.IsLocal(filepath.FromSlash(name)) || path.Clean(name) != name {
			problems = append(problems, ValidationError{File: name, Message: "unsafe path in repository"})
			continue
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		switch entry.Mode {
		case filemode.Dir:
			if err := os.Mkdir(target, 0o755); err != nil {
				return nil, fmt.Errorf("create %s: %w", name, err)
			}
		case filemode.Submodule:
			// Submodules are not part of a snapshot.
		case filemode.Symlink:
			link, err := readBlob(st, entry.Hash)
			if err != nil {
				return nil, err
			}
			dest := path.Join(path.Dir(name), filepath.ToSlash(string(link)))
			if path.IsAbs(string(link)) || !filepath.IsLocal(filepath.FromSlash(dest)) {
				problems = append(problems, ValidationError{File: name, Message: fmt.Sprintf("symbolic link to %q leaves the source directory", link)})
				continue
			}
			if err := os.Symlink(string(link), target); err != nil {
				return nil, fmt.Errorf("create link %s: %w", name, err)
			}
			links[name] = string(link)
		default:
			perm := os.FileMode(0o444)
			if entry.Mode == filemode.Executable {
				perm = 0o555
			}
			if err := writeBlob(st, entry.Hash, target, perm); err != nil {
				return nil, fmt.Errorf("write %s: %w", name, err)
			}
		}
	}
}

func readBlob(st storer.EncodedObjectStorer, h plumbing.Hash) ([]byte, error) {
	b, err := object.GetBlob(st, h)
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	r, err := b.Reader()
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	// Closing a reader that was only read releases it; there is nothing to lose.
	defer func() { _ = r.Close() }()
	return io.ReadAll(io.LimitReader(r, 4096))
}

func writeBlob(st storer.EncodedObjectStorer, h plumbing.Hash, target string, perm os.FileMode) error {
	b, err := object.GetBlob(st, h)
	if err != nil {
		return err
	}
	r, err := b.Reader()
	if err != nil {
		return err
	}
	// Closing a reader that was only read releases it; there is nothing to lose.
	defer func() { _ = r.Close() }()
	f, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		return errors.Join(err, f.Close())
	}
	return f.Close()
}

// buildTree stores the tree objects for files (path → blob and mode) and
// returns the root tree hash.
func buildTree(st storer.EncodedObjectStorer, files map[string]treeFile) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	dirs := map[string]map[string]treeFile{}
	for p, f := range files {
		if i := strings.IndexByte(p, '/'); i >= 0 {
			name := p[:i]
			if dirs[name] == nil {
				dirs[name] = map[string]treeFile{}
			}
			dirs[name][p[i+1:]] = f
			continue
		}
		entries = append(entries, object.TreeEntry{Name: p, Mode: f.Mode, Hash: f.Hash})
	}
	for name, sub := range dirs {
		h, err := buildTree(st, sub)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	// Git orders entries by name, comparing directories as if their name
	// ended with '/'.
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(entries, func(i, j int) bool { return key(entries[i]) < key(entries[j]) })
	obj := st.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode tree: %w", err)
	}
	h, err := st.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("store tree: %w", err)
	}
	return h, nil
}

// checkTreeLinks checks the links of a written tree once all of them exist
// (linkResolvesInside), removes those that leave dir and reports them with
// the other problems.
func checkTreeLinks(dir string, links map[string]string, problems []ValidationError) ([]ValidationError, error) {
	names := make([]string, 0, len(links))
	for name := range links {
		names = append(names, name)
	}
	sort.Strings(names)
	var bad []string
	for _, name := range names {
		if !linkResolvesInside(dir, name, links[name]) {
			bad = append(bad, name)
		}
	}
	// Removed after every check: a link's check may walk through another.
	for _, name := range bad {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			return nil, fmt.Errorf("remove link %s: %w", name, err)
		}
		problems = append(problems, ValidationError{File: name, Message: fmt.Sprintf("symbolic link to %q leaves the source directory (through another link)", links[name])})
	}
	return problems, nil
}
