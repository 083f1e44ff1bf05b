package cli_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

func TestSNMPCommands(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	r := newRunner(t)
	r.env["UNET_SNMP_TEST_COMMUNITY"] = agent.Community
	t.Setenv("UNET_SNMP_TEST_COMMUNITY", agent.Community)
	r.fails(66, []string{"community"}, "snmp", "profile", "add", "p", "--version", "2c", "--community", agent.Community)
	r.ok("snmp", "profile", "add", "lab", "--version", "2c", "--community", "env:UNET_SNMP_TEST_COMMUNITY", "--port", fmt.Sprint(agent.Port), "--timeout", "1s")
	u := agent.Users[len(agent.Users)-1]
	r.ok("snmp", "profile", "add", "v3", "--version", "3", "--user", u.Name, "--auth-proto", strings.ToLower(strings.ReplaceAll(u.AuthProto, "-", "")),
		"--auth-key", "env:UNET_SNMP_V3_AUTH", "--priv-proto", strings.ToLower(strings.ReplaceAll(u.PrivProto, "-", "")), "--priv-key", "env:UNET_SNMP_V3_PRIV", "--port", fmt.Sprint(agent.Port))
	out := r.ok("snmp", "profile", "list", "-o", "json")
	if strings.Contains(out, agent.Community) || !strings.Contains(out, "env:UNET_SNMP_TEST_COMMUNITY") {
		t.Fatalf("profile list must show references, never secrets: %s", out)
	}
	r.ok("nodes", "add", "--name", "agent", "--vendor", "generic", "--mgmt-ip", agent.Host, "--snmp-profile", "lab", "--lifecycle", "live", "--software-version", "9.9")
	var polled map[string]any
	if err := json.Unmarshal([]byte(r.ok("snmp", "poll", "agent")), &polled); err != nil {
		t.Fatal(err)
	}
	if st := polled["status"].(map[string]any); st["reachable"] != true || len(polled["interfaces"].([]any)) == 0 {
		t.Fatalf("poll: %v", polled)
	}
	if out := r.ok("nodes", "status", "agent", "-o", "table"); !strings.Contains(out, "unet-test-agent") {
		t.Fatalf("status: %s", out)
	}
	if out := r.ok("nodes", "interfaces", "agent", "-o", "table"); !strings.Contains(out, "OPER") || !strings.Contains(out, "lo") {
		t.Fatalf("interfaces: %s", out)
	}
	var hist []any
	json.Unmarshal([]byte(r.ok("nodes", "history", "agent", "--since", "1h")), &hist)
	if len(hist) != 1 {
		t.Fatalf("history: %v", hist)
	}
	r.ok("nodes", "drift")
	r.fails(1, []string{"in use", "node agent"}, "snmp", "profile", "delete", "lab")
	r.ok("snmp", "profile", "delete", "v3")
	r.fails(1, []string{"not found"}, "snmp", "profile", "show", "v3")
	r.ok("nodes", "add", "--name", "quiet", "--vendor", "generic")
	r.fails(1, []string{"not been polled"}, "nodes", "status", "quiet")
}
