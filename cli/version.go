package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet/sqlstore"
)

// Version is the release version, set at build time with
// -ldflags "-X github.com/unet-dev/unet/cli.Version=v1.2.3".
var Version = "dev"

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			commit := ""
			if bi, ok := debug.ReadBuildInfo(); ok {
				for _, s := range bi.Settings {
					if s.Key == "vcs.revision" {
						commit = s.Value
					}
				}
			}
			info := map[string]any{"version": Version, "commit": commit, "go": runtime.Version(),
				"schema_version": sqlstore.LatestVersion()}
			return a.printer().emit(info, func() any {
				return fmt.Sprintf("unet %s (commit %s, %s, schema %d)\n", Version, dash(commit), runtime.Version(), sqlstore.LatestVersion())
			})
		},
	}
}
