package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// resourceGroups are the command groups built from resource tables.
var resourceGroups = []string{"nodes", "locations", "links", "vendors", "changes", "approvals"}

// describeCommand writes c and its subcommands: the names, aliases, help
// texts, which argument counts they accept and the full usage text with every
// flag, its type, default and help.
func describeCommand(b *strings.Builder, c *cobra.Command) {
	fmt.Fprintf(b, "=== %s\n", c.CommandPath())
	fmt.Fprintf(b, "use: %s\naliases: %s\nshort: %s\n", c.Use, strings.Join(c.Aliases, ","), c.Short)
	if c.Long != "" {
		fmt.Fprintf(b, "long: %s\n", c.Long)
	}
	if c.Args != nil {
		var accepts []string
		for n := 0; n <= 3; n++ {
			if c.Args(c, make([]string, n)) == nil {
				accepts = append(accepts, fmt.Sprint(n))
			}
		}
		fmt.Fprintf(b, "accepts args: %s\n", strings.Join(accepts, ","))
	}
	fmt.Fprintf(b, "runnable: %v\n%s\n", c.Runnable(), c.UsageString())
	for _, sub := range c.Commands() {
		describeCommand(b, sub)
	}
}

// TestResourceCommandSurface pins the command-line surface of the inventory
// resources (commands, aliases, arguments, flags and help) to a recorded
// list, so that building the commands from tables cannot change it unseen.
func TestResourceCommandSurface(t *testing.T) {
	a := &app{env: Env{Getenv: func(string) string { return "" }}}
	root := a.rootCommand()
	var b strings.Builder
	for _, name := range resourceGroups {
		c, _, err := root.Find([]string{name})
		if err != nil || c == root {
			t.Fatalf("no %q command: %v", name, err)
		}
		describeCommand(&b, c)
	}
	checkGolden(t, "resource_commands.golden", b.String())
}

// checkGolden compares got with testdata/name, rewriting the file with
// -update, and reports the first line that differs.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if got == string(want) {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("%s differs at line %d (run go test -run %s -update if the change is intended):\n got: %q\nwant: %q",
				path, i+1, t.Name(), g, w)
		}
	}
}
