package cli

import (
	"strings"
	"testing"

	"github.com/unet-dev/unet"
)

// TestResultsTableSaysWhenAnExplanationCannotBeRead: an explanation that is
// not a list of steps (a server answering in another shape) is reported in
// the --explain output instead of showing no steps at all.
func TestResultsTableSaysWhenAnExplanationCannotBeRead(t *testing.T) {
	rs := []unet.PolicyResult{{ObjectKind: "node", ObjectName: "r1", Rule: "m", Status: unet.StatusFail,
		Explain: map[string]any{"steps": "not a list"}}}
	out, ok := resultsTable(rs, true).(string)
	if !ok {
		t.Fatalf("resultsTable with explain: %T, want text", resultsTable(rs, true))
	}
	if !strings.Contains(out, "the explanation cannot be read") {
		t.Fatalf("no word of the unreadable explanation:\n%s", out)
	}
}
