package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/cli"
	"github.com/unet-dev/unet/sqlstore"
)

// runner runs the real command tree in-process against one database.
type runner struct {
	t   *testing.T
	db  string
	env map[string]string
}

func newRunner(t *testing.T) *runner {
	r := &runner{t: t, db: "sqlite://" + filepath.Join(t.TempDir(), "unet.db"), env: map[string]string{"UNET_ACTOR": "tester"}}
	createDB(t, r.db)
	return r
}

// createDB creates an empty, migrated database: commands other than db
// migrate up, demo and import refuse a SQLite file that does not exist.
func createDB(t *testing.T, url string) {
	t.Helper()
	var errb bytes.Buffer
	if code := cli.Run(context.Background(), []string{"--db", url, "db", "migrate", "up"}, cli.Env{
		Stdout: io.Discard, Stderr: &errb, Getenv: func(string) string { return "" },
	}); code != 0 {
		t.Fatalf("create database %s: exit %d: %s", url, code, errb.String())
	}
}

type result struct {
	stdout, stderr string
	code           int
}

func (r *runner) run(args ...string) result {
	r.t.Helper()
	return r.runStdin("", args...)
}

func (r *runner) runStdin(stdin string, args ...string) result {
	r.t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), append([]string{"--db", r.db}, args...), cli.Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return r.env[k] },
	})
	return result{out.String(), errb.String(), code}
}

