package gitsync

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ExportOptions describe a commit written by Export.
type ExportOptions struct {
	// Environment whose branch receives the commit ("" = the source's own).
	Environment string
	// Dir is the directory, relative to the source's sub-directory, that the
	// files replace (every file below it that is not in the export is removed).
	Dir         string
	AuthorName  string
	AuthorEmail string
	Message     string
}

// ExportResult is what Export did.
type ExportResult struct {
	Source string `json:"source"`
	Branch string `json:"branch"`
	// Commit is the new commit, or the branch tip when nothing changed.
	Commit  string `json:"commit"`
	Parent  string `json:"parent"`
	Changed bool   `json:"changed"`
	Files   int    `json:"files"`
}

// Export commits files (paths relative to opts.Dir) on top of the branch of an
// environment and pushes the commit, refusing to overwrite a branch that moved
// meanwhile. Files of opts.Dir absent from files are deleted; everything else
// in the repository is kept. A commit that would change nothing is not made.
func (s *Syncer) Export(ctx context.Context, src Source, files map[string][]byte, opts ExportOptions) (ExportResult, error) {
	res := ExportResult{Source: src.Name}
	if err := src.Validate(); err != nil {
		return res, err
	}
	envName := opts.Environment
	if envName == "" {
		envName = DefaultEnvironment
	}
	env := src.Environment(envName)
	res.Branch = env.Branch()
	if res.Branch == "" && (env.Ref != "" || env.Commit != "") {
		return res, fmt.Errorf("export %s: environment %s %w (it follows a tag or a commit): pass --env for an environment that follows a branch, or export through a source added with --branch",
			src.Name, envName, ErrNoBranch)
	}
	if strings.Trim(path.Clean("/"+opts.Dir), "/") == "" {
		return res, fmt.Errorf("export %s: name the directory the export replaces (e.g. inventory)", src.Name)
	}
	dir := strings.Trim(path.Clean("/"+path.Join(src.Path, opts.Dir)), "/")
	m, unlock, err := s.lockedFetch(ctx, src)
	if err != nil {
		return res, err
	}
	defer unlock()
	if res.Branch == "" {
		// The environment follows the remote's default branch: commit there.
		if res.Branch, err = m.defaultBranch(); err != nil {
			return res, fmt.Errorf("export %s: %w", src.Name, err)
		}
	}
	current := map[string]treeFile{}
	var parents []plumbing.Hash
	ref, err := m.repo.Reference(plumbing.NewRemoteReferenceName(remoteName, res.Branch), true)
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
	case err != nil:
		return res, fmt.Errorf("read branch %s: %w", res.Branch, err)
	default:
		tip, err := m.commitObject(ref.Hash())
		if err != nil {
			return res, err
		}
		if current, err = commitEntries(tip); err != nil {
			return res, err
		}
		parents = []plumbing.Hash{tip.Hash}
		res.Parent, res.Commit = tip.Hash.String(), tip.Hash.String()
	}
	next := map[string]treeFile{}
	prefix := dir + "/"
	for p, f := range current {
		if !strings.HasPrefix(p, prefix) {
			next[p] = f
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		clean := strings.Trim(path.Clean("/"+name), "/")
		if clean == "" || strings.HasPrefix(clean, "../") {
			return res, fmt.Errorf("export %s: bad file name %q", src.Name, name)
		}
		obj := m.repo.Storer.NewEncodedObject()
		obj.SetType(plumbing.BlobObject)
		w, err := obj.Writer()
		if err != nil {
			return res, err
		}
		if _, err := w.Write(files[name]); err != nil {
			return res, errors.Join(err, w.Close())
		}
		if err := w.Close(); err != nil {
			return res, err
		}
		h, err := m.repo.Storer.SetEncodedObject(obj)
		if err != nil {
			return res, fmt.Errorf("store %s: %w", name, err)
		}
		next[prefix+clean] = treeFile{Hash: h, Mode: filemode.Regular}
	}
	res.Files = len(files)
	if sameFiles(current, next) && len(parents) > 0 {
		return res, nil
	}
	treeHash, err := buildTree(m.repo.Storer, next)
	if err != nil {
		return res, err
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
		msg = "Export the inventory\n"
	}
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: treeHash, ParentHashes: parents}
	obj := m.repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return res, fmt.Errorf("encode commit: %w", err)
	}
	h, err := m.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return res, fmt.Errorf("store commit: %w", err)
	}
	if err := s.push(ctx, m, h, res.Branch, res.Parent); err != nil {
		return res, err
	}
	if err := m.repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewRemoteReferenceName(remoteName, res.Branch), h)); err != nil {
		return res, fmt.Errorf("record pushed branch %s: %w", res.Branch, err)
	}
	res.Commit, res.Changed = h.String(), true
	return res, nil
}

func sameFiles(a, b map[string]treeFile) bool {
	if len(a) != len(b) {
		return false
	}
	for p, f := range a {
		if g, ok := b[p]; !ok || g != f {
			return false
		}
	}
	return true
}
