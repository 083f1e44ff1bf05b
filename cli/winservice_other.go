//go:build !windows

package cli

import "context"

// installWindowsService, uninstallWindowsService and runWindowsService exist
// only on Windows; elsewhere `unet service` checks its arguments and then
// says so (exit 64).
func installWindowsService(winServiceConfig) error { return serviceWindowsOnly() }

func uninstallWindowsService(string) error { return serviceWindowsOnly() }

func runWindowsService(context.Context, Env, winServiceConfig) error { return serviceWindowsOnly() }

func serviceWindowsOnly() error { return WithExitCode(ExitUsage, errServiceWindowsOnly) }
