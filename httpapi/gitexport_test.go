package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/cli"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
)

// grantOnly allows the listed permissions (and public routes) and refuses
// the rest.
type grantOnly map[httpapi.Permission]bool

func (grantOnly) Mode() string { return "test" }

func (g grantOnly) Authorize(_ *http.Request, p httpapi.Permission) (*unet.Principal, error) {
	if p == httpapi.PermPublic || g[p] {
		return &unet.Principal{User: "bob"}, nil
	}
	return nil, unet.Errorf(unet.EFORBIDDEN, "permission %s denied", p)
}

// TestGitExportOverHTTP: `unet --server URL git export` commits the server's
// inventory into a Git source as the remote actor, exactly as local mode
// does; the route needs both git:write and inventory:export.
func TestGitExportOverHTTP(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	repo := testutil.NewGitRepo(t, "intent")
	repo.Commit("main", "policies", map[string]string{"base.rules": gitRule("base")})
	run := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		env := map[string]string{"UNET_ACTOR": "alice"}
		code := cli.Run(context.Background(), append([]string{"--server", ts.URL}, args...),
			cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
		return out.String(), errb.String(), code
	}
	for _, args := range [][]string{
		{"nodes", "add", "--name", "leaf1", "--vendor", "arista"},
		{"git", "sources", "add", "intent", "--url", repo.URL(), "--branch", "main", "--kind", "policies"},
	} {
		if _, errs, code := run(args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
	}
	out, errs, code := run("git", "export", "intent", "--message", "Inventory snapshot")
	if code != 0 {
		t.Fatalf("remote git export: exit %d: %s", code, errs)
	}
	var res unet.GitExportResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("export answer %q: %v", out, err)
	}
	if !res.Changed || res.Commit != repo.Head("main") || res.Files != 4 || res.Branch != "main" {
		t.Fatalf("export: %+v (head %s)", res, repo.Head("main"))
	}
	if got := strings.TrimSpace(repo.BareGit("log", "-1", "--format=%an|%s", "main")); got != "alice|Inventory snapshot" {
		t.Fatalf("commit author and subject: %q", got)
	}
	if nodes := repo.Show("main", "inventory/nodes.yaml"); !strings.Contains(nodes, "name: leaf1") {
		t.Fatalf("nodes.yaml: %.200s", nodes)
	}
	if out, errs, code := run("git", "export", "intent", "-o", "table"); code != 0 || !strings.Contains(out, "unchanged") {
		t.Fatalf("second export: exit %d\n%s%s", code, out, errs)
	}

	// git:write alone does not let a caller read the inventory out into Git.
	limited := startServer(t, httpapi.Options{Authorizer: grantOnly{httpapi.PermGitWrite: true, httpapi.PermGitRead: true}})
	a := limited.send(t, http.MethodPost, "/api/v1/git/sources/intent/export", map[string]any{})
	if a.status != http.StatusForbidden || !strings.Contains(a.problem(t).Detail, string(httpapi.PermInventoryExport)) {
		t.Fatalf("export with git:write only: %d %s", a.status, a.body)
	}
	// An unknown source is 404 for a caller with both permissions.
	both := startServer(t, httpapi.Options{Authorizer: grantOnly{httpapi.PermGitWrite: true, httpapi.PermInventoryExport: true}})
	if a := both.send(t, http.MethodPost, "/api/v1/git/sources/nope/export", map[string]any{}); a.status != http.StatusNotFound {
		t.Fatalf("export of an unknown source: %d %s", a.status, a.body)
	}
}
