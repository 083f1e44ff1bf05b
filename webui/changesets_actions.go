package webui

import (
	"net/http"
	"net/url"

	"github.com/unet-dev/unet"
)

// csMaxFormBytes bounds the body of a review form (a comment).
const csMaxFormBytes = 64 << 10

// csAction runs one review decision posted from the review page: on
// success the answer is 303 See Other back to the page, which shows the new
// state; a refusal by the service is shown on the page with the status the
// API would answer (403 for the author's own set, 409 for a set no longer
// under review or a conflict).
func (u *UI) csAction(w http.ResponseWriter, r *http.Request, action, field string,
	do func(r *http.Request, id, text string) error) error {
	r.Body = http.MaxBytesReader(w, r.Body, csMaxFormBytes)
	if err := r.ParseForm(); err != nil {
		return unet.Errorf(unet.EINVALID, "unreadable form: %v", err)
	}
	id := r.PathValue("id")
	text := ""
	if field != "" {
		text = r.PostForm.Get(field)
	}
	if err := do(r, id, text); err != nil {
		status := statusOf(err)
		if status >= 500 || status == http.StatusNotFound {
			return err
		}
		return u.renderReview(w, r, status, id, action, err, text)
	}
	http.Redirect(w, r, Prefix+"changesets/"+url.PathEscape(id), http.StatusSeeOther)
	return nil
}

// changeSetApprove answers POST /ui/changesets/{id}/approve (comment).
func (u *UI) changeSetApprove(w http.ResponseWriter, r *http.Request) error {
	return u.csAction(w, r, "approve", "comment", func(r *http.Request, id, comment string) error {
		_, err := u.svc.ApproveChangeSet(r.Context(), id, comment)
		return err
	})
}

// changeSetReject answers POST /ui/changesets/{id}/reject (comment, which
// the service requires).
func (u *UI) changeSetReject(w http.ResponseWriter, r *http.Request) error {
	return u.csAction(w, r, "reject", "comment", func(r *http.Request, id, comment string) error {
		_, err := u.svc.RejectChangeSet(r.Context(), id, comment)
		return err
	})
}

// changeSetApply answers POST /ui/changesets/{id}/apply: an approved set
// is written in one transaction. With force=1 and a reason, tripped guards
// are overridden (the service checks the caller holds changes:force).
func (u *UI) changeSetApply(w http.ResponseWriter, r *http.Request) error {
	return u.csAction(w, r, "apply", "reason", func(r *http.Request, id, reason string) error {
		o := unet.ApplyOptions{}
		if r.PostForm.Get("force") == "1" {
			o.Force, o.Reason = true, reason
		}
		_, err := u.svc.ApplyChangeSet(r.Context(), id, o)
		return err
	})
}
