package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/templates"
)

var _ unet.GitService = (*Service)(nil)

// gitState is the Git integration of one Service: the data directory and the
// Syncer working in it (created on first use).
type gitState struct {
	mu      sync.Mutex
	dataDir string
	syncer  *gitsync.Syncer
	// allowLocal lets sources use local paths and file:// URLs.
	allowLocal bool
	// holder names this process in the per-source sync locks.
	holder string
	// cache holds what is derived from the active snapshots (git_watch.go).
	cache gitCache
}

func (s *Service) gitState() *gitState { return &s.git }

// SetGitDataDir sets the directory holding the Git mirrors and snapshots of
// the sources. The default is a unet-data directory beside a SQLite database
// file, or ./unet-data with PostgreSQL. One directory must be used by one
// process at a time.
func (s *Service) SetGitDataDir(dir string) {
	g := s.gitState()
	g.mu.Lock()
	defer g.mu.Unlock()
	if dir != g.dataDir {
		g.dataDir, g.syncer = dir, nil
	}
}

// SetGitAllowLocalURLs decides whether Git sources may name a local path or
// a file:// URL. It is off by default: such a source lets any client that
// may add sources read repositories on the server's disk. The CLI in local
// mode turns it on (its user already reads the database's machine);
// `unet serve` turns it on with allow_local_urls = true in [git].
func (s *Service) SetGitAllowLocalURLs(allow bool) {
	g := s.gitState()
	g.mu.Lock()
	defer g.mu.Unlock()
	if allow != g.allowLocal {
		g.allowLocal, g.syncer = allow, nil
	}
}

func (s *Service) gitAllowLocalURLs() bool {
	g := s.gitState()
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.allowLocal
}

// GitDataDir returns the directory SetGitDataDir set, or the default.
func (s *Service) GitDataDir() string {
	g := s.gitState()
	g.mu.Lock()
	defer g.mu.Unlock()
	return s.gitDataDirLocked(g)
}

func (s *Service) gitDataDirLocked(g *gitState) string {
	if g.dataDir != "" {
		return g.dataDir
	}
	if p := s.db.SQLitePath(); p != "" {
		return filepath.Join(filepath.Dir(p), "unet-data")
	}
	return "unet-data"
}

// syncer returns the Syncer of the service, creating it on first use.
func (s *Service) syncer() (*gitsync.Syncer, error) {
	g := s.gitState()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.syncer != nil {
		return g.syncer, nil
	}
	sy, err := gitsync.New(gitsync.Options{
		DataDir: s.gitDataDirLocked(g),
		Validators: map[gitsync.Kind]gitsync.Validator{
			gitsync.KindPolicies:  validatePolicySnapshot,
			gitsync.KindTemplates: validateTemplateSnapshot,
		},
		Store:          gitStore{s: s},
		Secrets:        s.resolveGitSecret,
		Locker:         gitLocker{s: s},
		AllowLocalURLs: g.allowLocal,
		Now:            s.now,
	})
	if err != nil {
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("Git data directory: %v", err), Err: err}
	}
	g.syncer = sy
	return sy, nil
}

// resolveGitSecret resolves the credentials of a source through the
// allow-list, at every use: a reference stored before the allow-list was
// narrowed is refused too.
func (s *Service) resolveGitSecret(ctx context.Context, ref string) (string, error) {
	v, err := s.Secrets(secret.UseGit).Resolve(ctx, ref)
	if err != nil {
		return "", secretError(err)
	}
	return v.Reveal(), nil
}

// sourceDirsKey carries the layout (sourceLayout) of the source a snapshot
// validator is checking.
type sourceDirsKey struct{}

// sourceLayout is where a source keeps its files, and what it holds.
type sourceLayout struct {
	policiesDir, templatesDir, kind string
}

// withSourceDirs tells the snapshot validators where src keeps its files.
func withSourceDirs(ctx context.Context, src *unet.GitSource) context.Context {
	return context.WithValue(ctx, sourceDirsKey{}, sourceLayout{policiesDir: src.PoliciesDir, templatesDir: src.TemplatesDir, kind: src.Kind})
}

