package cli_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

// keyFile writes a base64 secrets key filled with b and returns its reference.
func keyFile(t *testing.T, b byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), fmt.Sprintf("key-%d", b))
	if err := os.WriteFile(p, []byte(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, 32))+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return "file:" + p
}

// A community stored with `secrets set` polls a real agent through a db:
// reference; no command prints the value; a wrong key is reported as such;
// rotate-key moves every value to the new key.
func TestStoredSecretsRoundTrip(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	r := newRunner(t)
	oldKey, newKey, otherKey := keyFile(t, 1), keyFile(t, 2), keyFile(t, 3)

	r.fails(66, []string{"no secrets key", "--secrets-key"}, "secrets", "set", "snmp-ro")
	r.env["UNET_SECRETS_KEY"] = oldKey
	var outputs []string
	res := r.runStdin(agent.Community+"\n", "secrets", "set", "snmp-ro", "--reason", "lab community")
	if res.code != 0 {
		t.Fatalf("secrets set: %d %s", res.code, res.stderr)
	}
	outputs = append(outputs, res.stdout, res.stderr)
	outputs = append(outputs, r.ok("secrets", "list", "-o", "json"), r.ok("secrets", "list", "-o", "table"))
	var list []map[string]any
	if err := json.Unmarshal([]byte(outputs[2]), &list); err != nil || len(list) != 1 || list[0]["name"] != "snmp-ro" ||
		list[0]["created_by"] != "tester" || list[0]["key_id"] == "" {
		t.Fatalf("secrets list: %v %s", err, outputs[2])
	}

	r.ok("snmp", "profile", "add", "lab", "--version", "2c", "--community", "db:snmp-ro", "--port", fmt.Sprint(agent.Port), "--timeout", "1s")
	r.ok("nodes", "add", "--name", "agent", "--vendor", "generic", "--mgmt-ip", agent.Host, "--snmp-profile", "lab", "--lifecycle", "live")
	poll := r.ok("snmp", "poll", "agent")
	if !strings.Contains(poll, `"reachable":true`) && !strings.Contains(poll, `"reachable": true`) {
		t.Fatalf("poll through db:snmp-ro: %s", poll)
	}
	outputs = append(outputs, poll, r.ok("changes", "list", "-o", "json"), r.ok("snmp", "profile", "list", "-o", "json"))

	// The wrong key is named as such, not taken for a wrong community.
	r.env["UNET_SECRETS_KEY"] = otherKey
	res = r.fails(66, []string{"wrong secrets key", "encrypted with key"}, "snmp", "poll", "agent")
	outputs = append(outputs, res.stdout, res.stderr)
	res = r.fails(66, []string{"nothing was re-encrypted", "snmp-ro"}, "secrets", "rotate-key", "--new-key", newKey)
	outputs = append(outputs, res.stdout, res.stderr)

	r.env["UNET_SECRETS_KEY"] = oldKey
	rot := r.ok("secrets", "rotate-key", "--new-key", newKey, "-o", "json")
	if !strings.Contains(rot, `"reencrypted": 1`) {
		t.Fatalf("rotate-key: %s", rot)
	}
	outputs = append(outputs, rot)
	r.fails(66, []string{"wrong secrets key"}, "snmp", "poll", "agent")
	r.env["UNET_SECRETS_KEY"] = newKey
	r.ok("snmp", "poll", "agent")
	if again := r.ok("secrets", "rotate-key", "--new-key", newKey, "-o", "json"); !strings.Contains(again, `"unchanged": 1`) {
		t.Fatalf("second rotation: %s", again)
	}

	if ch := r.ok("changes", "list", "--object", "secret/snmp-ro", "-o", "json"); !strings.Contains(ch, "lab community") {
		t.Fatalf("change log of the secret: %s", ch)
	}
	r.ok("secrets", "remove", "snmp-ro")
	r.fails(66, []string{"no stored secret snmp-ro"}, "snmp", "poll", "agent")
	r.fails(1, []string{"not found"}, "secrets", "remove", "snmp-ro")

	for i, out := range outputs {
		if strings.Contains(out, agent.Community) {
			t.Errorf("output %d shows the stored value: %s", i, out)
		}
	}
}

// The key is given by reference; a literal key on the command line is
// refused without being repeated; key rotation is local only.
func TestSecretsKeyIsAReference(t *testing.T) {
	r := newRunner(t)
	literal := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32))
	res := r.fails(66, []string{"env:NAME or file:PATH"}, "--secrets-key", literal, "secrets", "list")
	if strings.Contains(res.stderr, literal) {
		t.Fatalf("the literal key is echoed: %s", res.stderr)
	}
	r.fails(64, []string{"not through --server"}, "--server", "http://127.0.0.1:9", "secrets", "rotate-key", "--new-key", "env:UNET_K")
	r.fails(66, []string{"not a secret reference"}, "secrets", "allowed", "s3cr3t")
	if out := r.ok("secrets", "allowed", "-o", "table"); !strings.Contains(out, "env:UNET_SNMP_*") || !strings.Contains(out, "secrets/snmp/*") || !strings.Contains(out, "db:git-*") {
		t.Fatalf("default allow-list: %s", out)
	}
}

