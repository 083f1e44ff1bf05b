package cli

import (
	"bytes"
	"context"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
)

// complete runs cobra's hidden __complete command as a shell would and
// returns the candidates (without the trailing directive line) and stderr.
func complete(t *testing.T, getenv func(string) string, words ...string) ([]string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	code := Run(context.Background(), append([]string{"__complete"}, words...), Env{Stdout: &out, Stderr: &errb, Getenv: getenv})
	if code != 0 {
		t.Fatalf("__complete %q: exit %d: %s", words, code, errb.String())
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if line == "" || strings.HasPrefix(line, ":") {
			continue
		}
		got = append(got, line)
	}
	// Cobra's own trailer is for debugging: anything else is noise.
	noise := strings.ReplaceAll(errb.String(), "Completion ended with directive: ShellCompDirectiveNoFileComp\n", "")
	return got, noise
}

// TestCompletionOfNamesFromServer completes node, link, location and Git
// source names from a real server over each engine, prefix-filtered.
func TestCompletionOfNamesFromServer(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			db := "sqlite://" + filepath.Join(t.TempDir(), "demo.db")
			if engine == "postgres" {
				db = testutil.NewPostgresDB(t)
			}
			url, _, _ := startServe(t, []string{"--db", db, "--demo"}, nil)
			env := func(k string) string {
				if k == "UNET_SERVER" {
					return url
				}
				return ""
			}
			// The same names the server lists.
			svc, err := httpapi.NewClient(url, httpapi.ClientOptions{Actor: "tester"})
			if err != nil {
				t.Fatal(err)
			}
			nodes, err := svc.ListNodes(context.Background(), unet.NodeFilter{Page: unet.Page{Limit: 1000}})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, n := range nodes.Items {
				if strings.HasPrefix(n.Name, "lon-") {
					want = append(want, n.Name)
				}
			}
			slices.Sort(want)
			got, stderr := complete(t, env, "nodes", "show", "lon-")
			if len(want) == 0 || !slices.Equal(got, want) || stderr != "" {
				t.Fatalf("nodes show lon-: got %q, want %q (stderr %q)", got, want, stderr)
			}
			// Through --server on the command line too, and for a flag.
			got, _ = complete(t, nil, "--server", url, "policy", "eval", "--node", "lon-core")
			if !slices.Equal(got, []string{"lon-core-01", "lon-core-02"}) {
				t.Fatalf("policy eval --node lon-core: %q", got)
			}
			got, _ = complete(t, env, "links", "show", "lon-core")
			if len(got) == 0 || !allPrefixed(got, "lon-core") {
				t.Fatalf("links show lon-core: %q", got)
			}
			got, _ = complete(t, env, "locations", "show", "EMEA/Fr")
			if len(got) == 0 || !allPrefixed(got, "EMEA/Fr") || !slices.Contains(got, "EMEA/Frankfurt-DC") {
				t.Fatalf("locations show EMEA/Fr: %q", got)
			}
			got, _ = complete(t, env, "nodes", "list", "--location", "AM")
			if !slices.Contains(got, "AMER") || !allPrefixed(got, "AM") {
				t.Fatalf("nodes list --location AM: %q", got)
			}
			// A Git source added through the server completes.
			if _, err := svc.AddGitSource(context.Background(), &unet.GitSource{Name: "netcfg", URL: "https://git.example.net/netcfg.git"}, unet.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			got, _ = complete(t, env, "git", "sync", "net")
			if !slices.Equal(got, []string{"netcfg"}) {
				t.Fatalf("git sync net: %q", got)
			}
			got, _ = complete(t, env, "nodes", "show", "zzz")
			if len(got) != 0 {
				t.Fatalf("nodes show zzz: %q", got)
			}
			// A second argument that names nothing completes nothing.
			got, _ = complete(t, env, "nodes", "show", "lon-core-01", "")
			if len(got) != 0 {
				t.Fatalf("second argument: %q", got)
			}
		})
	}
}