// sourceDir returns the configured directory of kind of the source in ctx.
func sourceDir(ctx context.Context, kind string) string {
	l, _ := ctx.Value(sourceDirsKey{}).(sourceLayout)
	if kind == unet.GitKindPolicies {
		return l.policiesDir
	}
	return l.templatesDir
}

// sourceKind returns the kind of the source in ctx ("" when unknown).
func sourceKind(ctx context.Context) string {
	l, _ := ctx.Value(sourceDirsKey{}).(sourceLayout)
	return l.kind
}

// kindRoot returns where a snapshot keeps kind (policies or templates): the
// configured sub-directory (--policies-dir, --templates-dir) when sub is set,
// else its policies/ or templates/ sub-directory when it has one, else the
// snapshot directory itself. prefix is the sub-directory with a slash (""
// for the snapshot itself), for file names relative to the snapshot.
func kindRoot(dir, kind, sub string) (root, prefix string, err error) {
	if sub != "" {
		root = filepath.Join(dir, filepath.FromSlash(sub))
		if st, err := os.Stat(root); err != nil || !st.IsDir() {
			return "", "", fmt.Errorf("directory %s (the source's %s directory) is not in the commit", sub, kind)
		}
		return root, strings.TrimSuffix(sub, "/") + "/", nil
	}
	if st, err := os.Stat(filepath.Join(dir, kind)); err == nil && st.IsDir() {
		return filepath.Join(dir, kind), kind + "/", nil
	}
	return dir, "", nil
}

// validatePolicySnapshot parses and checks every *.rules file of a snapshot
// (of its policies directory, see kindRoot).
func validatePolicySnapshot(ctx context.Context, dir string) []gitsync.ValidationError {
	root, prefix, err := kindRoot(dir, unet.GitKindPolicies, sourceDir(ctx, unet.GitKindPolicies))
	if err != nil {
		return []gitsync.ValidationError{{Message: err.Error()}}
	}
	set, err := policy.LoadDir(root)
	var errs policy.ErrorList
	if err != nil {
		el, ok := err.(policy.ErrorList)
		if !ok {
			return []gitsync.ValidationError{{Message: err.Error()}}
		}
		errs = el
	}
	var prog *policy.Program
	if len(errs) == 0 {
		if prog, err = policy.Compile(set.Files...); err != nil {
			el, ok := err.(policy.ErrorList)
			if !ok {
				return []gitsync.ValidationError{{Message: err.Error()}}
			}
			errs = el
		}
	}
	if len(errs) == 0 {
		// The rules are sound: the repository's own test cases decide.
		return gateTests(ctx, dir, root, prog)
	}
	out := make([]gitsync.ValidationError, 0, len(errs))
	for _, e := range errs {
		out = append(out, gitsync.ValidationError{File: prefixed(prefix, e.File), Line: e.Line, Column: e.Col, Message: e.Msg})
	}
	return out
}

// prefixed puts a relative file name under prefix.
func prefixed(prefix, name string) string {
	if name == "" || filepath.IsAbs(name) {
		return name
	}
	return prefix + name
}

// validateTemplateSnapshot checks every template of a snapshot (of its
// templates directory, see kindRoot): syntax, includes, headers and filters.
func validateTemplateSnapshot(ctx context.Context, dir string) []gitsync.ValidationError {
	root, prefix, err := kindRoot(dir, unet.GitKindTemplates, sourceDir(ctx, unet.GitKindTemplates))
	if err != nil {
		return []gitsync.ValidationError{{Message: err.Error()}}
	}
	errs, err := templates.ValidateDir(root)
	if err != nil {
		return []gitsync.ValidationError{{Message: err.Error()}}
	}
	out := make([]gitsync.ValidationError, 0, len(errs))
	for _, e := range errs {
		out = append(out, gitsync.ValidationError{File: prefixed(prefix, e.Template), Line: e.Line, Column: e.Col, Message: e.Msg})
	}
	return out
}

