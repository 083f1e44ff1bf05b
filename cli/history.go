package cli

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/unet-dev/unet"
)

// atHelp is the help of --at.
const atHelp = "show it as it was at this time (RFC 3339, or a date YYYY-MM-DD: start of day UTC) or right after this change ID, from the change log"

// showAt runs `KIND show REF --at AT`: the object reconstructed from the
// change log, printed by print with references (a node's location)
// resolved as of the same point. Flags that work on the current object
// only (nodes show --eval) are refused.
func showAt[T any](cmd *cobra.Command, a *app, get func(svc unet.Service, ctx context.Context, ref, at string) (*T, error),
	print func(cmd *cobra.Command, svc unet.Service, v *T) error, ref, at string) error {
	var other string
	cmd.Flags().Visit(func(f *pflag.Flag) {
		// Inherited flags (--output, --db...) apply to any read.
		if f.Name != "at" && other == "" && cmd.LocalNonPersistentFlags().Lookup(f.Name) != nil {
			other = f.Name
		}
	})
	if other != "" {
		return usagef("--at cannot be combined with --%s (it shows the object as it was, not as it is)", other)
	}
	svc, err := a.service(cmd.Context())
	if err != nil {
		return err
	}
	v, err := get(svc, cmd.Context(), ref, at)
	if err != nil {
		return err
	}
	return print(cmd, atService{Service: svc, at: at}, v)
}

// atService reads referenced objects as of a point of the change log, so
// a reconstructed object prints with the references of its time.
type atService struct {
	unet.Service
	at string
}

// GetLocation returns the location as it was at the point.
func (s atService) GetLocation(ctx context.Context, ref string) (*unet.Location, error) {
	return s.LocationAt(ctx, ref, s.at)
}

// GetNode returns the node as it was at the point.
func (s atService) GetNode(ctx context.Context, ref string) (*unet.Node, error) {
	return s.NodeAt(ctx, ref, s.at)
}
