//go:build !windows

package cli

import (
	"context"
	"errors"
)

// errServiceWindowsOnly is the answer of `unet service` elsewhere than on
// Windows, once its arguments have been checked.
var errServiceWindowsOnly = errors.New("unet service manages a Windows service and works only on Windows; " +
	"elsewhere run unet serve under the system's service manager (the .deb and .rpm packages install a systemd unit; see docs/operations.md)")

// installWindowsService, uninstallWindowsService and runWindowsService exist
// only on Windows; elsewhere `unet service` checks its arguments and then
// says so (exit 64).
func installWindowsService(winServiceConfig) error { return serviceWindowsOnly() }

func uninstallWindowsService(string) error { return serviceWindowsOnly() }

func runWindowsService(context.Context, Env, winServiceConfig) error { return serviceWindowsOnly() }

func serviceWindowsOnly() error { return WithExitCode(ExitUsage, errServiceWindowsOnly) }
