package cli

import (
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// TestEventRetentionPrecedence: the flag, when given, wins over the config
// file, which wins over the default; a negative retention is a usage error.
func TestEventRetentionPrecedence(t *testing.T) {
	newCmd := func(args ...string) (*cobra.Command, *time.Duration) {
		var d time.Duration
		cmd := &cobra.Command{Use: "serve"}
		cmd.Flags().DurationVar(&d, "event-retention", defaultEventRetention, "")
		if err := cmd.Flags().Parse(args); err != nil {
			t.Fatal(err)
		}
		return cmd, &d
	}
	file := duration(48 * time.Hour)
	zero := duration(0)
	for _, c := range []struct {
		args []string
		file *duration
		want time.Duration
	}{
		{nil, nil, 720 * time.Hour},
		{nil, &file, 48 * time.Hour},
		{nil, &zero, 0},
		{[]string{"--event-retention", "1h"}, &file, time.Hour},
		{[]string{"--event-retention", "0"}, &file, 0},
	} {
		cmd, d := newCmd(c.args...)
		got, err := eventRetention(cmd, *d, c.file)
		if err != nil || got != c.want {
			t.Errorf("%v with file %v: %v %v, want %v", c.args, c.file, got, err, c.want)
		}
	}
	cmd, d := newCmd("--event-retention", "-1h")
	if _, err := eventRetention(cmd, *d, nil); err == nil || exitCode(err, false) != ExitUsage {
		t.Fatalf("negative retention: %v", err)
	}
	if got := eventPruneInterval(720 * time.Hour); got != time.Hour {
		t.Errorf("interval of 720h: %v", got)
	}
	if got := eventPruneInterval(time.Minute); got != time.Minute {
		t.Errorf("interval of 1m: %v", got)
	}
}
