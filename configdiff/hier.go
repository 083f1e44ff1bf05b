package configdiff

import (
	"regexp"
	"sort"
	"strings"

	"github.com/unet-dev/unet/configtree"
)

// Change kinds of a hierarchical diff.
const (
	ChangeAdded   = "added"
	ChangeRemoved = "removed"
	ChangeChanged = "changed"
)

// HierDiff is the difference between two statement trees.
type HierDiff struct {
	From    string    `json:"from"`
	To      string    `json:"to"`
	Dialect string    `json:"dialect"`
	Equal   bool      `json:"equal"`
	Stats   HierStats `json:"stats"`
	Changes []Change  `json:"changes"`
}

// HierStats counts the changes of a HierDiff.
type HierStats struct {
	Added   int `json:"added"`
	Removed int `json:"removed"`
	Changed int `json:"changed"`
}

// Change is one added, removed or changed statement.
type Change struct {
	// Op is "added", "removed" or "changed".
	Op string `json:"op"`
	// Path lists the keys of the statement's ancestors, outermost first.
	Path []string `json:"path"`
	// Key is the statement (its new form for "changed").
	Key string `json:"key"`
	// OldKey is the previous form of a "changed" statement.
	OldKey string `json:"old_key,omitempty"`
	// FromLine and ToLine are the statement's line numbers in each input
	// (0 when absent on that side).
	FromLine int `json:"from_line,omitempty"`
	ToLine   int `json:"to_line,omitempty"`
	// Lines is the text of an added or removed statement with all its
	// descendants, as written.
	Lines []string `json:"lines,omitempty"`

	pathText []string // ancestors as written, for rendering
	oldText  string   // a changed statement as written in a
	newText  string   // a changed statement as written in b
}

// orderedSections are statements whose children keep their order (access
// lists, IOS-XR policies and sets, JunOS filters and policies): reordering
// their children is a change.
var orderedSections = regexp.MustCompile(`^(ip(v6)? access-list |mac access-list |access-list |ip prefix-list |route-policy |(prefix|community|as-path|extcommunity|large-community)-set |filter |policy-statement |term )`)

// Hierarchical compares two trees. Siblings are matched by key regardless
// of order (order matters only inside orderedSections and among numbered
// "access-list N" statements); unmatched leaves under the same parent whose
// words share a leading part ("hostname a" / "hostname b", "ip address X M" /
// "ip address Y M") are reported as changed; a statement present on both
// sides is compared child by child wherever it moved, so a moved section
// never reports its children.
func Hierarchical(fromLabel, toLabel string, a, b *configtree.Tree) *HierDiff {
	d := &HierDiff{From: fromLabel, To: toLabel, Dialect: b.Dialect, Changes: []Change{}}
	diffLists(d, []string{}, []string{}, a.Statements, b.Statements, false)
	d.Equal = len(d.Changes) == 0
	for _, c := range d.Changes {
		switch c.Op {
		case ChangeAdded:
			d.Stats.Added++
		case ChangeRemoved:
			d.Stats.Removed++
		case ChangeChanged:
			d.Stats.Changed++
		}
	}
	return d
}

type pair struct{ ai, bi int }

// item orders the output of one sibling list.
type item struct {
	pos     int // position in a (or len(a)+position in b for additions)
	change  *Change
	a, b    *configtree.Statement
	recurse bool
}

