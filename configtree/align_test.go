package configtree

// alignOp is one step of aligning a reference statement list with a parse:
// kind '=' (the same statement), '~' (paired, but different), '-' (only in
// the reference) or '+' (only in the parse); i and j index the two lists.
type alignOp struct {
	kind byte
	i, j int
}

// alignLCS aligns n reference statements with m parsed ones on their
// longest common subsequence, so that one merged or split statement does
// not shift every statement after it. With pair, a reference and a parsed
// statement that both fall outside the subsequence at the same point are
// reported as one '~' step rather than a '-' and a '+'.
func alignLCS(n, m int, same func(i, j int) bool, pair bool) []alignOp {
	// lcs[i][j]: longest common subsequence of the lists from i and j on.
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if same(i, j) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []alignOp
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && same(i, j):
			ops = append(ops, alignOp{'=', i, j})
			i, j = i+1, j+1
		case pair && i < n && j < m && lcs[i+1][j+1] == lcs[i][j]:
			ops = append(ops, alignOp{'~', i, j})
			i, j = i+1, j+1
		case j >= m || i < n && lcs[i+1][j] >= lcs[i][j+1]:
			ops = append(ops, alignOp{'-', i, j})
			i++
		default:
			ops = append(ops, alignOp{'+', i, j})
			j++
		}
	}
	return ops
}
