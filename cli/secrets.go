package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/service"
)

// maxSecretInput bounds what `secrets set` reads from stdin.
const maxSecretInput = 64 << 10

// secretService returns the backend of set, list and remove: the database
// (with the secrets key) or a server (which encrypts with its own key).
func (a *app) secretService(ctx context.Context) (unet.SecretService, error) {
	svc, err := a.service(ctx)
	if err != nil {
		return nil, err
	}
	return svc, nil
}

// localSecrets returns the local service for rotate-key and allowed: key
// rotation needs both keys and the database, the allow-list is the
// configuration of the process that resolves references.
func (a *app) localSecrets(ctx context.Context, what string) (*service.Service, error) {
	if a.server != "" {
		return nil, usagef("secrets %s works on the database (--db) with the secrets key (--secrets-key), not through --server", what)
	}
	if _, err := a.service(ctx); err != nil {
		return nil, err
	}
	return a.local, nil
}

func (a *app) secretsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "secrets",
		Short: "Secrets stored encrypted in the database (db:NAME references)",
		Long: `Stored secrets are encrypted with AES-256-GCM under the secrets key
(--secrets-key env:NAME or file:PATH, UNET_SECRETS_KEY, or key in the [secrets]
section of the config file) and referenced as db:NAME by SNMP profiles and Git
sources. Values go in through stdin and never come out: no command and no API
answer shows them. With --server, set, list and remove work on the server,
which encrypts with its own key.`,
	}
	var reason string
	set := &cobra.Command{
		Use:   "set NAME < VALUE",
		Short: "Store a secret read from stdin (one trailing newline is dropped)",
		Example: `  printf %s "$COMMUNITY" | unet secrets set snmp-ro --secrets-key file:/etc/unet/secrets.key
  unet snmp profile add default --version 2c --community db:snmp-ro`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.secretService(cmd.Context())
			if err != nil {
				return err
			}
			value, err := io.ReadAll(io.LimitReader(a.env.Stdin, maxSecretInput+1))
			if err != nil {
				return fmt.Errorf("read the secret from stdin: %w", err)
			}
			value = bytes.TrimSuffix(bytes.TrimSuffix(value, []byte("\n")), []byte("\r"))
			info, err := svc.SetSecret(a.ctx(cmd), args[0], value, unet.WriteOptions{Reason: reason})
			if err != nil {
				return err
			}
			return a.printer().emit(info, func() any { return secretKV(info) })
		},
	}
	set.Flags().StringVar(&reason, "reason", "", "reason recorded in the change log")

	list := &cobra.Command{
		Use:   "list",
		Short: "List stored secrets: names, key ids, who set them and when (never values)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.secretService(cmd.Context())
			if err != nil {
				return err
			}
			infos, err := svc.ListSecrets(cmd.Context())
			if err != nil {
				return err
			}
			return a.printer().emit(infos, func() any {
				t := table{header: []string{"NAME", "KEY ID", "CREATED", "CREATED BY", "UPDATED", "UPDATED BY"}}
				for _, i := range infos {
					t.rows = append(t.rows, []string{i.Name, i.KeyID, i.CreatedAt.Format(time.RFC3339), i.CreatedBy,
						i.UpdatedAt.Format(time.RFC3339), i.UpdatedBy})
				}
				return t
			})
		},
	}

	var removeReason string
	remove := &cobra.Command{
		Use:     "remove NAME",
		Aliases: []string{"rm", "delete"},
		Short:   "Remove a stored secret (references to it fail from then on)",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.secretService(cmd.Context())
			if err != nil {
				return err
			}
			if err := svc.RemoveSecret(a.ctx(cmd), args[0], unet.DeleteOptions{Reason: removeReason}); err != nil {
				return err
			}
			return a.printer().emit(map[string]any{"removed": args[0]}, func() any { return kv{{"removed", args[0]}} })
		},
	}
	remove.Flags().StringVar(&removeReason, "reason", "", "reason recorded in the change log")

	var newKey, rotateReason string
	rotate := &cobra.Command{
		Use:   "rotate-key --new-key REF",
		Short: "Re-encrypt every stored secret under a new key, in one transaction",
		Long: `Decrypt every stored secret with the current key (--secrets-key) and encrypt it
with the new one (--new-key env:NAME or file:PATH), in one transaction: either
every value moves to the new key or none does. Afterwards give every μNet
process the new key (--secrets-key, UNET_SECRETS_KEY or [secrets] key); a
process still holding the old key reports "encrypted with key NEW, the
configured key is OLD" instead of using a wrong value.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if newKey == "" {
				return usagef("--new-key is required (env:NAME or file:PATH)")
			}
			svc, err := a.localSecrets(cmd.Context(), "rotate-key")
			if err != nil {
				return err
			}
			k, err := secret.LoadKey(cmd.Context(), newKey, a.lookupEnv)
			if err != nil {
				return &unet.Error{Code: unet.EINVALID, Message: "--new-key: " + err.Error(), Err: err}
			}
			res, err := svc.RotateSecretsKey(a.ctx(cmd), k, unet.WriteOptions{Reason: rotateReason})
			if err != nil {
				return err
			}
			return a.printer().emit(res, func() any {
				return kv{{"old_key_id", res.OldKeyID}, {"new_key_id", res.NewKeyID},
					{"reencrypted", strconv.Itoa(res.Reencrypted)}, {"unchanged", strconv.Itoa(res.Unchanged)},
					{"next", "use --secrets-key " + newKey + " from now on"}}
			})
		},
	}
	rotate.Flags().StringVar(&newKey, "new-key", "", "the new key as a reference: env:NAME or file:PATH")
	rotate.Flags().StringVar(&rotateReason, "reason", "", "reason recorded in the change log")

	allowed := &cobra.Command{
		Use:   "allowed [REF]",
		Short: "Show the allow-list of secret references, or check one reference against it",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.localSecrets(cmd.Context(), "allowed")
			if err != nil {
				return err
			}
			if len(args) == 1 {
				var uses []string
				var errs []string
				for _, use := range secret.Uses() {
					if err := svc.Secrets(use).Check(args[0]); err != nil {
						if errors.Is(err, secret.ErrInvalidRef) {
							return &unet.Error{Code: unet.EINVALID, Message: err.Error(), Err: err}
						}
						errs = append(errs, err.Error())
						continue
					}
					uses = append(uses, string(use))
				}
				if len(uses) == 0 {
					err := fmt.Errorf("%s", strings.Join(errs, "; "))
					return &unet.Error{Code: unet.EINVALID, Message: err.Error(), Err: err}
				}
				return a.printer().emit(map[string]any{"ref": args[0], "allowed": true, "uses": uses}, func() any {
					return kv{{"ref", args[0]}, {"allowed", "yes"}, {"uses", strings.Join(uses, ", ")}}
				})
			}
			byUse := map[string][]string{}
			for _, use := range secret.Uses() {
				byUse[string(use)] = svc.Secrets(use).Allowed()
			}
			return a.printer().emit(map[string]any{"allow": byUse}, func() any {
				t := table{header: []string{"USE", "ALLOWED"}}
				for _, use := range secret.Uses() {
					for _, p := range byUse[string(use)] {
						t.rows = append(t.rows, []string{string(use), p})
					}
				}
				return t
			})
		},
	}
	cmd.AddCommand(set, list, remove, rotate, allowed)
	return cmd
}

func secretKV(i *unet.SecretInfo) kv {
	return kv{{"name", i.Name}, {"reference", "db:" + i.Name}, {"key_id", i.KeyID},
		{"created_at", i.CreatedAt.Format(time.RFC3339)}, {"created_by", i.CreatedBy},
		{"updated_at", i.UpdatedAt.Format(time.RFC3339)}, {"updated_by", i.UpdatedBy}}
}
