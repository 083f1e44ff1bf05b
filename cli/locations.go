package cli

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/unet-dev/unet"
)

type locationFlags struct {
	name, typ, parent, address, description, lifecycle, customData, snmpProfile string
	tags                                                                        []string
}

func (f *locationFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.name, "name", "", "location name (unique among its siblings)")
	fs.StringVar(&f.typ, "type", "", "region|site|building|floor|room|rack|other")
	fs.StringVar(&f.parent, "parent", "", "parent location path or ID")
	fs.StringVar(&f.address, "address", "", "street address")
	fs.StringVar(&f.description, "description", "", "description")
	fs.StringVar(&f.lifecycle, "lifecycle", "", "planned|implementing|live|decommissioned (default live)")
	fs.StringArrayVar(&f.tags, "tag", nil, "tag (repeatable)")
	fs.StringVar(&f.customData, "custom-data", "", "custom data as a JSON object")
	fs.StringVar(&f.snmpProfile, "snmp-profile", "", "SNMP profile inherited by the nodes below that name none")
}

func (f *locationFlags) patch(fs *pflag.FlagSet) (unet.Patch, error) {
	p := unet.Patch{}
	for flag, s := range map[string]struct {
		field string
		val   *string
	}{"name": {"name", &f.name}, "type": {"type", &f.typ}, "parent": {"parent", &f.parent},
		"address": {"address", &f.address}, "description": {"description", &f.description},
		"lifecycle": {"lifecycle", &f.lifecycle}, "snmp-profile": {"snmp_profile", &f.snmpProfile}} {
		if fs.Changed(flag) {
			p[s.field] = *s.val
		}
	}
	if fs.Changed("tag") {
		p["tags"] = f.tags
	}
	if fs.Changed("custom-data") {
		m, err := parseCustomData(f.customData)
		if err != nil {
			return nil, err
		}
		p["custom_data"] = m
	}
	return p, nil
}

func (a *app) locationsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "locations", Aliases: []string{"location", "loc"}, Short: "Manage the location tree"}

	var af locationFlags
	var reason string
	add := &cobra.Command{
		Use:   "add --name N --type T [--parent PATH|ID] [flags]",
		Short: "Add a location",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l := &unet.Location{Name: af.name, Type: af.typ, ParentID: af.parent, Address: af.address,
				Description: af.description, Lifecycle: af.lifecycle, SNMPProfile: af.snmpProfile}
			l.Tags = af.tags
			if af.customData != "" {
				m, err := parseCustomData(af.customData)
				if err != nil {
					return err
				}
				l.CustomData = m
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			out, err := svc.CreateLocation(a.ctx(cmd), l, unet.WriteOptions{Reason: reason})
			if err != nil {
				return err
			}
			return a.showLocation(out)
		},
	}
	af.register(add.Flags())
	add.Flags().StringVar(&reason, "reason", "", "reason recorded in the change log")

	var lf unet.LocationFilter
	list := &cobra.Command{
		Use:   "list",
		Short: "List locations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			locs, err := collect(lf.Page, func(p unet.Page) (*unet.List[unet.Location], error) {
				f := lf
				f.Page = p
				return svc.ListLocations(cmd.Context(), f)
			})
			if err != nil {
				return err
			}
			return a.printer().emit(locs, func() any {
				t := table{header: []string{"PATH", "TYPE", "LIFECYCLE", "DESCRIPTION"}}
				for _, l := range locs {
					t.rows = append(t.rows, []string{l.Path, l.Type, l.Lifecycle, dash(l.Description)})
				}
				return t
			})
		},
	}
	list.Flags().StringVar(&lf.Type, "type", "", "only this type")
	list.Flags().StringVar(&lf.Parent, "parent", "", "only direct children of this location")
	pageFlags(list.Flags(), &lf.Page)

	show := &cobra.Command{
		Use:   "show PATH|ID",
		Short: "Show a location",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			l, err := svc.GetLocation(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return a.showLocation(l)
		},
	}

	var uf locationFlags
	var sets []string
	var ifVersion int
	var upReason string
	update := &cobra.Command{
		Use:   "update PATH|ID [--set field=value]... [flags]",
		Short: "Update (rename, move, describe) a location",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := uf.patch(cmd.Flags())
			if err != nil {
				return err
			}
			if p, err = mergePatches(p, sets); err != nil {
				return err
			}
			if len(p) == 0 {
				return usagef("nothing to update: give --set field=value or field flags")
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			l, err := svc.UpdateLocation(a.ctx(cmd), args[0], p, unet.WriteOptions{IfVersion: ifVersion, Reason: upReason})
			if err != nil {
				return err
			}
			return a.showLocation(l)
		},
	}
	uf.register(update.Flags())
	update.Flags().StringArrayVar(&sets, "set", nil, "field=value (repeatable)")
	update.Flags().IntVar(&ifVersion, "if-version", 0, "refuse the update unless the location is at this version")
	update.Flags().StringVar(&upReason, "reason", "", "reason recorded in the change log")

	del := a.deleteCommand("location", "PATH|ID", false, func(cmd *cobra.Command, svc unet.Service, ref string, o unet.DeleteOptions) error {
		return svc.DeleteLocation(a.ctx(cmd), ref, o)
	})
	cmd.AddCommand(add, list, show, update, del)
	return cmd
}

func (a *app) showLocation(l *unet.Location) error {
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
