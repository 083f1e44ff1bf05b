package deploy

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// promtool returns the path of the promtool binary; the test fails when it
// is missing, since CI installs it (Debian package prometheus).
func promtool(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatalf("promtool is not installed: install the Debian package prometheus (apt-get install -y prometheus): %v", err)
	}
	return path
}

// runPromtool runs promtool with args in dir and returns its combined
// output and whether it succeeded.
func runPromtool(t *testing.T, dir string, args ...string) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, promtool(t), args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

func TestPromtoolCheckRules(t *testing.T) {
	out, ok := runPromtool(t, ".", "check", "rules", alertsFile)
	if !ok {
		t.Fatalf("promtool check rules %s failed:\n%s", alertsFile, out)
	}
	if !strings.Contains(out, "SUCCESS") {
		t.Fatalf("promtool check rules %s did not report success:\n%s", alertsFile, out)
	}
}

func TestPromtoolTestRules(t *testing.T) {
	files, err := filepath.Glob(alertTestsGlob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule unit tests match %s (err %v)", alertTestsGlob, err)
	}
	out, ok := runPromtool(t, ".", append([]string{"test", "rules"}, files...)...)
	if !ok {
		t.Fatalf("promtool test rules failed:\n%s", out)
	}
	if strings.Contains(out, "FAILED") || !strings.Contains(out, "SUCCESS") {
		t.Fatalf("promtool test rules did not pass:\n%s", out)
	}
}

// TestPromtoolRejectsBrokenRules proves the checks above would notice a
// broken file: a syntax error and a failing unit test both fail promtool.
func TestPromtoolRejectsBrokenRules(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "bad.yml"), "groups:\n  - name: bad\n    rules:\n      - alert: Bad\n        expr: sum(rate(unet_http_requests_total[5m])\n")
	if out, ok := runPromtool(t, dir, "check", "rules", "bad.yml"); ok {
		t.Fatalf("promtool check rules accepted an unbalanced expression:\n%s", out)
	}
	writeFile(t, filepath.Join(dir, "good.yml"), "groups:\n  - name: good\n    rules:\n      - alert: Up\n        expr: up == 1\n")
	writeFile(t, filepath.Join(dir, "good_test.yml"), `rule_files: [good.yml]
tests:
  - interval: 1m
    input_series:
      - series: 'up{job="unet"}'
        values: '1x5'
    alert_rule_test:
      - eval_time: 2m
        alertname: Up
        exp_alerts: []
`)
	if out, ok := runPromtool(t, dir, "test", "rules", "good_test.yml"); ok {
		t.Fatalf("promtool test rules passed a test whose expectation is wrong:\n%s", out)
	}
}
