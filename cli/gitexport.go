package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
)

// gitExportCommand is `unet git export SOURCE`: inventory as code.
func (a *app) gitExportCommand(svc func(*cobra.Command) (unet.GitService, error)) *cobra.Command {
	var req unet.GitExportRequest
	cmd := &cobra.Command{
		Use:   "export SOURCE [--path DIR] [--env E] [--message M]",
		Short: "Write the inventory (import format, YAML) into a Git source, commit as the actor and push",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			gs, err := svc(cmd)
			if err != nil {
				return err
			}
			req.Source = args[0]
			res, err := gs.ExportInventoryToGit(a.ctx(cmd), req)
			if err != nil {
				return err
			}
			return a.printer().emit(res, func() any {
				if !res.Changed {
					return fmt.Sprintf("%s: inventory unchanged on %s (%s)\n", res.Source, res.Branch, shortCommit(res.Commit))
				}
				return fmt.Sprintf("%s: exported %d files to %s as %s (parent %s)\n", res.Source, res.Files, res.Branch,
					shortCommit(res.Commit), shortCommit(res.Parent))
			})
		},
	}
	cmd.Flags().StringVar(&req.Dir, "path", "", "directory of the repository the export replaces (default inventory)")
	cmd.Flags().StringVar(&req.Environment, "env", "", "environment whose branch receives the commit (default: the source's own)")
	cmd.Flags().StringVar(&req.Message, "message", "", "commit message")
	return cmd
}
