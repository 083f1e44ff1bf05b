package httpapi

import (
	"net/http"

	"github.com/unet-dev/unet"
)

// summarizePolicyResults is GET /policies/results/summary.
func (s *Server) summarizePolicyResults(w http.ResponseWriter, r *http.Request) error {
	top, err := intParam(r.URL.Query(), "top")
	if err != nil {
		return err
	}
	sum, err := s.svc.SummarizePolicyResults(r.Context(), unet.PolicyResultSummaryFilter{Top: top})
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, sum)
	return nil
}
