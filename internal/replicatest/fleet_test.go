package replicatest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver for the direct reads

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/cluster"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// pepperEnv holds the token pepper of the fleet (passed by reference).
const pepperEnv = "UNET_REPLICATEST_PEPPER"

// fleetOptions shape a fleet of replicas.
type fleetOptions struct {
	replicas int
	// devices is the number of simulated SNMP devices (snmpsim), each a
	// live node with a management address and its own profile; 0 runs the
	// replicas with --no-snmp.
	devices int
	// nodes is the number of plain nodes (no management address) stored
	// beside the devices, for the benchmark's reads and writes.
	nodes        int
	snmpInterval time.Duration
	heartbeat    time.Duration
	leaseTTL     time.Duration
	evalInterval time.Duration
}

// fleet is N `unet serve` processes on one fresh PostgreSQL database behind
// HAProxy.
type fleet struct {
	tb       testing.TB
	opt      fleetOptions
	dir      string
	dbURL    string
	env      []string
	args     []string
	token    string
	replicas []*replica
	lb       string
	lbProc   *process
	hc       *http.Client
	// api is a client of the API through HAProxy, authenticated as admin.
	api *httpapi.Client
	// db reads the database directly (poll rows, job runs).
	db *sql.DB
	// devices are the node IDs of the simulated devices; nodes those of the
	// plain nodes.
	devices, nodes []string
}

// newFleet creates the database and its content, starts the replicas and
// waits until each one is ready and HAProxy answers.
func newFleet(tb testing.TB, opt fleetOptions) *fleet {
	tb.Helper()
	f := &fleet{tb: tb, opt: opt, dir: tb.TempDir(), dbURL: testutil.NewPostgresDB(tb),
		hc: &http.Client{Timeout: 5 * time.Second}}
	// Registered first, so it runs after every process is killed.
	tb.Cleanup(f.printLogsOnFailure)
	f.seed()
	f.env = append(f.env, pepperEnv+"=replicatest-pepper-0123456789abcdefghij")
	runUnet(tb, f.env, "--db", f.dbURL, "users", "add", "admin", "--role", "admin")
	var tok struct {
		Token string `json:"token"`
	}
	out := runUnet(tb, f.env, "--db", f.dbURL, "--token-pepper", "env:"+pepperEnv, "-o", "json",
		"tokens", "create", "--user", "admin", "--expires", "1d")
	if err := json.Unmarshal([]byte(out), &tok); err != nil || tok.Token == "" {
		tb.Fatalf("tokens create: %v: %s", err, out)
	}
	f.token = tok.Token
	f.serveArgs()
	for i := range opt.replicas {
		port, err := testutil.FreePort()
		if err != nil {
			tb.Fatal(err)
		}
		f.replicas = append(f.replicas, &replica{index: i, port: port, killed: map[string]time.Time{}})
	}
	for _, r := range f.replicas {
		f.start(r)
	}
	for _, r := range f.replicas {
		f.waitReady(r)
	}
	ports := make([]int, len(f.replicas))
	for i, r := range f.replicas {
		ports[i] = r.port
	}
	f.lb, f.lbProc = startHAProxy(tb, f.dir, ports)
	waitFor(tb, 10*time.Second, "HAProxy answers /readyz", func() (bool, string) {
		if !f.lbProc.running() {
			tb.Fatalf("haproxy exited; its log:\n%s", f.lbProc.logTail(4000))
		}
		return ready(f.hc, f.lb)
	})
	api, err := httpapi.NewClient(f.lb, httpapi.ClientOptions{Token: f.token})
	if err != nil {
		tb.Fatal(err)
	}
	f.api = api
	tb.Cleanup(func() { _ = api.Close() }) // idle connections only
	return f
}

// seed migrates the fresh database and stores the simulated devices: one
// snmpd serving opt.devices communities, one profile per device
// (its community a reference to an environment variable of the replicas)
// and one live node per device; then opt.nodes plain nodes. It also opens
// f.db.
func (f *fleet) seed() {
	tb := f.tb
	ctx := unet.WithActor(context.Background(), "replicatest")
	store, err := sqlstore.Open(ctx, f.dbURL)
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = store.Close() }() // set-up only: every write was committed
	if _, err := store.Migrate(ctx); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	svc := service.New(store)
	if f.opt.devices > 0 {
		sim := startAgent(tb, f.dir, f.opt.devices)
		for i := 1; i <= f.opt.devices; i++ {
			community := testutil.SimCommunity(i)
			env := "UNET_SNMP_" + strings.ToUpper(community)
			f.env = append(f.env, env+"="+community)
			if _, err := svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: community, Version: "2c", CommunityRef: "env:" + env,
				Port: int(sim.port), Timeout: "2s", Retries: 1}, unet.WriteOptions{}); err != nil {
				tb.Fatalf("create profile %s: %v", community, err)
			}
			n, err := svc.CreateNode(ctx, &unet.Node{Name: fmt.Sprintf("sim-%03d", i), Domain: "lab.example.net", Vendor: "cisco",
				Platform: "iosxe", DeviceType: "switch", MgmtIP: sim.host, Lifecycle: unet.LifecycleLive, SNMPProfile: community},
				unet.WriteOptions{})
			if err != nil {
				tb.Fatalf("create device node %d: %v", i, err)
			}
			f.devices = append(f.devices, n.ID)
		}
	}
	for i := range f.opt.nodes {
		n, err := svc.CreateNode(ctx, &unet.Node{Name: fmt.Sprintf("node-%04d", i), Domain: "bench.example.net", Vendor: "arista",
			Platform: "eos", DeviceType: "switch", Role: "leaf", Lifecycle: unet.LifecycleLive}, unet.WriteOptions{})
		if err != nil {
			tb.Fatalf("create node %d: %v", i, err)
		}
		f.nodes = append(f.nodes, n.ID)
	}
	db, err := sql.Open("pgx", f.dbURL)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() }) // reads only
	f.db = db
}

