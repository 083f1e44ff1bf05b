package cli

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/unet-dev/unet"
)

type linkFlags struct {
	a, z, role, bandwidth, circuit, provider, name, description, lifecycle, customData string
	tags                                                                               []string
}

func (f *linkFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.a, "a", "", "A end as NODE:INTERFACE")
	fs.StringVar(&f.z, "z", "", "Z end as NODE:INTERFACE (omit for an external circuit)")
	fs.StringVar(&f.role, "role", "", "backbone|access|internet|peering|management|other")
	fs.StringVar(&f.bandwidth, "bandwidth", "", "bandwidth: 10G, 100M, 1.5G or bits per second")
	fs.StringVar(&f.circuit, "circuit-id", "", "provider circuit ID")
	fs.StringVar(&f.provider, "provider", "", "provider")
	fs.StringVar(&f.name, "name", "", "link name (optional, unique)")
	fs.StringVar(&f.description, "description", "", "description")
	fs.StringVar(&f.lifecycle, "lifecycle", "", "planned|implementing|live|decommissioned")
	fs.StringArrayVar(&f.tags, "tag", nil, "tag (repeatable)")
	fs.StringVar(&f.customData, "custom-data", "", "custom data as a JSON object")
}

// endpoint splits NODE:INTERFACE at the first colon.
func endpoint(flag, s string) (node, iface string, err error) {
	node, iface, ok := strings.Cut(s, ":")
	if !ok || node == "" || iface == "" {
		return "", "", unet.Invalid("invalid link end", unet.FieldError{Field: flag, Message: "must be NODE:INTERFACE, e.g. leaf1:Ethernet1"})
	}
	return node, iface, nil
}

