package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The notification settings come from [notifications] in the config file,
// flags override them, and impossible values are usage errors.
func TestServeNotifyConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unet.toml")
	if err := os.WriteFile(path, []byte("[notifications]\nretry_base = \"2s\"\nretry_max = \"10m\"\ngive_up = \"6h\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadServeConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := notifyFlags{}.config(cfg.Notifications)
	if err != nil || got.RetryBase != 2*time.Second || got.RetryMax != 10*time.Minute || got.GiveUp != 6*time.Hour {
		t.Fatalf("from the file: %+v %v", got, err)
	}
	got, err = notifyFlags{giveUp: time.Minute}.config(cfg.Notifications)
	if err != nil || got.GiveUp != time.Minute || got.RetryBase != 2*time.Second {
		t.Fatalf("flag over the file: %+v %v", got, err)
	}
	if _, err := (notifyFlags{retryBase: time.Minute, retryMax: time.Second}).config(notifyConfig{}); err == nil ||
		!strings.Contains(err.Error(), "shorter than --notify-retry-base") {
		t.Fatalf("max below base: %v", err)
	}
	if _, err := (notifyFlags{giveUp: -time.Second}).config(notifyConfig{}); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Fatalf("negative: %v", err)
	}
	if err := os.WriteFile(path, []byte("[notifications]\ngive_up = \"soon\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadServeConfig(path); err == nil || !strings.Contains(err.Error(), "not a duration") {
		t.Fatalf("bad duration: %v", err)
	}
}

// A give-up time as long as the event retention is refused before the server
// starts: events still being delivered would be pruned without a dead letter.
func TestServeGiveUpWithinRetention(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	for _, args := range [][]string{
		{"--event-retention", "1h", "--notify-give-up", "2h"},
		{"--event-retention", "24h"}, // the default give-up is 24h
	} {
		var out, errb strings.Builder
		code := Run(context.Background(), append([]string{"--db", db, "serve", "--listen", "127.0.0.1:0"}, args...),
			Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
		if code != ExitUsage || !strings.Contains(errb.String(), "must be shorter than --event-retention") {
			t.Fatalf("%v: exit %d, %q", args, code, errb.String())
		}
	}
}