func diffLists(d *HierDiff, path, pathText []string, as, bs []*configtree.Statement, ordered bool) {
	var pairs []pair
	if ordered {
		pairs = lcsPairs(as, bs)
	} else {
		pairs = keyPairs(as, bs)
	}
	usedA := make([]bool, len(as))
	usedB := make([]bool, len(bs))
	var items []item
	for _, p := range pairs {
		usedA[p.ai], usedB[p.bi] = true, true
		items = append(items, item{pos: p.ai, a: as[p.ai], b: bs[p.bi], recurse: true})
	}
	var ra, rb []int
	for i := range as {
		if !usedA[i] {
			ra = append(ra, i)
		}
	}
	for i := range bs {
		if !usedB[i] {
			rb = append(rb, i)
		}
	}
	for _, p := range changedPairs(as, bs, ra, rb) {
		usedA[p.ai], usedB[p.bi] = true, true
		c := &Change{Op: ChangeChanged, Path: path, Key: bs[p.bi].Key, OldKey: as[p.ai].Key, FromLine: as[p.ai].Line, ToLine: bs[p.bi].Line,
			pathText: pathText, oldText: as[p.ai].Text, newText: bs[p.bi].Text}
		items = append(items, item{pos: p.ai, change: c})
	}
	for i, st := range as {
		if !usedA[i] {
			items = append(items, item{pos: i, change: &Change{Op: ChangeRemoved, Path: path, Key: st.Key, FromLine: st.Line, Lines: subtreeLines(st), pathText: pathText}})
		}
	}
	for i, st := range bs {
		if !usedB[i] {
			items = append(items, item{pos: len(as) + i, change: &Change{Op: ChangeAdded, Path: path, Key: st.Key, ToLine: st.Line, Lines: subtreeLines(st), pathText: pathText}})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].pos < items[j].pos })
	for _, it := range items {
		if it.change != nil {
			d.Changes = append(d.Changes, *it.change)
			continue
		}
		if len(it.a.Children) == 0 && len(it.b.Children) == 0 {
			continue
		}
		sub := append(append([]string(nil), path...), it.b.Key)
		subText := append(append([]string(nil), pathText...), it.b.Text)
		diffLists(d, sub, subText, it.a.Children, it.b.Children, orderedSections.MatchString(it.b.Key))
	}
}

// orderGroup returns a non-empty group name for statements that keep their
// relative order among unordered siblings (numbered access lists).
func orderGroup(st *configtree.Statement) string {
	if strings.HasPrefix(st.Key, "access-list ") {
		f := strings.Fields(st.Key)
		if len(f) > 1 {
			return "access-list " + f[1]
		}
	}
	return ""
}

// keyPairs matches siblings with equal keys, the n-th occurrence in a with
// the n-th in b; ordered groups are matched by longest common subsequence.
func keyPairs(as, bs []*configtree.Statement) []pair {
	groupsA := map[string][]int{}
	groupsB := map[string][]int{}
	queue := map[string][]int{}
	for i, st := range bs {
		if g := orderGroup(st); g != "" {
			groupsB[g] = append(groupsB[g], i)
			continue
		}
		queue[st.Key] = append(queue[st.Key], i)
	}
	var pairs []pair
	for i, st := range as {
		if g := orderGroup(st); g != "" {
			groupsA[g] = append(groupsA[g], i)
			continue
		}
		if q := queue[st.Key]; len(q) > 0 {
			pairs = append(pairs, pair{i, q[0]})
			queue[st.Key] = q[1:]
		}
	}
	for g, ia := range groupsA {
		ib := groupsB[g]
		sa := make([]*configtree.Statement, len(ia))
		for k, i := range ia {
			sa[k] = as[i]
		}
		sb := make([]*configtree.Statement, len(ib))
		for k, i := range ib {
			sb[k] = bs[i]
		}
		for _, p := range lcsPairs(sa, sb) {
			pairs = append(pairs, pair{ia[p.ai], ib[p.bi]})
		}
	}
	return pairs
}

