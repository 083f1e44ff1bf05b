package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// contractMode runs CLI commands either against a database (local mode) or
// against a real server on a random loopback port (remote mode).
type contractMode struct {
	name   string
	global []string // --db … or --server …
	target string   // what the outputs name as the target (database or server URL)
	dir    string   // a private directory for exports
	token  string   // UNET_TOKEN of the remote mode against a server in auth mode local
	// actor is who runs the next command ("" is alice); tokens are the
	// API tokens of the other actors against a server in auth mode local.
	actor  string
	tokens map[string]string
}

// contractOut is one command's observable behaviour.
type contractOut struct {
	stdout, stderr string
	code           int
}

func (m *contractMode) run(t *testing.T, args ...string) contractOut {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		switch k {
		case "UNET_ACTOR":
			if m.actor != "" {
				return m.actor
			}
			return "alice"
		case "UNET_TOKEN":
			if m.actor != "" && m.token != "" {
				return m.tokens[m.actor]
			}
			return m.token
		}
		return ""
	}}
	code := Run(context.Background(), append(append([]string{}, m.global...), args...), env)
	return contractOut{stdout: out.String(), stderr: errb.String(), code: code}
}

// startContractServer serves a fresh database over HTTP on loopback. With
// withToken the server runs in auth mode local and the returned token is a
// real API token of user alice (admin), the actor of the local mode.
func startContractServer(t *testing.T, dbURL string, withToken bool) (url, token string) {
	url, token, _ = startReviewServer(t, dbURL, withToken)
	return url, token
}

// startReviewServer is startContractServer that also returns, with
// withToken, the tokens of bob and carol (approvers), who review alice's
// change sets.
func startReviewServer(t *testing.T, dbURL string, withToken bool) (url, token string, others map[string]string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := service.New(db)
	svc.SetDemo(true) // as `unet serve --demo`: the demo policies and templates
	svc.SetGitAllowLocalURLs(true)
	opts := httpapi.Options{}
	if withToken {
		if err := svc.SetTokenPepper([]byte("contract-test-pepper-0123456789abcdef")); err != nil {
			t.Fatal(err)
		}
		actx := unet.WithActor(ctx, "setup")
		if _, err := svc.CreateUser(actx, unet.NewUser{Name: "alice", Roles: []string{unet.RoleAdmin}}); err != nil {
			t.Fatal(err)
		}
		tok, err := svc.CreateToken(actx, unet.TokenRequest{User: "alice", Description: "contract test"})
		if err != nil {
			t.Fatal(err)
		}
		token = tok.Token
		others = map[string]string{}
		for user, role := range map[string]string{"bob": unet.RoleApprover, "carol": unet.RoleApprover} {
			if _, err := svc.CreateUser(actx, unet.NewUser{Name: user, Roles: []string{role}}); err != nil {
				t.Fatal(err)
			}
			tok, err := svc.CreateToken(actx, unet.TokenRequest{User: user, Description: "contract test"})
			if err != nil {
				t.Fatal(err)
			}
			others[user] = tok.Token
		}
		opts.Audit = svc
		opts.Authorizer = httpapi.LocalAuth{Authenticators: []httpapi.Authenticator{httpapi.TokenAuthenticator{Verifier: svc}}}
	}
	srv, err := httpapi.New(svc, opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		db.Close()
	})
	return hs.URL, token, others
}

// normalizer replaces what legitimately differs between two runs: object
// IDs (numbered by first appearance, so equal IDs stay equal), timestamps,
// and the names of the target and the private directory.
type normalizer struct {
	ids map[string]string
}

