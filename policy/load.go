package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// PolicySet is the parsed content of a policy directory.
type PolicySet struct {
	// Files in evaluation order (lexical order of their paths).
	Files []*File
}

// Compile checks and compiles the set.
func (s *PolicySet) Compile() (*Program, error) { return Compile(s.Files...) }

// RuleCount returns the number of rules in the set.
func (s *PolicySet) RuleCount() int {
	n := 0
	for _, f := range s.Files {
		n += len(f.Rules)
	}
	return n
}

// LoadDir parses every *.rules file under dir (recursively, in lexical
// path order). File names are relative to dir with '/' separators. Parse
// errors of all files are returned together as an ErrorList, along with
// the set of files that did parse.
func LoadDir(dir string) (*PolicySet, error) {
	set, err := LoadFS(os.DirFS(dir))
	if err != nil {
		var list ErrorList
		if !errors.As(err, &list) {
			return nil, fmt.Errorf("load policies from %s: %w", dir, err)
		}
	}
	return set, err
}

// LoadFS is LoadDir over a file system, e.g. an embedded directory.
func LoadFS(fsys fs.FS) (*PolicySet, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if path.Ext(p) == ".rules" {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	set := &PolicySet{}
	var errs ErrorList
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		f, perr := ParseFile(name, src)
		if perr != nil {
			errs = append(errs, perr.(ErrorList)...)
			continue
		}
		set.Files = append(set.Files, f)
	}
	return set, errs.Err()
}

// LoadPaths parses the given files and directories (directories as with
// LoadDir, named by their path). It is the loader of `unet policy validate
// PATH...`.
func LoadPaths(paths ...string) (*PolicySet, error) {
	set := &PolicySet{}
	var errs ErrorList
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("load policies: %w", err)
		}
		if info.IsDir() {
			sub, err := LoadDir(p)
			var list ErrorList
			if err != nil && !errors.As(err, &list) {
				return nil, err
			}
			errs = append(errs, list...)
			if sub != nil {
				for _, f := range sub.Files {
					f.Name = filepath.ToSlash(filepath.Join(p, f.Name))
					set.Files = append(set.Files, f)
				}
			}
			for _, e := range list {
				e.File = filepath.ToSlash(filepath.Join(p, e.File))
			}
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("load policies: %w", err)
		}
		f, perr := ParseFile(filepath.ToSlash(p), src)
		if perr != nil {
			errs = append(errs, perr.(ErrorList)...)
			continue
		}
		set.Files = append(set.Files, f)
	}
	return set, errs.Err()
}
