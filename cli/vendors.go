package cli

import (
	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
)

func (a *app) vendorsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "vendors", Aliases: []string{"vendor"}, Short: "Manage the vendor registry"}
	list := &cobra.Command{
		Use:   "list",
		Short: "List vendors",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			vs, err := svc.ListVendors(cmd.Context())
			if err != nil {
				return err
			}
			return a.printer().emit(vs, func() any {
				t := table{header: []string{"NAME", "DISPLAY NAME"}}
				for _, v := range vs {
					t.rows = append(t.rows, []string{v.Name, v.DisplayName})
				}
				return t
			})
		},
	}
	var display, reason string
	add := &cobra.Command{
		Use:   "add NAME [--display-name D]",
		Short: "Add a vendor",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			v, err := svc.CreateVendor(a.ctx(cmd), &unet.Vendor{Name: args[0], DisplayName: display}, unet.WriteOptions{Reason: reason})
			if err != nil {
				return err
			}
			return a.printer().emit(v, func() any { return kv{{"name", v.Name}, {"display_name", v.DisplayName}} })
		},
	}
	add.Flags().StringVar(&display, "display-name", "", "display name (default: the name)")
	add.Flags().StringVar(&reason, "reason", "", "reason recorded in the change log")
	cmd.AddCommand(list, add)
	return cmd
}
