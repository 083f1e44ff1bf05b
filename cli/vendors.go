package cli

import (
	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
)

func (a *app) vendorsCommand() *cobra.Command {
	return resourceCommand(a, &resource[unet.Vendor, struct{}]{
		kind: "vendor", use: "vendors", aliases: []string{"vendor"}, short: "Manage the vendor registry",
		fields: []field[unet.Vendor]{
			textField("display-name", "display_name", "display name (default: the name)", func(v *unet.Vendor) *string { return &v.DisplayName }),
		},
		print: func(_ *cobra.Command, _ unet.Service, v *unet.Vendor) error {
			return a.printer().emit(v, func() any { return kv{{"name", v.Name}, {"display_name", v.DisplayName}} })
		},
		add: &addSpec[unet.Vendor]{use: "add NAME [--display-name D]", short: "Add a vendor",
			name: func(v *unet.Vendor, arg string) { v.Name = arg }, create: unet.Service.CreateVendor},
		list: &listSpec[unet.Vendor, struct{}]{use: "list", short: "List vendors",
			all:    unet.Service.ListVendors,
			header: []string{"NAME", "DISPLAY NAME"},
			row:    func(v unet.Vendor) []string { return []string{v.Name, v.DisplayName} },
		},
	})
}