// toGitsync converts a stored source into the syncer's form.
func toGitsync(src *unet.GitSource) gitsync.Source {
	// The interval was validated when the source was stored; one that does
	// not parse (or is empty) means no scheduled sync.
	interval, _ := time.ParseDuration(src.Interval)
	gs := gitsync.Source{Name: src.Name, URL: src.URL, Branch: src.Branch, Tag: src.Tag, Commit: src.Commit, Path: src.Path,
		Kind: gitsync.Kind(src.Kind), Environments: src.Environments, Interval: interval, WebhookSecretRef: src.WebhookSecretRef}
	if a := src.Auth; a != nil {
		gs.Auth = &gitsync.Auth{Username: a.Username, PasswordRef: a.PasswordRef, TokenRef: a.TokenRef, SSHKeyRef: a.SSHKeyRef,
			SSHPassphraseRef: a.SSHPassphraseRef, KnownHosts: a.KnownHosts}
	}
	return gs
}

// validateGitSource checks a source: the syncer's rules, the interval, the
// URL (no embedded credentials) and every secret reference against the
// allow-list.
func (s *Service) validateGitSource(src *unet.GitSource) error {
	var fe []unet.FieldError
	if n := utf8.RuneCountInString(src.Name); n > unet.MaxNameLen {
		fe = append(fe, unet.FieldError{Field: "name", Message: fmt.Sprintf("is %d characters long; the limit is %d", n, unet.MaxNameLen)})
	} else if _, i := unet.ControlChar(src.Name); i >= 0 || !utf8.ValidString(src.Name) {
		fe = append(fe, unet.FieldError{Field: "name", Message: "must be valid UTF-8 without control characters (tab, newline, ESC, …)"})
	}
	named := len(fe)
	for _, f := range []struct {
		field, v string
		max      int
	}{{"interval", src.Interval, unet.MaxDurationLen}, {"policies_dir", src.PoliciesDir, unet.MaxPathLen}, {"templates_dir", src.TemplatesDir, unet.MaxPathLen}} {
		if e := unet.CheckText(f.field, f.v, f.max); e != nil {
			fe = append(fe, *e)
		}
	}
	if len(fe) > named { // the checks below quote the values
		return unet.Invalid("invalid Git source", fe...)
	}
	if src.Interval != "" {
		if d, err := time.ParseDuration(src.Interval); err != nil || d < 0 {
			fe = append(fe, unet.FieldError{Field: "interval", Message: fmt.Sprintf("%q is not a duration such as 5m", src.Interval)})
		}
	}
	if msg := urlCredentials(src.URL); msg != "" {
		fe = append(fe, unet.FieldError{Field: "url", Message: msg})
	} else if strings.TrimSpace(src.URL) != "" && !s.gitAllowLocalURLs() && gitsync.IsLocalURL(src.URL) {
		fe = append(fe, unet.FieldError{Field: "url", Message: gitsync.LocalURLMessage})
	}
	refs := map[string]string{"webhook_secret_ref": src.WebhookSecretRef}
	if a := src.Auth; a != nil {
		refs["auth.token_ref"], refs["auth.password_ref"] = a.TokenRef, a.PasswordRef
		refs["auth.ssh_key_ref"], refs["auth.ssh_passphrase_ref"] = a.SSHKeyRef, a.SSHPassphraseRef
	}
	fields := make([]string, 0, len(refs))
	for f := range refs {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	fe = append(fe, s.checkRefs(secret.UseGit, fields, refs)...)
	for field, dir := range map[string]string{"policies_dir": src.PoliciesDir, "templates_dir": src.TemplatesDir} {
		if dir == "" {
			continue
		}
		clean := path.Clean(strings.ReplaceAll(dir, "\\", "/"))
		if clean == "." || strings.HasPrefix(clean, "/") || clean == ".." || strings.HasPrefix(clean, "../") {
			fe = append(fe, unet.FieldError{Field: field, Message: fmt.Sprintf("%q must be a sub-directory inside the repository", dir)})
			continue
		}
		if field == "policies_dir" {
			src.PoliciesDir = clean
		} else {
			src.TemplatesDir = clean
		}
	}
	sort.Slice(fe, func(i, j int) bool { return fe[i].Field < fe[j].Field })
	if len(fe) == 0 {
		if err := toGitsync(src).Validate(); err != nil {
			f := unet.FieldError{Message: err.Error()}
			var ge *gitsync.FieldError
			if errors.As(err, &ge) {
				f.Field = ge.Field
			}
			fe = append(fe, f)
		}
	}
	if len(fe) > 0 {
		return unet.Invalid("invalid Git source", fe...)
	}
	return nil
}

// urlCredentials returns why a source URL is refused when it embeds
// credentials (https://user:token@host/...), or "". The message never
// repeats the URL: it holds a password.
func urlCredentials(raw string) string {
	const ssh = "ssh"
	scheme, hasUser, hasPw := "", false, false
	if u, err := url.Parse(raw); err == nil {
		scheme, hasUser = u.Scheme, u.User != nil
		if hasUser {
			_, hasPw = u.User.Password()
		}
	} else if sch, rest, ok := strings.Cut(raw, "://"); ok {
		// Unparsable, but it may still carry user:password@ before the host.
		authority, _, _ := strings.Cut(rest, "/")
		if userinfo, _, ok := strings.Cut(authority, "@"); ok {
			scheme, hasUser, hasPw = sch, true, strings.Contains(userinfo, ":")
		}
	}
	if !hasUser {
		return ""
	}
	// ssh://git@host/repo names the login, not a secret; a password in an
	// ssh URL is refused like any other.
	if strings.Contains(scheme, ssh) && !hasPw {
		return ""
	}
	return "must not embed credentials (user:password@host): give the token as a secret reference with --token-ref env:NAME, file:PATH or db:NAME (auth.token_ref in the API), and a user name with --username"
}

// AddGitSource stores a new source; it is fetched by the first sync.
func (s *Service) AddGitSource(ctx context.Context, src *unet.GitSource, o unet.WriteOptions) (*unet.GitSource, error) {
	src = unet.CloneJSON(src)
	src.Pinned = nil
	if src.Kind == "" {
		src.Kind = unet.GitKindBoth
	}
	if src.Auth != nil && *src.Auth == (unet.GitAuth{}) {
		src.Auth = nil
	}
	if len(src.Environments) == 0 {
		src.Environments = nil
	}
	if err := s.validateGitSource(src); err != nil {
		return nil, err
	}
	if src.Interval != "" {
		d, err := time.ParseDuration(src.Interval)
		if err != nil {
			return nil, unet.Errorf(unet.EINVALID, "interval %q: %v", src.Interval, err)
		}
		src.Interval = d.Truncate(time.Second).String()
	}
	m := s.mutation(ctx, o.Reason)
	src.CreatedAt, src.UpdatedAt = m.now, m.now
	err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		if _, err := tx.Reader().GetGitSource(ctx, src.Name); err == nil {
			return unet.Errorf(unet.ECONFLICT, "Git source %s already exists", src.Name)
		}
		if err := tx.InsertGitSource(ctx, src); err != nil {
			return err
		}
		if err := s.notifyGit(ctx, tx, gitNotice{Source: src.Name}); err != nil {
			return err
		}
		return m.record(ctx, tx, unet.KindGitSource, src.Name, src.Name, unet.OpCreate, nil, src)
	})
	if err != nil {
		return nil, err
	}
	return src, nil
}

