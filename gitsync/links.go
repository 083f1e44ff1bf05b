package gitsync

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// linkResolvesInside reports whether the symbolic link name of the snapshot
// in dir, pointing at target, resolves inside dir as the operating system
// resolves it: walked one element at a time from the link's directory, no
// ".." may climb above dir and no element but the last may itself be a
// symbolic link. The lexical check alone is not enough: with x → ".." in a
// sub-directory, y → "x/.." reads as inside but climbs one level more than
// it says, and links through y go anywhere. It must run once every link of
// the snapshot exists (a link may name one written after it); the last
// element, when a link, is checked on its own.
func linkResolvesInside(dir, name, target string) bool {
	if target == "" || path.IsAbs(target) {
		return false
	}
	var cur []string
	if d := path.Dir(name); d != "." {
		cur = strings.Split(d, "/")
	}
	parts := strings.Split(target, "/")
	for i, p := range parts {
		switch p {
		case "", ".":
			continue
		case "..":
			if len(cur) == 0 {
				return false
			}
			cur = cur[:len(cur)-1]
			continue
		}
		cur = append(cur, p)
		if i == len(parts)-1 {
			break
		}
		info, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(strings.Join(cur, "/"))))
		if err == nil && info.Mode()&fs.ModeSymlink != 0 {
			return false
		}
	}
	return true
}
