package cli

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/snmp"
)

// snmpService returns the backend's SNMP service.
func (a *app) snmpService(cmd *cobra.Command) (unet.SNMPService, error) {
	return a.service(cmd.Context())
}

func (a *app) snmpCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "snmp", Short: "SNMP profiles and polling"}
	profile := &cobra.Command{Use: "profile", Aliases: []string{"profiles"}, Short: "Manage SNMP profiles (credentials are secret references)"}

	var p unet.SNMPProfile
	var reason string
	add := &cobra.Command{
		Use:   "add NAME --version 2c|3 [--community REF] [--user U --auth-proto P --auth-key REF [--priv-proto P --priv-key REF]]",
		Short: "Add a profile; REF is a secret reference such as env:UNET_SNMP_COMMUNITY, file:/PATH or db:NAME",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ss, err := a.snmpService(cmd)
			if err != nil {
				return err
			}
			p.Name = args[0]
			out, err := ss.CreateSNMPProfile(a.ctx(cmd), &p, unet.WriteOptions{Reason: reason})
			if err != nil {
				return err
			}
			return a.printer().emit(out, func() any { return profileKV(out) })
		},
	}
	f := add.Flags()
	f.StringVar(&p.Version, "version", "2c", "SNMP version: 2c or 3")
	f.StringVar(&p.CommunityRef, "community", "", "v2c community as a secret reference (env:NAME, file:/path, db:NAME)")
	f.StringVar(&p.User, "user", "", "SNMPv3 user")
	f.StringVar(&p.AuthProto, "auth-proto", "", "SNMPv3 authentication: md5|sha|sha224|sha256|sha384|sha512")
	f.StringVar(&p.AuthKeyRef, "auth-key", "", "SNMPv3 authentication key as a secret reference")
	f.StringVar(&p.PrivProto, "priv-proto", "", "SNMPv3 privacy: des|aes|aes192|aes256")
	f.StringVar(&p.PrivKeyRef, "priv-key", "", "SNMPv3 privacy key as a secret reference")
	f.IntVar(&p.Port, "port", 0, "UDP port (default 161)")
	f.StringVar(&p.Timeout, "timeout", "", "per-request timeout, e.g. 2s")
	f.IntVar(&p.Retries, "retries", snmp.DefaultRetries, "re-sends after a timeout (0: never)")
	f.StringVar(&p.Interval, "interval", "", "poll interval for nodes using this profile, e.g. 5m (default: the server's)")
	f.StringVar(&reason, "reason", "", "reason recorded in the change log")

	list := &cobra.Command{
		Use:   "list",
		Short: "List profiles",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ss, err := a.snmpService(cmd)
			if err != nil {
				return err
			}
			ps, err := ss.ListSNMPProfiles(cmd.Context())
			if err != nil {
				return err
			}
			return a.printer().emit(ps, func() any {
				t := table{header: []string{"NAME", "VERSION", "SECURITY", "PORT", "TIMEOUT", "RETRIES", "INTERVAL"}}
				for _, p := range ps {
					sec := "community"
					if p.Version == "3" {
						sec = "user " + p.User
						switch {
						case p.PrivProto != "":
							sec += " (authPriv " + p.AuthProto + "/" + p.PrivProto + ")"
						case p.AuthProto != "":
							sec += " (authNoPriv " + p.AuthProto + ")"
						default:
							sec += " (noAuthNoPriv)"
						}
					}
					port := "161"
					if p.Port != 0 {
						port = strconv.Itoa(p.Port)
					}
					t.rows = append(t.rows, []string{p.Name, p.Version, sec, port, dash(p.Timeout), strconv.Itoa(p.Retries), dash(p.Interval)})
				}
				return t
			})
		},
	}
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a profile (secret references, never secret values)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ss, err := a.snmpService(cmd)
			if err != nil {
				return err
			}
			p, err := ss.GetSNMPProfile(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return a.printer().emit(p, func() any { return profileKV(p) })
		},
	}
	var dopts unet.DeleteOptions
	del := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a profile that no node or location uses",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ss, err := a.snmpService(cmd)
			if err != nil {
				return err
			}
			if err := ss.DeleteSNMPProfile(a.ctx(cmd), args[0], dopts); err != nil {
				return err
			}
			return a.printer().emit(map[string]any{"deleted": "snmp_profile", "ref": args[0]}, func() any {
				return "deleted SNMP profile " + args[0] + "\n"
			})
		},
	}
	del.Flags().StringVar(&dopts.Reason, "reason", "", "reason recorded in the change log")
	profile.AddCommand(add, list, show, del)

	var pollProfile string
	poll := &cobra.Command{
		Use:   "poll NODE [--profile P]",
		Short: "Poll a node now, print what it answered and store it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ss, err := a.snmpService(cmd)
			if err != nil {
				return err
			}
			st, err := ss.PollNode(a.ctx(cmd), args[0], pollProfile)
			if err != nil {
				if st != nil {
					// What the node answered before the failure, then the failure.
					if perr := a.printer().emit(st, func() any { return statusKV(st) }); perr != nil {
						return errors.Join(err, perr)
					}
				}
				return err
			}
			ifs, err := ss.ListNodeInterfaces(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return a.printer().emit(map[string]any{"status": st, "interfaces": ifs}, func() any {
				return kvText(statusKV(st)) + "\n" + interfacesText(ifs)
			})
		},
	}
	poll.Flags().StringVar(&pollProfile, "profile", "", "profile to use instead of the node's effective one")
	cmd.AddCommand(profile, poll)
	return cmd
}

