package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet/internal/testutil"
)

// fetch sends a request with the given headers and returns the status and body.
func fetch(t *testing.T, method, u, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// seriesValue returns the value of one series in a text-format scrape
// (labels in the exposition's alphabetical order), and whether it is there.
func seriesValue(scrape, series string) (float64, bool) {
	for _, line := range strings.Split(scrape, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(strings.Fields(rest)[0], 64)
			return v, err == nil
		}
	}
	return 0, false
}

func TestServeMetricsOnTheAPIListener(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	base, _, _ := startServe(t, []string{"--db", db}, nil)
	scrape := func() string {
		code, body := fetch(t, http.MethodGet, base+"/metrics", "")
		if code != http.StatusOK {
			t.Fatalf("/metrics: %d %s", code, body)
		}
		return body
	}
	const nodeSeries = `unet_http_requests_total{code="404",method="GET",route="/api/v1/nodes/{ref}"}`
	before, _ := seriesValue(scrape(), nodeSeries)
	for _, ref := range []string{"X", "Y"} {
		if code, body := fetch(t, http.MethodGet, base+"/api/v1/nodes/"+ref, ""); code != http.StatusNotFound {
			t.Fatalf("GET node %s: %d %s", ref, code, body)
		}
	}
	body := scrape()
	if got, _ := seriesValue(body, nodeSeries); got != before+2 {
		t.Errorf("%s = %v, want %v", nodeSeries, got, before+2)
	}
	if strings.Contains(body, `route="/api/v1/nodes/X"`) || strings.Contains(body, `route="/api/v1/nodes/Y"`) {
		t.Error("a series is labelled with a raw path")
	}
	for _, want := range []string{
		`unet_http_request_duration_seconds_bucket{method="GET",route="/api/v1/nodes/{ref}",le="0.001"}`,
		`unet_http_requests_total{code="200",method="GET",route="/metrics"}`,
		`go_sql_max_open_connections{db_name="unet"} 8`,
		`unet_build_info{commit=`,
		`unet_inventory_objects{kind="node"} 0`,
		`unet_change_sets{state="open"} 0`,
		`unet_emergency_changes_pending 0`,
		`unet_http_requests_in_flight 1`,
		`process_start_time_seconds `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
	// Writes move the transaction counter at once and the inventory gauge
	// once the cached counts expire.
	commits, _ := seriesValue(body, `unet_db_transactions_total{outcome="commit"}`)
	if code, body := fetch(t, http.MethodPost, base+"/api/v1/nodes", `{"name":"leaf9","domain":"example.net","vendor":"arista"}`,
		"X-Unet-Actor", "alice"); code != http.StatusCreated {
		t.Fatalf("create node: %d %s", code, body)
	}
	if got, _ := seriesValue(scrape(), `unet_db_transactions_total{outcome="commit"}`); got <= commits {
		t.Errorf("commits %v after a write, before %v", got, commits)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if v, _ := seriesValue(scrape(), `unet_inventory_objects{kind="node"}`); v == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("unet_inventory_objects{kind=\"node\"} did not become 1:\n%s", scrape())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestServeMetricsToken(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	const token = "s3cret-metrics-token"
	base, _, _ := startServe(t, []string{"--db", db, "--metrics-token", "env:UNET_TEST_METRICS_TOKEN"}, func(k string) string {
		if k == "UNET_TEST_METRICS_TOKEN" {
			return token
		}
		return ""
	})
	if code, body := fetch(t, http.MethodGet, base+"/metrics", ""); code != http.StatusUnauthorized || strings.Contains(body, "unet_") {
		t.Errorf("without a token: %d %s", code, body)
	}
	if code, _ := fetch(t, http.MethodGet, base+"/metrics", "", "Authorization", "Bearer wrong"); code != http.StatusUnauthorized {
		t.Errorf("with a wrong token: %d", code)
	}
	if code, body := fetch(t, http.MethodGet, base+"/metrics", "", "Authorization", "Bearer "+token); code != http.StatusOK ||
		!strings.Contains(body, "unet_build_info{") {
		t.Errorf("with the token: %d %s", code, body)
	}
	// The API itself is unaffected (auth mode none).
	if code, _ := fetch(t, http.MethodGet, base+"/api/v1/vendors", ""); code != http.StatusOK {
		t.Errorf("vendors: %d", code)
	}
	// A token reference that resolves to nothing is refused at start.
	var errb bytes.Buffer
	other := "sqlite://" + filepath.Join(t.TempDir(), "other.db")
	code := runServeCLI(context.Background(), []string{"--db", other, "serve", "--listen", "127.0.0.1:0", "--metrics-token", "env:UNET_TEST_NO_SUCH_TOKEN"},
		Env{Stdout: io.Discard, Stderr: &errb})
	if code == ExitOK || !strings.Contains(errb.String(), "metrics token") {
		t.Errorf("unresolvable token: exit %d, %s", code, errb.String())
	}
}

var metricsURLRE = regexp.MustCompile(`serving metrics"? "?endpoint"?[=:]"?(http://127\.0\.0\.1:\d+/metrics)`)

func TestServeMetricsSeparateListenerFromConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "unet.toml")
	content := fmt.Sprintf("[server]\nmetrics_listen = \"127.0.0.1:0\"\n\n[database]\nurl = \"sqlite://%s\"\n", filepath.Join(dir, "unet.db"))
	if err := os.WriteFile(cfg, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	base, logs, stop := startServe(t, []string{"--config", cfg}, nil)
	m := metricsURLRE.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no metrics URL logged:\n%s", logs.String())
	}
	if code, _ := fetch(t, http.MethodGet, base+"/metrics", ""); code != http.StatusNotFound {
		t.Errorf("/metrics on the API listener: %d, want 404", code)
	}
	fetch(t, http.MethodGet, base+"/api/v1/vendors", "")
	code, body := fetch(t, http.MethodGet, m[1], "")
	if code != http.StatusOK || !strings.Contains(body, `unet_http_requests_total{code="200",method="GET",route="/api/v1/vendors"}`) {
		t.Errorf("separate listener: %d %s", code, body)
	}
	if code, _ := fetch(t, http.MethodGet, strings.TrimSuffix(m[1], "/metrics")+"/api/v1/vendors", ""); code != http.StatusNotFound {
		t.Errorf("the metrics listener serves the API: %d", code)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d: %s", code, logs.String())
	}
	if _, err := http.Get(m[1]); err == nil {
		t.Error("the metrics listener still answers after the server stopped")
	}
}

// requireBinary returns the path of a Debian-packaged tool the test needs.
func requireBinary(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed (apt-get install -y %s): %v", name, pkg, err)
	}
	return p
}

