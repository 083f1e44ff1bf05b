package cli

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeConfigEngineAndWebhookLimits sets the engine and webhook limits in
// the config file and sees them applied by the server.
func TestServeConfigEngineAndWebhookLimits(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "unet.toml")
	content := "[server]\nmax_engine_concurrency = 1\nmax_engine_text_bytes = 1024\nmax_engine_response_bytes = 100000\nmax_webhook_concurrency = 1\n"
	if err := os.WriteFile(cfg, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	url, _, stop := startServe(t, []string{"--config", cfg, "--db", "sqlite://" + filepath.Join(dir, "unet.db")}, nil)
	defer stop()
	body := `{"files":[{"name":"x.rules","content":"` + strings.Repeat("# padding\\n", 200) + `"}]}`
	resp, err := http.Post(url+"/api/v1/policies/evaluate", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(data), "1024 bytes") {
		t.Fatalf("evaluate over max_engine_text_bytes: %d %s", resp.StatusCode, data)
	}
}

// TestServeConfigMaxEngineResults sets max_engine_results in the config file:
// an evaluation of the demo inventory that builds more records is refused
// with 422 naming the setting.
func TestServeConfigMaxEngineResults(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "unet.toml")
	if err := os.WriteFile(cfg, []byte("[server]\nmax_engine_results = 20\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	url, _, stop := startServe(t, []string{"--demo", "--config", cfg, "--db", "sqlite://" + filepath.Join(dir, "unet.db")}, nil)
	defer stop()
	body := `{"files":[{"name":"x.rules","content":"RULE \"r\" WHEN node.name IS NOT NULL THEN SET custom_data.x TO 1"}]}`
	resp, err := http.Post(url+"/api/v1/policies/evaluate", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(data), "max_engine_results") {
		t.Fatalf("evaluate over max_engine_results: %d %s", resp.StatusCode, data)
	}
}
