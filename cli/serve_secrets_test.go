package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `unet serve --config` applies the [secrets] section: its allow-list to
// the references clients store and its key to the secrets they set; the
// remote CLI sets and lists secrets through the server.
func TestServeAppliesSecretsConfig(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "secrets.key")
	if err := os.WriteFile(keyPath, []byte(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{8}, 32))), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "unet.toml")
	content := "[database]\nurl = \"sqlite://" + filepath.Join(dir, "unet.db") + "\"\n\n" +
		"[secrets]\nallow = [\"env:UNET_SNMP_*\", \"db:*\"]\nkey = \"file:" + keyPath + "\"\n"
	if err := os.WriteFile(cfg, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	url, _, stop := startServe(t, []string{"--config", cfg}, nil)
	defer stop()
	post := func(path, body string) (int, string) {
		t.Helper()
		resp, err := http.Post(url+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	if code, body := post("/api/v1/snmp/profiles", `{"name":"p","version":"2c","community_ref":"env:UNET_OTHER"}`); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "env:UNET_SNMP_*") {
		t.Fatalf("reference outside the configured allow-list: %d %s", code, body)
	}
	if code, body := post("/api/v1/snmp/profiles", `{"name":"p","version":"2c","community_ref":"env:UNET_SNMP_RO"}`); code != http.StatusCreated {
		t.Fatalf("allowed reference: %d %s", code, body)
	}
	if code, body := post("/api/v1/snmp/profiles", `{"name":"k","version":"2c","community_ref":"file:`+keyPath+`"}`); code != http.StatusUnprocessableEntity {
		t.Fatalf("the key file as a reference: %d %s", code, body)
	}

	var out, errb bytes.Buffer
	remote := func(stdin string, args ...string) int {
		out.Reset()
		errb.Reset()
		return runServeCLI(context.Background(), append([]string{"--server", url}, args...),
			Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	}
	if code := remote("", "secrets", "list", "-o", "json"); code != 0 || strings.TrimSpace(out.String()) != "[]" {
		t.Fatalf("remote list: %d %s %s", code, out.String(), errb.String())
	}
	if code := remote("s3cr3t-value\n", "secrets", "set", "snmp-ro", "-o", "json"); code != 0 || strings.Contains(out.String(), "s3cr3t") ||
		!strings.Contains(out.String(), `"key_id"`) {
		t.Fatalf("remote set: %d %s %s", code, out.String(), errb.String())
	}
	if code := remote("", "secrets", "list", "-o", "table"); code != 0 || !strings.Contains(out.String(), "snmp-ro") || strings.Contains(out.String(), "s3cr3t") {
		t.Fatalf("remote list after set: %d %s %s", code, out.String(), errb.String())
	}
}
