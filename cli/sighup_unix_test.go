//go:build unix

package cli

import (
	"os"
	"syscall"
)

// sendSIGHUP sends SIGHUP to the test process (the server under test
// re-reads its certificate on it).
func sendSIGHUP() error { return syscall.Kill(os.Getpid(), syscall.SIGHUP) }
