package httpapi

import (
	"net/http"

	"github.com/unet-dev/unet"
)

func (s *Server) clusterStatus(w http.ResponseWriter, r *http.Request) error {
	if s.opts.Cluster == nil {
		return statusError(http.StatusServiceUnavailable, unet.EUNAVAILABLE, "this server runs no cluster coordinator")
	}
	st, err := s.opts.Cluster.Status(r.Context())
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, st)
	return nil
}