// serveArgs writes the policies and the config file of the replicas and
// sets the arguments every replica is started with.
func (f *fleet) serveArgs() {
	tb := f.tb
	policies := filepath.Join(f.dir, "policies")
	if err := os.MkdirAll(policies, 0o755); err != nil {
		tb.Fatal(err)
	}
	rule := "RULE \"has-platform\" SEVERITY low\nWHEN node.lifecycle == \"live\"\nTHEN ASSERT node.platform IS NOT NULL\n"
	if err := os.WriteFile(filepath.Join(policies, "replicas.rules"), []byte(rule), 0o644); err != nil {
		tb.Fatal(err)
	}
	// No access log: the benchmark sends hundreds of thousands of requests;
	// no rate limit: the writers and the load generator are one user.
	cfg := filepath.Join(f.dir, "unet.toml")
	if err := os.WriteFile(cfg, []byte("[server]\naccess_log = false\nrate_limit = \"0\"\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	f.args = []string{"--db", f.dbURL, "--config", cfg, "--token-pepper", "env:" + pepperEnv, "serve",
		"--auth", "local", "--policies", policies,
		"--cluster-heartbeat", f.opt.heartbeat.String(), "--cluster-lease-ttl", f.opt.leaseTTL.String()}
	if f.opt.evalInterval > 0 {
		f.args = append(f.args, "--eval-interval", f.opt.evalInterval.String())
	}
	if f.opt.devices > 0 {
		f.args = append(f.args, "--snmp-interval", f.opt.snmpInterval.String(), "--snmp-concurrency", "16")
	} else {
		f.args = append(f.args, "--no-snmp")
	}
}

// start starts r (again): a new process, so a new cluster member.
func (f *fleet) start(r *replica) {
	r.mu.Lock()
	defer r.mu.Unlock()
	args := append(append([]string{}, f.args...), "--listen", fmt.Sprintf("127.0.0.1:%d", r.port))
	name := fmt.Sprintf("replica%d-run%d", r.index, len(r.runs)+1)
	r.proc = startProcess(f.tb, f.dir, name, unetCommand(f.tb, f.env, args...))
	r.runs = append(r.runs, r.proc)
	r.self = ""
}

// waitReady waits until r answers /readyz and tells its member ID.
func (f *fleet) waitReady(r *replica) {
	tb := f.tb
	tb.Helper()
	r.mu.Lock()
	p := r.proc
	r.mu.Unlock()
	var self string
	waitFor(tb, 60*time.Second, fmt.Sprintf("replica %d ready", r.index), func() (bool, string) {
		if !p.running() {
			tb.Fatalf("replica %d exited; its log:\n%s", r.index, p.logTail(8000))
		}
		if ok, why := ready(f.hc, r.url()); !ok {
			return false, why
		}
		st, err := f.clusterStatus(r.url())
		if err != nil {
			return false, err.Error()
		}
		self = st.Self
		return self != "", "no member ID yet"
	})
	r.mu.Lock()
	r.self = self
	r.mu.Unlock()
}

// kill sends kill -9 to r and waits until it is gone.
func (f *fleet) kill(r *replica) time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	at := r.proc.kill()
	if r.self != "" {
		r.killed[r.self] = at
	}
	r.self = ""
	return at
}

// killedAt maps the member ID of every killed process to when it was killed.
func (f *fleet) killedAt() map[string]time.Time {
	out := map[string]time.Time{}
	for _, r := range f.replicas {
		r.mu.Lock()
		for id, at := range r.killed {
			out[id] = at
		}
		r.mu.Unlock()
	}
	return out
}

// bySelf returns the running replica whose member ID is id.
func (f *fleet) bySelf(id string) *replica {
	for _, r := range f.replicas {
		r.mu.Lock()
		self := r.self
		r.mu.Unlock()
		if self == id && id != "" {
			return r
		}
	}
	return nil
}

// clusterStatus reads GET /api/v1/cluster of base (a replica or HAProxy).
func (f *fleet) clusterStatus(base string) (cluster.Status, error) {
	var st cluster.Status
	req, err := http.NewRequest(http.MethodGet, base+"/api/v1/cluster", nil)
	if err != nil {
		return st, err
	}
	req.Header.Set("Authorization", "Bearer "+f.token)
	resp, err := f.hc.Do(req)
	if err != nil {
		return st, err
	}
	defer func() { _ = resp.Body.Close() }() // read to the end below
	if resp.StatusCode != http.StatusOK {
		return st, fmt.Errorf("GET %s/api/v1/cluster: %s", base, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return st, fmt.Errorf("GET %s/api/v1/cluster: %w", base, err)
	}
	return st, nil
}

// printLogsOnFailure prints the end of every process's log when the test
// failed.
func (f *fleet) printLogsOnFailure() {
	if !f.tb.Failed() {
		return
	}
	for _, r := range f.replicas {
		for _, p := range r.runs {
			f.tb.Logf("== log of %s (%s):\n%s", p.name, p.log, p.logTail(6000))
		}
	}
	if f.lbProc != nil {
		f.tb.Logf("== log of haproxy:\n%s", f.lbProc.logTail(3000))
	}
}
