package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
)

// lonDist01Remediation is the remediation of the demo node lon-dist-01's
// drift: a logging host and an NTP server too many, an NTP server missing
// and an uplink description replaced in place.
const lonDist01Remediation = "no logging host 198.51.100.7\nno ntp server 192.0.2.99\ninterface TenGigabitEthernet1/1/1\n" +
	"  description BACKBONE: lon-core-01 Twe1/0/10\nntp server 192.0.2.11\n"

// TestTemplateDiffRemediation: --remediation prints the commands that take
// the running configuration to the rendered one (exit 2 when there are
// some, 0 when the node matches), as text or JSON, with user rules.
func TestTemplateDiffRemediation(t *testing.T) {
	r := newRunner(t)
	r.ok("demo")
	running := "../examples/running/lon-dist-01.cfg"
	res := r.run("template", "diff", "lon-dist-01", "--running", running, "--remediation", "-o", "table")
	if res.code != 2 || res.stdout != lonDist01Remediation {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	res = r.run("template", "diff", "lon-dist-01", "--running", running, "--remediation", "-o", "json")
	var rem unet.Remediation
	if err := json.Unmarshal([]byte(res.stdout), &rem); err != nil || res.code != 2 {
		t.Fatalf("json: exit %d %v\n%s", res.code, err, res.stdout)
	}
	if rem.Dialect != "ios" || len(rem.Commands) != 5 || rem.Text != lonDist01Remediation ||
		rem.Commands[3].Reason != "replaced" || rem.Commands[3].Parents[0] != "interface TenGigabitEthernet1/1/1" {
		t.Errorf("json: %+v", rem)
	}
	// Standard input, one template.
	data, err := os.ReadFile(running)
	if err != nil {
		t.Fatal(err)
	}
	res = r.runStdin(string(data), "template", "diff", "lon-dist-01", "--running", "-", "-t", "ios/ntp.j2", "--remediation", "-o", "table")
	if res.code != 2 || res.stdout != "no ntp server 192.0.2.99\nntp server 192.0.2.11\n" {
		t.Errorf("stdin, -t ios/ntp.j2: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	// A user rule: NTP servers negated with one fixed command.
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.toml")
	if err := os.WriteFile(rules, []byte("[[negate_with]]\nmatch = [{ startswith = \"ntp server\" }]\nuse = \"no ntp\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res = r.run("template", "diff", "lon-dist-01", "--running", running, "--remediation", "--rules", rules, "-o", "table")
	if want := strings.Replace(lonDist01Remediation, "no ntp server 192.0.2.99", "no ntp", 1); res.code != 2 || res.stdout != want {
		t.Errorf("user rules: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	// A compliant node has nothing to do.
	if out := r.ok("template", "diff", "lon-acc-11", "--running", "../examples/running/lon-acc-11.cfg", "--remediation", "-o", "table"); out != "" {
		t.Errorf("compliant node: %q", out)
	}
	// Bad rule files are positioned and exit 1; --rules alone is a usage error.
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("# rules\n[[negate_with]]\nmatch = [{ startswit = \"ntp\" }]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.fails(1, []string{bad, "3:12", "unknown key negate_with.startswit"}, "template", "diff", "lon-dist-01", "--running", running, "--remediation", "--rules", bad)
	r.fails(1, []string{"no such file"}, "template", "diff", "lon-dist-01", "--running", running, "--remediation", "--rules", filepath.Join(dir, "none.toml"))
	r.fails(64, []string{"--rules needs --remediation"}, "template", "diff", "lon-dist-01", "--running", running, "--rules", rules)
}

// TestChangeSetRemediationThroughCLI: a proposed change of a node's domain
// changes its rendered configuration; the impact carries the remediation
// from the configuration before the set to the one after it, and
// `changes diff --remediation` prints it.
func TestChangeSetRemediationThroughCLI(t *testing.T) {
	r := newRunner(t)
	r.ok("demo")
	r.as("alice").ok("nodes", "update", "lon-dist-01", "--set", "domain=example.org", "--propose", "Move lon-dist-01")
	var config []unet.ConfigImpact
	if err := json.Unmarshal([]byte(r.ok("changes", "diff", "cs-1")), &config); err != nil {
		t.Fatal(err)
	}
	if len(config) != 1 || config[0].Remediation == nil {
		t.Fatalf("impact: %+v", config)
	}
	rem := config[0].Remediation
	want := "no ip domain name example.net\nip domain name example.org\n"
	if rem.Dialect != "ios" || rem.Text != want || rem.Stats["added"] != 1 || rem.Stats["removed"] != 1 {
		t.Errorf("remediation: %+v", rem)
	}
	text := r.ok("changes", "diff", "cs-1", "--remediation", "-o", "table")
	if text != "# lon-dist-01.example.org (ios, 2 commands)\n"+want {
		t.Errorf("changes diff --remediation:\n%s", text)
	}
	// The plain diff is unchanged.
	if diff := r.ok("changes", "diff", "cs-1", "-o", "table"); !strings.Contains(diff, "+ip domain name example.org") {
		t.Errorf("changes diff:\n%s", diff)
	}
}
