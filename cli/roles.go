package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
)

func permsText(ps []unet.Permission) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, " ")
}

func roleKV(r *unet.Role) kv {
	kind := "custom"
	if r.BuiltIn {
		kind = "built-in"
	}
	return kv{{"name", r.Name}, {"kind", kind}, {"description", dash(r.Description)}, {"permissions", permsText(r.Permissions)}}
}

func (a *app) rolesCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "roles",
		Short: "Roles: named sets of permissions",
		Long: `Built-in roles (viewer, operator, engineer, approver, admin) are defined in
code and cannot be changed or removed; custom roles are sets of permissions
from the vocabulary (docs/security.md).`,
	}
	var perms []string
	var desc string
	add := &cobra.Command{
		Use:     "add NAME --perm P... [--description D]",
		Short:   "Add a custom role",
		Example: "  unet roles add poller --perm snmp:read --perm snmp:poll --description 'runs SNMP polls'",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(perms) == 0 {
				return usagef("give at least one --perm")
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			r := unet.Role{Name: args[0], Description: desc}
			for _, p := range perms {
				for _, f := range strings.FieldsFunc(p, func(r rune) bool { return r == ',' || r == ' ' }) {
					r.Permissions = append(r.Permissions, unet.Permission(f))
				}
			}
			out, err := svc.CreateRole(a.ctx(cmd), r)
			if err != nil {
				return err
			}
			return a.printer().emit(out, func() any { return roleKV(out) })
		},
	}
	add.Flags().StringArrayVar(&perms, "perm", nil, "a permission (repeatable, or comma-separated)")
	add.Flags().StringVar(&desc, "description", "", "what the role is for")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the built-in and custom roles",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			rs, err := svc.ListRoles(a.ctx(cmd))
			if err != nil {
				return err
			}
			return a.printer().emit(rs, func() any {
				t := table{header: []string{"NAME", "KIND", "DESCRIPTION"}}
				for i := range rs {
					kv := roleKV(&rs[i])
					t.rows = append(t.rows, []string{kv[0][1], kv[1][1], kv[2][1]})
				}
				return t
			})
		},
	}
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a role with its permissions",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			r, err := svc.GetRole(a.ctx(cmd), args[0])
			if err != nil {
				return err
			}
			return a.printer().emit(r, func() any { return roleKV(r) })
		},
	}
	remove := &cobra.Command{
		Use:     "remove NAME",
		Aliases: []string{"rm", "delete"},
		Short:   "Remove a custom role nobody holds",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			if err := svc.RemoveRole(a.ctx(cmd), args[0]); err != nil {
				return err
			}
			return a.printer().emit(map[string]any{"removed": args[0]}, func() any { return kv{{"removed", args[0]}} })
		},
	}
	cmd.AddCommand(add, list, show, remove)
	return cmd
}
