package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet/sqlstore"
)

// Build stamps, set by the release build (scripts/release.sh) with
//
//	-ldflags "-X github.com/unet-dev/unet/cli.Version=v1.2.3
//	          -X github.com/unet-dev/unet/cli.Commit=<full commit hash>
//	          -X github.com/unet-dev/unet/cli.Date=<commit time, RFC 3339>"
//
// A binary built without them (go build, go install) reports what the Go
// toolchain recorded in it instead: the module version and the VCS revision,
// time and modified flag (see currentBuild).
var (
	// Version is the release version, e.g. v1.2.3; "dev" when not stamped.
	Version = "dev"
	// Commit is the full hash of the commit the release was built from.
	Commit = ""
	// Date is the time of that commit (RFC 3339), so that two builds of one
	// commit are identical.
	Date = ""
)

// unstampedVersion is Version's value in a build without -ldflags.
const unstampedVersion = "dev"

// buildInfo is what `unet version` reports about the running binary.
type buildInfo struct {
	// Version is the stamped version, else the module version of a
	// go install build, else "dev".
	Version string `json:"version"`
	// Commit is the stamped commit, else the VCS revision Go recorded.
	Commit string `json:"commit"`
	// Date is the stamped date, else the VCS commit time Go recorded.
	Date string `json:"date"`
	// Modified is true when Go recorded uncommitted changes in the
	// working tree the binary was built from.
	Modified bool `json:"modified"`
	// ModuleVersion is the main module's version as Go recorded it:
	// "v1.2.3" for go install module@v1.2.3, a pseudo-version for a build in
	// a Git checkout, "(devel)" or empty otherwise.
	ModuleVersion string `json:"module_version"`
	// Go is the Go release the binary was built with.
	Go string `json:"go"`
	// Platform is GOOS/GOARCH.
	Platform string `json:"platform"`
	// SchemaVersion is the latest database schema version this binary knows.
	SchemaVersion int `json:"schema_version"`
}

// currentBuild describes the running binary.
func currentBuild() buildInfo {
	bi, _ := debug.ReadBuildInfo()
	b := resolveBuild(Version, Commit, Date, bi)
	b.SchemaVersion = sqlstore.LatestVersion()
	return b
}

// buildVersion is the version the binary reports everywhere (metrics, traces,
// cluster membership, backups): the stamped one or, for an unstamped build,
// the module version Go recorded.
func buildVersion() string { return currentBuild().Version }

// resolveBuild combines the -ldflags stamps with the build information Go
// records in every binary (bi may be nil). Stamps win; what is not stamped
// comes from bi.
func resolveBuild(version, commit, date string, bi *debug.BuildInfo) buildInfo {
	b := buildInfo{Version: version, Commit: commit, Date: date,
		Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if b.Version == "" {
		b.Version = unstampedVersion
	}
	if bi == nil {
		return b
	}
	if bi.GoVersion != "" {
		b.Go = bi.GoVersion
	}
	b.ModuleVersion = bi.Main.Version
	if b.Version == unstampedVersion && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		b.Version = bi.Main.Version
	}
	var goos, goarch string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if b.Commit == "" {
				b.Commit = s.Value
			}
		case "vcs.time":
			if b.Date == "" {
				b.Date = s.Value
			}
		case "vcs.modified":
			b.Modified = s.Value == "true"
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		}
	}
	if goos != "" && goarch != "" {
		b.Platform = goos + "/" + goarch
	}
	return b
}

// text is the one-line form of `unet version -o table`.
func (b buildInfo) text() string {
	commit := dash(b.Commit)
	if b.Modified {
		commit += ", modified"
	}
	parts := []string{"commit " + commit}
	if b.Date != "" {
		parts = append(parts, "date "+b.Date)
	}
	parts = append(parts, b.Go+" "+b.Platform, fmt.Sprintf("schema %d", b.SchemaVersion))
	return fmt.Sprintf("unet %s (%s)\n", b.Version, strings.Join(parts, ", "))
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date, Go release and schema version",
		Long: `Print the version of this binary: the release version, the commit and the
commit date it was built from, the Go release and platform, and the database
schema version it knows. A release build has them stamped; a binary built with
go build or go install reports the module version and the VCS revision, time
and modified flag that Go recorded in it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b := currentBuild()
			return a.printer().emit(b, func() any { return b.text() })
		},
	}
}