var (
	uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	timeRE = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z`)
)

func (n *normalizer) apply(m *contractMode, s string) string {
	s = strings.ReplaceAll(s, m.dir, "<dir>")
	s = strings.ReplaceAll(s, m.target, "<target>")
	s = uuidRE.ReplaceAllStringFunc(s, func(id string) string {
		if v, ok := n.ids[id]; ok {
			return v
		}
		v := fmt.Sprintf("<id%d>", len(n.ids)+1)
		n.ids[id] = v
		return v
	})
	return timeRE.ReplaceAllString(s, "<time>")
}

// contractScenario is the CLI session both modes run. {dir} is the mode's
// private directory, {file} and {bad} shared input files, {change} the ID of
// the newest change of that mode.
func contractScenario() [][]string {
	lines := []string{
		"vendors list",
		"vendors add mikrotik --display-name MikroTik --reason new-vendor",
		"vendors add mikrotik",
		"vendors add 'Bad Name!'",
		"vendors list -o table",
		"locations add --name Europe --type region",
		"locations add --name London --type site --parent Europe --address '1 Main St' --custom-data {\"floor\":3}",
		"locations add --name London --type site --parent Europe",
		"locations add --name Moon --type planet",
		"locations add --name Paris --type site --parent Asia",
		"locations list",
		"locations list --parent Europe -o table",
		"locations list --type site -o ndjson",
		"locations show Europe/London",
		"locations show Europe/London -o table",
		"locations show Nowhere",
		"locations update Europe/London --description HQ --reason describe",
		"locations update Europe/London --set description=again --if-version 1",
		"locations update Europe/London --set colour=red",
		"nodes add --name lon-core-01 --vendor cisco --platform iosxe --mgmt-ip 10.0.0.1 --location Europe/London --role core --tag core --tag lon",
		"nodes add --name lon-core-02 --vendor Cisco --domain example.net --mgmt-ip 2001:db8::2 --location Europe/London -o yaml",
		"nodes add --name lon-core-01 --vendor cisco",
		"nodes add --name -bad --vendor nope --mgmt-ip 300.1.1.1 --platform vms",
		"nodes add --name x --vendor cisco --custom-data [1]",
		"nodes add --name x --vendor cisco --location Atlantis",
		"nodes list",
		"nodes list -o table",
		"nodes list --vendor cisco --limit 1",
		"nodes list --location Europe -o ndjson",
		"nodes list --location Atlantis",
		"nodes list --tag lon -o table",
		"nodes list --limit 1 --offset 1",
		"nodes show lon-core-01 -o table",
		"nodes show lon-core-02.example.net -o yaml",
		"nodes show ghost",
		"nodes update lon-core-01 --set software_version=17.9.4 --set custom_data.owner=noc --reason upgrade",
		"nodes update lon-core-01 --set custom_data.owner=null --set tags=core",
		"nodes update lon-core-01 --set colour=red",
		"nodes update lon-core-01 --set version=9",
		"nodes update lon-core-01 --lifecycle live -o table",
		"nodes update lon-core-01 --lifecycle implementing",
		"nodes update lon-core-01 --role spine --if-version 1",
		"nodes update lon-core-01 --role spine --if-version 5",
		"nodes update lon-core-01",
		"links add --a lon-core-01:Gi0/0/1 --z lon-core-02.example.net:Gi0/0/1 --role backbone --bandwidth 10G --name core-link",
		"links add --a lon-core-01:Gi0/0/1 --z lon-core-02.example.net:Gi0/0/2",
		"links add --a lon-core-01:Gi0/0/9 --role internet --provider ACME --circuit-id C-1",
		"links add --a ghost:Gi0/0/1",
		"links add --a lon-core-01:Gi0/0/3 --z lon-core-01:Gi0/0/3",
		"links add --a lon-core-01:Gi0/0/4 --bandwidth fast",
		"links list -o table",
		"links list --node lon-core-01",
		"links list --role internet -o table",
		"links show core-link",
		"links show lon-core-01:Gi0/0/9 -o table",
		"links show lon-core-02.example.net:Gi0/0/1",
		"links update core-link --description 'core pair' --bandwidth 40G",
		"links update core-link --if-version 1 --description stale",
		"links delete lon-core-01:Gi0/0/9",
		"links delete lon-core-01:Gi0/0/9",
		"nodes delete lon-core-02.example.net",
		"locations delete Europe",
		"locations delete Europe/London",
		"changes list -o table",
		"changes list --object node/lon-core-01",
		"changes list --actor alice --limit 3 -o table",
		"changes list --object planet/x",
		"changes list --since 2000-01-01T00:00:00Z --limit 2",
		"changes show {change}",
		"changes show {change} -o table",
		"changes show 00000000-0000-0000-0000-000000000000",
		"import {file} --dry-run -o table",
		"import {file} --reason bulk",
		"import {file} -o table",
		"import {bad}",
		"nodes list -o table",
		"export {dir}/yaml --format yaml",
		"export {dir}/csv --format csv -o table",
		"nodes delete lon-core-02.example.net --cascade --reason retire",
		"nodes delete lon-core-01 --if-version 1",
		"nodes delete lon-core-01 -o table",
		"nodes delete lon-core-01",
		"demo -o table",
		"demo",
		"nodes list --vendor arista --role leaf -o table",
		"locations list -o table",
		"links list --node fra-spine-01",
		"changes list --limit 5",
		"export {dir}/json --format json",
		// Policies, templates and SNMP through the same interfaces.
		"policy eval -o table",
		"policy eval --store --node lon-acc-07",
		"policy eval --store",
		"policy results --status fail -o table",
		"nodes list --compliance fail -o table",
		"nodes list --environment lab --sort -name -o table",
		"nodes list --search lon-acc --compliance pass --sort=-mgmt_ip --limit 3 -o table",
		"nodes list --search SN010 --sort -fqdn -o ndjson",
		"nodes list --compliance pass --environment production --sort mgmt_ip --limit 2 --offset 1",
		"nodes list --compliance green",
		"nodes list --sort colour -o table",
		"policy history --node lon-acc-05 -o table",
		"policy report --by vendor -o table",
		"nodes show lon-acc-07 --eval -o table",
		"policy apply --dry-run -o table",
		"template list -o table",
		"template validate -o table",
		"template render fra-leaf-01",
		"template render fra-leaf-01 -t eos/ntp.j2 -o json",
		"template render nyc-fw-01",
		"template diff lon-dist-01 --running ../examples/running/lon-dist-01.cfg -o table",
		"template diff lon-acc-11 --running ../examples/running/lon-acc-11.cfg",
		"template diff lon-acc-11 --running {dir}/missing.cfg",
		"template diff lon-dist-01 --running ../examples/running/lon-dist-01.cfg --remediation -o table",
		"template diff lon-dist-01 --running ../examples/running/lon-dist-01.cfg --remediation",
		"template diff lon-acc-11 --running ../examples/running/lon-acc-11.cfg --remediation -o table",
		"template diff lon-dist-01 --running ../examples/running/lon-dist-01.cfg --remediation --rules {dir}/missing.toml",
		"snmp profile add lab --version 2c --community env:UNET_SNMP_TEST_COMMUNITY --timeout 1s",
		"snmp profile add bad --version 3 --user u --auth-proto rot13",
		"snmp profile list -o table",
		"snmp profile show lab",
		"nodes status lon-acc-01",
		"nodes drift",
		"snmp profile delete lab",
		// Roles are the same table on both sides.
		"roles list -o table",
		"roles show operator",
		"roles show nosuch",
		// Change review: alice proposes, bob approves, alice applies and
		// reverts. After bob's decision only table output is compared: a
		// decision records the decider's roles, which only an authenticated
		// server knows.
		"nodes update lon-acc-01 --set software_version=16.9.1 --propose 'Downgrade lon-acc-01'",
		"nodes update lon-acc-01 --set software_version=16.9.1 --propose 'Twice' --changeset cs-1",
		"changes show cs-1 -o table",
		"changes show cs-1 --no-impact",
		"changes diff cs-1 -o table",
		"changes diff cs-1 --remediation -o table",
		"changes approve cs-1",
		"changes apply cs-1",
		"@bob changes approve cs-1 --comment ok -o table",
		"changes apply cs-1 -o table",
		"nodes show lon-acc-01 -o table",
		"changes list --object node/lon-acc-01 --limit 1 -o table",
		"changes revert cs-1 --reason back -o table",
		"changes revert cs-1 -o table",
		"changes sets -o table",
		"changes sets --limit 1 --offset 1 -o table",
		"changes sets --state reverted --author alice -o table",
		"changes events --changeset cs-1 -o table",
		"approvals add access --when 'node.role == \"access\"' --require 2 --description 'access switches'",
		"approvals add broken --when 'node.role ==' --require 1",
		"approvals list -o table",
		"nodes update lon-acc-02 --role distribution --propose Reshape --draft",
		"vendors add acme --changeset cs-3",
		"changes append cs-3 -f {ops}",
		"changes propose -f {badops}",
		"changes submit cs-3 -o table",
		"changes show cs-3 --no-impact -o yaml",
		"@bob changes approve cs-3 -o table",
		"changes apply cs-3 -o table",
		"@carol changes approve cs-3 -o table",
		"changes apply cs-3 -o table",
		"changes abandon cs-3 --reason later -o table",
		"nodes show lon-acc-03 -o table",
		"policy apply --propose 'Monitoring tiers' -o table",
		"changes show cs-4 --no-impact -o table",
		"policy apply --propose 'Monitoring tiers' --dry-run",
		"approvals remove access",
		"approvals remove access",
		"nodes update lon-acc-05 --role core --emergency --reason outage -o table",
		"nodes update lon-acc-05 --role core --emergency",
		"changes reviews -o table",
		"changes review {change} --comment mine",
		"@bob changes review {change} --comment checked -o table",
		"changes reviews",
		"changes reviews --all -o table",
	}
	out := make([][]string, len(lines))
	for i, l := range lines {
		out[i] = splitArgs(l)
	}
	return out
}

// splitArgs splits a command line at spaces; '…' quotes a word with spaces.
func splitArgs(line string) []string {
	var args []string
	var cur strings.Builder
	quoted, inWord := false, false
	for _, r := range line {
		switch {
		case r == '\'':
			quoted = !quoted
			inWord = true
		case r == ' ' && !quoted:
			if inWord {
				args = append(args, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		args = append(args, cur.String())
	}
	return args
}

func writeContractInputs(t *testing.T) (file, bad string) {
	t.Helper()
	dir := t.TempDir()
	file = filepath.Join(dir, "inventory.yaml")
	bad = filepath.Join(dir, "broken.json")
	inv := `vendors:
  - name: zte
    display_name: ZTE
locations:
  - name: Asia
    type: region
  - name: Tokyo
    type: site
    parent: Asia
nodes:
  - name: tyo-edge-01
    vendor: zte
    location: Asia/Tokyo
    mgmt_ip: 10.9.0.1
    tags: [edge]
    custom_data: {rack: A1, units: 2}
  - name: lon-core-01
    vendor: cisco
    platform: iosxe
    location: Europe/London
    software_version: 17.12.1
links:
  - a_node: tyo-edge-01
    a_interface: xe-0/0/0
    z_node: lon-core-01
    z_interface: Te1/0/1
    role: backbone
`
	broken := `{"nodes": [
  {"name": "ok-1", "vendor": "cisco"},
  {"name": "bad one", "vendor": "nobody", "mgmt_ip": "1.2.3"},
  {"name": "ok-2", "vendor": "cisco", "location": "Mars"}
], "links": [{"a_node": "ghost", "a_interface": "e0"}]}`
	if err := os.WriteFile(file, []byte(inv), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, bad
}

// writeContractOps writes a file of operations and one with mistakes.
func writeContractOps(t *testing.T) (ops, bad string) {
	t.Helper()
	dir := t.TempDir()
	ops, bad = filepath.Join(dir, "ops.yaml"), filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(ops, []byte("ops:\n  - op: update\n    kind: node\n    ref: lon-acc-03\n    data: {custom_data: {owner: noc}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("title: bad\ncolour: red\nops:\n  - {op: upsert, kind: node}\n  - {op: update, kind: node, ref: ghost, data: {}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return ops, bad
}

// newestChange returns the ID of the newest change of a mode.
func newestChange(t *testing.T, m *contractMode) string {
	t.Helper()
	o := m.run(t, "changes", "list", "--limit", "1", "-o", "json")
	var cs []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &cs); err != nil || len(cs) != 1 {
		t.Fatalf("%s: changes list: %v %q", m.name, err, o.stdout)
	}
	return cs[0].ID
}

// TestLocalAndRemoteModesAgree runs the same CLI session against a local
// database and against a server, and requires identical stdout, stderr and
// exit codes once IDs, timestamps and target names are normalised.
func TestLocalAndRemoteModesAgree(t *testing.T) {
	runContract(t, "sqlite://"+filepath.Join(t.TempDir(), "remote.db"), false)
}

// TestLocalAndRemoteWithTokenAgree runs the scenario against a server in
// auth mode local, the remote CLI sending a real API token (UNET_TOKEN): a
// user with the admin role sees exactly what local mode shows, and the
// change log names the token's user.
func TestLocalAndRemoteWithTokenAgree(t *testing.T) {
	runContract(t, "sqlite://"+filepath.Join(t.TempDir(), "remote.db"), true)
}

// TestLocalSQLiteAndRemotePostgresAgree runs the scenario against a local
// SQLite file and a server over PostgreSQL in auth mode local (a real API
// token): neither the engine behind the server nor the authentication shows.
func TestLocalSQLiteAndRemotePostgresAgree(t *testing.T) {
	if os.Getenv(testutil.PostgresEnv) == "" {
		url, stop, err := testutil.StartPostgres()
		if err != nil {
			t.Fatalf("cannot start PostgreSQL (apt-get install -y postgresql, or set %s): %v", testutil.PostgresEnv, err)
		}
		t.Cleanup(stop)
		t.Setenv(testutil.PostgresEnv, url)
	}
	runContract(t, testutil.NewPostgresDB(t), true)
}

func runContract(t *testing.T, remoteDB string, withToken bool) {
	file, bad := writeContractInputs(t)
	ops, badOps := writeContractOps(t)
	local := &contractMode{name: "local", dir: t.TempDir()}
	local.target = "sqlite://" + filepath.Join(t.TempDir(), "local.db")
	createLocalDB(t, local.target)
	local.global = []string{"--db", local.target}
	remote := &contractMode{name: "remote", dir: t.TempDir()}
	if withToken {
		remote.target, remote.token, remote.tokens = startReviewServer(t, remoteDB, withToken)
	} else {
		remote.target, remote.token = startContractServer(t, remoteDB, withToken)
	}
	remote.global = []string{"--server", remote.target}

	nl, nr := &normalizer{ids: map[string]string{}}, &normalizer{ids: map[string]string{}}
	codes := map[int]int{}
	for _, step := range contractScenario() {
		// "@bob …" runs the command as bob.
		actor := ""
		if strings.HasPrefix(step[0], "@") {
			actor, step = step[0][1:], step[1:]
		}
		local.actor, remote.actor = actor, actor
		argsFor := func(m *contractMode) []string {
			out := make([]string, len(step))
			for i, a := range step {
				a = strings.ReplaceAll(a, "{dir}", m.dir)
				a = strings.ReplaceAll(a, "{file}", file)
				a = strings.ReplaceAll(a, "{bad}", bad)
				a = strings.ReplaceAll(a, "{ops}", ops)
				a = strings.ReplaceAll(a, "{badops}", badOps)
				if strings.Contains(a, "{change}") {
					a = strings.ReplaceAll(a, "{change}", newestChange(t, m))
				}
				out[i] = a
			}
			return out
		}
		lo := local.run(t, argsFor(local)...)
		ro := remote.run(t, argsFor(remote)...)
		codes[lo.code]++
		cmd := strings.Join(step, " ")
		if testing.Verbose() {
			t.Logf("unet %s -> %d\n%s%s", cmd, lo.code, firstLines(lo.stdout, 3), firstLines(lo.stderr, 3))
		}
		if lo.code != ro.code {
			t.Errorf("unet %s: exit %d locally, %d remotely\nlocal stderr: %s\nremote stderr: %s", cmd, lo.code, ro.code, lo.stderr, ro.stderr)
		}
		if a, b := nl.apply(local, lo.stdout), nr.apply(remote, ro.stdout); a != b {
			t.Errorf("unet %s: stdout differs\n--- local\n%s\n--- remote\n%s", cmd, a, b)
		}
		if a, b := nl.apply(local, lo.stderr), nr.apply(remote, ro.stderr); a != b {
			t.Errorf("unet %s: stderr differs\n--- local\n%s\n--- remote\n%s", cmd, a, b)
		}
	}
	// The scenario exercises success, failures, validation and usage errors.
	for _, code := range []int{ExitOK, ExitFailure, ExitInvalid, ExitUsage} {
		if codes[code] == 0 {
			t.Errorf("the scenario never exits %d: %v", code, codes)
		}
	}
	// Exports of both modes are the same files, byte for byte.
	for _, format := range []string{"yaml", "csv", "json"} {
		lf, _ := filepath.Glob(filepath.Join(local.dir, format, "*"))
		rf, _ := filepath.Glob(filepath.Join(remote.dir, format, "*"))
		if len(lf) == 0 || len(lf) != len(rf) {
			t.Fatalf("%s export: %d local files, %d remote files", format, len(lf), len(rf))
		}
		for i := range lf {
			a, _ := os.ReadFile(lf[i])
			b, _ := os.ReadFile(rf[i])
			if filepath.Base(lf[i]) != filepath.Base(rf[i]) || !bytes.Equal(a, b) {
				t.Errorf("%s export differs: %s", format, filepath.Base(lf[i]))
			}
		}
	}
	// The change logs are identical too: same actors, operations, objects,
	// reasons and before/after images.
	la := local.run(t, "changes", "list", "--limit", "0", "-o", "json")
	ra := remote.run(t, "changes", "list", "--limit", "0", "-o", "json")
	if a, b := nl.apply(local, la.stdout), nr.apply(remote, ra.stdout); a != b || la.code != 0 {
		t.Errorf("change logs differ\n--- local\n%s\n--- remote\n%s", a, b)
	}
	if !strings.Contains(la.stdout, `"actor": "alice"`) {
		t.Errorf("the change log does not name the actor: %.300s", la.stdout)
	}
}

func TestRemoteServerUnreachable(t *testing.T) {
	url := "http://127.0.0.1:1"
	for _, args := range [][]string{{"nodes", "list"}, {"nodes", "show", "x"}, {"vendors", "add", "x"}} {
		var out, errb bytes.Buffer
		code := Run(context.Background(), append([]string{"--server", url}, args...), Env{Stdout: &out, Stderr: &errb,
			Getenv: func(string) string { return "" }})
		if code != ExitUnreachable || !strings.Contains(errb.String(), url) || out.Len() != 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errb.String())
		}
	}
	var errb bytes.Buffer
	code := Run(context.Background(), []string{"--server", "ftp://x", "nodes", "list"}, Env{Stdout: &bytes.Buffer{}, Stderr: &errb,
		Getenv: func(string) string { return "" }})
	if code != ExitUsage || !strings.Contains(errb.String(), "http://host:port") {
		t.Errorf("bad server URL: exit %d, stderr %q", code, errb.String())
	}
	// UNET_SERVER selects remote mode too.
	errb.Reset()
	code = Run(context.Background(), []string{"nodes", "list"}, Env{Stdout: &bytes.Buffer{}, Stderr: &errb,
		Getenv: func(k string) string {
			if k == "UNET_SERVER" {
				return url
			}
			return ""
		}})
	if code != ExitUnreachable || !strings.Contains(errb.String(), url) {
		t.Errorf("UNET_SERVER: exit %d, stderr %q", code, errb.String())
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…\n")
	}
	return strings.Join(lines, "")
}

// createLocalDB creates an empty, migrated database: commands other than db
// migrate up, demo and import refuse a SQLite file that does not exist.
func createLocalDB(t *testing.T, url string) {
	t.Helper()
	if code := Run(context.Background(), []string{"--db", url, "db", "migrate", "up"}, Env{Stdout: io.Discard, Stderr: io.Discard,
		Getenv: func(string) string { return "" }}); code != 0 {
		t.Fatalf("create %s: exit %d", url, code)
	}
}
