package cli_test

import (
	"fmt"
	"net"
	"testing"
)

// TestSNMPPollSecretErrorsAreInvalid: a credential reference that cannot be
// resolved (here an unset variable) is a configuration error and exits 66;
// an agent that does not answer stays temporarily unavailable (75).
func TestSNMPPollSecretErrorsAreInvalid(t *testing.T) {
	// A UDP port on loopback that nothing answers on.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := pc.LocalAddr().(*net.UDPAddr).Port
	t.Cleanup(func() { _ = pc.Close() })

	r := newRunner(t)
	r.ok("snmp", "profile", "add", "unset", "--version", "2c", "--community", "env:UNET_SNMP_TEST_NO_SUCH_COMMUNITY",
		"--port", fmt.Sprint(port), "--timeout", "1s")
	r.ok("nodes", "add", "--name", "agent", "--vendor", "generic", "--mgmt-ip", "127.0.0.1", "--snmp-profile", "unset", "--lifecycle", "live")
	r.fails(66, []string{"UNET_SNMP_TEST_NO_SUCH_COMMUNITY", "not set"}, "snmp", "poll", "agent")

	t.Setenv("UNET_SNMP_TEST_SILENT_COMMUNITY", "public")
	r.env["UNET_SNMP_TEST_SILENT_COMMUNITY"] = "public"
	r.ok("snmp", "profile", "add", "silent", "--version", "2c", "--community", "env:UNET_SNMP_TEST_SILENT_COMMUNITY",
		"--port", fmt.Sprint(port), "--timeout", "1s", "--retries", "0")
	r.ok("nodes", "update", "agent", "--set", "snmp_profile=silent")
	r.fails(75, []string{"poll"}, "snmp", "poll", "agent")
}
