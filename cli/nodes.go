package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/unet-dev/unet"
)

// nodeFields are the flags of `nodes add` and `nodes update`.
func nodeFields() []field[unet.Node] {
	return append([]field[unet.Node]{
		textField("name", "name", "node name ([A-Za-z0-9][A-Za-z0-9._-]*)", func(n *unet.Node) *string { return &n.Name }),
		textField("vendor", "vendor", "vendor name (see \"unet vendors list\")", func(n *unet.Node) *string { return &n.Vendor }),
		textField("domain", "domain", "DNS domain (name.domain is the FQDN)", func(n *unet.Node) *string { return &n.Domain }),
		textField("model", "model", "hardware model", func(n *unet.Node) *string { return &n.Model }),
		textField("role", "role", "role slug: core, spine, leaf, access, border, …", func(n *unet.Node) *string { return &n.Role }),
		textField("device-type", "device_type", "router|switch|firewall|loadbalancer|wireless|server|other", func(n *unet.Node) *string { return &n.DeviceType }),
		textField("platform", "platform", "config dialect: ios|iosxe|nxos|eos|iosxr|junos|fortios|sros|rad-etx|onyx|comware|panos|exos|routeros|netiron|generic", func(n *unet.Node) *string { return &n.Platform }),
		textField("mgmt-ip", "mgmt_ip", "management IPv4 or IPv6 address", func(n *unet.Node) *string { return &n.MgmtIP }),
		textField("software-version", "software_version", "desired software version", func(n *unet.Node) *string { return &n.SoftwareVersion }),
		textField("serial", "serial_number", "serial number", func(n *unet.Node) *string { return &n.SerialNumber }),
		textField("asset-tag", "asset_tag", "asset tag", func(n *unet.Node) *string { return &n.AssetTag }),
		textField("location", "location", "location path or ID", func(n *unet.Node) *string { return &n.LocationID }),
		textField("lifecycle", "lifecycle", "planned|implementing|live|decommissioned", func(n *unet.Node) *string { return &n.Lifecycle }),
		textField("environment", "environment", "policy/template environment (default production)", func(n *unet.Node) *string { return &n.Environment }),
		textField("snmp-profile", "snmp_profile", "SNMP profile name", func(n *unet.Node) *string { return &n.SNMPProfile }),
	}, metaFields(func(n *unet.Node) *unet.Meta { return &n.Meta })...)
}

func (a *app) nodesCommand() *cobra.Command {
	var withEval bool
	var evalPath string
	cmd := resourceCommand(a, &resource[unet.Node, unet.NodeFilter]{
		kind: "node", use: "nodes", aliases: []string{"node"}, short: "Manage nodes (devices)",
		ref: "NAME|FQDN|ID", fields: nodeFields(), print: a.showNode,
		add: &addSpec[unet.Node]{use: "add --name N --vendor V [flags]", short: "Add a node", create: unet.Service.CreateNode},
		list: &listSpec[unet.Node, unet.NodeFilter]{use: "list", short: "List nodes",
			flags: func(fs *pflag.FlagSet, f *unet.NodeFilter) {
				fs.StringVar(&f.Vendor, "vendor", "", "only this vendor")
				fs.StringVar(&f.Role, "role", "", "only this role")
				fs.StringVar(&f.Platform, "platform", "", "only this platform")
				fs.StringVar(&f.Location, "location", "", "only nodes in this location (path or ID) or below it")
				fs.StringVar(&f.Lifecycle, "lifecycle", "", "only this lifecycle")
				fs.StringVar(&f.Tag, "tag", "", "only nodes with this tag")
				fs.StringVar(&f.Environment, "environment", "", "only nodes of this environment")
				fs.StringVar(&f.Search, "search", "", "only nodes whose name, FQDN, management address, model, serial number or asset tag contains this text (any case)")
				fs.StringVar(&f.Compliance, "compliance", "", "only nodes in this state by their stored policy results ("+strings.Join(unet.NodeCompliances, ", ")+")")
				fs.StringVar(&f.Sort, "sort", "", "order by this field, descending with a leading - ("+strings.Join(unet.NodeSortKeys, ", ")+"; default fqdn)")
			},
			prepare: checkNodeFilter,
			page:    func(f *unet.NodeFilter) *unet.Page { return &f.Page },
			paged:   unet.Service.ListNodes,
			header:  []string{"NAME", "VENDOR", "MODEL", "ROLE", "PLATFORM", "MGMT IP", "VERSION", "LIFECYCLE"},
			row: func(n unet.Node) []string {
				return []string{n.FQDN, n.Vendor, dash(n.Model), dash(n.Role), dash(n.Platform), dash(n.MgmtIP), dash(n.SoftwareVersion), n.Lifecycle}
			},
		},
		show: &showSpec[unet.Node]{use: "show NAME|FQDN|ID [--eval | --at TIME|CHANGE_ID]",
			short: "Show a node (--eval: with its policy results and assigned templates; --at: as it was then)", get: unet.Service.GetNode,
			at: unet.Service.NodeAt,
			flags: func(fs *pflag.FlagSet) {
				fs.BoolVar(&withEval, "eval", false, "also evaluate policies for the node")
				fs.StringVar(&evalPath, "path", "", "policy directory for --eval (env UNET_POLICY_PATH; default ./policies)")
				fs.BoolVar(&a.useDemo, "demo", false, "use the built-in demo policies and templates when no directory is given")
			},
			run: func(cmd *cobra.Command, svc unet.Service, n *unet.Node) error {
				if !withEval {
					return a.showNode(cmd, svc, n)
				}
				return a.showNodeEval(cmd, svc, n, evalPath)
			},
		},
		update: &updateSpec[unet.Node]{short: "Update a node", update: unet.Service.UpdateNode},
		del:    &deleteSpec{del: unet.Service.DeleteNode, cascade: "also delete the node's links"},
	})
	cmd.AddCommand(a.nodeStateCommands()...)
	return cmd
}

