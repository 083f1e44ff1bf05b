package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/unet-dev/unet"
)

// resource describes the commands of one kind of inventory object: the group
// command (`unet nodes`) and whichever of list, show, add, update and delete
// the kind has. resourceCommand builds them all the same way, as the API
// builds its routes from one table, so the kinds differ only in their tables.
type resource[T, F any] struct {
	// kind is the singular name in help texts and messages ("node").
	kind string
	// use, aliases and short describe the group command.
	use     string
	aliases []string
	short   string
	// ref is the argument of show, update and delete ("NAME|FQDN|ID").
	ref string
	// fields are the flags of add and update.
	fields []field[T]
	// print shows one object: what add, show and update print.
	print func(cmd *cobra.Command, svc unet.Service, v *T) error

	list   *listSpec[T, F]
	show   *showSpec[T]
	add    *addSpec[T]
	update *updateSpec[T]
	del    *deleteSpec
}

// listSpec describes `KIND list`.
type listSpec[T, F any] struct {
	use, short string
	// flags registers the filter flags.
	flags func(fs *pflag.FlagSet, f *F)
	// prepare checks the flags and completes the filter before the backend
	// is opened (nil: nothing to do).
	prepare func(f *F) error
	// page, when set, is the filter's page: the command takes
	// --limit/--offset/--cursor and walks the pages of paged.
	page  func(f *F) *unet.Page
	paged func(svc unet.Service, ctx context.Context, f F) (*unet.List[T], error)
	// all lists a kind that is not paginated (used when page is nil).
	all func(svc unet.Service, ctx context.Context) ([]T, error)
	// header and row make the table output.
	header []string
	row    func(v T) []string
}

// showSpec describes `KIND show REF`.
type showSpec[T any] struct {
	// use defaults to "show " + the resource's ref.
	use, short string
	get        func(svc unet.Service, ctx context.Context, ref string) (*T, error)
	// flags and run extend the command (nodes show --eval); with run nil the
	// object is printed.
	flags func(fs *pflag.FlagSet)
	run   func(cmd *cobra.Command, svc unet.Service, v *T) error
	// at, when set, adds --at TIME|CHANGE_ID: the object reconstructed
	// from the change log (printed as is, never through run).
	at func(svc unet.Service, ctx context.Context, ref, at string) (*T, error)
}

// addSpec describes `KIND add`.
type addSpec[T any] struct {
	use, short string
	// name, when set, takes the object's name from the one argument
	// (vendors add NAME); otherwise the command takes no arguments.
	name   func(v *T, arg string)
	create func(svc unet.Service, ctx context.Context, v *T, o unet.WriteOptions) (*T, error)
}

// updateSpec describes `KIND update REF`.
type updateSpec[T any] struct {
	short  string
	update func(svc unet.Service, ctx context.Context, ref string, p unet.Patch, o unet.WriteOptions) (*T, error)
}

// deleteSpec describes `KIND delete REF`.
type deleteSpec struct {
	del func(svc unet.Service, ctx context.Context, ref string, o unet.DeleteOptions) error
	// cascade is the help of --cascade; "" when the kind has no dependents
	// to delete along.
	cascade string
}

// resourceCommand builds the group command of r with its subcommands.
func resourceCommand[T, F any](a *app, r *resource[T, F]) *cobra.Command {
	cmd := &cobra.Command{Use: r.use, Aliases: r.aliases, Short: r.short}
	if r.add != nil {
		cmd.AddCommand(r.addCommand(a))
	}
	if r.list != nil {
		cmd.AddCommand(r.listCommand(a))
	}
	if r.show != nil {
		cmd.AddCommand(r.showCommand(a))
	}
	if r.update != nil {
		cmd.AddCommand(r.updateCommand(a))
	}
	if r.del != nil {
		cmd.AddCommand(r.deleteCommand(a))
	}
	return cmd
}

func (r *resource[T, F]) addCommand(a *app) *cobra.Command {
	var reason string
	values := make([]flagValue, len(r.fields))
	args := cobra.NoArgs
	if r.add.name != nil {
		args = cobra.ExactArgs(1)
	}
	cmd := &cobra.Command{
		Use:   r.add.use,
		Short: r.add.short,
		Args:  args,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := new(T)
			if r.add.name != nil {
				r.add.name(v, args[0])
			}
			for i, f := range r.fields {
				if err := f.set(v, values[i]); err != nil {
					return err
				}
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			out, err := r.add.create(svc, a.ctx(cmd), v, unet.WriteOptions{Reason: reason})
			if err != nil {
				return err
			}
			return r.print(cmd, svc, out)
		},
	}
	registerFields(cmd.Flags(), r.fields, values)
	cmd.Flags().StringVar(&reason, "reason", "", "reason recorded in the change log")
	return cmd
}

