package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestGrantScopeValidated: a scope that does not parse is refused with its
// line:column and exit 66 (invalid); nothing is granted.
func TestGrantScopeValidated(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	env := map[string]string{"UNET_ACTOR": "root"}
	for _, args := range [][]string{{"db", "migrate", "up"}, {"users", "add", "erin"}} {
		if _, errs, code := idRun(t, "", env, append([]string{"--db", db}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
	}
	_, errs, code := idRun(t, "", env, "--db", db, "users", "grant", "erin", "engineer", "--scope", `location.path MATCHES`)
	if code != ExitInvalid || !strings.Contains(errs, "scope") || !strings.Contains(errs, "1:") {
		t.Fatalf("invalid scope: exit %d: %s", code, errs)
	}
	out, errs, code := idRun(t, "", env, "--db", db, "-o", "json", "users", "show", "erin")
	if code != 0 || strings.Contains(out, "engineer") {
		t.Fatalf("an invalid scope was granted: exit %d: %s %s", code, out, errs)
	}
}
