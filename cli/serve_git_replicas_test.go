package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

// TestServeReplicasShareGitSnapshots runs two servers on one PostgreSQL
// database, each with its own data directory: a source synced through the
// first is evaluated by the second after the remote is gone, from the
// snapshot stored in the database; both servers listen for activations.
func TestServeReplicasShareGitSnapshots(t *testing.T) {
	ctx := context.Background()
	url := testutil.NewPostgresDB(t)
	db, err := sqlstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	serve := func() string {
		dir := t.TempDir()
		cfg := filepath.Join(dir, "unet.toml")
		content := "data_dir = \"" + filepath.Join(dir, "data") + "\"\n\n[database]\nurl = \"" + url + "\"\n\n[git]\nallow_local_urls = true\n"
		if err := os.WriteFile(cfg, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		u, _, _ := startServe(t, []string{"--config", cfg}, nil)
		return u
	}
	one, two := serve(), serve()
	eventually(t, "both servers listen for activations", func() bool {
		n, err := db.ListenConnections(ctx, sqlstore.GitNotifyChannel)
		return err == nil && n == 2
	})

	repo := testutil.NewGitRepo(t, "net")
	repo.Commit("main", "rules", map[string]string{"base.rules": "RULE \"base\" SEVERITY low\nWHEN node.lifecycle == \"live\"\nTHEN ASSERT node.role IS NOT NULL\n"})
	remote := func(server string, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		code := Run(ctx, append([]string{"--server", server}, args...), Env{Stdout: &out, Stderr: &errb,
			Getenv: func(k string) string {
				if k == "UNET_ACTOR" {
					return "tester"
				}
				return ""
			}})
		if code != 0 {
			t.Fatalf("unet %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
		}
		return out.String()
	}
	remote(one, "git", "sources", "add", "net", "--url", repo.URL(), "--branch", "main", "--kind", "policies")
	remote(one, "git", "sync", "net")
	if err := os.RemoveAll(repo.Root); err != nil {
		t.Fatal(err)
	}
	post := func(server, path, body string) string {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, server+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Unet-Actor", "tester")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode/100 != 2 {
			t.Fatalf("POST %s: %d %s", path, resp.StatusCode, data)
		}
		return string(data)
	}
	post(two, "/api/v1/nodes", `{"name":"r1","vendor":"cisco","lifecycle":"live"}`)
	if rep := post(two, "/api/v1/policies/evaluate", `{}`); !strings.Contains(rep, `"base"`) {
		t.Fatalf("the second server evaluated without the synced rules: %s", rep)
	}
}
