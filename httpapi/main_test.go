package httpapi_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// serverEnv makes the test binary act as a server process over the SQLite
// file it names, for the tests that kill or signal a real server.
const serverEnv = "UNET_HTTPAPI_TEST_SERVER_DB"

func TestMain(m *testing.M) {
	if file := os.Getenv(serverEnv); file != "" {
		os.Exit(runServerProcess(file))
	}
	if out := os.Getenv(openAPIOutEnv); out != "" {
		os.Exit(writeOpenAPIFile(out))
	}
	os.Exit(testutil.PostgresMain(m))
}

// runServerProcess serves like `unet serve` does: migrate, listen on a random
// loopback port (printed on stdout), stop gracefully on SIGINT/SIGTERM.
func runServerProcess(file string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	db, err := sqlstore.Open(ctx, "sqlite://"+file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	svc := service.New(db)
	svc.SetGitAllowLocalURLs(true) // the tests' Git repositories are local
	srv, err := httpapi.New(svc, httpapi.Options{Ready: httpapi.DatabaseReady(db, file), ShutdownTimeout: 60 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("LISTEN %s\n", ln.Addr())
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("STOPPED")
	return 0
}
