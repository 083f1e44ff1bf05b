package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/sqlstore"
)

// Each use has its own allow-list: with the default lists, an SNMP profile
// cannot reference a Git credential (and send it as its community to a host
// the client controls), and a Git source cannot reference an SNMP one. Both
// are refused with 422 naming the field when stored.
func TestSecretRefsRefusedOutsideTheirUse(t *testing.T) {
	t.Setenv("UNET_GIT_TOKEN", "ghp_use_split")
	t.Setenv("UNET_SNMP_COMMUNITY", "snmp_use_split")
	ts := startServer(t, httpapi.Options{})
	data := ts.svc.GitDataDir()
	for _, tt := range []struct {
		path  string
		body  map[string]any
		field string
	}{
		{"/snmp/profiles", map[string]any{"name": "evil", "version": "2c", "community_ref": "env:UNET_GIT_TOKEN", "port": 39161}, "community_ref"},
		{"/snmp/profiles", map[string]any{"name": "evil", "version": "2c", "community_ref": "db:git-token"}, "community_ref"},
		{"/snmp/profiles", map[string]any{"name": "evil", "version": "2c", "community_ref": "file:" + data + "/secrets/git/token"}, "community_ref"},
		{"/snmp/profiles", map[string]any{"name": "evil", "version": "3", "user": "u", "auth_proto": "sha", "auth_key_ref": "env:UNET_GIT_TOKEN"}, "auth_key_ref"},
		{"/git/sources", map[string]any{"name": "evil", "url": "https://attacker.example.net/x.git", "auth": map[string]any{"token_ref": "env:UNET_SNMP_COMMUNITY"}}, "auth.token_ref"},
		{"/git/sources", map[string]any{"name": "evil", "url": "https://attacker.example.net/x.git", "auth": map[string]any{"token_ref": "db:snmp-ro"}}, "auth.token_ref"},
		{"/git/sources", map[string]any{"name": "evil", "url": "https://attacker.example.net/x.git", "webhook_secret_ref": "env:UNET_SNMP_COMMUNITY"}, "webhook_secret_ref"},
	} {
		a := ts.send(t, http.MethodPost, "/api/v1"+tt.path, tt.body)
		if a.status != http.StatusUnprocessableEntity || !strings.Contains(string(a.body), tt.field) || !strings.Contains(string(a.body), "outside the allow-list") {
			t.Errorf("POST %s %v: %d %s, want 422 naming %s", tt.path, tt.body, a.status, a.body, tt.field)
		}
		if strings.Contains(string(a.body), "use_split") {
			t.Errorf("POST %s: the answer leaks a value: %s", tt.path, a.body)
		}
	}
	// Each credential is still accepted for its own use.
	if a := ts.send(t, http.MethodPost, "/api/v1/snmp/profiles", map[string]any{"name": "lab", "version": "2c", "community_ref": "env:UNET_SNMP_COMMUNITY"}); a.status != http.StatusCreated {
		t.Errorf("SNMP profile with an SNMP credential: %d %s", a.status, a.body)
	}
	if a := ts.send(t, http.MethodPost, "/api/v1/git/sources", map[string]any{"name": "net", "url": "https://git.example.net/x.git",
		"auth": map[string]any{"token_ref": "env:UNET_GIT_TOKEN"}, "webhook_secret_ref": "db:git-hook"}); a.status != http.StatusCreated {
		t.Errorf("Git source with Git credentials: %d %s", a.status, a.body)
	}
}

// A cross-use reference written straight into the database is refused when
// it is used: the UDP listener standing in for the client's host receives
// nothing, and the Git server receives no credentials.
func TestSecretRefsRefusedOutsideTheirUseWhenResolved(t *testing.T) {
	t.Setenv("UNET_GIT_TOKEN", "ghp_use_split")
	t.Setenv("UNET_SNMP_COMMUNITY", "snmp_use_split")
	ts := startServer(t, httpapi.Options{})
	ctx := context.Background()

	traps := newLeakTraps(t)
	now := time.Now().UTC()
	port := traps.port()
	err := ts.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.InsertSNMPProfile(ctx, &unet.SNMPProfile{Name: "evil", Version: "2c", CommunityRef: "env:UNET_GIT_TOKEN", Port: port,
			Timeout: "300ms", CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		return tx.InsertGitSource(ctx, &unet.GitSource{Name: "evil", URL: traps.gitSrv.URL + "/net.git", Kind: unet.GitKindBoth,
			Auth: &unet.GitAuth{TokenRef: "env:UNET_SNMP_COMMUNITY"}, CreatedAt: now, UpdatedAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	if a := ts.send(t, http.MethodPost, "/api/v1/nodes", map[string]any{"name": "evil1", "vendor": "generic", "mgmt_ip": "127.0.0.1",
		"snmp_profile": "evil", "lifecycle": "live"}); a.status != http.StatusCreated {
		t.Fatalf("create node: %d %s", a.status, a.body)
	}
	poll := ts.send(t, http.MethodPost, "/api/v1/nodes/evil1/poll", nil)
	if poll.status < 400 || !strings.Contains(string(poll.body), "snmp_allow") {
		t.Errorf("poll: %d %s, want a refusal naming the SNMP allow-list", poll.status, poll.body)
	}
	syncA := ts.send(t, http.MethodPost, "/api/v1/git/sources/evil/sync", nil)
	if syncA.status < 400 || !strings.Contains(string(syncA.body), "git_allow") {
		t.Errorf("sync: %d %s, want a refusal naming the Git allow-list", syncA.status, syncA.body)
	}
	for name, a := range map[string]answer{"poll": poll, "sync": syncA} {
		if strings.Contains(string(a.body), "use_split") {
			t.Errorf("%s answer leaks a value: %s", name, a.body)
		}
	}
	got := traps.received()
	if len(got) > 0 {
		t.Errorf("the UDP listener received %d bytes (ghp token inside: %v)", len(got), strings.Contains(string(got), "ghp_use_split"))
	}
	traps.checkNoGitCredentials(t)
}
