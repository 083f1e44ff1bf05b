package configdiff

import "sort"

// maxEditCost bounds the Myers search inside one gap between anchors; a gap
// needing more edits is reported as a whole replacement. Memory of the
// search is O(maxEditCost²) integers.
const maxEditCost = 1000

// match pairs line i of a with line j of b.
type match struct{ i, j int }

// matchLines returns the pairs of equal lines of a minimal-in-practice line
// diff, in increasing order. Lines are interned to integers; the common
// prefix and suffix are matched first, then lines unique in both sides
// anchor the diff (patience), and the gaps between anchors are solved with
// Myers' O(ND) algorithm.
func matchLines(a, b []string) []match {
	ids := make(map[string]int, len(a)+len(b))
	intern := func(lines []string) []int {
		out := make([]int, len(lines))
		for i, l := range lines {
			id, ok := ids[l]
			if !ok {
				id = len(ids)
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	x, y := intern(a), intern(b)
	finder := newAnchorFinder(len(ids))
	out := make([]match, 0, min(len(a), len(b)))
	var rec func(a0, a1, b0, b1 int)
	rec = func(a0, a1, b0, b1 int) {
		for a0 < a1 && b0 < b1 && x[a0] == y[b0] {
			out = append(out, match{a0, b0})
			a0++
			b0++
		}
		var suffix []match
		for a1 > a0 && b1 > b0 && x[a1-1] == y[b1-1] {
			a1--
			b1--
			suffix = append(suffix, match{a1, b1})
		}
		if a0 < a1 && b0 < b1 {
			if anchors := finder.uniqueAnchors(x[a0:a1], y[b0:b1]); len(anchors) > 0 {
				pa, pb := a0, b0
				for _, an := range anchors {
					rec(pa, a0+an.i, pb, b0+an.j)
					out = append(out, match{a0 + an.i, b0 + an.j})
					pa, pb = a0+an.i+1, b0+an.j+1
				}
				rec(pa, a1, pb, b1)
			} else {
				for _, m := range myersMatches(x[a0:a1], y[b0:b1]) {
					out = append(out, match{a0 + m.i, b0 + m.j})
				}
			}
		}
		for k := len(suffix) - 1; k >= 0; k-- {
			out = append(out, suffix[k])
		}
	}
	rec(0, len(x), 0, len(y))
	return out
}

// anchorFinder finds patience anchors; its per-line counters are indexed
// by interned line id and reset lazily with a generation stamp.
type anchorFinder struct {
	stamp, na, nb, ib []int32
	gen               int32
}

func newAnchorFinder(ids int) *anchorFinder {
	return &anchorFinder{stamp: make([]int32, ids), na: make([]int32, ids), nb: make([]int32, ids), ib: make([]int32, ids)}
}

// uniqueAnchors returns the longest increasing sequence of lines that occur
// exactly once in a and once in b.
func (f *anchorFinder) uniqueAnchors(a, b []int) []match {
	f.gen++
	for _, v := range a {
		if f.stamp[v] != f.gen {
			f.stamp[v], f.na[v], f.nb[v] = f.gen, 0, 0
		}
		f.na[v]++
	}
	for j, v := range b {
		if f.stamp[v] == f.gen {
			f.nb[v]++
			f.ib[v] = int32(j)
		}
	}
	var cands []match
	for i, v := range a {
		if f.na[v] == 1 && f.nb[v] == 1 {
			cands = append(cands, match{i, int(f.ib[v])})
		}
	}
	if len(cands) == 0 {
		return nil
	}
	// Longest increasing subsequence on j (patience sorting).
	tails := []int{}                // index into cands of the smallest tail of each length
	prev := make([]int, len(cands)) // predecessor in the sequence
	for k, c := range cands {
		pos := sort.Search(len(tails), func(t int) bool { return cands[tails[t]].j >= c.j })
		if pos > 0 {
			prev[k] = tails[pos-1]
		} else {
			prev[k] = -1
		}
		if pos == len(tails) {
			tails = append(tails, k)
		} else {
			tails[pos] = k
		}
	}
	seq := make([]match, len(tails))
	for k, t := len(tails)-1, tails[len(tails)-1]; k >= 0; k, t = k-1, prev[t] {
		seq[k] = cands[t]
	}
	return seq
}

// myersMatches is Myers' greedy shortest edit script; it returns the matched
// pairs in order, or none when more than maxEditCost edits are needed.
func myersMatches(a, b []int) []match {
	n, m := len(a), len(b)
	limit := min(n+m, maxEditCost)
	off := limit + 1
	v := make([]int, 2*limit+3)
	var trace [][]int
	for d := 0; d <= limit; d++ {
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var px int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				px = v[off+k+1]
			} else {
				px = v[off+k-1] + 1
			}
			py := px - k
			for px < n && py < m && a[px] == b[py] {
				px++
				py++
			}
			v[off+k] = px
			if px >= n && py >= m {
				return backtrack(trace, n, m, d)
			}
		}
	}
	return nil
}

// backtrack walks the saved frontiers from (n, m) back to (0, 0).
func backtrack(trace [][]int, n, m, dEnd int) []match {
	var rev []match
	x, y := n, m
	for d := dEnd; d > 0; d-- {
		fr := trace[d] // frontier before step d; index k maps to fr[k+d+1]
		at := func(k int) int { return fr[k+d+1] }
		k := x - y
		var pk int
		if k == -d || k != d && at(k-1) < at(k+1) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		for x > px && y > py {
			x--
			y--
			rev = append(rev, match{x, y})
		}
		x, y = px, py
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, match{x, y})
	}
	for l, r := 0, len(rev)-1; l < r; l, r = l+1, r-1 {
		rev[l], rev[r] = rev[r], rev[l]
	}
	return rev
}