// The [secrets] section of the config file sets the allow-list for local
// commands as it does for the server.
func TestSecretsAllowListFromConfig(t *testing.T) {
	r := newRunner(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "unet.toml")
	if err := os.WriteFile(cfg, []byte("[secrets]\nallow = [\"env:SNMP_*\", \"file:"+dir+"/*\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r.fails(66, []string{"outside the allow-list", "env:SNMP_*"}, "--config", cfg, "snmp", "profile", "add", "p", "--version", "2c", "--community", "env:UNET_COMMUNITY")
	r.ok("--config", cfg, "snmp", "profile", "add", "p", "--version", "2c", "--community", "env:SNMP_RO")
	r.ok("--config", cfg, "snmp", "profile", "add", "q", "--version", "2c", "--community", "file:"+dir+"/community")
	r.env["UNET_CONFIG"] = cfg
	r.fails(66, []string{"outside the allow-list"}, "snmp", "profile", "add", "x", "--version", "2c", "--community", "file:/etc/hostname")
	delete(r.env, "UNET_CONFIG")
	r.fails(66, []string{"outside the allow-list"}, "snmp", "profile", "add", "y", "--version", "2c", "--community", "env:SNMP_RO")

	// Without an allow key the default follows the data directory: data_dir
	// of the file, overridden by UNET_DATA_DIR.
	if err := os.WriteFile(cfg, []byte("data_dir = \""+filepath.Join(dir, "data")+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := r.ok("--config", cfg, "secrets", "allowed", "-o", "table"); !strings.Contains(out, "file:"+filepath.Join(dir, "data", "secrets", "snmp")+"/*") {
		t.Fatalf("default allow-list with data_dir: %s", out)
	}
	r.env["UNET_DATA_DIR"] = filepath.Join(dir, "env-data")
	if out := r.ok("--config", cfg, "secrets", "allowed", "-o", "table"); !strings.Contains(out, "file:"+filepath.Join(dir, "env-data", "secrets", "git")+"/*") {
		t.Fatalf("default allow-list with UNET_DATA_DIR: %s", out)
	}
	r.ok("--config", cfg, "secrets", "allowed", "file:"+filepath.Join(dir, "env-data", "secrets", "snmp", "community"))
	delete(r.env, "UNET_DATA_DIR")

	// Per-use lists: snmp_allow and git_allow replace the defaults of their
	// use, and a reference of one use is refused for the other.
	if err := os.WriteFile(cfg, []byte("[secrets]\nsnmp_allow = [\"env:LAB_SNMP_*\"]\ngit_allow = [\"env:LAB_GIT_*\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r.fails(66, []string{"outside the allow-list of snmp credentials", "snmp_allow"}, "--config", cfg, "snmp", "profile", "add", "g", "--version", "2c", "--community", "env:LAB_GIT_TOKEN")
	r.fails(66, []string{"outside the allow-list"}, "--config", cfg, "snmp", "profile", "add", "u", "--version", "2c", "--community", "env:UNET_SNMP_RO")
	r.ok("--config", cfg, "snmp", "profile", "add", "s", "--version", "2c", "--community", "env:LAB_SNMP_RO")
	if out := r.ok("--config", cfg, "secrets", "allowed", "env:LAB_GIT_TOKEN", "-o", "json"); !strings.Contains(out, `"git"`) || strings.Contains(out, `"snmp"`) {
		t.Fatalf("allowed for git only: %s", out)
	}
}

// A rotation without downtime: processes get the new key with the old one
// as a previous key, values sealed before still resolve, new ones are
// sealed with the new key, and rotate-key moves the rest.
func TestSecretsKeyRolloverWithPreviousKeys(t *testing.T) {
	r := newRunner(t)
	oldKey, newKey := keyFile(t, 5), keyFile(t, 6)
	r.env["UNET_SECRETS_KEY"] = oldKey
	if res := r.runStdin("v1", "secrets", "set", "snmp-a"); res.code != 0 {
		t.Fatalf("set a: %s", res.stderr)
	}
	cfg := filepath.Join(t.TempDir(), "unet.toml")
	if err := os.WriteFile(cfg, []byte("[secrets]\nkey = \""+newKey+"\"\nprevious_keys = [\""+oldKey+"\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	delete(r.env, "UNET_SECRETS_KEY")
	r.env["UNET_CONFIG"] = cfg
	if res := r.runStdin("v2", "secrets", "set", "snmp-b"); res.code != 0 {
		t.Fatalf("set b: %s", res.stderr)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.ok("secrets", "list", "-o", "json")), &list); err != nil || len(list) != 2 || list[0]["key_id"] == list[1]["key_id"] {
		t.Fatalf("two keys in use: %v %v", list, err)
	}
	r.ok("snmp", "profile", "add", "p", "--version", "2c", "--community", "db:snmp-a")
	rot := r.ok("secrets", "rotate-key", "--new-key", newKey, "-o", "json")
	if !strings.Contains(rot, `"reencrypted": 1`) || !strings.Contains(rot, `"unchanged": 1`) {
		t.Fatalf("rotation: %s", rot)
	}
	if err := json.Unmarshal([]byte(r.ok("secrets", "list", "-o", "json")), &list); err != nil || list[0]["key_id"] != list[1]["key_id"] {
		t.Fatalf("one key after the rotation: %v %v", list, err)
	}
	// The old key alone no longer opens anything.
	delete(r.env, "UNET_CONFIG")
	r.env["UNET_SECRETS_KEY"] = oldKey
	r.fails(66, []string{"nothing was re-encrypted"}, "secrets", "rotate-key", "--new-key", keyFile(t, 7))
}