// ListGitSources lists the sources with their pinned environments.
func (s *Service) ListGitSources(ctx context.Context) ([]unet.GitSource, error) {
	r := s.db.Reader()
	list, err := r.ListGitSources(ctx)
	if err != nil {
		return nil, err
	}
	states, err := r.GitStates(ctx)
	if err != nil {
		return nil, err
	}
	for i := range list {
		var st gitsync.State
		if doc := states[list[i].Name]; doc != "" {
			if err := json.Unmarshal([]byte(doc), &st); err != nil {
				return nil, unet.Internal(fmt.Errorf("git state of %s: %w", list[i].Name, err))
			}
		}
		list[i].Pinned = pinnedOf(st)
	}
	return list, nil
}

// GetGitSource returns one source with its pinned environments.
func (s *Service) GetGitSource(ctx context.Context, name string) (*unet.GitSource, error) {
	r := s.db.Reader()
	src, err := r.GetGitSource(ctx, name)
	if err != nil {
		return nil, err
	}
	st, err := loadGitState(ctx, r, name)
	if err != nil {
		return nil, err
	}
	src.Pinned = pinnedOf(st)
	return src, nil
}

func pinnedOf(st gitsync.State) map[string]string {
	var out map[string]string
	for name, es := range st.Environments {
		if es.Pinned {
			if out == nil {
				out = map[string]string{}
			}
			out[name] = es.Commit
		}
	}
	return out
}

