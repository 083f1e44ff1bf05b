package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet/cluster"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

// clusterStatusOf runs `unet cluster status -o json` with args.
func clusterStatusOf(t *testing.T, args ...string) cluster.Status {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), append(append([]string{}, args...), "cluster", "status", "-o", "json"),
		Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	var st cluster.Status
	if code != 0 || json.Unmarshal(out.Bytes(), &st) != nil {
		t.Fatalf("cluster status %v: exit %d: %s%s", args, code, out.String(), errb.String())
	}
	return st
}

// waitStatus polls the status until cond holds.
func waitStatus(t *testing.T, within time.Duration, what string, cond func(cluster.Status) bool, args ...string) cluster.Status {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		st := clusterStatusOf(t, args...)
		if cond(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s; last status %+v", within, what, st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestClusterTwoServersOnePostgres runs two servers on one PostgreSQL: both
// list the same two members and the same leader; the leader's shutdown
// hands the lease over at once; the singleton job ran under each token in
// turn; the database read directly agrees.
func TestClusterTwoServersOnePostgres(t *testing.T) {
	db := testutil.NewPostgresDB(t)
	args := []string{"--db", db, "--no-snmp", "--cluster-heartbeat", "200ms", "--cluster-lease-ttl", "1s"}
	urlA, logsA, stopA := startServe(t, append(args, "--cluster-advertise", "a.example:8080"), nil)
	urlB, _, _ := startServe(t, args, nil)

	two := func(st cluster.Status) bool {
		live := 0
		for _, m := range st.Members {
			if m.Live {
				live++
			}
		}
		return live == 2 && st.Leader != ""
	}
	stA := waitStatus(t, 5*time.Second, "two live members and a leader", two, "--server", urlA)
	stB := waitStatus(t, 5*time.Second, "two live members and a leader", two, "--server", urlB)
	if stA.Self == stB.Self || stA.Leader != stB.Leader || stA.LeaseToken != stB.LeaseToken {
		t.Fatalf("the two servers disagree: %+v / %+v", stA, stB)
	}
	if stA.HeartbeatSeconds != 0.2 || stA.LeaseTTLSeconds != 1 {
		t.Fatalf("timing: %+v", stA)
	}
	var advertised bool
	for _, m := range stA.Members {
		advertised = advertised || (m.ID == stA.Self && m.Address == "a.example:8080")
	}
	if !advertised {
		t.Fatalf("--cluster-advertise not shown: %+v", stA.Members)
	}
	// The first server started first and leads.
	if stA.Leader != stA.Self {
		t.Fatalf("the first server does not lead: %+v", stA)
	}
	for _, u := range []string{urlA, urlB} {
		if code, body := fetch(t, http.MethodGet, u+"/readyz", ""); code != http.StatusOK {
			t.Fatalf("readyz of %s: %d %s", u, code, body)
		}
	}

	sdb, err := sqlstore.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	// Both singleton jobs have started on the leader before it stops (each
	// records its run when it gets going, which a loaded machine may delay).
	for _, job := range []string{jobPolicyEvaluation, jobGitSchedule} {
		waitJobRuns(t, sdb, job, 1)
	}

	// The leader stops gracefully: B leads well before the TTL would have
	// let it.
	if code := stopA(); code != 0 {
		t.Fatalf("serve exited %d: %s", code, logsA.String())
	}
	stopped := time.Now()
	st := waitStatus(t, 900*time.Millisecond, "the other server leads", func(st cluster.Status) bool {
		return st.Leader == stB.Self && len(st.Members) == 1
	}, "--server", urlB)
	if took := time.Since(stopped); took >= time.Second {
		t.Fatalf("handover took %s", took)
	}
	if st.LeaseToken != stA.LeaseToken+1 {
		t.Fatalf("token %d after %d", st.LeaseToken, stA.LeaseToken)
	}

	// The database read directly (no server) agrees.
	local := clusterStatusOf(t, "--db", db)
	if local.Self != "" || local.Leader != stB.Self || len(local.Members) != 1 || !local.Members[0].Live {
		t.Fatalf("local status: %+v", local)
	}

	// The scheduled evaluation ran once per token, A's run stopped
	// before B's started.
	runs := waitJobRuns(t, sdb, jobPolicyEvaluation, 2)
	if len(runs) != 2 || runs[0].Member != stA.Self || runs[0].Token != stA.LeaseToken || runs[0].Outcome != cluster.OutcomeStopped ||
		runs[1].Member != stB.Self || runs[1].Token != st.LeaseToken || runs[1].Started.Before(runs[0].Finished) {
		t.Fatalf("job runs: %+v", runs)
	}
	if git := waitJobRuns(t, sdb, jobGitSchedule, 2); len(git) != 2 {
		t.Fatalf("git schedule runs: %+v", git)
	}
}

// waitJobRuns returns the recorded runs of job once there are at least n
// (or what there is after 5 s).
func waitJobRuns(t *testing.T, sdb *sqlstore.DB, job string, n int) []sqlstore.JobRun {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		runs, err := sdb.Reader().JobRuns(context.Background(), job)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) >= n || time.Now().After(deadline) {
			return runs
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestClusterStatusTableAndMetrics(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	url, _, _ := startServe(t, []string{"--db", db, "--no-snmp", "--cluster-heartbeat", "200ms", "--cluster-lease-ttl", "1s"}, nil)
	st := waitStatus(t, 5*time.Second, "the server leads", func(st cluster.Status) bool { return st.Leader != "" && st.Leader == st.Self }, "--server", url)
	var out, errb bytes.Buffer
	if code := Run(context.Background(), []string{"--server", url, "cluster", "status", "-o", "table"},
		Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"MEMBER", "LAST HEARTBEAT", st.Self + " (self)", "live", "leader (token 1)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, body := fetch(t, http.MethodGet, url+"/metrics", "")
		leader, ok1 := seriesValue(body, "unet_cluster_leader")
		live, ok2 := seriesValue(body, `unet_cluster_members{state="live"}`)
		token, ok3 := seriesValue(body, "unet_cluster_lease_token")
		if ok1 && ok2 && ok3 && leader == 1 && live == 1 && token == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cluster metrics: leader %v live %v token %v", leader, live, token)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestServeRefusesBadClusterTiming(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	for _, args := range [][]string{
		{"--cluster-heartbeat", "5s", "--cluster-lease-ttl", "6s"},
		{"--cluster-heartbeat", "0s"},
	} {
		var errb bytes.Buffer
		code := runServeCLI(context.Background(), append([]string{"serve", "--listen", "127.0.0.1:0", "--db", db, "--no-snmp"}, args...),
			Env{Stdout: &bytes.Buffer{}, Stderr: &errb})
		if code != ExitUsage || !strings.Contains(errb.String(), "--cluster-") {
			t.Errorf("%v: exit %d, %s", args, code, errb.String())
		}
	}
}
