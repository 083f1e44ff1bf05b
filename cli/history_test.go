package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
)

// TestTimeTravelLocalAndRemote runs `show --at`, `export --at` and the
// history of a renamed then deleted node, locally and against a server:
// both modes answer the same.
func TestTimeTravelLocalAndRemote(t *testing.T) {
	local := &contractMode{name: "local", dir: t.TempDir()}
	local.target = "sqlite://" + filepath.Join(t.TempDir(), "local.db")
	createLocalDB(t, local.target)
	local.global = []string{"--db", local.target}
	remote := &contractMode{name: "remote", dir: t.TempDir()}
	remote.target, remote.token = startContractServer(t, "sqlite://"+filepath.Join(t.TempDir(), "remote.db"), true)
	remote.global = []string{"--server", remote.target}

	for _, m := range []*contractMode{local, remote} {
		must := func(code int, args ...string) contractOut {
			t.Helper()
			o := m.run(t, args...)
			if o.code != code {
				t.Fatalf("%s: unet %s: exit %d, want %d\nstdout: %s\nstderr: %s", m.name, strings.Join(args, " "), o.code, code, o.stdout, o.stderr)
			}
			return o
		}
		must(ExitOK, "locations", "add", "--name", "Site", "--type", "site")
		must(ExitOK, "nodes", "add", "--name", "r1", "--vendor", "cisco", "--location", "Site", "--software-version", "17.3.1")
		mark1 := newestChange(t, m)
		must(ExitOK, "nodes", "update", "r1", "--software-version", "17.9.4")
		mark2 := newestChange(t, m)
		must(ExitOK, "locations", "update", "Site", "--name", "Paris")
		must(ExitOK, "nodes", "update", "r1", "--name", "r2")
		must(ExitOK, "nodes", "delete", "r2")

		node := func(args ...string) unet.Node {
			t.Helper()
			var n unet.Node
			o := must(ExitOK, append(args, "-o", "json")...)
			if err := json.Unmarshal([]byte(o.stdout), &n); err != nil {
				t.Fatalf("%s: %v: %s", m.name, err, o.stdout)
			}
			return n
		}
		if n := node("nodes", "show", "r1", "--at", mark1); n.Name != "r1" || n.SoftwareVersion != "17.3.1" {
			t.Fatalf("%s: r1 at mark1: %+v", m.name, n)
		}
		// By the later name, at a time.
		var c unet.Change
		o := must(ExitOK, "changes", "show", mark2, "-o", "json")
		if err := json.Unmarshal([]byte(o.stdout), &c); err != nil {
			t.Fatal(err)
		}
		if n := node("nodes", "show", "r2", "--at", c.Time.Format(time.RFC3339Nano)); n.Name != "r1" || n.SoftwareVersion != "17.9.4" {
			t.Fatalf("%s: r2 at mark2: %+v", m.name, n)
		}
		// The table shows the location as it was then.
		table := must(ExitOK, "nodes", "show", "r1", "--at", mark1, "-o", "table").stdout
		if !strings.Contains(table, "Site") || strings.Contains(table, "Paris") {
			t.Fatalf("%s: table at mark1:\n%s", m.name, table)
		}
		var loc unet.Location
		if err := json.Unmarshal([]byte(must(ExitOK, "locations", "show", "Paris", "--at", mark1, "-o", "json").stdout), &loc); err != nil || loc.Path != "Site" {
			t.Fatalf("%s: location at mark1: %+v %v", m.name, loc, err)
		}
		gone := must(ExitFailure, "nodes", "show", "r1", "--at", time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		if !strings.Contains(gone.stderr, "node r1 did not exist at") || !strings.Contains(gone.stderr, "deleted by change") {
			t.Fatalf("%s: deleted: %s", m.name, gone.stderr)
		}
		if bad := must(ExitInvalid, "nodes", "show", "r1", "--at", "last-week"); !strings.Contains(bad.stderr, "at: want an RFC 3339 time or a change ID") {
			t.Fatalf("%s: bad at: %s", m.name, bad.stderr)
		}
		must(ExitUsage, "nodes", "show", "r1", "--at", mark1, "--eval")

		// The export of mark1 holds r1 at 17.3.1 in Site.
		must(ExitOK, "export", filepath.Join(m.dir, "past"), "--at", mark1, "--format", "json")
		data, err := os.ReadFile(filepath.Join(m.dir, "past", "nodes.json"))
		if err != nil {
			t.Fatal(err)
		}
		var nodes []unet.NodeRecord
		if err := json.Unmarshal(data, &nodes); err != nil {
			t.Fatalf("%s: nodes.json: %v\n%s", m.name, err, data)
		}
		if len(nodes) != 1 || nodes[0].Name != "r1" || nodes[0].SoftwareVersion != "17.3.1" || nodes[0].Location != "Site" {
			t.Fatalf("%s: exported nodes at mark1: %+v", m.name, nodes)
		}
		must(ExitInvalid, "export", filepath.Join(m.dir, "never"), "--at", "soon")

		// The history of the node, by either name, after the rename and the
		// delete: create, two updates, delete.
		for _, ref := range []string{"node/r1", "node/r2"} {
			var cs []unet.Change
			o := must(ExitOK, "changes", "list", "--object", ref, "-o", "json")
			if err := json.Unmarshal([]byte(o.stdout), &cs); err != nil {
				t.Fatal(err)
			}
			var ops []string
			for _, c := range cs {
				ops = append(ops, c.Op)
			}
			if strings.Join(ops, ",") != "delete,update,update,create" {
				t.Fatalf("%s: history of %s: %v", m.name, ref, ops)
			}
		}
	}
	// Both modes wrote the same export.
	for _, f := range []string{"locations.json", "nodes.json", "vendors.json"} {
		a, errA := os.ReadFile(filepath.Join(local.dir, "past", f))
		b, errB := os.ReadFile(filepath.Join(remote.dir, "past", f))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("export --at: %s differs between modes (%v %v)", f, errA, errB)
		}
	}
}
