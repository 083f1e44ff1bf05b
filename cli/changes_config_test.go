package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// TestChangesConfigGuards: the [changes] section sets the guards of the
// service a local command opens; without it the defaults apply; values out
// of range and unknown keys are refused, naming the key.
func TestChangesConfigGuards(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	open := func(config string) (*service.Service, error) {
		env := map[string]string{"UNET_CONFIG": config}
		a := &app{env: Env{Getenv: func(k string) string { return env[k] }, Stderr: os.Stderr},
			dbURL: "sqlite://" + filepath.Join(t.TempDir(), "unet.db"), mayCreate: true}
		if _, err := a.service(context.Background()); err != nil {
			return nil, err
		}
		t.Cleanup(func() { _ = a.db.Close() })
		return a.local, nil
	}
	svc, err := open(write("none.toml", ""))
	if err != nil {
		t.Fatal(err)
	}
	if g := svc.Guards(); g != service.DefaultGuardSettings() || g.ConfigPercent != 20 || !g.NewCritical {
		t.Fatalf("defaults: %+v", g)
	}
	svc, err = open(write("set.toml", "[changes]\nguard_config_percent = 35.5\nguard_new_critical = false\n"))
	if err != nil {
		t.Fatal(err)
	}
	if g := svc.Guards(); g.ConfigPercent != 35.5 || g.NewCritical {
		t.Fatalf("configured: %+v", g)
	}
	svc, err = open(write("pct.toml", "[changes]\nguard_config_percent = 5\n"))
	if err != nil {
		t.Fatal(err)
	}
	if g := svc.Guards(); g.ConfigPercent != 5 || !g.NewCritical {
		t.Fatalf("percent only: %+v", g)
	}
	_, err = open(write("bad.toml", "[changes]\nguard_config_percent = 150\n"))
	if unet.ErrorCode(err) != unet.EINVALID || !strings.Contains(err.Error(), "guard_config_percent") {
		t.Fatalf("150%%: %v", err)
	}
	_, err = open(write("unknown.toml", "[changes]\nguard_percent = 10\n"))
	if unet.ErrorCode(err) != unet.EINVALID || !strings.Contains(err.Error(), "unknown keys") {
		t.Fatalf("unknown key: %v", err)
	}
}

// TestServeRefusesBadGuardSettings: `unet serve` does not start with a
// [changes] guard percentage out of range, and says which key.
func TestServeRefusesBadGuardSettings(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "unet.toml")
	if err := os.WriteFile(cfg, []byte("[changes]\nguard_config_percent = -5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	code := runServeCLI(context.Background(), []string{"--db", "sqlite://" + filepath.Join(dir, "x.db"), "serve", "--listen", "127.0.0.1:0", "--config", cfg},
		Env{Stdout: io.Discard, Stderr: &errb})
	if code != ExitInvalid || !strings.Contains(errb.String(), "guard_config_percent") {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
}
