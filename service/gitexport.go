package service

import (
	"context"
	"fmt"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync"
	"github.com/unet-dev/unet/inventoryfile"
	"github.com/unet-dev/unet/sqlstore"
)

// ExportInventoryToGit writes the inventory (YAML, one file per kind, as `unet
// export` does) into a directory of a Git source, commits it with the actor as
// author and pushes; the export is recorded in the change log.
func (s *Service) ExportInventoryToGit(ctx context.Context, req unet.GitExportRequest) (*unet.GitExportResult, error) {
	src, err := s.GetGitSource(ctx, req.Source)
	if err != nil {
		return nil, err
	}
	syncer, err := s.syncer()
	if err != nil {
		return nil, err
	}
	b, err := s.Export(ctx)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, kind := range inventoryfile.Kinds {
		data, err := inventoryfile.Encode(kind, "yaml", b)
		if err != nil {
			return nil, unet.Internal(err)
		}
		files[kind+".yaml"] = data
	}
	dir := req.Dir
	if dir == "" {
		dir = "inventory"
	}
	actor := unet.ActorFrom(ctx)
	msg := req.Message
	if msg == "" {
		msg = fmt.Sprintf("Export the inventory (%d locations, %d nodes, %d links)\n", len(b.Locations), len(b.Nodes), len(b.Links))
	}
	res, err := syncer.Export(ctx, toGitsync(src), files, gitsync.ExportOptions{Environment: req.Environment, Dir: dir,
		AuthorName: actor, AuthorEmail: actor + "@unet", Message: msg})
	if err != nil {
		return nil, gitError(err)
	}
	out := &unet.GitExportResult{Source: res.Source, Branch: res.Branch, Commit: res.Commit, Parent: res.Parent,
		Changed: res.Changed, Files: res.Files}
	if res.Changed {
		m := s.mutation(ctx, "git export")
		if err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
			return m.record(ctx, tx, unet.KindGitSource, src.Name, src.Name, "export", nil, out)
		}); err != nil {
			return nil, err
		}
	}
	return out, nil
}