// RemoveGitSource deletes a source with its state and history, then its local
// mirror and snapshots.
func (s *Service) RemoveGitSource(ctx context.Context, name string, o unet.DeleteOptions) error {
	m := s.mutation(ctx, o.Reason)
	err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		src, err := tx.Reader().GetGitSource(ctx, name)
		if err != nil {
			return err
		}
		if err := tx.DeleteGitSource(ctx, name); err != nil {
			return err
		}
		if err := s.notifyGit(ctx, tx, gitNotice{Source: name}); err != nil {
			return err
		}
		return m.record(ctx, tx, unet.KindGitSource, name, name, unet.OpDelete, src, nil)
	})
	if err != nil {
		return err
	}
	metrics.ForgetGitSource(name)
	dir := s.GitDataDir()
	// The layout of the data directory is documented in docs/git.md; the
	// source is already deleted and leftovers are harmless, so removing them
	// is best effort.
	_ = os.RemoveAll(filepath.Join(dir, "repos", name+".git"))
	_ = removeReadOnlyTree(filepath.Join(dir, "snapshots", name))
	return nil
}

// removeReadOnlyTree removes a tree whose directories may be read-only
// (snapshots are).
func removeReadOnlyTree(root string) error {
	// Making the directories writable is best effort: one that stays
	// read-only makes RemoveAll fail, and that error is returned.
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o755)
		}
		return nil
	})
	return os.RemoveAll(root)
}

// gitSources returns the named source, or all when name is empty.
func (s *Service) gitSources(ctx context.Context, name string) ([]unet.GitSource, error) {
	if name == "" {
		return s.db.Reader().ListGitSources(ctx)
	}
	src, err := s.db.Reader().GetGitSource(ctx, name)
	if err != nil {
		return nil, err
	}
	return []unet.GitSource{*src}, nil
}

// SyncGitSource fetches one source (all when name is empty) and activates each
// environment's new commit when it passes validation. Rejected commits are in
// the results and make the error an invalid one listing file:line; the
// previous snapshots stay active.
func (s *Service) SyncGitSource(ctx context.Context, name, trigger string) ([]unet.GitSyncResult, error) {
	srcs, err := s.gitSources(ctx, name)
	if err != nil {
		return nil, err
	}
	sy, err := s.syncer()
	if err != nil {
		return nil, err
	}
	if trigger == "" {
		trigger = string(gitsync.TriggerManual)
	}
	ctx = withGitTrigger(ctx, trigger)
	out := make([]unet.GitSyncResult, 0, len(srcs))
	var rejected []unet.FieldError
	var rejectedSources []string
	var firstErr error
	for i := range srcs {
		res, err := sy.Sync(withSourceDirs(ctx, &srcs[i]), toGitsync(&srcs[i]), gitsync.SyncOptions{Trigger: gitsync.Trigger(trigger)})
		r := syncResult(res)
		if r.Source == "" {
			r.Source, r.Trigger = srcs[i].Name, trigger
		}
		if err != nil {
			r.Error = err.Error()
			if firstErr == nil {
				firstErr = gitError(err)
			}
		}
		observeGitSync(srcs[i].Name, r, err)
		for _, e := range r.Environments {
			if len(e.Errors) == 0 {
				continue
			}
			rejectedSources = append(rejectedSources, fmt.Sprintf("%s (%s, commit %s)", e.Source, e.Environment, shortHash(e.Commit)))
			for _, v := range e.Errors {
				rejected = append(rejected, unet.FieldError{Message: v.String()})
			}
		}
		out = append(out, r)
	}
	if len(rejected) > 0 {
		return out, &unet.Error{Code: unet.EINVALID, Fields: rejected,
			Message: "validation failed for " + strings.Join(rejectedSources, ", ") + "; the previous snapshot stays active"}
	}
	return out, firstErr
}