func (r *resource[T, F]) listCommand(a *app) *cobra.Command {
	l := r.list
	var filter F
	cmd := &cobra.Command{
		Use:   l.use,
		Short: l.short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if l.prepare != nil {
				if err := l.prepare(&filter); err != nil {
					return err
				}
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			items, err := l.fetch(cmd.Context(), svc, filter)
			if err != nil {
				return err
			}
			return a.printer().emit(items, func() any {
				t := table{header: l.header}
				for _, v := range items {
					t.rows = append(t.rows, l.row(v))
				}
				return t
			})
		},
	}
	if l.flags != nil {
		l.flags(cmd.Flags(), &filter)
	}
	if l.page != nil {
		pageFlags(cmd.Flags(), l.page(&filter))
	}
	return cmd
}

// fetch lists the objects the filter selects: every page of them up to the
// filter's limit, or the whole unpaginated list.
func (l *listSpec[T, F]) fetch(ctx context.Context, svc unet.Service, filter F) ([]T, error) {
	if l.page == nil {
		return l.all(svc, ctx)
	}
	return collect(*l.page(&filter), func(p unet.Page) (*unet.List[T], error) {
		f := filter
		*l.page(&f) = p
		return l.paged(svc, ctx, f)
	})
}

func (r *resource[T, F]) showCommand(a *app) *cobra.Command {
	s := r.show
	use := s.use
	if use == "" {
		use = "show " + r.ref
	}
	run := s.run
	if run == nil {
		run = r.print
	}
	var at string
	cmd := &cobra.Command{
		Use:   use,
		Short: s.short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("at") {
				return showAt(cmd, a, s.at, r.print, args[0], at)
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			v, err := s.get(svc, cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return run(cmd, svc, v)
		},
	}
	if s.flags != nil {
		s.flags(cmd.Flags())
	}
	if s.at != nil {
		cmd.Flags().StringVar(&at, "at", "", atHelp)
	}
	return cmd
}

func (r *resource[T, F]) updateCommand(a *app) *cobra.Command {
	var sets []string
	var o unet.WriteOptions
	values := make([]flagValue, len(r.fields))
	cmd := &cobra.Command{
		Use:   "update " + r.ref + " [--set field=value]... [flags]",
		Short: r.update.short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p := unet.Patch{}
			for i, f := range r.fields {
				if !cmd.Flags().Changed(f.flag) {
					continue
				}
				if err := f.patch(p, values[i]); err != nil {
					return err
				}
			}
			p, err := mergePatches(p, sets)
			if err != nil {
				return err
			}
			if len(p) == 0 {
				return usagef("nothing to update: give --set field=value or field flags")
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			v, err := r.update.update(svc, a.ctx(cmd), args[0], p, o)
			if err != nil {
				return err
			}
			return r.print(cmd, svc, v)
		},
	}
	registerFields(cmd.Flags(), r.fields, values)
	cmd.Flags().StringArrayVar(&sets, "set", nil, "field=value (repeatable; custom_data.a.b=JSON for nested data)")
	cmd.Flags().IntVar(&o.IfVersion, "if-version", 0, "refuse the update unless the "+r.kind+" is at this version")
	cmd.Flags().StringVar(&o.Reason, "reason", "", "reason recorded in the change log")
	return cmd
}

func (r *resource[T, F]) deleteCommand(a *app) *cobra.Command {
	var o unet.DeleteOptions
	cmd := &cobra.Command{
		Use:   "delete " + r.ref,
		Short: "Delete a " + r.kind,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			if err := r.del.del(svc, a.ctx(cmd), args[0], o); err != nil {
				return err
			}
			if a.output == "table" {
				_, err := fmt.Fprintf(a.env.Stdout, "deleted %s %s\n", r.kind, args[0])
				return err
			}
			return a.printer().emit(map[string]any{"deleted": r.kind, "ref": args[0]}, nil)
		},
	}
	cmd.Flags().IntVar(&o.IfVersion, "if-version", 0, "refuse unless the "+r.kind+" is at this version")
	cmd.Flags().StringVar(&o.Reason, "reason", "", "reason recorded in the change log")
	if r.del.cascade != "" {
		cmd.Flags().BoolVar(&o.Cascade, "cascade", false, r.del.cascade)
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
