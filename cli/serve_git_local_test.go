package cli

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `unet serve` refuses Git sources with a local path or a file:// URL
// unless [git] allow_local_urls = true is in its config file.
func TestServeGitLocalURLsNeedTheConfig(t *testing.T) {
	for _, allow := range []bool{false, true} {
		dir := t.TempDir()
		cfg := filepath.Join(dir, "unet.toml")
		content := "[database]\nurl = \"sqlite://" + filepath.Join(dir, "unet.db") + "\"\n"
		if allow {
			content += "\n[git]\nallow_local_urls = true\n"
		}
		if err := os.WriteFile(cfg, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		url, _, stop := startServe(t, []string{"--config", cfg}, nil)
		resp, err := http.Post(url+"/api/v1/git/sources", "application/json",
			strings.NewReader(`{"name":"etc","url":"file:///etc","kind":"policies"}`))
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := http.StatusUnprocessableEntity
		if allow {
			want = http.StatusCreated
		}
		if resp.StatusCode != want || (!allow && !strings.Contains(string(body), "allow_local_urls")) {
			t.Errorf("allow_local_urls=%v: %d %s, want %d", allow, resp.StatusCode, body, want)
		}
		stop()
	}
}
