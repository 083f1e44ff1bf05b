package snmp

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet/secret"
)

// testSecrets resolves the references the tests use: UNET_ variables and
// files anywhere (the tests write key files in temporary directories).
var testSecrets = func() *secret.Resolver {
	r, err := secret.NewResolver(secret.Options{Allow: []string{"env:UNET_*", "file:/*"}})
	if err != nil {
		panic(err)
	}
	return r
}()

// A reference outside the allow-list is refused before anything is sent:
// the agent (here a bare UDP listener) never sees the file's content.
func TestPollRefusesReferenceOutsideAllowList(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	port := uint16(pc.LocalAddr().(*net.UDPAddr).Port)
	strict, err := secret.NewResolver(secret.Options{Allow: []string{"env:UNET_*"}})
	if err != nil {
		t.Fatal(err)
	}
	p := Profile{Name: "leak", Version: V2c, CommunityRef: "file:/etc/hostname", Timeout: time.Second}
	for name, r := range map[string]SecretResolver{"allow-list": strict, "no resolver": nil} {
		_, err = Poll(context.Background(), r, Target{ID: "x", Host: "127.0.0.1", Port: port}, p)
		if !errors.Is(err, ErrConfig) || (r != nil && !strings.Contains(err.Error(), "file:/etc/hostname")) {
			t.Fatalf("%s: Poll = %v, want a configuration error naming the reference", name, err)
		}
	}
	if err := pc.SetReadDeadline(time.Now().Add(100 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2048)
	if n, _, err := pc.ReadFrom(buf); err == nil {
		t.Fatalf("the agent received %d bytes", n)
	}
}
