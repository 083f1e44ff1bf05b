package httpapi

import (
	"net/http"

	"github.com/unet-dev/unet"
)

// exportInventoryToGit answers POST /git/sources/{name}/export. The route
// needs git:write; because the commit carries the whole inventory out of the
// server, the caller must also hold inventory:export.
func (s *Server) exportInventoryToGit(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.opts.Authorizer.Authorize(r, PermInventoryExport); err != nil {
		return err
	}
	var req GitExportRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	res, err := s.svc.ExportInventoryToGit(r.Context(), unet.GitExportRequest{Source: r.PathValue("name"),
		Environment: req.Env, Dir: req.Dir, Message: req.Message})
	return reply(s, w, http.StatusOK, res, err)
}
