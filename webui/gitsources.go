package webui

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// gitLogEntries is how many entries of each source's history the Git page
// shows.
const gitLogEntries = 50

// gitLive are the event types on which the Git page refreshes itself.
var gitLive = []string{"git.*", "canary.*"}

// shortCommit abbreviates a commit hash for display.
func shortCommit(c string) string {
	if len(c) > 12 && !strings.Contains(c, ":") {
		return c[:12]
	}
	return c
}

// when formats an optional time for display ("" when unset).
func when(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// gitSourceView is a source's status as the pages show it.
type gitSourceView struct {
	unet.GitStatus
	Envs []gitEnvView
	// Log is the source's sync history, newest first (Git page only).
	Log []gitLogView
}

// gitEnvView is one environment of a source.
type gitEnvView struct {
	unet.GitEnvStatus
	// Default marks the source's own environment.
	Default bool
}

// Short is the active commit, abbreviated.
func (e gitEnvView) Short() string { return shortCommit(e.ActiveCommit) }

// ShortRejected is the last rejected commit, abbreviated.
func (e gitEnvView) ShortRejected() string { return shortCommit(e.Rejected) }

// Activated is when the active commit was activated.
func (e gitEnvView) Activated() string { return when(e.ActivatedAt) }

// Attempted is when the environment was last synced.
func (e gitEnvView) Attempted() string { return when(e.LastAttempt) }

// Problems are the rejected commit's problems as file:line:col: message.
func (e gitEnvView) Problems() []string { return problems(e.Errors) }

// gitLogView is one history entry.
type gitLogView struct {
	unet.GitSyncEntry
}

// Short is the entry's commit, abbreviated.
func (e gitLogView) Short() string { return shortCommit(e.Commit) }

// At is when the sync ran.
func (e gitLogView) At() string { return when(&e.SyncedAt) }

// Problems are the entry's problems as file:line:col: message.
func (e gitLogView) Problems() []string { return problems(e.Errors) }

// Subject is the first line of the commit message.
func (e gitLogView) Subject() string {
	s, _, _ := strings.Cut(e.Message, "\n")
	return s
}

func problems(errs []unet.GitValidationError) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.String()
	}
	return out
}

// gitSourceViews wraps statuses for display.
func gitSourceViews(sts []unet.GitStatus) []gitSourceView {
	out := make([]gitSourceView, len(sts))
	for i, st := range sts {
		out[i] = gitSourceView{GitStatus: st}
		for j, e := range st.Environments {
			out[i].Envs = append(out[i].Envs, gitEnvView{GitEnvStatus: e, Default: j == 0})
		}
	}
	return out
}

// gitData is the Git sources page.
type gitData struct {
	Sources  []gitSourceView
	Canaries []canaryView
}

// canaryView is a canary as the pages show it.
type canaryView struct {
	unet.Canary
}

// Short is the candidate, abbreviated.
func (c canaryView) Short() string { return shortCommit(c.Commit) }

// Expires is when the canary expires.
func (c canaryView) Expires() string { return when(&c.ExpiresAt) }

// Ended is when the canary ended ("" while active).
func (c canaryView) Ended() string { return when(c.EndedAt) }

// gitPage is GET /ui/git: every source's environments, its history of
// activations and rejections (with the positioned problems), and the
// canaries with the last computed comparison.
func (u *UI) gitPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sts, err := u.svc.GitStatus(ctx, "")
	if err != nil {
		return err
	}
	d := gitData{Sources: gitSourceViews(sts)}
	for i := range d.Sources {
		log, err := u.svc.GitLog(ctx, d.Sources[i].Name, gitLogEntries)
		if err != nil {
			return err
		}
		for _, e := range log {
			d.Sources[i].Log = append(d.Sources[i].Log, gitLogView{e})
		}
	}
	cs, err := u.svc.ListCanaries(ctx, true)
	if err != nil {
		return err
	}
	for _, c := range cs {
		d.Canaries = append(d.Canaries, canaryView{c})
	}
	v := view{Title: "Git sources", Nav: "git", Page: d}
	if can(ctx, unet.PermEventsRead) {
		v.Live = strings.Join(gitLive, ",")
	}
	return u.render(w, r, http.StatusOK, "git", v)
}

// canaryData is the canary page: the canary and its comparison.
type canaryData struct {
	Canary canaryView
	Report *unet.CanaryReport
}

// canaryPage is GET /ui/git/canaries/{name}: the comparison of candidate
// and baseline on the canary's nodes, with each node's configuration diff.
func (u *UI) canaryPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name := r.PathValue("name")
	c, err := u.svc.GetCanary(ctx, name)
	if err != nil {
		return err
	}
	d := canaryData{Canary: canaryView{*c}}
	if c.State == unet.CanaryActive {
		if d.Report, err = withEngine(ctx, func(ctx context.Context) (*unet.CanaryReport, error) { return u.svc.CanaryStatus(ctx, name, true) }); err != nil {
			return err
		}
	}
	return u.render(w, r, http.StatusOK, "git_canary", view{Title: "Canary " + c.Name, Nav: "git", Page: d})
}

// Lines splits a unified diff into its lines for the template "diff".
func (canaryData) Lines(diff string) []diffLine { return diffLines(diff) }
