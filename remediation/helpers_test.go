package remediation

import (
	"strings"
	"testing"

	"github.com/unet-dev/unet/configtree"
)

// remediateText parses two configurations and returns the text form of
// their remediation.
func remediateText(t testing.TB, dialect, running, intended string, opts Options) string {
	t.Helper()
	res := remediateResult(t, dialect, running, intended, opts)
	return res.Text()
}

func remediateResult(t testing.TB, dialect, running, intended string, opts Options) *Result {
	t.Helper()
	rt, err := configtree.ParseString(running, dialect)
	if err != nil {
		t.Fatalf("parse running: %v", err)
	}
	it, err := configtree.ParseString(intended, dialect)
	if err != nil {
		t.Fatalf("parse intended: %v", err)
	}
	if opts.Dialect == "" {
		opts.Dialect = dialect
	}
	res, err := Remediate(rt, it, opts)
	if err != nil {
		t.Fatalf("Remediate: %v", err)
	}
	return res
}

// lines joins lines with a final newline.
func lines(ls ...string) string {
	if len(ls) == 0 {
		return ""
	}
	return strings.Join(ls, "\n") + "\n"
}
