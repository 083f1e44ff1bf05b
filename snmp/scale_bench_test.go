//go:build snmpscale

package snmp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/unet-dev/unet/internal/testutil"
)

// The scale benchmark polls N snmpsim devices (48 interfaces each) with
// net-snmp's snmpbulkwalk, 16 in parallel, then with the Scheduler, over the
// same devices and OIDs, and reports both wall times and the CPU time each
// side and the simulator used. It needs the snmpscale build tag:
//
//	UNET_SNMP_SCALE_DEVICES=1000 go test -tags snmpscale -run '^$' \
//	    -bench BenchmarkScaleVsNetSNMP -benchtime 1x -timeout 90m ./snmp/
//
// See docs/bench-snmp.md.

const scaleIfaces = 48

// simNice is the scheduling priority given to the simulator.
const simNice = -10

var scaleOIDs = []string{"1.3.6.1.2.1.1", "1.3.6.1.2.1.2.2", "1.3.6.1.2.1.31.1.1"}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// procCPU reads the user+system CPU time of a process from /proc.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond // CLK_TCK is 100 on Linux
}

func rusage(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// netSNMPWalk runs snmpbulkwalk over every device and OID with par
// processes at a time, and returns the number of variables printed.
func netSNMPWalk(b *testing.B, sim *testutil.SNMPSim, n, par, reps int) int64 {
	type job struct{ community, oid string }
	jobs := make(chan job)
	var vars atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	for range par {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				cmd := exec.Command("snmpbulkwalk", "-v2c", "-c", j.community, fmt.Sprintf("-Cr%d", reps),
					"-t", "10", "-r", "1", "-On", sim.Addr(), j.oid)
				out, err := cmd.StdoutPipe()
				if err != nil {
					failed.Add(1)
					continue
				}
				if err := cmd.Start(); err != nil {
					failed.Add(1)
					continue
				}
				sc := bufio.NewScanner(out)
				var lines int64
				for sc.Scan() {
					lines++
				}
				if err := cmd.Wait(); err != nil {
					failed.Add(1)
				}
				vars.Add(lines)
			}
		}()
	}
	for i := 1; i <= n; i++ {
		for _, oid := range scaleOIDs {
			jobs <- job{testutil.SimCommunity(i), oid}
		}
	}
	close(jobs)
	wg.Wait()
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d snmpbulkwalk runs failed", f)
	}
	return vars.Load()
}

type simSource []Assignment

func (s simSource) Targets(context.Context) ([]Assignment, error) { return s, nil }

// jsonSink serialises every outcome, as a store would, and counts them.
type jsonSink struct {
	outcomes int
	bytes    int
}

func (s *jsonSink) WriteBatch(_ context.Context, b Batch) error {
	for _, o := range b.Outcomes {
		js, err := json.Marshal(o.Result)
		if err != nil {
			return err
		}
		s.bytes += len(js)
		s.outcomes++
	}
	return nil
}

// BenchmarkScaleVsNetSNMP runs the comparison once per simulator response
// cap, side by side in one invocation: snmpsimd --max-varbinds 1024 answers
// every GETBULK in full (large responses), --max-varbinds 46 caps responses
// at about what a real agent fits in one packet (Cisco IOS: snmp-server
// packetsize, 1,500 bytes by default). UNET_SNMP_SCALE_SIM_MAX_VARBINDS
// (a comma-separated list) replaces the two caps.
func BenchmarkScaleVsNetSNMP(b *testing.B) {
	caps := []int{1024, 46}
	if v := os.Getenv("UNET_SNMP_SCALE_SIM_MAX_VARBINDS"); v != "" {
		caps = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("UNET_SNMP_SCALE_SIM_MAX_VARBINDS: %q is not a positive number", f)
			}
			caps = append(caps, n)
		}
	}
	for _, c := range caps {
		name := fmt.Sprintf("sim-max-varbinds-%d", c)
		b.Run(name, func(b *testing.B) { benchmarkScaleVsNetSNMP(b, c) })
	}
}

