package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/unet-dev/unet"
)

// ETags are the object's version as a strong entity tag: "3". A write with
// If-Match: "3" succeeds only while the object is still at version 3.

func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

func setETag(w http.ResponseWriter, version int) { w.Header().Set("ETag", etag(version)) }

// noneMatch reports whether If-None-Match names the current version (or *).
func noneMatch(r *http.Request, version int) bool {
	h := r.Header.Get("If-None-Match")
	if h == "" {
		return false
	}
	cur := etag(version)
	for _, t := range strings.Split(h, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == cur {
			return true
		}
	}
	return false
}

// condition is the If-Match precondition of a write.
type condition struct {
	present bool // the request carried If-Match
	version int  // expected version; 0 with present means If-Match: *
}

// ifMatch parses If-Match. One entity tag of the form "N" (or W/"N", accepted
// for clients that echo weak tags) or * is understood. Without the header the
// write is unconditional, like the CLI without --if-version, unless the server
// requires it (Options.RequireIfMatch), then the answer is 428.
func (s *Server) ifMatch(r *http.Request) (condition, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		if s.opts.RequireIfMatch {
			return condition{}, statusError(http.StatusPreconditionRequired, unet.EINVALID,
				"this server requires If-Match on writes: GET the object and send its ETag")
		}
		return condition{}, nil
	}
	if h == "*" {
		return condition{present: true}, nil
	}
	t := strings.TrimPrefix(h, "W/")
	if len(t) < 3 || t[0] != '"' || t[len(t)-1] != '"' {
		return condition{}, statusError(http.StatusBadRequest, unet.EINVALID,
			"If-Match must be one entity tag such as \"3\" (the ETag of a previous answer), not "+h)
	}
	v, err := strconv.Atoi(t[1 : len(t)-1])
	if err != nil || v <= 0 {
		return condition{}, statusError(http.StatusPreconditionFailed, unet.ECONFLICT,
			"If-Match "+h+" does not match the object's entity tag")
	}
	return condition{present: true, version: v}, nil
}

// precondition turns a conflict of a conditional write into 412 when the
// object is no longer at the version named by If-Match (the service message
// is kept, so remote and local mode print the same). Other errors pass.
func (s *Server) precondition(ctx context.Context, err error, c condition, current func(context.Context) (int, error)) error {
	if !c.present || c.version == 0 || unet.ErrorCode(err) != unet.ECONFLICT {
		return err
	}
	v, gerr := current(ctx)
	if gerr == nil && v == c.version {
		return err // a conflict of another kind (a duplicate name, links left, …)
	}
	var ue *unet.Error
	if !errors.As(err, &ue) {
		return err
	}
	return &httpError{status: http.StatusPreconditionFailed, err: ue}
}
