package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
)

// maxPasswordInput bounds what --password-stdin reads.
const maxPasswordInput = 4 << 10

// readPassword reads a password from stdin (one trailing newline dropped).
func (a *app) readPassword() (string, error) {
	b, err := io.ReadAll(io.LimitReader(a.env.Stdin, maxPasswordInput+1))
	if err != nil {
		return "", fmt.Errorf("read the password from stdin: %w", err)
	}
	if len(b) > maxPasswordInput {
		return "", usagef("the password on stdin is longer than %d bytes", maxPasswordInput)
	}
	b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r"))
	if len(b) == 0 {
		return "", usagef("--password-stdin: stdin is empty")
	}
	return string(b), nil
}

func grantsText(gs []unet.Grant) string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = g.Role
		if g.Scope != "" {
			parts[i] += " [" + g.Scope + "]"
		}
	}
	return strings.Join(parts, ", ")
}

func userKV(u *unet.User) kv {
	state := "enabled"
	if u.Disabled {
		state = "disabled"
	}
	pw := "no"
	if u.HasPass {
		pw = "yes"
	}
	return kv{{"name", u.Name}, {"email", dash(u.Email)}, {"state", state}, {"roles", dash(grantsText(u.Grants))},
		{"password", pw}, {"created_at", u.CreatedAt.Format(time.RFC3339)}, {"updated_at", u.UpdatedAt.Format(time.RFC3339)}}
}

func (a *app) usersCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Users, their passwords and role grants",
		Long: `Users of a μNet server. On the database (--db) these commands are the trusted
administrative path: they need no credential and create the first admin.
Through --server they need an admin's API token (users:read, users:write).
Passwords are read from stdin (--password-stdin) and stored as argon2id
hashes; no command shows them.`,
	}
	var roles []string
	var email string
	var pwStdin bool
	add := &cobra.Command{
		Use:     "add NAME [--role ROLE]... [--email E] [--password-stdin]",
		Short:   "Add a user",
		Example: "  unet users add alice --role admin\n  printf %s \"$PW\" | unet users add bob --role viewer --password-stdin",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			nu := unet.NewUser{Name: args[0], Email: email, Roles: roles}
			if pwStdin {
				pw, err := a.readPassword()
				if err != nil {
					return err
				}
				nu.Password = pw
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			u, err := svc.CreateUser(a.ctx(cmd), nu)
			if err != nil {
				return err
			}
			return a.printer().emit(u, func() any { return userKV(u) })
		},
	}
	add.Flags().StringArrayVar(&roles, "role", nil, "grant this role (repeatable)")
	add.Flags().StringVar(&email, "email", "", "email address")
	add.Flags().BoolVar(&pwStdin, "password-stdin", false, "read the password from stdin")

	list := &cobra.Command{
		Use:   "list",
		Short: "List users",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			us, err := svc.ListUsers(a.ctx(cmd))
			if err != nil {
				return err
			}
			return a.printer().emit(us, func() any {
				t := table{header: []string{"NAME", "EMAIL", "STATE", "ROLES"}}
				for i := range us {
					kv := userKV(&us[i])
					t.rows = append(t.rows, []string{kv[0][1], kv[1][1], kv[2][1], kv[3][1]})
				}
				return t
			})
		},
	}
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a user",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			u, err := svc.GetUser(a.ctx(cmd), args[0])
			if err != nil {
				return err
			}
			return a.printer().emit(u, func() any { return userKV(u) })
		},
	}
	setDisabled := func(use, short string, disabled bool) *cobra.Command {
		return &cobra.Command{
			Use:   use + " NAME",
			Short: short,
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				svc, err := a.service(cmd.Context())
				if err != nil {
					return err
				}
				u, err := svc.SetUserDisabled(a.ctx(cmd), args[0], disabled)
				if err != nil {
					return err
				}
				return a.printer().emit(u, func() any { return userKV(u) })
			},
		}
	}
	remove := &cobra.Command{
		Use:     "remove NAME",
		Aliases: []string{"rm", "delete"},
		Short:   "Remove a user with its grants and API tokens",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			if err := svc.RemoveUser(a.ctx(cmd), args[0]); err != nil {
				return err
			}
			return a.printer().emit(map[string]any{"removed": args[0]}, func() any { return kv{{"removed", args[0]}} })
		},
	}
	var passwdStdin bool
	passwd := &cobra.Command{
		Use:   "passwd NAME --password-stdin",
		Short: "Replace a user's password (read from stdin)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !passwdStdin {
				return usagef("give the new password on stdin with --password-stdin")
			}
			pw, err := a.readPassword()
			if err != nil {
				return err
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			if err := svc.SetPassword(a.ctx(cmd), args[0], pw); err != nil {
				return err
			}
			return a.printer().emit(map[string]any{"user": args[0], "password": "changed"}, func() any {
				return kv{{"user", args[0]}, {"password", "changed"}}
			})
		},
	}
	passwd.Flags().BoolVar(&passwdStdin, "password-stdin", false, "read the password from stdin")
	var scope string
	grant := &cobra.Command{
		Use:     "grant NAME ROLE [--scope EXPR]",
		Short:   "Grant a role to a user, optionally limited to a scope",
		Long:    "Grant a role. --scope limits it to the objects a condition in the policy language selects (e.g. 'location.path MATCHES \"^EMEA/\"'): reads see only those objects, writes outside them (before or after the change) are refused. A scope that does not parse is refused with its line:column (exit 66, invalid).",
		Example: "  unet users grant alice engineer",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			u, err := svc.GrantRole(a.ctx(cmd), args[0], unet.Grant{Role: args[1], Scope: scope})
			if err != nil {
				return err
			}
			return a.printer().emit(u, func() any { return userKV(u) })
		},
	}
	grant.Flags().StringVar(&scope, "scope", "", "scope of the grant: a condition in the policy language")
	revoke := &cobra.Command{
		Use:   "revoke NAME ROLE",
		Short: "Revoke a role from a user",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			u, err := svc.RevokeRole(a.ctx(cmd), args[0], args[1])
			if err != nil {
				return err
			}
			return a.printer().emit(u, func() any { return userKV(u) })
		},
	}
	cmd.AddCommand(add, list, show, setDisabled("disable", "Disable a user: its API tokens stop working at once", true),
		setDisabled("enable", "Enable a disabled user", false), remove, passwd, grant, revoke)
	return cmd
}
