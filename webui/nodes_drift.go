package webui

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"

	"github.com/unet-dev/unet"
)

// maxRunningBytes bounds a running configuration pasted or uploaded for a
// drift comparison (the API's default engine text limit).
const maxRunningBytes = 2 << 20

// driftView is the drift section: the running configuration sent and,
// after a comparison, its outcome.
type driftView struct {
	Running string
	Result  *unet.TemplateDiffResult
	Parts   []driftPart
	Error   string
}

// driftPart is the comparison of one template, its diff in lines.
type driftPart struct {
	unet.TemplateDiff
	Lines []diffLine
}

// nodeDrift answers POST /ui/nodes/{name}/drift: the node page with the
// diff between the intended configuration and the running one in the form
// (pasted, or uploaded as a file), and the remediation commands. It
// computes and shows; it changes nothing.
func (u *UI) nodeDrift(w http.ResponseWriter, r *http.Request) error {
	running, err := readRunning(w, r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	d, err := u.nodeData(ctx, r.PathValue("name"), "")
	if err != nil {
		return err
	}
	if d.Drift == nil {
		d.Drift = &driftView{}
	}
	d.Drift.Running = running
	status := http.StatusOK
	if strings.TrimSpace(running) == "" {
		d.Drift.Error = "Paste the running configuration or choose a file."
		status = http.StatusBadRequest
		return u.renderNode(w, r, status, d)
	}
	res, err := withEngine(ctx, func(ctx context.Context) (*unet.TemplateDiffResult, error) {
		return u.svc.DiffNode(ctx, unet.TemplateDiffRequest{TemplateRequest: unet.TemplateRequest{Node: d.Node.ID},
			Running: running, Remediation: true})
	})
	if err != nil {
		if statusOf(err) >= 500 {
			return err
		}
		d.Drift.Error = err.Error()
		return u.renderNode(w, r, statusOf(err), d)
	}
	d.Drift.Result = res
	for _, t := range res.Templates {
		d.Drift.Parts = append(d.Drift.Parts, driftPart{TemplateDiff: t, Lines: diffLines(t.Diff)})
	}
	return u.renderNode(w, r, status, d)
}

// readRunning reads the running configuration of the drift form: the
// uploaded file "running_file" when one was chosen, else the text field
// "running".
func readRunning(w http.ResponseWriter, r *http.Request) (string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 2*maxRunningBytes)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if ct == "multipart/form-data" {
		err = r.ParseMultipartForm(maxRunningBytes)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", unet.Errorf(unet.EINVALID, "the form is larger than %d bytes", 2*maxRunningBytes)
		}
		return "", unet.Errorf(unet.EINVALID, "bad form: %v", err)
	}
	text := r.PostFormValue("running")
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["running_file"]; len(fhs) > 0 && fhs[0].Size > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				return "", err
			}
			b, err := io.ReadAll(io.LimitReader(f, maxRunningBytes+1))
			_ = f.Close() // read only: nothing is lost on a failed close
			if err != nil {
				return "", err
			}
			text = string(b)
		}
	}
	if len(text) > maxRunningBytes {
		return "", unet.Errorf(unet.EINVALID, "the running configuration is larger than %d bytes", maxRunningBytes)
	}
	return strings.ReplaceAll(text, "\r\n", "\n"), nil
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// nodeConfig answers GET /ui/nodes/{name}/config?template=T: the rendered
// configuration (of T, or of every assigned template) as a download.
func (u *UI) nodeConfig(w http.ResponseWriter, r *http.Request) error {
	req := unet.TemplateRequest{Node: r.PathValue("name")}
	tmpl := strings.TrimSpace(r.URL.Query().Get("template"))
	if tmpl != "" {
		req.Templates = []string{tmpl}
	}
	rr, err := withEngine(r.Context(), func(ctx context.Context) (*unet.RenderResult, error) { return u.svc.RenderNode(ctx, req) })
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, p := range rr.Parts {
		b.WriteString(p.Output)
		if p.Output != "" && !strings.HasSuffix(p.Output, "\n") {
			b.WriteByte('\n')
		}
	}
	name := rr.Node
	if name == "" {
		name = r.PathValue("name")
	}
	if tmpl != "" {
		name += "-" + strings.TrimSuffix(tmpl, ".j2")
	}
	name = strings.Trim(unsafeFileChars.ReplaceAllString(name, "_"), "_") + ".cfg"
	h := w.Header()
	setPageHeaders(h)
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = io.WriteString(w, b.String())
	return nil
}
