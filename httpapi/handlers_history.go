package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/unet-dev/unet"
)

// atParam documents the `at` query parameter of time-travel reads.
func atParam(what string) Param {
	return Param{Name: "at", Type: "string", Description: "answer with the " + what + " as it was at this point of the change log: " +
		"an RFC 3339 time, a date (YYYY-MM-DD: the start of that day, UTC) or a change ID (right after that change); " +
		"the answer then carries no ETag"}
}

// atValue returns the `at` query parameter and whether it was given.
func atValue(r *http.Request) (string, bool) {
	q := r.URL.Query()
	return q.Get("at"), q.Has("at")
}

// serveAt answers a single-object GET with ?at=: the object reconstructed
// from the change log. It is not the current object, so it carries no ETag
// and If-None-Match does not apply.
func serveAt[T any](s *Server, w http.ResponseWriter, r *http.Request, at string, get func(ctx context.Context, ref, at string) (*T, error)) error {
	eval, err := boolParam(r.URL.Query(), "eval")
	if err != nil {
		return err
	}
	if eval {
		return statusError(http.StatusBadRequest, unet.EINVALID, "at: cannot be combined with eval (policies evaluate the current node)",
			unet.FieldError{Field: "at", Message: "cannot be combined with eval"})
	}
	out, err := get(r.Context(), r.PathValue("ref"), at)
	if err != nil {
		return atError(err)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, http.StatusOK, out)
	return nil
}

// atError answers a malformed `at` as the bad query parameter it is (400),
// like the other query parameters; other errors pass through.
func atError(err error) error {
	var ue *unet.Error
	if !errors.As(err, &ue) || ue.Code != unet.EINVALID {
		return err
	}
	for _, f := range ue.Fields {
		if f.Field == "at" {
			return statusError(http.StatusBadRequest, unet.EINVALID, ue.Message, ue.Fields...)
		}
	}
	return err
}