func profileKV(p *unet.SNMPProfile) kv {
	return kv{{"name", p.Name}, {"version", p.Version}, {"community", dash(p.CommunityRef)}, {"user", dash(p.User)},
		{"auth_proto", dash(p.AuthProto)}, {"auth_key", dash(p.AuthKeyRef)}, {"priv_proto", dash(p.PrivProto)},
		{"priv_key", dash(p.PrivKeyRef)}, {"port", strconv.Itoa(p.Port)}, {"timeout", dash(p.Timeout)},
		{"retries", strconv.Itoa(p.Retries)}, {"interval", dash(p.Interval)}}
}

func statusKV(st *unet.NodeStatus) kv {
	last := "-"
	if st.LastSuccess != nil {
		last = st.LastSuccess.Format(time.RFC3339)
	}
	out := kv{{"node", st.Node}, {"reachable", strconv.FormatBool(st.Reachable)}, {"last_attempt", st.LastAttempt.Format(time.RFC3339)},
		{"last_success", last}, {"error", dash(st.Error)}, {"consecutive_failures", strconv.Itoa(st.ConsecutiveFailures)},
		{"profile", st.Profile}, {"sys_name", dash(st.System.Name)}, {"sys_descr", dash(st.System.Descr)},
		{"sys_object_id", dash(st.System.ObjectID)}, {"sys_location", dash(st.System.Location)},
		{"uptime", (time.Duration(st.System.UptimeSeconds) * time.Second).String()},
		{"vendor", dash(st.Vendor)}, {"platform", dash(st.Platform)}, {"version", dash(st.Version)}}
	if st.CPUPercent != nil {
		out = append(out, [2]string{"cpu", fmt.Sprintf("%.0f%%", *st.CPUPercent)})
	}
	if st.MemoryUsed != nil && st.MemoryTotal != nil && *st.MemoryTotal > 0 {
		out = append(out, [2]string{"memory", fmt.Sprintf("%d / %d bytes", *st.MemoryUsed, *st.MemoryTotal)})
	}
	return out
}

// tableText renders a table or kv as the table output format does. It has
// no error to return: table output fails only when its writer does, and a
// strings.Builder never fails.
func tableText(v any) string {
	var b stringsBuilder
	p := printer{w: &b, format: "table"}
	if err := p.emit(nil, func() any { return v }); err != nil {
		return err.Error()
	}
	return b.String()
}