// TestCompletionWithoutBackendIsQuiet: an unreachable server gives no
// candidates and no output on stderr, quickly.
func TestCompletionWithoutBackendIsQuiet(t *testing.T) {
	// A port nothing listens on: taken, then released.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	got, stderr := complete(t, nil, "--server", closed, "nodes", "show", "")
	if len(got) != 0 || stderr != "" {
		t.Fatalf("unreachable server: %q, stderr %q", got, stderr)
	}
	missing := "sqlite://" + filepath.Join(t.TempDir(), "none.db")
	got, stderr = complete(t, nil, "--db", missing, "nodes", "show", "")
	if len(got) != 0 || stderr != "" {
		t.Fatalf("missing database: %q, stderr %q", got, stderr)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(strings.TrimPrefix(missing, "sqlite://")), "*")); len(m) != 0 {
		t.Fatalf("completion created files: %v", m)
	}
}

// TestCompletionOfEnumeratedFlagValues: enumerated flags offer the code's
// own lists, filtered by prefix.
func TestCompletionOfEnumeratedFlagValues(t *testing.T) {
	cases := []struct {
		words []string
		want  []string
	}{
		{[]string{"nodes", "list", "--output", ""}, []string{"json", "ndjson", "table", "yaml"}},
		{[]string{"nodes", "list", "--lifecycle", ""}, sorted(unet.Lifecycles())},
		{[]string{"nodes", "list", "--compliance", ""}, sorted(unet.NodeCompliances)},
		{[]string{"nodes", "list", "--sort", "m"}, []string{"mgmt_ip", "model"}},
		{[]string{"nodes", "list", "--sort=-s"}, []string{"-software_version"}},
		{[]string{"nodes", "add", "--device-type", "s"}, []string{"server", "switch"}},
		{[]string{"nodes", "add", "--platform", "ju"}, []string{"junos"}},
		{[]string{"links", "add", "--role", "p"}, []string{"peering"}},
		{[]string{"locations", "add", "--type", "r"}, []string{"rack", "region", "room"}},
		{[]string{"changes", "sets", "--state", "a"}, []string{"abandoned", "applied", "approved"}},
		{[]string{"policy", "results", "--severity", ""}, []string{"critical", "high", "info", "low", "medium"}},
		{[]string{"policy", "results", "--status", "n"}, []string{"not_applicable"}},
		{[]string{"events", "--type", "git.*,ch"}, prefixed(unet.EventTypes(), "git.*,", "ch")},
		{[]string{"config", "diff", "--dialect", "junos"}, []string{"junos", "junos-set"}},
		{[]string{"export", "--format", ""}, []string{"csv", "json", "yaml"}},
		{[]string{"git", "sources", "add", "x", "--kind", ""}, []string{"both", "policies", "templates"}},
		{[]string{"snmp", "profile", "add", "x", "--priv-proto", "aes"}, []string{"aes", "aes192", "aes256"}},
	}
	for _, c := range cases {
		got, _ := complete(t, nil, c.words...)
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.words, got, c.want)
		}
	}
	if got, _ := complete(t, nil, "serve", "--auth", ""); !slices.Equal(got, sorted(authModes)) {
		t.Errorf("serve --auth: %q", got)
	}
}

// TestCompletionTablesNameRealCommands keeps the completion tables in step
// with the command tree: every command and flag they name exists.
func TestCompletionTablesNameRealCommands(t *testing.T) {
	root := (&app{env: Env{Getenv: func(string) string { return "" }}}).rootCommand()
	check := func(key string) {
		path, flag, hasFlag := strings.Cut(key, "--")
		path = strings.TrimSpace(path)
		if path == "" {
			return
		}
		c, rest, err := root.Find(strings.Fields(path))
		if err != nil || len(rest) != 0 || c == root {
			t.Errorf("%q: no command %q", key, path)
			return
		}
		if hasFlag && c.Flags().Lookup(flag) == nil {
			t.Errorf("%q: %q has no flag --%s", key, path, flag)
		}
	}
	for k := range argNames {
		check(k)
	}
	for k := range flagNames {
		check(k)
	}
	for k := range flagValues() {
		check(k)
	}
}

func allPrefixed(vals []string, prefix string) bool {
	for _, v := range vals {
		if !strings.HasPrefix(v, prefix) {
			return false
		}
	}
	return true
}

func sorted(v []string) []string {
	out := slices.Clone(v)
	slices.Sort(out)
	return out
}

// prefixed is the sorted values that start with word, each after head.
func prefixed(vals []string, head, word string) []string {
	var out []string
	for _, v := range sorted(vals) {
		if strings.HasPrefix(v, word) {
			out = append(out, head+v)
		}
	}
	return out
}
