package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRunExitCodes(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "r.cfg")
	if err := os.WriteFile(cfg, []byte("hostname r\ninterface Gi1\n shutdown\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = null, null
	defer func() { os.Stdout, os.Stderr = stdout, stderr }()
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"-m", "interface .*||.*", cfg}, 0},
		{[]string{"-m", "nothing", cfg}, 0},
		{[]string{"-m", "nothing", "--fail-on-empty", cfg}, 1},
		{[]string{"-m", "(", cfg}, 1},
		{[]string{cfg}, 1},
		{[]string{"--no-such-flag"}, 1},
		{[]string{"-m", "*", "a", "b"}, 1},
	}
	for _, tc := range tests {
		if got := run(tc.args); got != tc.want {
			t.Errorf("config-slicer %v: exit %d, want %d", tc.args, got, tc.want)
		}
	}
}
