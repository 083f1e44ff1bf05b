package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
)

// TestChangeSetImpactThroughCLI: on the demo data, proposing a software
// downgrade of one IOS-XE node shows the new iosxe-min-version failure and
// the node's configuration diff before anything is applied, in the text of
// `changes show`, in its JSON and in `changes diff`.
func TestChangeSetImpactThroughCLI(t *testing.T) {
	r := newRunner(t)
	r.ok("demo")
	r.as("alice").ok("nodes", "update", "lon-acc-01", "--set", "software_version=16.9.1", "--propose", "Downgrade lon-acc-01")

	cs := decodeSet(t, r.ok("changes", "show", "cs-1"))
	if cs.Impact == nil {
		t.Fatalf("show has no impact: %+v", cs)
	}
	var failure *unet.PolicyImpact
	for i, p := range cs.Impact.Policy {
		if p.Rule == "iosxe-min-version" && strings.HasPrefix(p.Object, "lon-acc-01") {
			failure = &cs.Impact.Policy[i]
		}
	}
	if failure == nil || failure.Before != unet.StatusPass || failure.After != unet.StatusFail {
		t.Fatalf("impact.policy lacks the new iosxe-min-version failure: %+v", cs.Impact.Policy)
	}
	if len(cs.Impact.Objects) != 1 || cs.Impact.Objects[0].Name == "" {
		t.Fatalf("impact.objects: %+v", cs.Impact.Objects)
	}

	text := squash(r.ok("changes", "show", "cs-1", "-o", "table"))
	for _, want := range []string{"impact (computed", "objects (1):", "software_version: \"17.9.4a\" → \"16.9.1\"",
		"iosxe-min-version high pass fail", "guards:"} {
		if !strings.Contains(text, want) {
			t.Errorf("changes show lacks %q:\n%s", want, text)
		}
	}
	var config []unet.ConfigImpact
	if err := json.Unmarshal([]byte(r.ok("changes", "diff", "cs-1")), &config); err != nil {
		t.Fatal(err)
	}
	diff := r.ok("changes", "diff", "cs-1", "-o", "table")
	for _, c := range config {
		if !strings.Contains(diff, "# "+c.Node+" (+") || !strings.Contains(diff, c.Diff) {
			t.Errorf("changes diff lacks %s:\n%s", c.Node, diff)
		}
	}
	if len(config) == 0 && !strings.Contains(diff, "changes no rendered configuration") {
		t.Errorf("changes diff without changes: %q", diff)
	}
	// Nothing was applied.
	if v := r.nodeField("lon-acc-01", "software_version"); v != "17.9.4a" {
		t.Fatalf("the proposal wrote the node: %v", v)
	}
}
