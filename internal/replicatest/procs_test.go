package replicatest

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// unetCommand returns a command running `unet args...` (this test binary
// started again with runUnetEnv set) with env added to the environment.
func unetCommand(tb testing.TB, env []string, args ...string) *exec.Cmd {
	tb.Helper()
	bin, err := os.Executable()
	if err != nil {
		tb.Fatalf("find the test binary: %v", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(os.Environ(), runUnetEnv+"=1"), env...)
	return cmd
}

// runUnet runs one unet command to completion and returns its standard
// output; the test fails with its standard error when it exits non-zero.
func runUnet(tb testing.TB, env []string, args ...string) string {
	tb.Helper()
	cmd := unetCommand(tb, env, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		tb.Fatalf("unet %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// process is one child process whose output goes to a log file; it is
// killed when the test ends.
type process struct {
	name    string
	cmd     *exec.Cmd
	log     string
	exited  chan struct{}
	logFile *os.File
}

// startProcess starts cmd with its output in dir/name.log and registers its
// end (SIGKILL if still running) with the test.
func startProcess(tb testing.TB, dir, name string, cmd *exec.Cmd) *process {
	tb.Helper()
	path := filepath.Join(dir, name+".log")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatalf("create the log of %s: %v", name, err)
	}
	cmd.Stdout, cmd.Stderr = f, f
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		_ = f.Close() // nothing was written
		tb.Fatalf("start %s: %v", name, err)
	}
	p := &process{name: name, cmd: cmd, log: path, exited: make(chan struct{}), logFile: f}
	go func() {
		// A child killed by the test exits with a signal: of no interest.
		_ = cmd.Wait()
		_ = f.Close()
		close(p.exited)
	}()
	tb.Cleanup(func() { p.kill() })
	return p
}

// running reports whether the process has not exited.
func (p *process) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL (kill -9) and waits for the process to be gone; it
// returns the moment the signal was sent.
func (p *process) kill() time.Time {
	now := time.Now()
	if p.running() {
		// The process may exit between the check and the signal.
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-p.exited
	return now
}

// logTail returns the last n bytes of the process's log.
func (p *process) logTail(n int) string {
	b, err := os.ReadFile(p.log)
	if err != nil {
		return fmt.Sprintf("(log unreadable: %v)", err)
	}
	if len(b) > n {
		b = append([]byte("…"), b[len(b)-n:]...)
	}
	return string(b)
}

// replica is one `unet serve` of the fleet; it can be killed and started
// again on the same port, each start being a new cluster member.
type replica struct {
	index int
	port  int
	mu    sync.Mutex
	proc  *process
	runs  []*process
	// self is the member ID of the running process (empty until known).
	self string
	// killed maps the member ID of each killed process to when it was
	// killed.
	killed map[string]time.Time
}

// url is the replica's own base URL.
func (r *replica) url() string { return fmt.Sprintf("http://127.0.0.1:%d", r.port) }

// waitFor polls cond every 50ms until it holds or the deadline passes, then
// fails the test naming what was awaited and cond's last word.
func waitFor(tb testing.TB, within time.Duration, what string, cond func() (bool, string)) {
	tb.Helper()
	if ok, last := eventually(within, cond); !ok {
		tb.Fatalf("%s: not within %s (last: %s)", what, within, last)
	}
}

// eventually polls cond every 50ms until it holds (true) or the deadline
// passes (false, with cond's last word).
func eventually(within time.Duration, cond func() (bool, string)) (bool, string) {
	deadline := time.Now().Add(within)
	for {
		ok, why := cond()
		if ok {
			return true, ""
		}
		if time.Now().After(deadline) {
			return false, why
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ready reports whether base answers /readyz with 200.
func ready(hc *http.Client, base string) (bool, string) {
	resp, err := hc.Get(base + "/readyz")
	if err != nil {
		return false, err.Error()
	}
	defer func() { _ = resp.Body.Close() }() // a probe: the status is the answer
	if resp.StatusCode != http.StatusOK {
		return false, resp.Status
	}
	return true, ""
}
