//go:build unix

package testutil

import (
	"os"
	"syscall"
)

// pauseProcess stops p (SIGSTOP) until resumeProcess continues it (SIGCONT).
func pauseProcess(p *os.Process) error { return p.Signal(syscall.SIGSTOP) }

func resumeProcess(p *os.Process) error { return p.Signal(syscall.SIGCONT) }
