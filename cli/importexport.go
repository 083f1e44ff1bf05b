package cli

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/examples"
	"github.com/unet-dev/unet/inventoryfile"
)

func (a *app) importCommand() *cobra.Command {
	var o unet.ImportOptions
	cmd := &cobra.Command{
		Use:   "import PATH [--dry-run]",
		Short: "Import an inventory directory or file (JSON, YAML or CSV)",
		Long: `Import upserts vendors, locations, nodes and links by their natural keys
(vendor name, location path, node FQDN, link A end) in one transaction: either
everything is written or nothing is. Objects refer to each other by name/path.
Every bad record is reported with its file, record number and field.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := inventoryfile.Read(args[0])
			if err != nil {
				return err
			}
			return a.runImport(cmd, b, o)
		},
	}
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "show what would change without writing")
	cmd.Flags().StringVar(&o.Reason, "reason", "", "reason recorded in the change log")
	return cmd
}

func (a *app) runImport(cmd *cobra.Command, b *unet.Bundle, o unet.ImportOptions) error {
	// An import writes a whole inventory, so it may start a new database; a
	// dry run only reads.
	a.mayCreate = !o.DryRun
	svc, err := a.service(cmd.Context())
	if err != nil {
		return err
	}
	rep, err := svc.Import(a.ctx(cmd), b, o)
	if err != nil {
		return err
	}
	return a.printer().emit(rep, func() any { return importText(rep) })
}

func importText(rep *unet.ImportReport) string {
	verb := "imported"
	if rep.DryRun {
		verb = "dry run, nothing written; would import"
	}
	s := ""
	if rep.DryRun {
		for _, act := range rep.Actions {
			if act.Action != "unchanged" {
				s += fmt.Sprintf("%-9s %-8s %s\n", act.Action, act.Kind, act.Name)
			}
		}
	}
	return s + fmt.Sprintf("%s: %d created, %d updated, %d unchanged\n", verb, rep.Created, rep.Updated, rep.Unchanged)
}

func (a *app) exportCommand() *cobra.Command {
	var format, at string
	cmd := &cobra.Command{
		Use:   "export DIR [--format json|yaml|csv] [--at TIME|CHANGE_ID]",
		Short: "Export the inventory as files that `unet import` reads back",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "json", "yaml", "csv":
			default:
				return usagef("unknown --format %q (want json, yaml or csv)", format)
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			export := svc.Export
			if cmd.Flags().Changed("at") {
				export = func(ctx context.Context) (*unet.Bundle, error) { return svc.ExportAt(ctx, at) }
			}
			b, err := export(cmd.Context())
			if err != nil {
				return err
			}
			files, err := inventoryfile.Write(args[0], format, b)
			if err != nil {
				return err
			}
			summary := map[string]any{"dir": args[0], "format": format, "files": files,
				"vendors": len(b.Vendors), "locations": len(b.Locations), "nodes": len(b.Nodes), "links": len(b.Links)}
			return a.printer().emit(summary, func() any {
				return fmt.Sprintf("exported %d vendors, %d locations, %d nodes, %d links to %s (%s)\n",
					len(b.Vendors), len(b.Locations), len(b.Nodes), len(b.Links), args[0], format)
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "yaml", "file format: json, yaml or csv")
	cmd.Flags().StringVar(&at, "at", "", "export the inventory as it was at this time (RFC 3339, or a date YYYY-MM-DD: start of day UTC) or right after this change ID, from the change log")
	return cmd
}

// demoBundle reads the embedded demo inventory.
func demoBundle() (*unet.Bundle, error) {
	fsys := examples.Inventory()
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Slice(names, func(i, j int) bool { return kindRank(names[i]) < kindRank(names[j]) })
	b := &unet.Bundle{}
	var errs []unet.FieldError
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		errs = append(errs, inventoryfile.Decode(path.Join("examples/inventory", n), data, b)...)
	}
	if len(errs) > 0 {
		return nil, unet.Invalid("bad embedded demo data", errs...)
	}
	return b, nil
}

func kindRank(name string) int {
	for i, k := range inventoryfile.Kinds {
		if name == k+".yaml" {
			return i
		}
	}
	return len(inventoryfile.Kinds)
}

func (a *app) demoCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Load the demo dataset (a campus, a data centre, a branch and a lab)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := demoBundle()
			if err != nil {
				return err
			}
			a.mayCreate = true
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			rep, err := svc.Import(a.ctx(cmd), b, unet.ImportOptions{Reason: "demo dataset"})
			if err != nil {
				return err
			}
			// A demo database evaluates and renders the demo content when
			// nothing else provides policies or templates; through --server
			// the server's database is marked.
			if err := svc.MarkDemo(a.ctx(cmd)); err != nil {
				return err
			}
			where := a.dbURL
			if a.server != "" {
				where = a.server
			}
			summary := map[string]any{"target": where, "locations": len(b.Locations), "nodes": len(b.Nodes),
				"links": len(b.Links), "created": rep.Created, "updated": rep.Updated, "unchanged": rep.Unchanged}
			return a.printer().emit(summary, func() any {
				return fmt.Sprintf(`Demo dataset loaded into %s:
  %d locations, %d nodes, %d links (%d created, %d updated, %d unchanged)

Try next:
  unet nodes list
  unet nodes list --vendor arista --role leaf
  unet nodes show lon-core-01
  unet links list --node fra-spine-01
  unet locations list
  unet nodes update lon-acc-01 --set software_version=17.12.2 --set custom_data.owner=campus-team
  unet changes list --object node/lon-acc-01
  unet export ./inventory --format yaml
`, where, len(b.Locations), len(b.Nodes), len(b.Links), rep.Created, rep.Updated, rep.Unchanged)
			})
		},
	}
}
