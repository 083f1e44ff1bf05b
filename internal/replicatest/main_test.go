package replicatest

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"github.com/unet-dev/unet/cli"
	"github.com/unet-dev/unet/internal/testutil"
)

// runUnetEnv, set to 1 in a child's environment, makes the test binary run
// the unet command line (as cmd/unet does) instead of the tests: the replicas
// and the set-up commands are this binary started again.
const runUnetEnv = "UNET_REPLICATEST_RUN_UNET"

func TestMain(m *testing.M) {
	if os.Getenv(runUnetEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := cli.Run(ctx, os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
		stop()
		os.Exit(code)
	}
	os.Exit(testutil.PostgresMain(m))
}