// isCommitID reports whether s looks like a full or abbreviated commit id.
func isCommitID(s string) bool {
	if len(s) < 4 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// GitStatus returns the status of one source (all when name is empty): the
// active commit of each environment, last attempt, success and error, the
// next scheduled run and the files of the last activation.
func (s *Service) GitStatus(ctx context.Context, name string) ([]unet.GitStatus, error) {
	srcs, err := s.gitSources(ctx, name)
	if err != nil {
		return nil, err
	}
	out := make([]unet.GitStatus, 0, len(srcs))
	for i := range srcs {
		st, err := loadGitState(ctx, s.db.Reader(), srcs[i].Name)
		if err != nil {
			return nil, err
		}
		out = append(out, s.gitStatus(&srcs[i], st))
	}
	return out, nil
}

func (s *Service) gitStatus(src *unet.GitSource, st gitsync.State) unet.GitStatus {
	gs := toGitsync(src)
	out := unet.GitStatus{Name: src.Name, URL: src.URL, Kind: src.Kind, Branch: gs.Environment(gitsync.DefaultEnvironment).Branch(),
		LastAttempt: optTime(st.LastAttempt), LastSuccess: optTime(st.LastSuccess), LastError: st.LastError, Files: []unet.GitFileChange{}}
	for _, env := range gs.EnvironmentList() {
		es := st.Environments[env.Name]
		e := unet.GitEnvStatus{Name: env.Name, Branch: env.Branch(), ActiveCommit: es.Commit, ActiveMessage: es.Message,
			ActiveAuthor: es.Author, CommitTime: optTime(es.CommitTime), ActivatedAt: optTime(es.ActivatedAt), Pinned: es.Pinned,
			Tip: es.Tip, Rejected: es.Rejected, Errors: toValidationErrors(es.RejectedErrors), LastAttempt: optTime(es.LastAttempt),
			LastSuccess: optTime(es.LastSuccess), LastError: es.LastError, Files: toFileChanges(es.Files)}
		if env.Name == gitsync.DefaultEnvironment {
			out.ActiveCommit, out.ActiveMessage, out.ActiveAuthor = e.ActiveCommit, e.ActiveMessage, e.ActiveAuthor
			out.ActiveTime, out.ActivatedAt, out.Pinned, out.Files = e.CommitTime, e.ActivatedAt, e.Pinned, e.Files
		}
		if out.LastError == "" && e.LastError != "" {
			out.LastError, out.Errors = e.LastError, e.Errors
			if env.Name != gitsync.DefaultEnvironment {
				out.LastError = env.Name + ": " + e.LastError
			}
		}
		out.Environments = append(out.Environments, e)
	}
	if d, err := time.ParseDuration(src.Interval); err == nil && d > 0 {
		next := s.now()
		if !st.LastAttempt.IsZero() {
			next = st.LastAttempt.Add(d).UTC()
		}
		out.NextRun = &next
	}
	return out
}

// GitLog returns the sync history of a source, newest first.
func (s *Service) GitLog(ctx context.Context, name string, limit int) ([]unet.GitSyncEntry, error) {
	if _, err := s.db.Reader().GetGitSource(ctx, name); err != nil {
		return nil, err
	}
	hist, err := gitStore{s: s}.History(ctx, name, limit)
	if err != nil {
		return nil, err
	}
	out := make([]unet.GitSyncEntry, 0, len(hist))
	for _, e := range hist {
		out = append(out, syncEntry(e))
	}
	return out, nil
}

// checkEnv refuses an environment name the source does not define.
func checkEnv(src *unet.GitSource, env string) error {
	if env == "" || env == gitsync.DefaultEnvironment {
		return nil
	}
	if _, ok := src.Environments[env]; !ok {
		names := []string{gitsync.DefaultEnvironment}
		for n := range src.Environments {
			names = append(names, n)
		}
		sort.Strings(names[1:])
		return unet.Errorf(unet.EINVALID, "Git source %s has no environment %q (it has %s)", src.Name, env, strings.Join(names, ", "))
	}
	return nil
}

// PinGitSource activates commit (full or abbreviated) in environment env
// (default: the default environment) and stops it following its branch. The
// commit must pass validation.
func (s *Service) PinGitSource(ctx context.Context, name, env, commit string) (*unet.GitSyncEntry, error) {
	src, err := s.db.Reader().GetGitSource(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := checkEnv(src, env); err != nil {
		return nil, err
	}
	if !isCommitID(commit) {
		return nil, unet.Errorf(unet.EINVALID, "%q is not a commit id: give a full or abbreviated (4+ hex digits) commit", commit)
	}
	sy, err := s.syncer()
	if err != nil {
		return nil, err
	}
	e, err := sy.Pin(withSourceDirs(withGitTrigger(ctx, string(gitsync.TriggerPin)), src), toGitsync(src), env, commit)
	if err != nil {
		return nil, gitError(err)
	}
	out := syncEntry(e)
	return &out, nil
}

// UnpinGitSource makes environment env follow its branch again and syncs it.
func (s *Service) UnpinGitSource(ctx context.Context, name, env string) (*unet.GitSyncResult, error) {
	src, err := s.db.Reader().GetGitSource(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := checkEnv(src, env); err != nil {
		return nil, err
	}
	sy, err := s.syncer()
	if err != nil {
		return nil, err
	}
	res, err := sy.Unpin(withSourceDirs(withGitTrigger(ctx, string(gitsync.TriggerUnpin)), src), toGitsync(src), env)
	out := syncResult(res)
	if err != nil {
		out.Error = err.Error()
		return &out, gitError(err)
	}
	return &out, nil
}

func orAbsent(s string) string {
	if s == "" {
		return "(absent)"
	}
	return s
}

func promoteResult(r gitsync.PromoteResult) *unet.GitPromoteResult {
	out := &unet.GitPromoteResult{Source: r.Source, From: r.From, To: r.To, Branch: r.Branch, Kind: string(r.Kind), Commit: r.Commit,
		TargetBefore: r.TargetBefore, TargetAfter: r.TargetAfter}
	for _, c := range r.Conflicts {
		out.Conflicts = append(out.Conflicts, unet.GitConflict{Path: c.Path, SourceHash: c.SourceHash, TargetHash: c.TargetHash, BaseHash: c.BaseHash})
	}
	if r.Activation != nil {
		e := syncEntry(*r.Activation)
		out.Activation = &e
	}
	return out
}

// ActiveSnapshots returns the active snapshot of environment env of every
// source holding kind (policies or templates), in source name order, held
// until the caller releases them: a render or evaluation that uses them sees
// one consistent version even while a sync activates another. Sources with no
// active snapshot yet are left out.
func (s *Service) ActiveSnapshots(ctx context.Context, kind, env string) ([]gitsync.Snapshot, error) {
	srcs, err := s.db.Reader().ListGitSources(ctx)
	if err != nil {
		return nil, err
	}
	var matching []unet.GitSource
	for _, src := range srcs {
		if src.Kind == kind || src.Kind == unet.GitKindBoth {
			matching = append(matching, src)
		}
	}
	if len(matching) == 0 {
		return nil, &unet.Error{Code: unet.ENOTFOUND, Message: fmt.Sprintf("no Git source holds %s (add one with `unet git sources add`)", kind), Err: errNoGitSource}
	}
	sy, err := s.syncer()
	if err != nil {
		return nil, err
	}
	var out []gitsync.Snapshot
	for i := range matching {
		snap, err := sy.Active(ctx, toGitsync(&matching[i]), env)
		if errors.Is(err, gitsync.ErrNoActive) {
			continue
		}
		if err != nil {
			for _, o := range out {
				o.Release()
			}
			return nil, gitError(err)
		}
		out = append(out, snap)
	}
	if len(out) == 0 {
		return nil, unet.Errorf(unet.ENOTFOUND, "no Git source of %s has an active snapshot for environment %q yet (run `unet git sync`)", kind, env)
	}
	return out, nil
}

// activePolicyFiles reads the rule files of the active snapshots of
// environment env (see ActivePolicyFiles).
func (s *Service) activePolicyFiles(ctx context.Context, env string) ([]unet.PolicyFile, string, error) {
	snaps, err := s.ActiveSnapshots(ctx, unet.GitKindPolicies, env)
	if err != nil {
		return nil, "", err
	}
	defer func() {
		for _, sn := range snaps {
			sn.Release()
		}
	}()
	var files []unet.PolicyFile
	labels := make([]string, 0, len(snaps))
	cv := canaryFrom(ctx)
	for _, sn := range snaps {
		if cv != nil && cv.c.Source == sn.Source {
			// The canary's candidate replaces the source's active snapshot.
			labels = append(labels, cv.c.Label())
			cf, err := s.canaryPolicyFiles(ctx, cv, len(snaps) > 1)
			if err != nil {
				return nil, "", err
			}
			files = append(files, cf...)
			continue
		}
		labels = append(labels, "git:"+sn.Source+"@"+sn.Commit)
		src, err := s.db.Reader().GetGitSource(ctx, sn.Source)
		if err != nil {
			return nil, "", err
		}
		root, _, err := kindRoot(sn.Dir, unet.GitKindPolicies, src.PoliciesDir)
		if err != nil {
			return nil, "", unet.Errorf(unet.EUNAVAILABLE, "Git source %s: %v", sn.Source, err)
		}
		var names []string
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, ".rules") {
				names = append(names, p)
			}
			return nil
		})
		if err != nil {
			return nil, "", fmt.Errorf("read snapshot of %s: %w", sn.Source, err)
		}
		sort.Strings(names)
		for _, p := range names {
			data, err := os.ReadFile(p)
			if err != nil {
				return nil, "", fmt.Errorf("read snapshot of %s: %w", sn.Source, err)
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return nil, "", fmt.Errorf("read snapshot of %s: %w", sn.Source, err)
			}
			name := filepath.ToSlash(rel)
			if len(snaps) > 1 {
				name = sn.Source + "/" + name
			}
			files = append(files, unet.PolicyFile{Name: name, Content: string(data)})
		}
	}
	return files, strings.Join(labels, ","), nil
}

