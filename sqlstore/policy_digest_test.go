package sqlstore_test

import (
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// TestDigestRows: an object's digest does not depend on the order of its
// rows and changes with any stored column but the times.
func TestDigestRows(t *testing.T) {
	row := func(rule, status string) *sqlstore.ResultRow {
		r, err := sqlstore.EncodeResult(&unet.PolicyResult{ObjectKind: unet.KindNode, ObjectID: "n1", ObjectName: "a.example.net",
			Rule: rule, Severity: "high", Status: status, Expected: "x", Actual: nil, Message: "m"})
		if err != nil {
			t.Fatal(err)
		}
		return &r
	}
	base := sqlstore.DigestRows([]*sqlstore.ResultRow{row("r1", "pass"), row("r2", "fail")})
	if got := sqlstore.DigestRows([]*sqlstore.ResultRow{row("r2", "fail"), row("r1", "pass")}); got != base {
		t.Fatalf("row order changes the digest: %s, %s", got, base)
	}
	edits := map[string]func(r *sqlstore.ResultRow){
		"status":   func(r *sqlstore.ResultRow) { r.Status = "fail" },
		"name":     func(r *sqlstore.ResultRow) { r.Name = "b.example.net" },
		"expected": func(r *sqlstore.ResultRow) { r.Expected.String = `"y"` },
		"actual":   func(r *sqlstore.ResultRow) { r.Actual.Valid = true },
		"message":  func(r *sqlstore.ResultRow) { r.Message = "" },
		"line":     func(r *sqlstore.ResultRow) { r.Line = 7 },
		// Field boundaries count: "ab"+"c" is not "a"+"bc".
		"boundary": func(r *sqlstore.ResultRow) { r.Severity, r.Status = "highp", "ass" },
	}
	for name, edit := range edits {
		r := row("r1", "pass")
		edit(r)
		if got := sqlstore.DigestRows([]*sqlstore.ResultRow{r, row("r2", "fail")}); got == base {
			t.Errorf("%s: the digest did not change", name)
		}
	}
	if got := sqlstore.DigestRows([]*sqlstore.ResultRow{row("r1", "pass")}); got == base {
		t.Error("a row less: the digest did not change")
	}
}

// TestEncodeResultError: a value with no JSON form is an invalid error
// naming the value and the rule.
func TestEncodeResultError(t *testing.T) {
	_, err := sqlstore.EncodeResult(&unet.PolicyResult{ObjectKind: unet.KindNode, ObjectID: "n1", Rule: "r9", Status: "fail",
		Actual: make(chan int)})
	if err == nil || unet.ErrorCode(err) != unet.EINVALID || !strings.Contains(err.Error(), "actual value of r9 cannot be stored as JSON") {
		t.Fatalf("error %v", err)
	}
}
