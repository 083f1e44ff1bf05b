package httpapi

import (
	"os"
	"strings"
	"testing"
)

// TestDocsListEveryRoute keeps docs/api.md's route table in step with the
// route table.
func TestDocsListEveryRoute(t *testing.T) {
	doc, err := os.ReadFile("../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, Options{})
	for _, r := range s.Routes() {
		row := "| " + r.Method + " | `" + r.Path + "` | " + string(r.Permission) + " |"
		if !strings.Contains(string(doc), row) {
			t.Errorf("docs/api.md lacks the row %q", row)
		}
	}
	if n, want := strings.Count(string(doc), "\n| GET |")+strings.Count(string(doc), "\n| POST |")+
		strings.Count(string(doc), "\n| PATCH |")+strings.Count(string(doc), "\n| DELETE |"), len(s.Routes()); n != want {
		t.Errorf("docs/api.md lists %d routes, the table has %d", n, want)
	}
}
