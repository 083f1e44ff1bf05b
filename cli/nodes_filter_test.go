package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// TestNodesListFilterFlags: nodes list --environment, --search,
// --compliance and --sort, on the demo inventory with stored policy
// results and a lab node added after them (no result), against a database and against a server over it (each
// engine), list exactly what the service lists for that filter; bad
// values are usage errors in both modes.
func TestNodesListFilterFlags(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			dbURL := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
			if engine == sqlstore.Postgres {
				dbURL = testutil.NewPostgresDB(t)
			}
			local := &contractMode{name: "local", dir: t.TempDir(), target: dbURL, global: []string{"--db", dbURL}}
			for _, args := range [][]string{{"demo"}, {"policy", "eval", "--store"},
				{"nodes", "add", "--name", "lab-new-01", "--vendor", "cisco", "--environment", "lab", "--serial", "NEW-1"}} {
				if o := local.run(t, args...); o.code != ExitOK {
					t.Fatalf("%v: exit %d: %s", args, o.code, o.stderr)
				}
			}
			remote := &contractMode{name: "remote", dir: t.TempDir()}
			remote.target, _ = startContractServer(t, dbURL, false)
			remote.global = []string{"--server", remote.target}

			db, err := sqlstore.Open(context.Background(), dbURL)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			svc := service.New(db)
			want := func(f unet.NodeFilter) []string {
				t.Helper()
				f.Limit = 1000
				l, err := svc.ListNodes(context.Background(), f)
				if err != nil {
					t.Fatal(err)
				}
				out := []string{}
				for _, n := range l.Items {
					out = append(out, n.Name)
				}
				return out
			}
			cases := []struct {
				args []string
				f    unet.NodeFilter
			}{
				{[]string{"--environment", "lab"}, unet.NodeFilter{Environment: "lab"}},
				{[]string{"--search", "LON-ACC"}, unet.NodeFilter{Search: "lon-acc"}},
				{[]string{"--search", "192.0.2."}, unet.NodeFilter{Search: "192.0.2."}},
				{[]string{"--compliance", "fail"}, unet.NodeFilter{Compliance: unet.ComplianceFail}},
				{[]string{"--compliance", "pass"}, unet.NodeFilter{Compliance: unet.CompliancePass}},
				{[]string{"--compliance", "none"}, unet.NodeFilter{Compliance: unet.ComplianceNone}},
				{[]string{"--sort", "-mgmt_ip"}, unet.NodeFilter{Sort: "-mgmt_ip"}},
				{[]string{"--sort=name"}, unet.NodeFilter{Sort: "name"}},
				{[]string{"--environment", "production", "--compliance", "fail", "--sort", "-fqdn", "--vendor", "cisco"},
					unet.NodeFilter{Environment: "production", Compliance: unet.ComplianceFail, Sort: "-fqdn", Vendor: "cisco"}},
			}
			for _, c := range cases {
				w := want(c.f)
				if len(w) == 0 {
					t.Fatalf("%v: the demo inventory has no such node", c.args)
				}
				for _, m := range []*contractMode{local, remote} {
					o := m.run(t, append([]string{"nodes", "list", "-o", "json"}, c.args...)...)
					var got []unet.Node
					if o.code != ExitOK || json.Unmarshal([]byte(o.stdout), &got) != nil {
						t.Fatalf("%s %v: exit %d: %s", m.name, c.args, o.code, o.stderr)
					}
					names := []string{}
					for _, n := range got {
						names = append(names, n.Name)
					}
					if !slices.Equal(names, w) {
						t.Errorf("%s nodes list %v = %v, want %v", m.name, c.args, names, w)
					}
				}
			}
			// The filters narrow: lab is a few nodes, each in lab; the
			// failing and the passing nodes do not overlap; -mgmt_ip is
			// the reverse of mgmt_ip.
			lab := want(unet.NodeFilter{Environment: "lab"})
			all := want(unet.NodeFilter{})
			if len(lab) == 0 || len(lab) >= len(all) {
				t.Errorf("lab %d of %d nodes", len(lab), len(all))
			}
			for _, n := range want(unet.NodeFilter{Compliance: unet.ComplianceFail}) {
				if slices.Contains(want(unet.NodeFilter{Compliance: unet.CompliancePass}), n) {
					t.Errorf("%s both fails and passes", n)
				}
			}
			asc, desc := want(unet.NodeFilter{Sort: "mgmt_ip"}), want(unet.NodeFilter{Sort: "-mgmt_ip"})
			slices.Reverse(desc)
			if !slices.Equal(asc, desc) {
				t.Errorf("-mgmt_ip is not the reverse of mgmt_ip")
			}

			// A page of a sorted, filtered list continues the order.
			w := want(unet.NodeFilter{Environment: "production", Sort: "-name"})
			for _, m := range []*contractMode{local, remote} {
				o := m.run(t, "nodes", "list", "--environment", "production", "--sort", "-name", "--limit", "3", "--offset", "2", "-o", "json")
				var got []unet.Node
				if o.code != ExitOK || json.Unmarshal([]byte(o.stdout), &got) != nil || len(got) != 3 {
					t.Fatalf("%s page: exit %d: %s%s", m.name, o.code, o.stdout, o.stderr)
				}
				for i, n := range got {
					if n.Name != w[i+2] {
						t.Errorf("%s page item %d = %s, want %s", m.name, i, n.Name, w[i+2])
					}
				}
			}

			// Bad values never reach the backend: usage errors naming the
			// flag and the accepted values, the same in both modes.
			for _, bad := range [][]string{{"--compliance", "green"}, {"--compliance", "FAIL"}, {"--sort", "custom_data"}, {"--sort", "-"}} {
				var stderr []string
				for _, m := range []*contractMode{local, remote} {
					o := m.run(t, append([]string{"nodes", "list"}, bad...)...)
					if o.code != ExitUsage || o.stdout != "" || !strings.Contains(o.stderr, bad[0]) || !strings.Contains(o.stderr, "want") {
						t.Errorf("%s nodes list %v: exit %d\nstdout %s\nstderr %s", m.name, bad, o.code, o.stdout, o.stderr)
					}
					stderr = append(stderr, o.stderr)
				}
				if stderr[0] != stderr[1] {
					t.Errorf("nodes list %v: local %q, remote %q", bad, stderr[0], stderr[1])
				}
			}
		})
	}
}
