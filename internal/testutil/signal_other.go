//go:build !unix

package testutil

import (
	"errors"
	"os"
)

var errNoStop = errors.New("stopping a process is not supported on this platform")

// pauseProcess and resumeProcess need SIGSTOP and SIGCONT, which this
// platform does not have.
func pauseProcess(*os.Process) error { return errNoStop }

func resumeProcess(*os.Process) error { return errNoStop }