func kvText(k kv) string { return tableText(k) }

func interfacesText(ifs []unet.InterfaceStatus) string { return tableText(interfacesTable(ifs)) }

func interfacesTable(ifs []unet.InterfaceStatus) table {
	t := table{header: []string{"INDEX", "NAME", "ALIAS", "ADMIN", "OPER", "SPEED", "MTU", "MAC", "IN ERR", "OUT ERR"}}
	for _, i := range ifs {
		t.rows = append(t.rows, []string{strconv.Itoa(i.Index), i.Name, dash(i.Alias), i.AdminStatus, i.OperStatus,
			FormatBandwidth(int64(i.Speed)), strconv.Itoa(i.MTU), dash(i.MAC), strconv.FormatUint(i.InErrors, 10), strconv.FormatUint(i.OutErrors, 10)})
	}
	return t
}

// nodeStateCommands are `nodes status|interfaces|history|drift`.
func (a *app) nodeStateCommands() []*cobra.Command {
	status := &cobra.Command{
		Use:   "status NODE",
		Short: "Show a node's polled state (reachability, system group, detected version)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ss, err := a.snmpService(cmd)
			if err != nil {
				return err
			}
			st, err := ss.GetNodeStatus(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return a.printer().emit(st, func() any { return statusKV(st) })
		},
	}
	ifaces := &cobra.Command{
		Use:   "interfaces NODE",
		Short: "Show a node's polled interfaces",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ss, err := a.snmpService(cmd)
			if err != nil {
				return err
			}
			ifs, err := ss.ListNodeInterfaces(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return a.printer().emit(ifs, func() any { return interfacesTable(ifs) })
		},
	}
	var since string
	history := &cobra.Command{
		Use:   "history NODE [--since T]",
		Short: "Show a node's status history (newest first)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var t time.Time
			if since != "" {
				var err error
				if t, err = time.Parse(time.RFC3339, since); err != nil {
					if d, derr := time.ParseDuration(since); derr == nil {
						t = time.Now().Add(-d)
					} else {
						return usagef("--since %q: want an RFC 3339 time or a duration such as 24h", since)
					}
				}
			}
			ss, err := a.snmpService(cmd)
			if err != nil {
				return err
			}
			hs, err := ss.ListNodeHistory(cmd.Context(), args[0], t)
			if err != nil {
				return err
			}
			return a.printer().emit(hs, func() any {
				tb := table{header: []string{"TIME", "REACHABLE", "VERSION", "INTERFACES UP", "ERROR"}}
				for _, h := range hs {
					tb.rows = append(tb.rows, []string{h.Time.Format(time.RFC3339), strconv.FormatBool(h.Reachable), dash(h.Version),
						fmt.Sprintf("%d/%d", h.InterfacesUp, h.InterfacesTotal), dash(h.Error)})
				}
				return tb
			})
		},
	}
	history.Flags().StringVar(&since, "since", "", "only entries at or after this time (RFC 3339) or within this duration (24h)")
	drift := &cobra.Command{
		Use:   "drift",
		Short: "List nodes whose detected software version differs from the desired one",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ss, err := a.snmpService(cmd)
			if err != nil {
				return err
			}
			ds, err := ss.ListDrift(cmd.Context())
			if err != nil {
				return err
			}
			return a.printer().emit(ds, func() any {
				t := table{header: []string{"NODE", "PLATFORM", "DESIRED", "DETECTED", "SEEN"}}
				for _, d := range ds {
					t.rows = append(t.rows, []string{d.Node, dash(d.Platform), d.DesiredVersion, d.DetectedVersion, d.LastSuccess.Format(time.RFC3339)})
				}
				return t
			})
		},
	}
	return []*cobra.Command{status, ifaces, history, drift}
}
