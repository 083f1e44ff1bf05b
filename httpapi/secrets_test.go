package httpapi_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// outsideSecret writes a file outside every allow-list and returns its
// reference and its content.
func outsideSecret(t *testing.T) (ref, value string) {
	t.Helper()
	value = "leaked-" + strings.ReplaceAll(t.Name(), "/", "-")
	p := filepath.Join(t.TempDir(), "server-only")
	if err := os.WriteFile(p, []byte(value+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return "file:" + p, value
}

// A client cannot store a reference to a server file or variable outside
// the allow-list (422 naming the field), nor a pasted value (422 that does
// not echo it), nor a Git URL with embedded credentials.
func TestSecretRefsRefusedWhenStored(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	for _, tt := range []struct {
		path  string
		body  any
		field string
		hide  string
	}{
		{"/snmp/profiles", map[string]any{"name": "leak", "version": "2c", "community_ref": "file:/etc/hostname", "port": 16161}, "community_ref", ""},
		{"/snmp/profiles", map[string]any{"name": "leak", "version": "2c", "community_ref": "env:HOME"}, "community_ref", ""},
		{"/snmp/profiles", map[string]any{"name": "leak", "version": "2c", "community_ref": "env:UNET_DATABASE_URL"}, "community_ref", ""},
		{"/snmp/profiles", map[string]any{"name": "leak", "version": "2c", "community_ref": "s3cr3t-community"}, "community_ref", "s3cr3t-community"},
		{"/snmp/profiles", map[string]any{"name": "leak", "version": "3", "user": "u", "auth_proto": "sha", "auth_key_ref": "pa55:w0rd-literal"}, "auth_key_ref", "w0rd-literal"},
		{"/git/sources", map[string]any{"name": "leak", "url": "https://git.example.net/x.git", "auth": map[string]any{"token_ref": "file:/etc/hostname"}}, "auth.token_ref", ""},
		{"/git/sources", map[string]any{"name": "leak", "url": "https://git.example.net/x.git", "auth": map[string]any{"token_ref": "ghp_s3cr3tT0ken"}}, "auth.token_ref", "ghp_s3cr3tT0ken"},
		{"/git/sources", map[string]any{"name": "leak", "url": "https://git.example.net/x.git", "webhook_secret_ref": "hook-s3cr3t"}, "webhook_secret_ref", "hook-s3cr3t"},
		{"/git/sources", map[string]any{"name": "leak", "url": "https://deploy:pa55w0rd@git.example.net/x.git"}, "url", "pa55w0rd"},
		{"/git/sources", map[string]any{"name": "leak", "url": "https://ghp_t0ken@git.example.net/x.git"}, "url", "ghp_t0ken"},
		{"/git/sources", map[string]any{"name": "leak", "url": "https://deploy:pa ss%zz@git.example.net/x.git"}, "url", "pa ss"},
		{"/git/sources", map[string]any{"name": "leak", "url": "ssh://git:pa55w0rd@git.example.net/x.git"}, "url", "pa55w0rd"},
	} {
		a := ts.send(t, http.MethodPost, "/api/v1"+tt.path, tt.body)
		if a.status != http.StatusUnprocessableEntity {
			t.Errorf("POST %s %v: status %d, want 422 (%s)", tt.path, tt.body, a.status, a.body)
			continue
		}
		p := a.problem(t)
		found := false
		for _, f := range p.Errors {
			found = found || f.Field == tt.field
		}
		if !found {
			t.Errorf("POST %s %v: no error for field %s: %s", tt.path, tt.body, tt.field, a.body)
		}
		if tt.hide != "" && strings.Contains(string(a.body), tt.hide) {
			t.Errorf("POST %s: the answer echoes the pasted value: %s", tt.path, a.body)
		}
		if tt.field == "url" && !strings.Contains(string(a.body), "--token-ref") {
			t.Errorf("POST %s: the answer does not point at --token-ref: %s", tt.path, a.body)
		}
	}
	// An ssh login in the URL is not a secret.
	if a := ts.send(t, http.MethodPost, "/api/v1/git/sources", map[string]any{"name": "login", "url": "ssh://git@git.example.net/x.git"}); a.status != http.StatusCreated {
		t.Errorf("ssh URL with a login: %d %s", a.status, a.body)
	}
	ts.send(t, http.MethodDelete, "/api/v1/git/sources/login", nil)
	for _, list := range []string{"/snmp/profiles", "/git/sources"} {
		if a := ts.send(t, http.MethodGet, "/api/v1"+list, nil); !strings.Contains(string(a.body), `"total":0`) {
			t.Errorf("GET %s after refusals: %s", list, a.body)
		}
	}
}

// A reference stored before the allow-list existed (here written straight
// into the database) is refused when it is used: the SNMP agent and the Git
// server never see the file's content, and neither does the API answer.
func TestSecretRefsRefusedWhenResolved(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	ctx := context.Background()
	ref, value := outsideSecret(t)

	traps := newLeakTraps(t)
	now := time.Now().UTC()
	port := traps.port()
	err := ts.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.InsertSNMPProfile(ctx, &unet.SNMPProfile{Name: "old", Version: "2c", CommunityRef: ref, Port: port,
			Timeout: "300ms", CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		return tx.InsertGitSource(ctx, &unet.GitSource{Name: "old", URL: traps.gitSrv.URL + "/net.git", Kind: unet.GitKindBoth,
			Auth: &unet.GitAuth{TokenRef: ref}, CreatedAt: now, UpdatedAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	if a := ts.send(t, http.MethodPost, "/api/v1/nodes", map[string]any{"name": "r1", "vendor": "generic", "mgmt_ip": "127.0.0.1",
		"snmp_profile": "old", "lifecycle": "live"}); a.status != http.StatusCreated {
		t.Fatalf("create node: %d %s", a.status, a.body)
	}

	poll := ts.send(t, http.MethodPost, "/api/v1/nodes/r1/poll", nil)
	syncA := ts.send(t, http.MethodPost, "/api/v1/git/sources/old/sync", nil)
	status := ts.send(t, http.MethodGet, "/api/v1/nodes/r1/status", nil)
	gitStatus := ts.send(t, http.MethodGet, "/api/v1/git/sources/old/status", nil)
	if poll.status < 400 || !strings.Contains(string(poll.body), "outside the allow-list") {
		t.Errorf("poll: %d %s, want a refusal naming the allow-list", poll.status, poll.body)
	}
	if syncA.status < 400 || !strings.Contains(string(syncA.body), "outside the allow-list") {
		t.Errorf("sync: %d %s, want a refusal naming the allow-list", syncA.status, syncA.body)
	}
	for name, a := range map[string]answer{"poll": poll, "sync": syncA, "node status": status, "git status": gitStatus} {
		if strings.Contains(string(a.body), value) {
			t.Errorf("%s answer leaks the file: %s", name, a.body)
		}
	}
	gotSNMP := traps.received()
	if strings.Contains(string(gotSNMP), value) || len(gotSNMP) > 0 {
		t.Errorf("the SNMP listener received %d bytes", len(gotSNMP))
	}
	traps.checkNoGitCredentials(t)
}

// Stored secrets over the API: set is write-only, the value never appears
// in any answer (set, list, change log, profile, poll), a db: reference
// polls a real agent, and remove makes the reference fail.
func TestStoredSecretsOverAPI(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	ts := startServer(t, httpapi.Options{})
	c := ts.client(t, "api-tester")
	ctx := context.Background()

	if _, err := c.SetSecret(ctx, "snmp-ro", []byte(agent.Community), unet.WriteOptions{}); unet.ErrorCode(err) != unet.EINVALID ||
		!strings.Contains(err.Error(), "no secrets key") {
		t.Fatalf("set without a key: %v", err)
	}
	key, err := secret.ParseKey(bytes.Repeat([]byte{4}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.svc.SetSecrets(service.SecretsConfig{Key: key}); err != nil {
		t.Fatal(err)
	}
	var answers []answer
	set := ts.send(t, http.MethodPost, "/api/v1/secrets?reason=lab", map[string]string{"name": "snmp-ro", "value": agent.Community})
	if set.status != http.StatusOK || !strings.Contains(string(set.body), `"key_id":"`+key.ID()+`"`) {
		t.Fatalf("set: %d %s", set.status, set.body)
	}
	answers = append(answers, set)
	info, err := c.SetSecret(ctx, "snmp-ro", []byte(agent.Community), unet.WriteOptions{Reason: "again"})
	if err != nil || info.UpdatedBy != "api-tester" || info.Name != "snmp-ro" {
		t.Fatalf("set through the client: %+v %v", info, err)
	}
	list, err := c.ListSecrets(ctx)
	if err != nil || len(list) != 1 || list[0].Name != "snmp-ro" {
		t.Fatalf("list: %+v %v", list, err)
	}
	if _, err := c.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: "lab", Version: "2c", CommunityRef: "db:snmp-ro", Port: int(agent.Port), Timeout: "1s"},
		unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if a := ts.send(t, http.MethodPost, "/api/v1/nodes", map[string]any{"name": "agent", "vendor": "generic", "mgmt_ip": agent.Host,
		"snmp_profile": "lab", "lifecycle": "live"}); a.status != http.StatusCreated {
		t.Fatalf("create node: %d %s", a.status, a.body)
	}
	poll := ts.send(t, http.MethodPost, "/api/v1/nodes/agent/poll", nil)
	if poll.status != http.StatusOK || !strings.Contains(string(poll.body), `"reachable":true`) {
		t.Fatalf("poll through db:snmp-ro: %d %s", poll.status, poll.body)
	}
	answers = append(answers, poll, ts.send(t, http.MethodGet, "/api/v1/secrets", nil), ts.send(t, http.MethodGet, "/api/v1/changes", nil),
		ts.send(t, http.MethodGet, "/api/v1/snmp/profiles", nil), ts.send(t, http.MethodGet, "/api/v1/export", nil))

	if err := c.RemoveSecret(ctx, "snmp-ro", unet.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	gone := ts.send(t, http.MethodPost, "/api/v1/nodes/agent/poll", nil)
	if gone.status < 400 || !strings.Contains(string(gone.body), "no stored secret snmp-ro") {
		t.Fatalf("poll after remove: %d %s", gone.status, gone.body)
	}
	if a := ts.send(t, http.MethodDelete, "/api/v1/secrets/snmp-ro", nil); a.status != http.StatusNotFound {
		t.Fatalf("second remove: %d %s", a.status, a.body)
	}
	answers = append(answers, gone)
	for i, a := range answers {
		if strings.Contains(string(a.body), agent.Community) {
			t.Errorf("answer %d shows the stored value: %s", i, a.body)
		}
	}
}

// leakTraps are the endpoints a leaked secret would reach: a UDP listener
// standing in for an SNMP agent and an HTTP server standing in for a Git
// host, both recording what they receive.
type leakTraps struct {
	pc      net.PacketConn
	udpDone sync.WaitGroup
	udp     []byte
	gitSrv  *httptest.Server
	mu      sync.Mutex
	gitAuth []string
}

// newLeakTraps starts the traps; they stop with the test.
func newLeakTraps(t *testing.T) *leakTraps {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lt := &leakTraps{pc: pc}
	lt.udpDone.Add(1)
	go func() {
		defer lt.udpDone.Done()
		buf := make([]byte, 4096)
		for {
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			lt.udp = append(lt.udp, buf[:n]...)
		}
	}()
	lt.gitSrv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lt.mu.Lock()
		lt.gitAuth = append(lt.gitAuth, r.Header.Get("Authorization"))
		lt.mu.Unlock()
		w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(func() { lt.gitSrv.Close(); _ = pc.Close() })
	return lt
}

// port is the UDP port of the SNMP trap.
func (lt *leakTraps) port() int { return lt.pc.LocalAddr().(*net.UDPAddr).Port }

// received stops the SNMP trap and returns what it received.
func (lt *leakTraps) received() []byte {
	_ = lt.pc.Close()
	lt.udpDone.Wait()
	return lt.udp
}

// checkNoGitCredentials fails the test when the Git trap received any.
func (lt *leakTraps) checkNoGitCredentials(t *testing.T) {
	t.Helper()
	lt.mu.Lock()
	defer lt.mu.Unlock()
	for _, h := range lt.gitAuth {
		if h != "" {
			t.Errorf("the Git server received credentials: %q", h)
		}
	}
}