// ActiveTemplateDir returns the directory of the active template snapshot of
// environment env. Snapshot directories are immutable; an inactive one is
// removed only after several newer activations, so a render started now sees
// a complete tree (use ActiveSnapshots to hold it explicitly).
func (s *Service) ActiveTemplateDir(ctx context.Context, env string) (string, error) {
	snaps, err := s.ActiveSnapshots(ctx, unet.GitKindTemplates, env)
	if err != nil {
		return "", err
	}
	defer func() {
		for _, sn := range snaps {
			sn.Release()
		}
	}()
	if len(snaps) > 1 {
		names := make([]string, len(snaps))
		for i, sn := range snaps {
			names[i] = sn.Source
		}
		return "", unet.Errorf(unet.ECONFLICT, "several Git sources hold templates (%s): keep one", strings.Join(names, ", "))
	}
	if cv := canaryFrom(ctx); cv != nil && cv.c.Source == snaps[0].Source {
		return s.canaryTemplateDir(ctx, cv)
	}
	src, err := s.db.Reader().GetGitSource(ctx, snaps[0].Source)
	if err != nil {
		return "", err
	}
	root, _, err := kindRoot(snaps[0].Dir, unet.GitKindTemplates, src.TemplatesDir)
	if err != nil {
		return "", unet.Errorf(unet.EUNAVAILABLE, "Git source %s: %v", snaps[0].Source, err)
	}
	return root, nil
}