// ok runs a command that must succeed.
func (r *runner) ok(args ...string) string {
	r.t.Helper()
	res := r.run(args...)
	if res.code != 0 {
		r.t.Fatalf("unet %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), res.code, res.stdout, res.stderr)
	}
	return res.stdout
}

// fails runs a command that must exit with code and mention every want in stderr.
func (r *runner) fails(code int, want []string, args ...string) result {
	r.t.Helper()
	res := r.run(args...)
	if res.code != code {
		r.t.Fatalf("unet %s: want exit %d, got %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, res.code, res.stdout, res.stderr)
	}
	for _, w := range want {
		if !strings.Contains(res.stderr, w) {
			r.t.Fatalf("unet %s: stderr does not mention %q:\n%s", strings.Join(args, " "), w, res.stderr)
		}
	}
	return res
}

func (r *runner) nodeCount() int {
	r.t.Helper()
	var nodes []map[string]any
	if err := json.Unmarshal([]byte(r.ok("nodes", "list", "-o", "json")), &nodes); err != nil {
		r.t.Fatal(err)
	}
	return len(nodes)
}

func TestNodesLifecycleThroughCLI(t *testing.T) {
	r := newRunner(t)
	r.ok("locations", "add", "--name", "DC1", "--type", "site")
	r.ok("locations", "add", "--name", "R1", "--type", "rack", "--parent", "DC1")
	out := r.ok("nodes", "add", "--name", "leaf1", "--vendor", "Arista", "--domain", "example.net", "--platform", "eos",
		"--role", "leaf", "--mgmt-ip", "2001:db8::1", "--location", "DC1/R1", "--tag", "dc", "--tag", "prod",
		"--custom-data", `{"rack":"R1","ntp":{"servers":["192.0.2.1"]}}`, "--lifecycle", "live")
	var n map[string]any
	if err := json.Unmarshal([]byte(out), &n); err != nil {
		t.Fatalf("add output is not JSON: %v\n%s", err, out)
	}
	for k, want := range map[string]any{"name": "leaf1", "fqdn": "leaf1.example.net", "vendor": "arista", "mgmt_ip": "2001:db8::1",
		"software_version": "", "lifecycle": "live", "environment": "production", "version": float64(1)} {
		if n[k] != want {
			t.Errorf("%s = %v, want %v", k, n[k], want)
		}
	}
	r.ok("nodes", "add", "--name", "spine1", "--vendor", "arista", "--domain", "example.net")
	r.ok("links", "add", "--a", "leaf1:Ethernet49/1", "--z", "spine1.example.net:Ethernet1/1", "--bandwidth", "100G", "--role", "backbone")

	var list []map[string]any
	if err := json.Unmarshal([]byte(r.ok("nodes", "list", "-o", "json", "--location", "DC1")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0]["name"] != "leaf1" {
		t.Fatalf("list --location: %v", list)
	}
	for _, field := range []string{"id", "created_at", "updated_at", "version", "custom_data", "tags", "device_type", "serial_number", "asset_tag", "location_id", "snmp_profile"} {
		if _, ok := list[0][field]; !ok {
			t.Errorf("nodes list -o json lacks %s", field)
		}
	}
	table := r.ok("nodes", "list", "-o", "table")
	if !strings.Contains(table, "NAME") || !strings.Contains(table, "spine1.example.net") {
		t.Fatalf("table: %s", table)
	}
	if nd := r.ok("nodes", "list", "-o", "ndjson"); strings.Count(nd, "\n") != 2 {
		t.Fatalf("ndjson: %q", nd)
	}
	if y := r.ok("nodes", "show", "leaf1", "-o", "yaml"); !strings.Contains(y, "fqdn: leaf1.example.net") {
		t.Fatalf("yaml: %s", y)
	}
	if s := r.ok("nodes", "show", "leaf1", "-o", "table"); !strings.Contains(s, "DC1/R1") {
		t.Fatalf("show table resolves the location path: %s", s)
	}

	out = r.ok("nodes", "update", "leaf1", "--set", "custom_data.ntp.servers=[\"192.0.2.2\"]", "--set", "software_version=4.31.2F", "--model", "7050X3", "--if-version", "1")
	if err := json.Unmarshal([]byte(out), &n); err != nil {
		t.Fatal(err)
	}
	cd := n["custom_data"].(map[string]any)
	if n["version"] != float64(2) || n["software_version"] != "4.31.2F" || n["model"] != "7050X3" || cd["rack"] != "R1" ||
		cd["ntp"].(map[string]any)["servers"].([]any)[0] != "192.0.2.2" {
		t.Fatalf("update: %v", n)
	}
	// Stale version: conflict, exit 1, nothing changed.
	r.fails(1, []string{"leaf1.example.net", "version 2"}, "nodes", "update", "leaf1", "--model", "other", "--if-version", "1")
	// Duplicate name: exit 1 naming the node.
	r.fails(1, []string{"leaf1.example.net", "already exists"}, "nodes", "add", "--name", "leaf1", "--domain", "example.net", "--vendor", "cisco")
	// Delete refused while links exist; the message names the link.
	r.fails(1, []string{"leaf1.example.net:Ethernet49/1", "--cascade"}, "nodes", "delete", "leaf1")
	r.fails(1, []string{"not empty", "DC1/R1"}, "locations", "delete", "DC1")
	r.ok("nodes", "delete", "leaf1", "--cascade")
	r.fails(1, []string{"not found"}, "nodes", "show", "leaf1")

	var changes []map[string]any
	if err := json.Unmarshal([]byte(r.ok("changes", "list", "--object", "node/leaf1.example.net")), &changes); err != nil {
		t.Fatal(err)
	}
	if len(changes) != 3 || changes[0]["op"] != "delete" || changes[2]["op"] != "create" || changes[0]["actor"] != "tester" {
		t.Fatalf("changes: %v", changes)
	}
	show := r.ok("changes", "show", changes[1]["id"].(string), "-o", "table")
	if !strings.Contains(show, `- software_version: ""`) || !strings.Contains(show, `+ software_version: "4.31.2F"`) {
		t.Fatalf("changes show: %s", show)
	}
}

func TestBadInputExitCodes(t *testing.T) {
	r := newRunner(t)
	r.ok("locations", "add", "--name", "DC1", "--type", "site")
	cases := []struct {
		name string
		code int
		want []string
		args []string
	}{
		{"invalid ip", 66, []string{"mgmt_ip", "10.1.1.256"}, []string{"nodes", "add", "--name", "r1", "--vendor", "cisco", "--mgmt-ip", "10.1.1.256"}},
		{"bad name", 66, []string{"name", "r 1"}, []string{"nodes", "add", "--name", "r 1", "--vendor", "cisco"}},
		{"name starting with dash", 66, []string{"name"}, []string{"nodes", "add", "--name", ".r1", "--vendor", "cisco"}},
		{"unknown vendor", 66, []string{"vendor", "acme"}, []string{"nodes", "add", "--name", "r1", "--vendor", "acme"}},
		{"missing vendor", 66, []string{"vendor", "required"}, []string{"nodes", "add", "--name", "r1"}},
		{"unknown location", 66, []string{"location", "DC9"}, []string{"nodes", "add", "--name", "r1", "--vendor", "cisco", "--location", "DC9"}},
		{"custom data not an object", 66, []string{"custom_data", "JSON object"}, []string{"nodes", "add", "--name", "r1", "--vendor", "cisco", "--custom-data", "[1,2]"}},
		{"custom data not JSON", 66, []string{"custom_data"}, []string{"nodes", "add", "--name", "r1", "--vendor", "cisco", "--custom-data", "{rack: 1}"}},
		{"bad platform", 66, []string{"platform"}, []string{"nodes", "add", "--name", "r1", "--vendor", "cisco", "--platform", "vyos"}},
		{"bad location type", 66, []string{"type"}, []string{"locations", "add", "--name", "X", "--type", "planet"}},
		{"bad bandwidth", 66, []string{"bandwidth"}, []string{"links", "add", "--a", "r1:Gi0/1", "--bandwidth", "fast"}},
		{"bad endpoint", 66, []string{"NODE:INTERFACE"}, []string{"links", "add", "--a", "r1"}},
		{"unknown flag", 64, []string{"unknown flag"}, []string{"nodes", "add", "--colour", "red"}},
		{"missing argument", 64, []string{"accepts 1 arg"}, []string{"nodes", "show"}},
		{"unknown command", 64, []string{"unknown command"}, []string{"nodes", "frobnicate"}},
		{"bad output format", 64, []string{"output format"}, []string{"nodes", "list", "-o", "xml"}},
		{"bad --set", 64, []string{"field=value"}, []string{"nodes", "update", "r1", "--set", "novalue"}},
		{"nothing to update", 64, []string{"nothing to update"}, []string{"nodes", "update", "r1"}},
		{"bad since", 64, []string{"RFC 3339"}, []string{"changes", "list", "--since", "yesterday"}},
		{"unknown node", 1, []string{"not found"}, []string{"nodes", "update", "ghost", "--model", "x"}},
		{"read-only field", 66, []string{"path", "read-only"}, []string{"locations", "update", "DC1", "--set", "path=x"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r.t = t
			r.fails(c.code, c.want, c.args...)
		})
	}
	r.t = t
	if n := r.nodeCount(); n != 0 {
		t.Fatalf("failed commands created %d nodes", n)
	}
}

// importCase writes files into a directory and imports it.
func TestImportFilesWithErrors(t *testing.T) {
	cases := map[string]map[string]string{
		"json": {
			"nodes.json": `[
  {"name": "ok1", "vendor": "cisco"},
  {"name": "bad name", "vendor": "cisco"},
  {"name": "r3", "vendor": "acme", "mgmt_ip": "1.2.3"},
  {"name": "r4", "vendor": "cisco", "custom_data": [1]},
  {"name": "r5", "vendor": "cisco", "colour": "red"}
]`,
		},
		"yaml": {
			"nodes.yaml": `- name: ok1
  vendor: cisco
- name: bad name
  vendor: cisco
- name: r3
  vendor: acme
  mgmt_ip: 1.2.3
- name: r4
  vendor: cisco
  custom_data: [1]
- name: r5
  vendor: cisco
  colour: red
`,
		},
		"csv": {
			"nodes.csv": "name,vendor,mgmt_ip,custom_data,colour\nok1,cisco,,,\nbad name,cisco,,,\nr3,acme,1.2.3,,\nr4,cisco,,[1],\nr5,cisco,,,red\n",
		},
	}
	for format, files := range cases {
		t.Run(format, func(t *testing.T) {
			r := newRunner(t)
			dir := t.TempDir()
			for name, body := range files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			file := "nodes." + format
			// Decoding problems (records 4 and 5) are reported before any write…
			res := r.fails(66, []string{file + " record 4: custom_data", file + " record 5: colour: unknown field"}, "import", dir)
			_ = res
			if n := r.nodeCount(); n != 0 {
				t.Fatalf("failed import wrote %d nodes", n)
			}
			// …and once the file decodes, every validation problem is reported together.
			fixed := strings.NewReplacer(`"custom_data": [1]`, `"custom_data": {}`, `, "colour": "red"`, "",
				"custom_data: [1]", "custom_data: {}", "\n  colour: red", "", ",[1],", ",,", ",,red", ",,").Replace(files[file])
			if format == "csv" {
				fixed = strings.Replace(fixed, ",colour\n", ",extra\n", 1)
				fixed = strings.ReplaceAll(fixed, ",red\n", ",\n")
				fixed = strings.Replace(fixed, ",extra\n", "\n", 1)
				lines := strings.Split(strings.TrimSpace(fixed), "\n")
				for i := range lines {
					lines[i] = strings.Join(strings.Split(lines[i], ",")[:4], ",")
				}
				fixed = strings.Join(lines, "\n") + "\n"
			}
			if err := os.WriteFile(filepath.Join(dir, file), []byte(fixed), 0o644); err != nil {
				t.Fatal(err)
			}
			r.fails(66, []string{file + " record 2: name", file + " record 3: vendor", file + " record 3: mgmt_ip", "nothing was written"}, "import", dir)
			if n := r.nodeCount(); n != 0 {
				t.Fatalf("failed import wrote %d nodes", n)
			}
		})
	}
}

func TestImportSyntaxErrorsArePositioned(t *testing.T) {
	r := newRunner(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "nodes.json")
	if err := os.WriteFile(path, []byte("[\n  {\"name\": \"a\", \"vendor\": \"cisco\"},\n  {\"name\": \"b\" \"vendor\": \"cisco\"}\n]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.fails(66, []string{"nodes.json", "line 3"}, "import", path)
	if err := os.WriteFile(filepath.Join(dir, "nodes.json"), []byte("{\"routers\": []}"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.fails(66, []string{"routers", "unknown top-level key"}, "import", path)
	ypath := filepath.Join(dir, "links.yaml")
	os.Remove(path)
	if err := os.WriteFile(ypath, []byte("- a_node: x\n  a_interface: [unclosed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.fails(66, []string{"links.yaml", "line"}, "import", dir)
}

func TestDryRunAndIdempotentImport(t *testing.T) {
	r := newRunner(t)
	r.ok("demo")
	exp := t.TempDir()
	r.ok("export", exp)
	out := r.ok("import", exp, "--dry-run", "-o", "table")
	if !strings.Contains(out, "0 created, 0 updated") {
		t.Fatalf("re-import of an export is not a no-op: %s", out)
	}
	r.ok("nodes", "update", "lon-core-01", "--model", "C9500-X")
	out = r.ok("import", exp, "--dry-run", "-o", "table")
	if !strings.Contains(out, "update    node     lon-core-01.example.net") || !strings.Contains(out, "0 created, 1 updated") {
		t.Fatalf("dry run: %s", out)
	}
	var n map[string]any
	json.Unmarshal([]byte(r.ok("nodes", "show", "lon-core-01")), &n)
	if n["model"] != "C9500-X" {
		t.Fatal("dry run wrote")
	}
}

func TestDBMigrateCommands(t *testing.T) {
	r := newRunner(t)
	if out := r.ok("db", "migrate", "up", "-o", "table"); !strings.Contains(out, fmt.Sprintf("schema version %d", sqlstore.LatestVersion())) {
		t.Fatalf("up: %s", out)
	}
	if out := r.ok("db", "migrate", "status", "-o", "table"); !strings.Contains(out, "inventory") || strings.Contains(out, "pending") {
		t.Fatalf("status: %s", out)
	}
	ms, _ := sqlstore.Migrations()
	if out := r.ok("db", "migrate", "down", "-o", "table"); !strings.Contains(out, fmt.Sprintf("schema version %d", ms[len(ms)-2].Version)) {
		t.Fatalf("down: %s", out)
	}
	if out := r.ok("db", "migrate", "status", "-o", "table"); !strings.Contains(out, "pending") {
		t.Fatalf("status after down: %s", out)
	}
	r.ok("db", "migrate", "up")
	r.ok("demo")
	if out := r.ok("version", "-o", "table"); !strings.Contains(out, fmt.Sprintf("schema %d", sqlstore.LatestVersion())) {
		t.Fatalf("version: %s", out)
	}
}
