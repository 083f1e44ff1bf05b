package unet

// PolicyResultSummaryFilter selects what a summary of the stored results
// lists.
type PolicyResultSummaryFilter struct {
	// Top is how many of the nodes failing critical or high rules are
	// listed (0: DefaultSummaryTop; at most MaxSummaryTop).
	Top int
}

// Bounds of PolicyResultSummaryFilter.Top.
const (
	DefaultSummaryTop = 20
	MaxSummaryTop     = 1000
)

// PolicyResultSummary counts the stored results the caller may see.
type PolicyResultSummary struct {
	// Total is the number of results; ByStatus counts them by status.
	Total    int            `json:"total"`
	ByStatus map[string]int `json:"by_status"`
	// BySeverity counts them by severity and status (Rule empty), ordered
	// by severity (most severe first) then status; ByRule by rule,
	// severity and status, in that order.
	BySeverity []PolicyResultCount `json:"by_severity"`
	ByRule     []PolicyResultCount `json:"by_rule"`
	// FailingNodes are the first nodes failing critical or high rules, by
	// critical then high failures (most first), then name;
	// FailingNodesTotal is how many nodes fail such rules.
	FailingNodes      []FailingNode `json:"failing_nodes"`
	FailingNodesTotal int           `json:"failing_nodes_total"`
}

// PolicyResultCount is the number of results of one rule (empty when
// counted over every rule), severity and status.
type PolicyResultCount struct {
	Rule     string `json:"rule,omitempty"`
	Severity string `json:"severity"`
	Status   string `json:"status"`
	Count    int    `json:"count"`
}

// FailingNode is a node failing critical or high rules: how many of each,
// and those rules by name.
type FailingNode struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Critical int      `json:"critical"`
	High     int      `json:"high"`
	Rules    []string `json:"rules"`
}

// SeverityRank ranks a severity, most severe first (0: critical); unknown
// severities rank after the known ones.
func SeverityRank(s string) int {
	for i, k := range []string{"critical", "high", "medium", "low", "info"} {
		if s == k {
			return i
		}
	}
	return 5
}
