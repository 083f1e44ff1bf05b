package metrics

import (
	"io"
	"log/slog"
	"runtime"
	"testing"
)

// testLogger logs to w.
func testLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func TestBuildInfo(t *testing.T) {
	SetBuildInfo("v1.2.3")
	defer SetBuildInfo("dev")
	if got := mustSample(t, "unet_build_info", map[string]string{"version": "v1.2.3", "commit": Commit(), "goversion": runtime.Version()}); got != 1 {
		t.Errorf("unet_build_info = %v", got)
	}
	if _, ok := sample(t, "unet_build_info", map[string]string{"version": "dev"}); ok {
		t.Error("the previous version is still reported")
	}
	for _, name := range []string{"go_goroutines", "go_memstats_alloc_bytes", "process_cpu_seconds_total", "process_open_fds"} {
		mustSample(t, name, nil)
	}
}
