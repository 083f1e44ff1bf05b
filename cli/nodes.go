package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/unet-dev/unet"
)

// nodeFlags are the field flags shared by `nodes add` and `nodes update`.
type nodeFlags struct {
	name, vendor, domain, model, role, deviceType, platform, mgmtIP string
	softwareVersion, serial, assetTag, location, lifecycle, env     string
	snmpProfile, customData                                         string
	tags                                                            []string
}

func (f *nodeFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.name, "name", "", "node name ([A-Za-z0-9][A-Za-z0-9._-]*)")
	fs.StringVar(&f.vendor, "vendor", "", "vendor (see `unet vendors list`)")
	fs.StringVar(&f.domain, "domain", "", "DNS domain (name.domain is the FQDN)")
	fs.StringVar(&f.model, "model", "", "hardware model")
	fs.StringVar(&f.role, "role", "", "role slug: core, spine, leaf, access, border, …")
	fs.StringVar(&f.deviceType, "device-type", "", "router|switch|firewall|loadbalancer|wireless|server|other")
	fs.StringVar(&f.platform, "platform", "", "config dialect: ios|iosxe|nxos|eos|iosxr|junos|generic")
	fs.StringVar(&f.mgmtIP, "mgmt-ip", "", "management IPv4 or IPv6 address")
	fs.StringVar(&f.softwareVersion, "software-version", "", "desired software version")
	fs.StringVar(&f.serial, "serial", "", "serial number")
	fs.StringVar(&f.assetTag, "asset-tag", "", "asset tag")
	fs.StringVar(&f.location, "location", "", "location path or ID")
	fs.StringVar(&f.lifecycle, "lifecycle", "", "planned|implementing|live|decommissioned")
	fs.StringVar(&f.env, "environment", "", "policy/template environment (default production)")
	fs.StringVar(&f.snmpProfile, "snmp-profile", "", "SNMP profile name")
	fs.StringArrayVar(&f.tags, "tag", nil, "tag (repeatable)")
	fs.StringVar(&f.customData, "custom-data", "", "custom data as a JSON object")
}

// parseCustomData reads a --custom-data value: it must be a JSON object.
func parseCustomData(s string) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil || m == nil {
		msg := "must be a JSON object, e.g. '{\"rack\": \"A1\"}'"
		if err != nil {
			msg += ": " + err.Error()
		}
		return nil, unet.Invalid("invalid --custom-data", unet.FieldError{Field: "custom_data", Message: msg})
	}
	return m, nil
}

func (f *nodeFlags) node() (*unet.Node, error) {
	n := &unet.Node{Name: f.name, Vendor: f.vendor, Domain: f.domain, Model: f.model, Role: f.role,
		DeviceType: f.deviceType, Platform: f.platform, MgmtIP: f.mgmtIP, SoftwareVersion: f.softwareVersion,
		SerialNumber: f.serial, AssetTag: f.assetTag, LocationID: f.location, Lifecycle: f.lifecycle,
		Environment: f.env, SNMPProfile: f.snmpProfile}
	n.Tags = f.tags
	if f.customData != "" {
		m, err := parseCustomData(f.customData)
		if err != nil {
			return nil, err
		}
		n.CustomData = m
	}
	return n, nil
}

