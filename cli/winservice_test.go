package cli

import (
	"bytes"
	"context"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// runService runs `unet ARGS` in-process and returns the exit code, stdout
// and stderr.
func runService(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		if k == "ProgramData" {
			return `D:\Data`
		}
		return ""
	}})
	return code, out.String(), errb.String()
}

// TestServiceArguments checks `unet service` argument handling, which is
// the same on every system: bad arguments are refused with the flag to fix
// (exit 64) before anything else; good ones reach the Windows-only part,
// which elsewhere says the command is for Windows (exit 64).
func TestServiceArguments(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the Windows-only part would touch the Service Control Manager")
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"install, serve flags after --", []string{"service", "install", "--", "--listen", "127.0.0.1:8081", "--db", "sqlite:///C:/unet/unet.db"}, "works only on Windows"},
		{"install, global flags before the command", []string{"--config", `C:\unet\unet.toml`, "service", "install", "--start", "delayed"}, "works only on Windows"},
		{"install, every option", []string{"service", "install", "--name", "unet-lab", "--display-name", "μNet lab", "--start", "manual",
			"--work-dir", `E:\unet-lab`, "--log-file", `\\logs\unet\lab.log`, "--", "--config", `E:\unet-lab\unet.toml`, "--log-format", "json"}, "works only on Windows"},
		{"install, bad start type", []string{"service", "install", "--start", "sometimes"}, `--start "sometimes": want auto, delayed or manual`},
		{"install, bad name", []string{"service", "install", "--name", `un\et`}, `--name "un\\et"`},
		{"install, relative work dir", []string{"service", "install", "--work-dir", "unet"}, `--work-dir "unet": give an absolute path`},
		{"install, relative log file", []string{"service", "install", "--log-file", "unet.log"}, `--log-file "unet.log": give an absolute path`},
		{"install, unknown serve flag", []string{"service", "install", "--", "--listen", "127.0.0.1:1", "--lisen", "x"}, "the flags of unet serve after --: unknown flag: --lisen"},
		{"install, bad serve flag value", []string{"service", "install", "--", "--no-migrate=maybe"}, "the flags of unet serve after --"},
		{"install, positional serve argument", []string{"service", "install", "--", "--listen", "127.0.0.1:1", "extra"}, `unexpected argument "extra" (unet serve takes flags only)`},
		{"install, serve flag before --", []string{"service", "install", "--listen", "127.0.0.1:1"}, "unknown flag: --listen (the flags of unet serve go after --)"},
		{"install, argument before --", []string{"service", "install", "serve"}, `unexpected argument "serve": give the flags of unet serve after --`},
		{"uninstall", []string{"service", "uninstall"}, "works only on Windows"},
		{"uninstall, named", []string{"service", "uninstall", "--name", "unet-lab"}, "works only on Windows"},
		{"uninstall, bad name", []string{"service", "uninstall", "--name", "a/b"}, `--name "a/b": not a service name`},
		{"uninstall, argument", []string{"service", "uninstall", "unet"}, "unet"},
		{"run", []string{"service", "run", "--name", "unet", "--work-dir", `C:\ProgramData\unet`, "--", "--listen", "127.0.0.1:8080"}, "works only on Windows"},
		{"run, unknown serve flag", []string{"service", "run", "--", "--bogus"}, "unknown flag: --bogus"},
		{"unknown subcommand", []string{"service", "start"}, `unknown command "start"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runService(t, c.args...)
			if code != ExitUsage {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, ExitUsage, out, errOut)
			}
			if !strings.Contains(errOut, c.want) {
				t.Fatalf("stderr %q lacks %q", errOut, c.want)
			}
			if out != "" {
				t.Fatalf("stdout %q, want nothing", out)
			}
		})
	}

	code, out, errOut := runService(t, "service")
	if code != ExitOK || !strings.Contains(out, "install") || !strings.Contains(out, "uninstall") || errOut != "" {
		t.Fatalf("unet service: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestServiceRunArgs checks that the command line install registers is
// parsed back by `unet service run` into the same configuration, and that
// global flags given to install are forwarded to unet serve.
func TestServiceRunArgs(t *testing.T) {
	a := &app{env: Env{Getenv: func(k string) string {
		if k == "ProgramData" {
			return `D:\Data\`
		}
		return ""
	}}}

	// Global flags given to install become serve flags, ahead of the others.
	root := a.rootCommand()
	install, rest, err := root.Find([]string{"service", "install", "--db", "sqlite:///D:/u.db", "--name", "lab", "-v", "--", "--listen", "127.0.0.1:9"})
	if err != nil {
		t.Fatal(err)
	}
	if err := install.ParseFlags(rest); err != nil {
		t.Fatal(err)
	}
	if got, want := forwardedGlobals(install), []string{"--db=sqlite:///D:/u.db", "--verbose=1"}; !slices.Equal(got, want) {
		t.Fatalf("forwarded globals %q, want %q", got, want)
	}
	serveArgs, err := serveArgsOf(install, install.Flags().Args())
	if err != nil || !slices.Equal(serveArgs, []string{"--listen", "127.0.0.1:9"}) {
		t.Fatalf("serve args %q, %v", serveArgs, err)
	}

	c := winServiceConfig{Name: "lab", Start: "auto",
		ServeArgs: []string{"--db=sqlite:///D:/u.db", "--verbose=1", "--listen", "127.0.0.1:9", "--config", `D:\Data\unet\unet.toml`}}
	a.serviceDefaults(&c)
	if c.WorkDir != `D:\Data\unet` || c.LogFile != `D:\Data\unet\lab.log` {
		t.Fatalf("defaults: work dir %q, log file %q", c.WorkDir, c.LogFile)
	}
	if err := a.checkServiceConfig(c); err != nil {
		t.Fatal(err)
	}
	args := c.runArgs()
	if want := []string{"service", "run", "--name", "lab", "--work-dir", `D:\Data\unet`, "--log-file", `D:\Data\unet\lab.log`, "--",
		"--db=sqlite:///D:/u.db", "--verbose=1", "--listen", "127.0.0.1:9", "--config", `D:\Data\unet\unet.toml`}; !slices.Equal(args, want) {
		t.Fatalf("run args\n %q\nwant %q", args, want)
	}

	root = (&app{env: a.env}).rootCommand()
	run, rest, err := root.Find(args)
	if err != nil || run.CommandPath() != "unet service run" {
		t.Fatalf("find %q: %v, %v", args, run, err)
	}
	if err := run.ParseFlags(rest); err != nil {
		t.Fatal(err)
	}
	for flag, want := range map[string]string{"name": "lab", "work-dir": c.WorkDir, "log-file": c.LogFile} {
		if got := run.Flags().Lookup(flag).Value.String(); got != want {
			t.Errorf("run --%s = %q, want %q", flag, got, want)
		}
	}
	back, err := serveArgsOf(run, run.Flags().Args())
	if err != nil || !slices.Equal(back, c.ServeArgs) {
		t.Fatalf("serve args parsed back %q (%v), want %q", back, err, c.ServeArgs)
	}
}
