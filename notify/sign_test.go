package notify

import "testing"

// TestSignStandardWebhooksVector checks the signer against the example of
// the Standard Webhooks specification.
func TestSignStandardWebhooksVector(t *testing.T) {
	key := SigningKey([]byte("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
	got := Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
	if k := SigningKey([]byte("plain-secret")); string(k) != "plain-secret" {
		t.Fatalf("a secret without whsec_ is used as it is, got %q", k)
	}
}