// patch collects the flags that were given into a merge patch.
func (f *nodeFlags) patch(fs *pflag.FlagSet) (unet.Patch, error) {
	p := unet.Patch{}
	str := map[string]struct {
		field string
		val   *string
	}{
		"name": {"name", &f.name}, "vendor": {"vendor", &f.vendor}, "domain": {"domain", &f.domain},
		"model": {"model", &f.model}, "role": {"role", &f.role}, "device-type": {"device_type", &f.deviceType},
		"platform": {"platform", &f.platform}, "mgmt-ip": {"mgmt_ip", &f.mgmtIP},
		"software-version": {"software_version", &f.softwareVersion}, "serial": {"serial_number", &f.serial},
		"asset-tag": {"asset_tag", &f.assetTag}, "location": {"location", &f.location},
		"lifecycle": {"lifecycle", &f.lifecycle}, "environment": {"environment", &f.env},
		"snmp-profile": {"snmp_profile", &f.snmpProfile},
	}
	for flag, s := range str {
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

// mergePatches adds --set expressions to a flag patch; --set wins on conflicts.
func mergePatches(flags unet.Patch, sets []string) (unet.Patch, error) {
	sp, err := ParseSet(sets)
	if err != nil {
		return nil, err
	}
	for k, v := range sp {
		if m, ok := v.(map[string]any); ok {
			if base, ok := flags[k].(map[string]any); ok {
				for kk, vv := range m {
					base[kk] = vv
				}
				continue
			}
		}
		flags[k] = v
	}
	return flags, nil
}

func (a *app) nodesCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "nodes", Aliases: []string{"node"}, Short: "Manage nodes (devices)"}

	var addFlags nodeFlags
	var reason string
	add := &cobra.Command{
		Use:   "add --name N --vendor V [flags]",
		Short: "Add a node",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := addFlags.node()
			if err != nil {
				return err
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			out, err := svc.CreateNode(a.ctx(cmd), n, unet.WriteOptions{Reason: reason})
			if err != nil {
				return err
			}
			return a.showNode(cmd, svc, out)
		},
	}
	addFlags.register(add.Flags())
	add.Flags().StringVar(&reason, "reason", "", "reason recorded in the change log")

	var lf unet.NodeFilter
	list := &cobra.Command{
		Use:   "list",
		Short: "List nodes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			nodes, err := collect(lf.Page, func(p unet.Page) (*unet.List[unet.Node], error) {
				f := lf
				f.Page = p
				return svc.ListNodes(cmd.Context(), f)
			})
			if err != nil {
				return err
			}
			return a.printer().emit(nodes, func() any {
				t := table{header: []string{"NAME", "VENDOR", "MODEL", "ROLE", "PLATFORM", "MGMT IP", "VERSION", "LIFECYCLE"}}
				for _, n := range nodes {
					t.rows = append(t.rows, []string{n.FQDN, n.Vendor, dash(n.Model), dash(n.Role), dash(n.Platform), dash(n.MgmtIP), dash(n.SoftwareVersion), n.Lifecycle})
				}
				return t
			})
		},
	}
	lfl := list.Flags()
	lfl.StringVar(&lf.Vendor, "vendor", "", "only this vendor")
	lfl.StringVar(&lf.Role, "role", "", "only this role")
	lfl.StringVar(&lf.Platform, "platform", "", "only this platform")
	lfl.StringVar(&lf.Location, "location", "", "only nodes in this location (path or ID) or below it")
	lfl.StringVar(&lf.Lifecycle, "lifecycle", "", "only this lifecycle")
	lfl.StringVar(&lf.Tag, "tag", "", "only nodes with this tag")
	pageFlags(lfl, &lf.Page)

	var withEval bool
	var evalPath string
	show := &cobra.Command{
		Use:   "show NAME|FQDN|ID [--eval]",
		Short: "Show a node (--eval: with its policy results and assigned templates)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			n, err := svc.GetNode(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if !withEval {
				return a.showNode(cmd, svc, n)
			}
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
			fmt.Fprintf(a.env.Stdout, "\ntemplates: %s\n\n", dash(strings.Join(tmpl, ", ")))
			return a.printer().emit(rep.Results, func() any { return resultsTable(rep.Results, false) })
		},
	}
	show.Flags().BoolVar(&withEval, "eval", false, "also evaluate policies for the node")
	a.addDemoFlag(show)
	show.Flags().StringVar(&evalPath, "path", "", "policy directory for --eval (env UNET_POLICY_PATH; default ./policies)")

	var upFlags nodeFlags
	var sets []string
	var ifVersion int
	var upReason string
	update := &cobra.Command{
		Use:   "update NAME|FQDN|ID [--set field=value]... [flags]",
		Short: "Update a node",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := upFlags.patch(cmd.Flags())
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
			n, err := svc.UpdateNode(a.ctx(cmd), args[0], p, unet.WriteOptions{IfVersion: ifVersion, Reason: upReason})
			if err != nil {
				return err
			}
			return a.showNode(cmd, svc, n)
		},
	}
	upFlags.register(update.Flags())
	update.Flags().StringArrayVar(&sets, "set", nil, "field=value (repeatable; custom_data.a.b=JSON for nested data)")
	update.Flags().IntVar(&ifVersion, "if-version", 0, "refuse the update unless the node is at this version")
	update.Flags().StringVar(&upReason, "reason", "", "reason recorded in the change log")

	del := a.deleteCommand("node", "NAME|FQDN|ID", true, func(cmd *cobra.Command, svc unet.Service, ref string, o unet.DeleteOptions) error {
		return svc.DeleteNode(a.ctx(cmd), ref, o)
	})
	cmd.AddCommand(add, list, show, update, del)
	cmd.AddCommand(a.nodeStateCommands()...)
	return cmd
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

// deleteCommand builds the `delete REF` command of a kind.
func (a *app) deleteCommand(kind, refUsage string, cascade bool, do func(*cobra.Command, unet.Service, string, unet.DeleteOptions) error) *cobra.Command {
	var o unet.DeleteOptions
	cmd := &cobra.Command{
		Use:   "delete " + refUsage,
		Short: "Delete a " + kind,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			if err := do(cmd, svc, args[0], o); err != nil {
				return err
			}
			if a.output == "table" {
				fmt.Fprintf(a.env.Stdout, "deleted %s %s\n", kind, args[0])
				return nil
			}
			return a.printer().emit(map[string]any{"deleted": kind, "ref": args[0]}, nil)
		},
	}
	cmd.Flags().IntVar(&o.IfVersion, "if-version", 0, "refuse unless the "+kind+" is at this version")
	cmd.Flags().StringVar(&o.Reason, "reason", "", "reason recorded in the change log")
	if cascade {
		cmd.Flags().BoolVar(&o.Cascade, "cascade", false, "also delete the node's links")
	}
	return cmd
}

// pageFlags registers --limit/--offset/--cursor.
func pageFlags(fs *pflag.FlagSet, p *unet.Page) {
	fs.IntVar(&p.Limit, "limit", 0, "at most N results (default: all)")
	fs.IntVar(&p.Offset, "offset", 0, "skip the first N results")
	fs.StringVar(&p.Cursor, "cursor", "", "continue after this cursor (from a previous page)")
}

// collect walks pages until limit items (0 = all) were gathered.
func collect[T any](p unet.Page, list func(unet.Page) (*unet.List[T], error)) ([]T, error) {
	want := p.Limit
	out := []T{}
	page := unet.Page{Offset: p.Offset, Cursor: p.Cursor, Limit: 1000}
	for {
		if want > 0 && want-len(out) < page.Limit {
			page.Limit = want - len(out)
		}
		l, err := list(page)
		if err != nil {
			return nil, err
		}
		out = append(out, l.Items...)
		if l.Next == "" || (want > 0 && len(out) >= want) {
			return out, nil
		}
		page = unet.Page{Cursor: l.Next, Limit: page.Limit}
	}
}
