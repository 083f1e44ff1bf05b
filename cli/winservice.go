package cli

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// DefaultServiceName is the Windows service name `unet service install`
// registers unless --name says otherwise.
const DefaultServiceName = "unet"

// winServiceConfig is how `unet service install` registers μNet with the
// Windows Service Control Manager, and what `unet service run` (the command
// line the SCM starts) is given back.
type winServiceConfig struct {
	// Name is the service name (sc.exe, Start-Service); DisplayName and
	// Description are what services.msc shows.
	Name        string
	DisplayName string
	Description string
	// Start is auto, delayed (automatic, delayed start) or manual.
	Start string
	// WorkDir is the working directory of the server, where relative paths
	// (the default SQLite database ./unet.db) are resolved; created on start.
	WorkDir string
	// LogFile receives the server's log (appended to).
	LogFile string
	// ServeArgs are the flags of `unet serve`, as given after -- at install.
	ServeArgs []string
}

// serviceNameRE is what a service name may contain: the Service Control
// Manager forbids slashes and backslashes; μNet keeps to a portable set.
var serviceNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$`)

// runArgs is the command line the Service Control Manager starts: the
// binary's own `service run`, with the same configuration.
func (c winServiceConfig) runArgs() []string {
	args := []string{"service", "run", "--name", c.Name}
	if c.WorkDir != "" {
		args = append(args, "--work-dir", c.WorkDir)
	}
	if c.LogFile != "" {
		args = append(args, "--log-file", c.LogFile)
	}
	return append(append(args, "--"), c.ServeArgs...)
}

// serviceDefaults fills the working directory and the log file left empty:
// %ProgramData%\unet and %ProgramData%\unet\NAME.log.
func (a *app) serviceDefaults(c *winServiceConfig) {
	base := a.env.Getenv("ProgramData")
	if base == "" {
		base = `C:\ProgramData`
	}
	if c.WorkDir == "" {
		c.WorkDir = joinWindowsPath(base, "unet")
	}
	if c.LogFile == "" {
		c.LogFile = joinWindowsPath(c.WorkDir, c.Name+".log")
	}
}

// joinWindowsPath joins with a backslash whatever system computes it, so that
// the defaults shown and tested elsewhere are the ones Windows gets.
func joinWindowsPath(dir, name string) string {
	return strings.TrimRight(dir, `\/`) + `\` + name
}

// checkServiceConfig refuses what the Service Control Manager would refuse
// or what would make the service fail on start, with the flag to fix.
func (a *app) checkServiceConfig(c winServiceConfig) error {
	if !serviceNameRE.MatchString(c.Name) {
		return usagef("--name %q: a service name is 1 to 80 letters, digits, '_', '.' or '-', starting with a letter or digit", c.Name)
	}
	switch c.Start {
	case "auto", "delayed", "manual":
	default:
		return usagef("--start %q: want auto, delayed or manual", c.Start)
	}
	if c.WorkDir != "" && !isAbsAnywhere(c.WorkDir) {
		return usagef("--work-dir %q: give an absolute path (the service starts in the system directory)", c.WorkDir)
	}
	if c.LogFile != "" && !isAbsAnywhere(c.LogFile) {
		return usagef("--log-file %q: give an absolute path (the service starts in the system directory)", c.LogFile)
	}
	return a.checkServeArgs(c.ServeArgs)
}

// isAbsAnywhere accepts an absolute path of this system or of Windows (a
// drive letter or a UNC path), so that the checks run the same everywhere.
func isAbsAnywhere(p string) bool {
	if filepath.IsAbs(p) || strings.HasPrefix(p, `\\`) {
		return true
	}
	return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') &&
		(p[0] >= 'A' && p[0] <= 'Z' || p[0] >= 'a' && p[0] <= 'z')
}

// checkServeArgs parses args as the flags of `unet serve` (its own and the
// global ones), so that a misspelt flag fails the install, not every start.
func (a *app) checkServeArgs(args []string) error {
	probe := &app{env: Env{Getenv: func(string) string { return "" }}}
	root := probe.rootCommand()
	serve, _, err := root.Find([]string{"serve"})
	if err != nil || serve == root {
		return fmt.Errorf("no serve command: %v", err)
	}
	serve.Flags().SetOutput(nopWriter{})
	if err := serve.ParseFlags(args); err != nil {
		return usagef("the flags of unet serve after --: %v", err)
	}
	if rest := serve.Flags().Args(); len(rest) > 0 {
		return usagef("the flags of unet serve after --: unexpected argument %q (unet serve takes flags only)", rest[0])
	}
	return nil
}

// nopWriter swallows pflag's own error output; the error is returned.
type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }

// serveArgsOf returns the arguments after -- and refuses any before it.
func serveArgsOf(cmd *cobra.Command, args []string) ([]string, error) {
	dash := cmd.ArgsLenAtDash()
	if dash < 0 {
		dash = len(args)
	}
	if dash > 0 {
		return nil, usagef("unexpected argument %q: give the flags of unet serve after --, e.g. %s -- --listen 127.0.0.1:8080", args[0], cmd.CommandPath())
	}
	return args[dash:], nil
}

// serveFlagHint is the flag error of install and run: an unknown flag is
// most likely one of unet serve's given before --.
func serveFlagHint(_ *cobra.Command, err error) error {
	return usagef("%v (the flags of unet serve go after --)", err)
}

// forwardedGlobals turns the global flags given to `unet service install`
// (--db, --config, --secrets-key...) into flags of the service's unet serve,
// ahead of the ones after --: given there, they would otherwise be ignored.
func forwardedGlobals(cmd *cobra.Command) []string {
	var out []string
	cmd.InheritedFlags().VisitAll(func(f *pflag.Flag) {
		if f.Changed {
			out = append(out, "--"+f.Name+"="+f.Value.String())
		}
	})
	return out
}

func (a *app) serviceCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "service",
		Short: "Run the μNet server as a Windows service (install, uninstall, run)",
		Long: `Register unet serve with the Windows Service Control Manager, so that
