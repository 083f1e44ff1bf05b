//go:build windows

package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
	"golang.org/x/sys/windows/svc/mgr"
)

// serviceStopWait is how long uninstall waits for a running service to stop,
// and the wait hint the service reports while the server shuts down.
const serviceStopWait = 60 * time.Second

// Event IDs written to the Application event log.
const (
	eventStarted = 1
	eventStopped = 2
	eventFailed  = 3
)

// installWindowsService registers c with the Service Control Manager: the
// binary's own `service run` as the command line, an event log source, and
// restarts after failures (also when the server exits with an error).
func installWindowsService(c winServiceConfig) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this program: %w", err)
	}
	if exe, err = filepath.Abs(exe); err != nil {
		return fmt.Errorf("finding this program: %w", err)
	}
	m, err := mgr.Connect()
	if err != nil {
		return serviceManagerError(err)
	}
	defer func() { _ = m.Disconnect() }()
	if s, err := m.OpenService(c.Name); err == nil {
		_ = s.Close()
		return WithExitCode(ExitFailure, fmt.Errorf("service %s already exists (unet service uninstall --name %s removes it)", c.Name, c.Name))
	}
	conf := mgr.Config{
		DisplayName:      c.DisplayName,
		Description:      c.Description,
		StartType:        mgr.StartAutomatic,
		DelayedAutoStart: c.Start == "delayed",
	}
	if c.Start == "manual" {
		conf.StartType = mgr.StartManual
	}
	s, err := m.CreateService(c.Name, exe, conf, c.runArgs()...)
	if err != nil {
		return fmt.Errorf("creating service %s: %w", c.Name, err)
	}
	defer func() { _ = s.Close() }()
	undo := func(cause error) error {
		_ = s.Delete()
		return cause
	}
	restart := []mgr.RecoveryAction{
		{Type: mgr.ServiceRestart, Delay: 5 * time.Second},
		{Type: mgr.ServiceRestart, Delay: 30 * time.Second},
		{Type: mgr.ServiceRestart, Delay: 2 * time.Minute},
	}
	if err := s.SetRecoveryActions(restart, uint32((24 * time.Hour).Seconds())); err != nil {
		return undo(fmt.Errorf("setting the restart policy of %s: %w", c.Name, err))
	}
	if err := s.SetRecoveryActionsOnNonCrashFailures(true); err != nil {
		return undo(fmt.Errorf("setting the restart policy of %s: %w", c.Name, err))
	}
	if err := eventlog.InstallAsEventCreate(c.Name, eventlog.Error|eventlog.Warning|eventlog.Info); err != nil {
		return undo(fmt.Errorf("registering the event log source %s: %w", c.Name, err))
	}
	return nil
}

// uninstallWindowsService stops the service if it runs, then removes it and
// its event log source.
func uninstallWindowsService(name string) error {
	m, err := mgr.Connect()
	if err != nil {
		return serviceManagerError(err)
	}
	defer func() { _ = m.Disconnect() }()
	s, err := m.OpenService(name)
	if err != nil {
		return WithExitCode(ExitFailure, fmt.Errorf("service %s is not installed: %w", name, err))
	}
	defer func() { _ = s.Close() }()
	st, err := s.Query()
	if err != nil {
		return fmt.Errorf("querying service %s: %w", name, err)
	}
	if st.State != svc.Stopped {
		if st.State != svc.StopPending {
			if st, err = s.Control(svc.Stop); err != nil {
				return fmt.Errorf("stopping service %s: %w", name, err)
			}
		}
		deadline := time.Now().Add(serviceStopWait)
		for st.State != svc.Stopped {
			if time.Now().After(deadline) {
				return fmt.Errorf("service %s did not stop within %s", name, serviceStopWait)
			}
			time.Sleep(300 * time.Millisecond)
			if st, err = s.Query(); err != nil {
				return fmt.Errorf("querying service %s: %w", name, err)
			}
		}
	}
	if err := s.Delete(); err != nil {
		return fmt.Errorf("removing service %s: %w", name, err)
	}
	// The source may be missing (removed by hand); the service is gone.
	_ = eventlog.Remove(name)
	return nil
}

