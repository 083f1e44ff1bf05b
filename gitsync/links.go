package gitsync

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// maxLinkHops bounds the links followed while resolving one link (the
// system's own bound is 40).
const maxLinkHops = 40

// linkResolvesInside reports whether the symbolic link name of the snapshot
// in dir, pointing at target, resolves inside dir as the operating system
// resolves it: element by element from the link's directory, each link met
// on the way replaced by its own target, no ".." climbing above dir. The
// lexical check alone is not enough: with x → ".." in a sub-directory,
// y → "x/.." reads as inside but climbs one level more than it says, and
// links through y go anywhere. It must run once every link of the
// snapshot exists (a link may go through one written after it); the last
// element, when a link, is checked on its own.
func linkResolvesInside(dir, name, target string) bool {
	var cur []string
	if d := path.Dir(name); d != "." {
		cur = strings.Split(d, "/")
	}
	_, ok := resolveInside(dir, cur, target, 0)
	return ok
}

// resolveInside walks target from the directory cur (elements below dir)
// and returns where it leads, resolving every element but the last; ok is
// false when the walk leaves dir, meets an absolute link or too many links.
func resolveInside(dir string, cur []string, target string, hops int) ([]string, bool) {
	if target == "" || path.IsAbs(target) {
		return nil, false
	}
	cur = append([]string(nil), cur...)
	parts := strings.Split(target, "/")
	for i, p := range parts {
		switch p {
		case "", ".":
			continue
		case "..":
			if len(cur) == 0 {
				return nil, false
			}
			cur = cur[:len(cur)-1]
			continue
		}
		cur = append(cur, p)
		if i == len(parts)-1 {
			break
		}
		full := filepath.Join(dir, filepath.FromSlash(strings.Join(cur, "/")))
		info, err := os.Lstat(full)
		if err != nil || info.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		if hops >= maxLinkHops {
			return nil, false
		}
		next, err := os.Readlink(full)
		if err != nil {
			return nil, false
		}
		var ok bool
		if cur, ok = resolveInside(dir, cur[:len(cur)-1], filepath.ToSlash(next), hops+1); !ok {
			return nil, false
		}
	}
	return cur, true
}