// lcsPairs matches the longest common subsequence of keys.
func lcsPairs(as, bs []*configtree.Statement) []pair {
	n, m := len(as), len(bs)
	if n == 0 || m == 0 {
		return nil
	}
	// Trim the common prefix and suffix first: most sections are nearly equal.
	var pre []pair
	for len(as) > 0 && len(bs) > 0 && as[0].Key == bs[0].Key {
		pre = append(pre, pair{len(pre), len(pre)})
		as, bs = as[1:], bs[1:]
	}
	off := len(pre)
	var suf []pair
	for len(as) > 0 && len(bs) > 0 && as[len(as)-1].Key == bs[len(bs)-1].Key {
		suf = append(suf, pair{off + len(as) - 1, off + len(bs) - 1})
		as, bs = as[:len(as)-1], bs[:len(bs)-1]
	}
	n, m = len(as), len(bs)
	mid := []pair{}
	if n > 0 && m > 0 {
		t := make([][]int32, n+1)
		for i := range t {
			t[i] = make([]int32, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if as[i].Key == bs[j].Key {
					t[i][j] = t[i+1][j+1] + 1
				} else {
					t[i][j] = max(t[i+1][j], t[i][j+1])
				}
			}
		}
		for i, j := 0, 0; i < n && j < m; {
			switch {
			case as[i].Key == bs[j].Key:
				mid = append(mid, pair{off + i, off + j})
				i++
				j++
			case t[i+1][j] > t[i][j+1]:
				i++
			case t[i+1][j] < t[i][j+1]:
				j++
			case as[i].Key < bs[j].Key:
				// Both skips keep the longest subsequence: decide on content,
				// not on direction, so diff(a, b) mirrors diff(b, a).
				i++
			default:
				j++
			}
		}
	}
	out := append(pre, mid...)
	for k := len(suf) - 1; k >= 0; k-- {
		out = append(out, suf[k])
	}
	return out
}

// changedPairs pairs unmatched leaves that look like new values of the same
// setting: they share at least min(2, shorter-1) leading words (at least 1).
// Pairs are chosen best score first with direction-independent tie-breaks,
// so diff(a, b) mirrors diff(b, a).
func changedPairs(as, bs []*configtree.Statement, ra, rb []int) []pair {
	type cand struct {
		p     pair
		score int
		ka    string
		kb    string
	}
	var cands []cand
	for _, i := range ra {
		if len(as[i].Children) > 0 {
			continue
		}
		wa := strings.Fields(as[i].Key)
		for _, j := range rb {
			if len(bs[j].Children) > 0 {
				continue
			}
			wb := strings.Fields(bs[j].Key)
			s := 0
			for s < len(wa) && s < len(wb) && wa[s] == wb[s] {
				s++
			}
			need := max(1, min(2, min(len(wa), len(wb))-1))
			if s >= need && s < max(len(wa), len(wb)) {
				cands = append(cands, cand{pair{i, j}, s, as[i].Key, bs[j].Key})
			}
		}
	}
	sort.SliceStable(cands, func(x, y int) bool {
		cx, cy := cands[x], cands[y]
		if cx.score != cy.score {
			return cx.score > cy.score
		}
		if a, b := max(cx.p.ai, cx.p.bi), max(cy.p.ai, cy.p.bi); a != b {
			return a < b
		}
		if a, b := min(cx.p.ai, cx.p.bi), min(cy.p.ai, cy.p.bi); a != b {
			return a < b
		}
		lx, hx := min(cx.ka, cx.kb), max(cx.ka, cx.kb)
		ly, hy := min(cy.ka, cy.kb), max(cy.ka, cy.kb)
		if lx != ly {
			return lx < ly
		}
		return hx < hy
	})
	usedA, usedB := map[int]bool{}, map[int]bool{}
	var out []pair
	for _, c := range cands {
		if usedA[c.p.ai] || usedB[c.p.bi] {
			continue
		}
		usedA[c.p.ai], usedB[c.p.bi] = true, true
		out = append(out, c.p)
	}
	return out
}

// subtreeLines returns a statement and its descendants as written.
func subtreeLines(st *configtree.Statement) []string {
	var out []string
	var walk func(*configtree.Statement)
	walk = func(s *configtree.Statement) {
		out = append(out, strings.Split(s.Text, "\n")...)
		for _, c := range s.Children {
			walk(c)
		}
		if s.Close != "" {
			out = append(out, s.Close)
		}
	}
	walk(st)
	return out
}
