package metrics

import (
	"runtime"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

var buildInfo = prometheus.NewGaugeVec(prometheus.GaugeOpts{
	Name: "unet_build_info",
	Help: "Always 1: the version and commit of the running μNet and the Go release that built it.",
}, []string{"version", "commit", "goversion"})

func init() {
	Registry.MustRegister(
		buildInfo,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	SetBuildInfo("dev")
}

// SetBuildInfo sets unet_build_info to the release version; the commit is
// the VCS revision the Go toolchain stamped into the binary (empty when it
// was built outside a repository).
func SetBuildInfo(version string) {
	buildInfo.Reset()
	buildInfo.WithLabelValues(version, Commit(), runtime.Version()).Set(1)
}

// Commit is the VCS revision stamped into the binary, "" when there is none.
func Commit() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			return s.Value
		}
	}
	return ""
}
