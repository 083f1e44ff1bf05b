package cli

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/unet-dev/unet"
)

// linkFields are the flags of `links add` and `links update`.
func linkFields() []field[unet.Link] {
	return append([]field[unet.Link]{
		endpointField("a", "A end as NODE:INTERFACE", "a_node", "a_interface", true,
			func(l *unet.Link) (*string, *string) { return &l.ANodeID, &l.AInterface }),
		endpointField("z", "Z end as NODE:INTERFACE (omit for an external circuit)", "z_node", "z_interface", false,
			func(l *unet.Link) (*string, *string) { return &l.ZNodeID, &l.ZInterface }),
		textField("role", "role", "backbone|access|internet|peering|management|other", func(l *unet.Link) *string { return &l.Role }),
		valueField("bandwidth", "bandwidth_bps", "bandwidth: 10G, 100M, 1.5G or bits per second", parseBandwidthFlag,
			func(l *unet.Link) *int64 { return &l.BandwidthBPS }),
		textField("circuit-id", "circuit_id", "provider circuit ID", func(l *unet.Link) *string { return &l.CircuitID }),
		textField("provider", "provider", "provider", func(l *unet.Link) *string { return &l.Provider }),
		textField("name", "name", "link name (optional, unique)", func(l *unet.Link) *string { return &l.Name }),
		textField("description", "description", "description", func(l *unet.Link) *string { return &l.Description }),
		textField("lifecycle", "lifecycle", "planned|implementing|live|decommissioned", func(l *unet.Link) *string { return &l.Lifecycle }),
	}, metaFields(func(l *unet.Link) *unet.Meta { return &l.Meta })...)
}

// endpointField is a link end given as NODE:INTERFACE: at is the pair of
// members it sets, nodeKey and ifaceKey the patch keys. An empty optional end
// is an external circuit (update clears it).
func endpointField(flag, usage, nodeKey, ifaceKey string, required bool, at func(l *unet.Link) (*string, *string)) field[unet.Link] {
	return field[unet.Link]{flag: flag, usage: usage,
		set: func(l *unet.Link, f flagValue) error {
			if f.text == "" {
				if required {
					return unet.Invalid("invalid link", unet.FieldError{Field: flag, Message: "is required (--" + flag + " NODE:INTERFACE)"})
				}
				return nil
			}
			node, iface, err := endpoint(flag, f.text)
			if err != nil {
				return err
			}
			n, i := at(l)
			*n, *i = node, iface
			return nil
		},
		patch: func(p unet.Patch, f flagValue) error {
			var node, iface string
			if f.text != "" || required {
				var err error
				if node, iface, err = endpoint(flag, f.text); err != nil {
					return err
				}
			}
			p[nodeKey], p[ifaceKey] = node, iface
			return nil
		},
	}
}

// endpoint splits NODE:INTERFACE at the first colon.
func endpoint(flag, s string) (node, iface string, err error) {
	node, iface, ok := strings.Cut(s, ":")
	if !ok || node == "" || iface == "" {
		return "", "", unet.Invalid("invalid link end", unet.FieldError{Field: flag, Message: "must be NODE:INTERFACE, e.g. leaf1:Ethernet1"})
	}
	return node, iface, nil
}

// parseBandwidthFlag reads a --bandwidth value: 10G, 100M, 1.5G or bits per
// second.
func parseBandwidthFlag(s string) (int64, error) {
	bps, err := ParseBandwidth(s)
	if err != nil {
		return 0, unet.Invalid("invalid --bandwidth", unet.FieldError{Field: "bandwidth_bps", Message: err.Error()})
	}
	return bps, nil
}

func (a *app) linksCommand() *cobra.Command {
	return resourceCommand(a, &resource[unet.Link, unet.LinkFilter]{
		kind: "link", use: "links", aliases: []string{"link"}, short: "Manage links between node interfaces",
		ref: "NAME|ID|NODE:IFACE", fields: linkFields(), print: a.showLink,
		add: &addSpec[unet.Link]{use: "add --a NODE:IFACE [--z NODE:IFACE] [flags]", short: "Add a link", create: unet.Service.CreateLink},
		list: &listSpec[unet.Link, unet.LinkFilter]{use: "list [--node NAME]", short: "List links",
			flags: func(fs *pflag.FlagSet, f *unet.LinkFilter) {
				fs.StringVar(&f.Node, "node", "", "only links of this node")
				fs.StringVar(&f.Role, "role", "", "only this role")
			},
			page:   func(f *unet.LinkFilter) *unet.Page { return &f.Page },
			paged:  unet.Service.ListLinks,
			header: []string{"NAME", "A", "Z", "ROLE", "BANDWIDTH", "LIFECYCLE"},
			row: func(l unet.Link) []string {
				return []string{dash(l.Name), l.ANode + ":" + l.AInterface, zEnd(l), dash(l.Role), FormatBandwidth(l.BandwidthBPS), l.Lifecycle}
			},
		},
		show: &showSpec[unet.Link]{short: "Show a link (--at: as it was then)", get: unet.Service.GetLink,
			at: unet.Service.LinkAt},
		update: &updateSpec[unet.Link]{short: "Update a link", update: unet.Service.UpdateLink},
		del:    &deleteSpec{del: unet.Service.DeleteLink},
	})
}

// zEnd shows a link's Z end, "(external)" for an external circuit.
func zEnd(l unet.Link) string {
	if l.ZNode == "" {
		return "(external)"
	}
	return l.ZNode + ":" + l.ZInterface
}

// showLink prints one link.
func (a *app) showLink(_ *cobra.Command, _ unet.Service, l *unet.Link) error {
	return a.printer().emit(l, func() any {
		return kv{
			{"id", l.ID}, {"name", dash(l.Name)}, {"a", l.ANode + ":" + l.AInterface}, {"z", zEnd(*l)},
			{"role", dash(l.Role)}, {"bandwidth", FormatBandwidth(l.BandwidthBPS)}, {"circuit_id", dash(l.CircuitID)},
			{"provider", dash(l.Provider)}, {"description", dash(l.Description)}, {"lifecycle", l.Lifecycle},
			{"tags", dash(strings.Join(l.Tags, ", "))}, {"custom_data", compactJSON(l.CustomData)},
			{"version", strconv.Itoa(l.Version)},
		}
	})
}