func (f *linkFlags) patch(fs *pflag.FlagSet) (unet.Patch, error) {
	p := unet.Patch{}
	for flag, s := range map[string]struct {
		field string
		val   *string
	}{"role": {"role", &f.role}, "circuit-id": {"circuit_id", &f.circuit}, "provider": {"provider", &f.provider},
		"name": {"name", &f.name}, "description": {"description", &f.description}, "lifecycle": {"lifecycle", &f.lifecycle}} {
		if fs.Changed(flag) {
			p[s.field] = *s.val
		}
	}
	if fs.Changed("a") {
		n, i, err := endpoint("a", f.a)
		if err != nil {
			return nil, err
		}
		p["a_node"], p["a_interface"] = n, i
	}
	if fs.Changed("z") {
		if f.z == "" {
			p["z_node"], p["z_interface"] = "", ""
		} else {
			n, i, err := endpoint("z", f.z)
			if err != nil {
				return nil, err
			}
			p["z_node"], p["z_interface"] = n, i
		}
	}
	if fs.Changed("bandwidth") {
		bps, err := ParseBandwidth(f.bandwidth)
		if err != nil {
			return nil, unet.Invalid("invalid --bandwidth", unet.FieldError{Field: "bandwidth_bps", Message: err.Error()})
		}
		p["bandwidth_bps"] = bps
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

func (a *app) linksCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "links", Aliases: []string{"link"}, Short: "Manage links between node interfaces"}

	var af linkFlags
	var reason string
	add := &cobra.Command{
		Use:   "add --a NODE:IFACE [--z NODE:IFACE] [flags]",
		Short: "Add a link",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if af.a == "" {
				return unet.Invalid("invalid link", unet.FieldError{Field: "a", Message: "is required (--a NODE:INTERFACE)"})
			}
			l := &unet.Link{Role: af.role, CircuitID: af.circuit, Provider: af.provider, Name: af.name,
				Description: af.description, Lifecycle: af.lifecycle}
			var err error
			if l.ANodeID, l.AInterface, err = endpoint("a", af.a); err != nil {
				return err
			}
			if af.z != "" {
				if l.ZNodeID, l.ZInterface, err = endpoint("z", af.z); err != nil {
					return err
				}
			}
			if l.BandwidthBPS, err = ParseBandwidth(af.bandwidth); err != nil {
				return unet.Invalid("invalid --bandwidth", unet.FieldError{Field: "bandwidth_bps", Message: err.Error()})
			}
			l.Tags = af.tags
			if af.customData != "" {
				if l.CustomData, err = parseCustomData(af.customData); err != nil {
					return err
				}
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			out, err := svc.CreateLink(a.ctx(cmd), l, unet.WriteOptions{Reason: reason})
			if err != nil {
				return err
			}
			return a.showLink(out)
		},
	}
	af.register(add.Flags())
	add.Flags().StringVar(&reason, "reason", "", "reason recorded in the change log")

	var lf unet.LinkFilter
	list := &cobra.Command{
		Use:   "list [--node NAME]",
		Short: "List links",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			links, err := collect(lf.Page, func(p unet.Page) (*unet.List[unet.Link], error) {
				f := lf
				f.Page = p
				return svc.ListLinks(cmd.Context(), f)
			})
			if err != nil {
				return err
			}
			return a.printer().emit(links, func() any {
				t := table{header: []string{"NAME", "A", "Z", "ROLE", "BANDWIDTH", "LIFECYCLE"}}
				for _, l := range links {
					z := "(external)"
					if l.ZNode != "" {
						z = l.ZNode + ":" + l.ZInterface
					}
					t.rows = append(t.rows, []string{dash(l.Name), l.ANode + ":" + l.AInterface, z, dash(l.Role), FormatBandwidth(l.BandwidthBPS), l.Lifecycle})
				}
				return t
			})
		},
	}
	list.Flags().StringVar(&lf.Node, "node", "", "only links of this node")
	list.Flags().StringVar(&lf.Role, "role", "", "only this role")
	pageFlags(list.Flags(), &lf.Page)

	show := &cobra.Command{
		Use:   "show NAME|ID|NODE:IFACE",
		Short: "Show a link",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			l, err := svc.GetLink(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return a.showLink(l)
		},
	}

	var uf linkFlags
	var sets []string
	var ifVersion int
	var upReason string
	update := &cobra.Command{
		Use:   "update NAME|ID|NODE:IFACE [--set field=value]... [flags]",
		Short: "Update a link",
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
			l, err := svc.UpdateLink(a.ctx(cmd), args[0], p, unet.WriteOptions{IfVersion: ifVersion, Reason: upReason})
			if err != nil {
				return err
			}
			return a.showLink(l)
		},
	}
	uf.register(update.Flags())
	update.Flags().StringArrayVar(&sets, "set", nil, "field=value (repeatable)")
	update.Flags().IntVar(&ifVersion, "if-version", 0, "refuse the update unless the link is at this version")
	update.Flags().StringVar(&upReason, "reason", "", "reason recorded in the change log")

	del := a.deleteCommand("link", "NAME|ID|NODE:IFACE", false, func(cmd *cobra.Command, svc unet.Service, ref string, o unet.DeleteOptions) error {
		return svc.DeleteLink(a.ctx(cmd), ref, o)
	})
	cmd.AddCommand(add, list, show, update, del)
	return cmd
}

func (a *app) showLink(l *unet.Link) error {
	return a.printer().emit(l, func() any {
		z := "(external)"
		if l.ZNode != "" {
			z = l.ZNode + ":" + l.ZInterface
		}
		return kv{
			{"id", l.ID}, {"name", dash(l.Name)}, {"a", l.ANode + ":" + l.AInterface}, {"z", z},
			{"role", dash(l.Role)}, {"bandwidth", FormatBandwidth(l.BandwidthBPS)}, {"circuit_id", dash(l.CircuitID)},
			{"provider", dash(l.Provider)}, {"description", dash(l.Description)}, {"lifecycle", l.Lifecycle},
			{"tags", dash(strings.Join(l.Tags, ", "))}, {"custom_data", compactJSON(l.CustomData)},
			{"version", strconv.Itoa(l.Version)},
		}
	})
}