// benchmarkScaleVsNetSNMP is one side-by-side run against a simulator that
// caps GETBULK responses at maxVarbinds variables.
func benchmarkScaleVsNetSNMP(b *testing.B, maxVarbinds int) {
	n := envInt("UNET_SNMP_SCALE_DEVICES", 1000)
	par := envInt("UNET_SNMP_SCALE_NETSNMP_PARALLEL", 16)
	conc := envInt("UNET_SNMP_SCALE_CONCURRENCY", 16)
	reps := envInt("UNET_SNMP_SCALE_MAX_REPETITIONS", DefaultMaxRepetitions)
	netReps := envInt("UNET_SNMP_SCALE_NETSNMP_MAX_REPETITIONS", reps)
	if _, err := exec.LookPath("snmpbulkwalk"); err != nil {
		b.Fatalf("snmpbulkwalk (net-snmp) is required: install it with `apt-get install -y snmp`")
	}
	sim := testutil.StartSNMPSim(b, n, scaleIfaces, maxVarbinds)
	// The simulator stands for N devices that have CPUs of their own; on a
	// machine shared with other work its share of the CPU would decide both
	// wall times. A higher priority (root only) keeps it from waiting behind
	// other processes, the same for both sides.
	if err := syscall.Setpriority(syscall.PRIO_PROCESS, sim.PID(), simNice); err != nil {
		b.Logf("simulator left at normal priority: %v", err)
	} else {
		b.Logf("simulator at nice %d", simNice)
	}
	b.Setenv("UNET_SCALE_COMMUNITY", "unused")
	profile := Profile{Name: "snmpsim", Version: V2c, CommunityRef: "env:UNET_SCALE_COMMUNITY",
		Timeout: 10 * time.Second, Retries: 1, MaxRepetitions: reps}
	src := make(simSource, n)
	for i := range n {
		src[i] = Assignment{Profile: profile, Target: Target{ID: strconv.Itoa(i + 1), Host: sim.Host, Port: sim.Port,
			CommunityRef: "env:UNET_SCALE_COMMUNITY_" + strconv.Itoa(i+1)}}
		b.Setenv("UNET_SCALE_COMMUNITY_"+strconv.Itoa(i+1), testutil.SimCommunity(i+1))
	}
	// Warm the simulator's indexes so neither side pays for it.
	netSNMPWalk(b, sim, min(n, 4), 1, netReps)

	for b.Loop() {
		sim0 := procCPU(sim.PID())
		child0 := rusage(syscall.RUSAGE_CHILDREN)
		start := time.Now()
		vars := netSNMPWalk(b, sim, n, par, netReps)
		netWall := time.Since(start)
		netCPU := rusage(syscall.RUSAGE_CHILDREN) - child0
		sim1 := procCPU(sim.PID())

		runtime.GC()
		sink := &jsonSink{}
		sched := NewScheduler(src, sink, Options{Secrets: testSecrets, Concurrency: conc, Deadline: 5 * time.Minute})
		self0 := rusage(syscall.RUSAGE_SELF)
		start = time.Now()
		batch, err := sched.PollAll(context.Background())
		unetWall := time.Since(start)
		unetCPU := rusage(syscall.RUSAGE_SELF) - self0
		sim2 := procCPU(sim.PID())
		if err != nil {
			b.Fatal(err)
		}
		requests := 0
		for _, o := range batch.Outcomes {
			if o.Err != nil {
				b.Fatalf("device %s: %v", o.Target.ID, o.Err)
			}
			if len(o.Result.Interfaces) != scaleIfaces || o.Result.Version != "15.2(7)E3" || o.Result.Vendor != "cisco" {
				b.Fatalf("device %s: %d interfaces, vendor %q version %q", o.Target.ID, len(o.Result.Interfaces), o.Result.Vendor, o.Result.Version)
			}
			requests += o.Result.Requests
		}
		if sink.outcomes != n {
			b.Fatalf("sink stored %d outcomes, want %d", sink.outcomes, n)
		}
		b.ReportMetric(netWall.Seconds(), "netsnmp-wall-s")
		b.ReportMetric(unetWall.Seconds(), "unet-wall-s")
		b.ReportMetric(unetWall.Seconds()/netWall.Seconds(), "ratio")
		b.ReportMetric(unetCPU.Seconds(), "unet-cpu-s")
		b.ReportMetric(netCPU.Seconds(), "netsnmp-cpu-s")
		b.ReportMetric((sim1 - sim0).Seconds(), "sim-cpu-netsnmp-s")
		b.ReportMetric((sim2 - sim1).Seconds(), "sim-cpu-unet-s")
		b.Logf("%d devices x %d interfaces on snmpsimd %s (--max-varbinds=%d)", n, scaleIfaces, sim.Addr(), maxVarbinds)
		b.Logf("net-snmp snmpbulkwalk -Cr%d, %d parallel: %s wall, %s CPU (children), %d variables, simulator CPU %s",
			netReps, par, netWall.Round(time.Millisecond), netCPU.Round(time.Millisecond), vars, (sim1 - sim0))
		b.Logf("unet Scheduler.PollAll, max-repetitions %d, concurrency %d: %s wall, %s CPU (process), %d requests, %d devices stored (%d bytes JSON), simulator CPU %s",
			reps, conc, unetWall.Round(time.Millisecond), unetCPU.Round(time.Millisecond), requests, sink.outcomes, sink.bytes, (sim2 - sim1))
		b.Logf("ratio unet/net-snmp wall time: %.3f", unetWall.Seconds()/netWall.Seconds())
	}
}
