package replicatest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkReplicas measures requests per second through HAProxy in front of
// one and three `unet serve` replicas on one PostgreSQL database, with wrk
// (Debian package wrk) sending a read-heavy load (55% GET of one node, 45% a
// page of 50 nodes, over 500 nodes) and a mixed load (10% node updates, 45%
// GET of one node, 45% a page). It is not part of the test run:
//
//	go test -run '^$' -bench BenchmarkReplicas -benchtime 1x ./internal/replicatest/
//
// UNET_REPLICA_BENCH_DURATION sets how long wrk runs per load (default 15s),
// UNET_REPLICA_BENCH_CONNECTIONS its connections (default 32).
func BenchmarkReplicas(b *testing.B) {
	if _, err := exec.LookPath("wrk"); err != nil {
		b.Fatalf("wrk is required for this benchmark: install it with `apt-get install -y wrk`")
	}
	duration := 15 * time.Second
	if v := os.Getenv("UNET_REPLICA_BENCH_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("UNET_REPLICA_BENCH_DURATION: %v", err)
		}
		duration = d
	}
	conns := 32
	if v := os.Getenv("UNET_REPLICA_BENCH_CONNECTIONS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("UNET_REPLICA_BENCH_CONNECTIONS: want a positive number, got %q", v)
		}
		conns = n
	}
	for _, replicas := range []int{1, 3} {
		b.Run(fmt.Sprintf("replicas=%d", replicas), func(b *testing.B) {
			f := newFleet(b, fleetOptions{replicas: replicas, nodes: 500, heartbeat: time.Second, leaseTTL: 3 * time.Second})
			for _, load := range []struct {
				name     string
				writePct int
			}{{"read", 0}, {"mixed", 10}} {
				b.Run(load.name, func(b *testing.B) {
					script := filepath.Join(b.TempDir(), "load.lua")
					if err := os.WriteFile(script, []byte(wrkScript(f.token, f.nodes, load.writePct)), 0o644); err != nil {
						b.Fatal(err)
					}
					for range b.N {
						rps := runWrk(b, f.lb, script, duration, conns)
						b.ReportMetric(rps, "req/s")
					}
				})
			}
		})
	}
}

// wrkScript is a wrk Lua script: writePct percent of node updates (a merge
// patch of the asset tag), GET of one node up to 55%, a page of 50 nodes for
// the rest.
func wrkScript(token string, ids []string, writePct int) string {
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = strconv.Quote(id)
	}
	return fmt.Sprintf(`local ids = {%s}
local headers = {["Authorization"] = "Bearer %s"}
local writeHeaders = {["Authorization"] = "Bearer %s", ["Content-Type"] = "application/json"}
local n = 0
request = function()
  n = n + 1
  local r = math.random(100)
  local id = ids[math.random(#ids)]
  if r <= %d then
    return wrk.format("PATCH", "/api/v1/nodes/" .. id, writeHeaders, '{"asset_tag":"bench-' .. n .. '"}')
  elseif r <= 55 then
    return wrk.format("GET", "/api/v1/nodes/" .. id, headers)
  end
  return wrk.format("GET", "/api/v1/nodes?limit=50&offset=" .. math.random(0, 400), headers)
end
`, strings.Join(quoted, ","), token, token, writePct)
}

var (
	wrkRate   = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkNon2xx = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
	wrkErrors = regexp.MustCompile(`Socket errors:.*`)
)

// runWrk runs wrk against base with script and returns the requests per
// second; the benchmark fails on any error answer or socket error.
func runWrk(b *testing.B, base, script string, d time.Duration, conns int) float64 {
	b.Helper()
	cmd := exec.Command("wrk", "-t", "2", "-c", strconv.Itoa(conns), "-d", fmt.Sprintf("%ds", int(d.Seconds())),
		"--latency", "-s", script, base)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	b.ResetTimer()
	err := cmd.Run()
	b.StopTimer()
	if err != nil {
		b.Fatalf("wrk: %v\n%s", err, out.String())
	}
	b.Logf("wrk:\n%s", out.String())
	if m := wrkNon2xx.FindStringSubmatch(out.String()); m != nil {
		b.Fatalf("wrk saw %s error answers", m[1])
	}
	if m := wrkErrors.FindString(out.String()); m != "" {
		b.Fatalf("wrk: %s", m)
	}
	m := wrkRate.FindStringSubmatch(out.String())
	if m == nil {
		b.Fatalf("no Requests/sec in wrk's output:\n%s", out.String())
	}
	rps, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		b.Fatalf("wrk's rate %q: %v", m[1], err)
	}
	return rps
}
