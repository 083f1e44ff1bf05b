package policy

import (
	"slices"
	"strings"
)

// KindGitSource is the kind of a selector over a promotion of a Git
// source (approval rules: `git_source.to == "production"`). Rules in
// policy files cannot target it.
const KindGitSource ObjectKind = "git_source"

// GitSourceRoot is the field root of KindGitSource selectors.
const GitSourceRoot = "git_source"

// GitSourceFields are the fields of a promotion a selector can read: the
// source's name, the environment promoted from and the one promoted to,
// the commit promoted, the conflict resolution asked for (prefer: "",
// source or target) and the branch that moves.
var GitSourceFields = []string{"name", "from", "to", "commit", "prefer", "branch"}

// checkGitSourceField checks a git_source.FIELD reference: only selectors
// have the root, and only the fields of GitSourceFields.
func (c *checker) checkGitSourceField(f *FieldRef) bool {
	if !c.selector {
		c.errorf(f.FieldPos, "field %s: git_source fields exist only in approval rule conditions", f)
		return false
	}
	if len(f.Path) != 2 || !slices.Contains(GitSourceFields, f.Path[1]) {
		c.errorf(f.FieldPos, "unknown field %s, expected git_source.%s", f, strings.Join(GitSourceFields, ", git_source."))
		return false
	}
	return true
}

// gitSourceKind reports whether a selector reads git_source fields, which
// makes it a KindGitSource selector; mixing them with other roots is an
// error (a promotion has no node, location or link).
func (c *checker) gitSourceKind(fields []*FieldRef) (ObjectKind, bool) {
	var git, other *FieldRef
	for _, f := range fields {
		if f.Path[0] == GitSourceRoot {
			git = first(git, f)
		} else {
			other = first(other, f)
		}
	}
	if git == nil {
		return "", false
	}
	if other != nil {
		c.errorf(other.FieldPos, "condition mixes git_source fields with %s: a promotion has only git_source fields", other)
	}
	return KindGitSource, true
}