Windows starts it at boot, restarts it when it fails and stops it gracefully
on shutdown. The flags of unet serve go after --:

  unet service install -- --config C:\ProgramData\unet\unet.toml

These commands work only on Windows (run them in an elevated prompt); on
Linux the .deb and .rpm packages install a systemd unit instead.`,
	}
	cmd.AddCommand(a.serviceInstallCommand(), a.serviceUninstallCommand(), a.serviceRunCommand())
	return cmd
}

// addServiceFileFlags adds --work-dir and --log-file.
func addServiceFileFlags(fl *pflag.FlagSet, c *winServiceConfig) {
	fl.StringVar(&c.WorkDir, "work-dir", "", `working directory of the server, where relative paths such as the default database ./unet.db are resolved (default %ProgramData%\unet)`)
	fl.StringVar(&c.LogFile, "log-file", "", `file the server's log is appended to (default WORK-DIR\NAME.log)`)
}

func (a *app) serviceInstallCommand() *cobra.Command {
	c := winServiceConfig{}
	cmd := &cobra.Command{
		Use:   "install [flags] -- [unet serve flags]",
		Short: "Register unet serve as a Windows service (elevated prompt)",
		Long: `Register a Windows service that runs unet serve with the flags given after --
(and the global flags given before it, such as --db and --config). The
service starts automatically at boot (--start), is restarted when it fails,
runs in --work-dir and appends its log to --log-file. The flags are checked
now, so a misspelt one fails the install rather than every start. Start it
with Start-Service NAME (or sc.exe start NAME).`,
		Example: `  unet service install -- --config C:\ProgramData\unet\unet.toml
  unet service install --name unet-lab --start manual -- --listen 127.0.0.1:8081 --db sqlite:///C:/unet-lab/unet.db`,
		RunE: func(cmd *cobra.Command, args []string) error {
			serveArgs, err := serveArgsOf(cmd, args)
			if err != nil {
				return err
			}
			c.ServeArgs = append(forwardedGlobals(cmd), serveArgs...)
			a.serviceDefaults(&c)
			if err := a.checkServiceConfig(c); err != nil {
				return err
			}
			if err := installWindowsService(c); err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.env.Stdout, "installed service %s: %s\n", c.Name, strings.Join(c.runArgs(), " "))
			return err
		},
	}
	cmd.SetFlagErrorFunc(serveFlagHint)
	fl := cmd.Flags()
	fl.StringVar(&c.Name, "name", DefaultServiceName, "service name")
	fl.StringVar(&c.DisplayName, "display-name", "μNet", "name shown in the Services console")
	fl.StringVar(&c.Description, "description", "μNet network source of truth and configuration compliance server (unet serve)", "description shown in the Services console")
	fl.StringVar(&c.Start, "start", "auto", "start type: auto, delayed (automatic, delayed start) or manual")
	addServiceFileFlags(fl, &c)
	return cmd
}

func (a *app) serviceUninstallCommand() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "uninstall",
		Short: "Stop and remove the Windows service (elevated prompt)",
		Long: `Stop the service if it runs (waiting for the server to shut down gracefully),
then remove it and its event log source. The working directory, the
database and the log file stay.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !serviceNameRE.MatchString(name) {
				return usagef("--name %q: not a service name", name)
			}
			if err := uninstallWindowsService(name); err != nil {
				return err
			}
			_, err := fmt.Fprintf(a.env.Stdout, "removed service %s\n", name)
			return err
		},
	}
	cmd.Flags().StringVar(&name, "name", DefaultServiceName, "service name")
	return cmd
}

func (a *app) serviceRunCommand() *cobra.Command {
	c := winServiceConfig{Start: "auto"}
	cmd := &cobra.Command{
		Use:   "run [flags] -- [unet serve flags]",
		Short: "Run as the Windows service (started by the Service Control Manager)",
		Long: `The command line the Service Control Manager starts: it runs unet serve with
the flags after --, in --work-dir, logging to --log-file, and stops it
gracefully when the service is stopped. Run from a console it refuses; run
unet serve there instead.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			serveArgs, err := serveArgsOf(cmd, args)
			if err != nil {
				return err
			}
			c.ServeArgs = serveArgs
			a.serviceDefaults(&c)
			if err := a.checkServiceConfig(c); err != nil {
				return err
			}
			return runWindowsService(cmd.Context(), a.env, c)
		},
	}
	cmd.SetFlagErrorFunc(serveFlagHint)
	cmd.Flags().StringVar(&c.Name, "name", DefaultServiceName, "service name")
	addServiceFileFlags(cmd.Flags(), &c)
	return cmd
}