func TestPromtoolChecksTheScrape(t *testing.T) {
	promtool := requireBinary(t, "promtool", "prometheus")
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	base, _, _ := startServe(t, []string{"--db", db}, nil)
	fetch(t, http.MethodGet, base+"/api/v1/nodes/X", "")
	code, body := fetch(t, http.MethodGet, base+"/metrics", "")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) != 0 {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

// promResult is the answer of Prometheus' /api/v1/query to an instant query.
type promResult struct {
	Status string `json:"status"`
	Data   struct {
		Result []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		} `json:"result"`
	} `json:"data"`
}

// TestPrometheusScrapesServe runs a real Prometheus that scrapes a running
// `unet serve` (with a metrics token) and asks it for μNet's series.
func TestPrometheusScrapesServe(t *testing.T) {
	prom := requireBinary(t, "prometheus", "prometheus")
	dir := t.TempDir()
	const token = "prometheus-scrape-token"
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _, _ := startServe(t, []string{"--db", "sqlite://" + filepath.Join(dir, "unet.db"), "--metrics-token", "file:" + tokenFile}, nil)
	for _, ref := range []string{"X", "Y"} {
		fetch(t, http.MethodGet, base+"/api/v1/nodes/"+ref, "")
	}
	target := strings.TrimPrefix(base, "http://")
	config := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: unet
    metrics_path: /metrics
    authorization:
      type: Bearer
      credentials_file: %s
    static_configs:
      - targets: [%q]
`, tokenFile, target)
	cfgFile := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgFile, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	port, err := testutil.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	promURL := fmt.Sprintf("http://127.0.0.1:%d", port)
	var plog lockedBuffer
	cmd := exec.Command(prom, "--config.file="+cfgFile, "--storage.tsdb.path="+filepath.Join(dir, "tsdb"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port), "--log.level=warn")
	cmd.Stdout, cmd.Stderr = &plog, &plog
	if err := cmd.Start(); err != nil {
		t.Fatalf("start prometheus: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	query := func(q string) (*promResult, error) {
		resp, err := http.Get(promURL + "/api/v1/query?query=" + url.QueryEscape(q))
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var r promResult
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			return nil, err
		}
		if r.Status != "success" {
			return nil, fmt.Errorf("query %s: status %s", q, r.Status)
		}
		return &r, nil
	}
	// waitFor polls q until check accepts its answer.
	waitFor := func(q string, check func(*promResult) bool) *promResult {
		t.Helper()
		deadline := time.Now().Add(90 * time.Second)
		var last any
		for time.Now().Before(deadline) {
			select {
			case err := <-exited:
				t.Fatalf("prometheus exited: %v\n%s", err, plog.String())
			default:
			}
			r, err := query(q)
			if err == nil && check(r) {
				return r
			}
			last = err
			if err == nil {
				last = r.Data.Result
			}
			time.Sleep(250 * time.Millisecond)
		}
		t.Fatalf("Prometheus never answered %s as expected; last: %v\n%s", q, last, plog.String())
		return nil
	}
	waitFor(`up{job="unet"}`, func(r *promResult) bool {
		return len(r.Data.Result) == 1 && r.Data.Result[0].Value[1] == "1" && r.Data.Result[0].Metric["instance"] == target
	})
	r := waitFor(`unet_http_requests_total{route="/api/v1/nodes/{ref}"}`, func(r *promResult) bool { return len(r.Data.Result) > 0 })
	for _, s := range r.Data.Result {
		if s.Metric["method"] != "GET" || s.Metric["code"] != "404" || s.Metric["job"] != "unet" {
			t.Errorf("unexpected series %v", s.Metric)
		}
	}
	waitFor(`unet_build_info{version="dev"}`, func(r *promResult) bool { return len(r.Data.Result) == 1 })
	waitFor(`unet_inventory_objects{kind="vendor"} > 0`, func(r *promResult) bool { return len(r.Data.Result) == 1 })
	waitFor(`go_sql_max_open_connections{db_name="unet"}`, func(r *promResult) bool { return len(r.Data.Result) == 1 })
	waitFor(`histogram_quantile(0.99, sum by (le) (rate(unet_http_request_duration_seconds_bucket[1m])))`,
		func(r *promResult) bool { return len(r.Data.Result) == 1 })
}
