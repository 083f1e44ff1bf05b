package cli

import (
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
)

// parseExpiry reads --expires: a duration with d (days) or w (weeks) or any
// Go duration unit (90d, 12h, 2w), or an RFC 3339 time.
func parseExpiry(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.Atoi(n)
			if err != nil || v <= 0 || v > 36500 {
				return time.Time{}, usagef("--expires %q: want a positive number of days or weeks (90d, 2w), a duration (12h) or an RFC 3339 time", s)
			}
			return now.Add(time.Duration(v) * unit), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return time.Time{}, usagef("--expires %q: want a positive duration (90d, 2w, 12h) or an RFC 3339 time", s)
	}
	return now.Add(d), nil
}

func optTimeText(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}

func tokenKV(t *unet.APIToken) kv {
	return kv{{"id", t.ID}, {"user", t.User}, {"description", dash(t.Description)},
		{"read_only", strconv.FormatBool(t.ReadOnly)}, {"allow_ips", dash(strings.Join(t.AllowIPs, " "))},
		{"expires_at", optTimeText(t.ExpiresAt)}, {"last_used", optTimeText(t.LastUsed)},
		{"created_at", t.CreatedAt.Format(time.RFC3339)}, {"revoked_at", optTimeText(t.RevokedAt)}}
}

func (a *app) tokensCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tokens",
		Short: "API tokens for automation and the remote CLI",
		Long: `API tokens look like unet_<id>_<secret>. The token is printed once, when it is
created; the database keeps only an HMAC-SHA256 digest of the secret keyed
with the token pepper (--token-pepper env:NAME or file:PATH, UNET_TOKEN_PEPPER,
or token_pepper in [server]). Send it as "Authorization: Bearer <token>", or
give it to the CLI with --token or UNET_TOKEN.`,
	}
	var req unet.TokenRequest
	var expires string
	create := &cobra.Command{
		Use:     "create --user U [--expires 90d] [--read-only] [--allow-ip CIDR]... [--description D]",
		Short:   "Create an API token and print it (this once)",
		Example: "  unet tokens create --user ci --expires 90d --read-only --allow-ip 192.0.2.0/24 --description 'compliance job'",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if expires != "" {
				t, err := parseExpiry(expires, time.Now().UTC())
				if err != nil {
					return err
				}
				req.ExpiresAt = &t
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			t, err := svc.CreateToken(a.ctx(cmd), req)
			if err != nil {
				return err
			}
			return a.printer().emit(t, func() any {
				return append(kv{{"token", t.Token}, {"note", "shown only now: store it safely"}}, tokenKV(&t.APIToken)...)
			})
		},
	}
	f := create.Flags()
	f.StringVar(&req.User, "user", "", "the user the token acts as (through --server: default the caller)")
	f.StringVar(&expires, "expires", "", "lifetime (90d, 2w, 12h) or expiry time (RFC 3339); default: no expiry")
	f.BoolVar(&req.ReadOnly, "read-only", false, "allow only read permissions")
	f.StringArrayVar(&req.AllowIPs, "allow-ip", nil, "accept the token only from this address or CIDR prefix (repeatable)")
	f.StringVar(&req.Description, "description", "", "what the token is for")

	var user string
	list := &cobra.Command{
		Use:   "list [--user U]",
		Short: "List API tokens (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			ts, err := svc.ListTokens(a.ctx(cmd), user)
			if err != nil {
				return err
			}
			return a.printer().emit(ts, func() any {
				t := table{header: []string{"ID", "USER", "DESCRIPTION", "READ ONLY", "EXPIRES", "LAST USED", "REVOKED"}}
				for i := range ts {
					k := tokenKV(&ts[i])
					t.rows = append(t.rows, []string{k[0][1], k[1][1], k[2][1], k[3][1], k[5][1], k[6][1], k[8][1]})
				}
				return t
			})
		},
	}
	list.Flags().StringVar(&user, "user", "", "only this user's tokens")
	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API token: it stops working at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			if err := svc.RevokeToken(a.ctx(cmd), args[0]); err != nil {
				return err
			}
			return a.printer().emit(map[string]any{"revoked": args[0]}, func() any { return kv{{"revoked", args[0]}} })
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}