// serviceManagerError explains the usual cause of a refused connection.
func serviceManagerError(err error) error {
	if errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		return WithExitCode(ExitAuth, fmt.Errorf("connecting to the Service Control Manager: %w (run the command in an elevated prompt)", err))
	}
	return fmt.Errorf("connecting to the Service Control Manager: %w", err)
}

// runWindowsService is the service's main: it runs `unet serve` with c's
// flags in c.WorkDir, its log appended to c.LogFile, until the Service
// Control Manager stops it.
func runWindowsService(ctx context.Context, env Env, c winServiceConfig) error {
	isService, err := svc.IsWindowsService()
	if err != nil {
		return fmt.Errorf("checking how this program was started: %w", err)
	}
	if !isService {
		return usagef("unet service run is started by the Service Control Manager; in a console, run unet serve")
	}
	elog, err := eventlog.Open(c.Name)
	if err != nil {
		return fmt.Errorf("opening the event log source %s: %w", c.Name, err)
	}
	defer func() { _ = elog.Close() }()
	fail := func(err error) error {
		_ = elog.Error(eventFailed, err.Error())
		return err
	}
	if err := os.MkdirAll(c.WorkDir, 0o750); err != nil {
		return fail(fmt.Errorf("creating the working directory: %w", err))
	}
	if err := os.Chdir(c.WorkDir); err != nil {
		return fail(fmt.Errorf("entering the working directory: %w", err))
	}
	logf, err := os.OpenFile(c.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return fail(fmt.Errorf("opening the log file: %w", err))
	}
	defer func() { _ = logf.Close() }()
	h := &windowsService{
		elog: elog,
		serve: func(ctx context.Context) int {
			return Run(ctx, append([]string{"serve"}, c.ServeArgs...),
				Env{Stdin: env.Stdin, Stdout: logf, Stderr: logf, Getenv: env.Getenv})
		},
		parent: ctx,
	}
	if err := svc.Run(c.Name, h); err != nil {
		return fail(fmt.Errorf("running as service %s: %w", c.Name, err))
	}
	return nil
}

// windowsService answers the Service Control Manager for one `unet serve`.
type windowsService struct {
	elog   *eventlog.Log
	serve  func(context.Context) int
	parent context.Context
}

// Execute runs the server, reports it running, and on Stop or Shutdown
// cancels its context and waits for the graceful shutdown. A server that
// ends by itself with an error ends the service with its exit code, which
// the restart policy set at install acts on.
func (w *windowsService) Execute(_ []string, requests <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	ctx, cancel := context.WithCancel(w.parent)
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- w.serve(ctx) }()
	const accepts = svc.AcceptStop | svc.AcceptShutdown
	status <- svc.Status{State: svc.Running, Accepts: accepts}
	_ = w.elog.Info(eventStarted, "unet serve started")
	for {
		select {
		case code := <-done:
			return w.ended(code)
		case r := <-requests:
			switch r.Cmd {
			case svc.Interrogate:
				status <- r.CurrentStatus
			case svc.Stop, svc.Shutdown:
				status <- svc.Status{State: svc.StopPending, WaitHint: uint32(serviceStopWait.Milliseconds())}
				cancel()
				return w.ended(<-done)
			}
		}
	}
}

// ended reports how the server ended; a non-zero code is a service-specific
// exit code (a failure for the restart policy).
func (w *windowsService) ended(code int) (bool, uint32) {
	if code != ExitOK {
		_ = w.elog.Error(eventFailed, fmt.Sprintf("unet serve exited with code %d (see the log file)", code))
		return true, uint32(code)
	}
	_ = w.elog.Info(eventStopped, "unet serve stopped")
	return false, 0
}
