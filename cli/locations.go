package cli

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/unet-dev/unet"
)

// locationFields are the flags of `locations add` and `locations update`.
func locationFields() []field[unet.Location] {
	return append([]field[unet.Location]{
		textField("name", "name", "location name (unique among its siblings)", func(l *unet.Location) *string { return &l.Name }),
		textField("type", "type", "region|site|building|floor|room|rack|other", func(l *unet.Location) *string { return &l.Type }),
		textField("parent", "parent", "parent location path or ID", func(l *unet.Location) *string { return &l.ParentID }),
		textField("address", "address", "street address", func(l *unet.Location) *string { return &l.Address }),
		textField("description", "description", "description", func(l *unet.Location) *string { return &l.Description }),
		textField("lifecycle", "lifecycle", "planned|implementing|live|decommissioned (default live)", func(l *unet.Location) *string { return &l.Lifecycle }),
		textField("snmp-profile", "snmp_profile", "SNMP profile inherited by the nodes below that name none", func(l *unet.Location) *string { return &l.SNMPProfile }),
	}, metaFields(func(l *unet.Location) *unet.Meta { return &l.Meta })...)
}

func (a *app) locationsCommand() *cobra.Command {
	return resourceCommand(a, &resource[unet.Location, unet.LocationFilter]{
		kind: "location", use: "locations", aliases: []string{"location", "loc"}, short: "Manage the location tree",
		ref: "PATH|ID", fields: locationFields(), print: a.showLocation,
		add: &addSpec[unet.Location]{use: "add --name N --type T [--parent PATH|ID] [flags]", short: "Add a location",
			create: unet.Service.CreateLocation},
		list: &listSpec[unet.Location, unet.LocationFilter]{use: "list", short: "List locations",
			flags: func(fs *pflag.FlagSet, f *unet.LocationFilter) {
				fs.StringVar(&f.Type, "type", "", "only this type")
				fs.StringVar(&f.Parent, "parent", "", "only direct children of this location")
			},
			page:   func(f *unet.LocationFilter) *unet.Page { return &f.Page },
			paged:  unet.Service.ListLocations,
			header: []string{"PATH", "TYPE", "LIFECYCLE", "DESCRIPTION"},
			row:    func(l unet.Location) []string { return []string{l.Path, l.Type, l.Lifecycle, dash(l.Description)} },
		},
		show: &showSpec[unet.Location]{short: "Show a location (--at: as it was then)", get: unet.Service.GetLocation,
			at: unet.Service.LocationAt},
		update: &updateSpec[unet.Location]{short: "Update (rename, move, describe) a location", update: unet.Service.UpdateLocation},
		del:    &deleteSpec{del: unet.Service.DeleteLocation},
	})
}

// showLocation prints one location.
func (a *app) showLocation(_ *cobra.Command, _ unet.Service, l *unet.Location) error {
	return a.printer().emit(l, func() any {
		return kv{
			{"id", l.ID}, {"name", l.Name}, {"type", l.Type}, {"path", l.Path}, {"parent_id", dash(l.ParentID)},
			{"description", dash(l.Description)}, {"address", dash(l.Address)}, {"lifecycle", l.Lifecycle},
			{"snmp_profile", dash(l.SNMPProfile)},
			{"tags", dash(strings.Join(l.Tags, ", "))}, {"custom_data", compactJSON(l.CustomData)},
			{"version", strconv.Itoa(l.Version)},
		}
	})
}