// checkNodeFilter refuses a --compliance or --sort value the node list does
// not know, before any database or server is reached.
func checkNodeFilter(f *unet.NodeFilter) error {
	if f.Compliance != "" && !oneOf(f.Compliance, unet.NodeCompliances) {
		return usagef("unknown --compliance %q (want %s)", f.Compliance, strings.Join(unet.NodeCompliances, ", "))
	}
	if f.Sort != "" && !oneOf(strings.TrimPrefix(f.Sort, "-"), unet.NodeSortKeys) {
		return usagef("unknown --sort %q (want %s, with a leading - for descending)", f.Sort, strings.Join(unet.NodeSortKeys, ", "))
	}
	return nil
}

// showNodeEval prints a node with its policy results and the templates its
// policies assign (nodes show --eval).
func (a *app) showNodeEval(cmd *cobra.Command, svc unet.Service, n *unet.Node, evalPath string) error {
	rep, err := a.evaluate(cmd, evalFlags{path: evalPath, nodes: []string{n.ID}})
	if err != nil {
		return err
	}
	tmpl := rep.Templates[n.FQDN]
	if tmpl == nil {
		tmpl = []string{}
	}
	if a.output != "table" {
		return a.printer().emit(map[string]any{"node": n, "results": rep.Results, "templates": tmpl}, nil)
	}
	if err := a.showNode(cmd, svc, n); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(a.env.Stdout, "\ntemplates: %s\n\n", dash(strings.Join(tmpl, ", "))); err != nil {
		return err
	}
	return a.printer().emit(rep.Results, func() any { return resultsTable(rep.Results, false) })
}

// showNode prints one node; table output resolves its location path.
func (a *app) showNode(cmd *cobra.Command, svc unet.Service, n *unet.Node) error {
	return a.printer().emit(n, func() any {
		loc := "-"
		if n.LocationID != "" {
			loc = n.LocationID
			if l, err := svc.GetLocation(cmd.Context(), n.LocationID); err == nil {
				loc = l.Path
			}
		}
		return kv{
			{"id", n.ID}, {"name", n.Name}, {"domain", dash(n.Domain)}, {"fqdn", n.FQDN}, {"vendor", n.Vendor},
			{"model", dash(n.Model)}, {"role", dash(n.Role)}, {"device_type", dash(n.DeviceType)},
			{"platform", dash(n.Platform)}, {"mgmt_ip", dash(n.MgmtIP)}, {"software_version", dash(n.SoftwareVersion)},
			{"serial_number", dash(n.SerialNumber)}, {"asset_tag", dash(n.AssetTag)}, {"location", loc},
			{"lifecycle", n.Lifecycle}, {"environment", n.Environment}, {"snmp_profile", dash(n.SNMPProfile)},
			{"tags", dash(strings.Join(n.Tags, ", "))}, {"custom_data", compactJSON(n.CustomData)},
			{"version", strconv.Itoa(n.Version)}, {"created_at", n.CreatedAt.Format("2006-01-02T15:04:05Z")},
			{"updated_at", n.UpdatedAt.Format("2006-01-02T15:04:05Z")},
		}
	})
}
