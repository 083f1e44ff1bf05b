package cli

import (
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
)

func signingKeyKV(k *unet.SigningKey) kv {
	return kv{{"kid", k.ID}, {"alg", k.Algorithm}, {"active", strconv.FormatBool(k.Active)},
		{"created_at", k.CreatedAt.Format(time.RFC3339)}, {"retired_at", optTimeText(k.RetiredAt)}}
}

func (a *app) authCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "The keys that sign the access tokens of logins",
		Long: `Access tokens (JWTs of unet login) are signed with an Ed25519 key stored in
the database, encrypted with the secrets key (--secrets-key). The first key is
made at the first login. Rotating makes a new key the signing key at once; the
previous keys keep verifying the tokens they signed until those expire (one
access token lifetime, [server] access_token_ttl, 15 minutes by default), and
are then dropped. Every server on the database picks the new key up at once.`,
	}
	rotate := &cobra.Command{
		Use:   "rotate-keys",
		Short: "Make a new key the signing key of access tokens",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			k, err := svc.RotateSigningKeys(a.ctx(cmd))
			if err != nil {
				return err
			}
			return a.printer().emit(k, func() any { return signingKeyKV(k) })
		},
	}
	list := &cobra.Command{
		Use:   "keys",
		Short: "List the signing keys: the active one and those still verifying",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			ks, err := svc.ListSigningKeys(a.ctx(cmd))
			if err != nil {
				return err
			}
			return a.printer().emit(ks, func() any {
				t := table{header: []string{"KID", "ALG", "ACTIVE", "CREATED", "RETIRED"}}
				for i := range ks {
					k := signingKeyKV(&ks[i])
					t.rows = append(t.rows, []string{k[0][1], k[1][1], k[2][1], k[3][1], k[4][1]})
				}
				return t
			})
		},
	}
	cmd.AddCommand(rotate, list)
	return cmd
}
