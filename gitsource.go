package unet

import (
	"context"
	"fmt"
	"time"
)

// Kinds of Git source: what a source repository holds.
const (
	GitKindPolicies  = "policies"
	GitKindTemplates = "templates"
	GitKindBoth      = "both"
)

// KindGitSource is the object kind of Git sources in the change log.
const KindGitSource = "git_source"

// Change operations of Git sources, besides create and delete.
const (
	// OpActivate: a validated commit became the active snapshot of an
	// environment.
	OpActivate = "activate"
	// OpPin: an environment was pinned to a commit.
	OpPin = "pin"
	// OpUnpin: an environment follows its branch again.
	OpUnpin = "unpin"
	// OpPromote: an environment's branch was moved to another's commit.
	OpPromote = "promote"
)

// GitAuth holds the credentials of a Git source as secret references (env:NAME, db:NAME,
// file:/path), never as values. KnownHosts holds public host keys, which are
// not secret.
type GitAuth struct {
	// Username for HTTP(S) basic authentication (with PasswordRef or
	// TokenRef) or the SSH login.
	Username string `json:"username,omitempty"`
	// TokenRef references an HTTP(S) access token.
	TokenRef string `json:"token_ref,omitempty"`
	// PasswordRef references an HTTP(S) password.
	PasswordRef string `json:"password_ref,omitempty"`
	// SSHKeyRef references a private key for ssh:// remotes.
	SSHKeyRef string `json:"ssh_key_ref,omitempty"`
	// SSHPassphraseRef references the passphrase of an encrypted key.
	SSHPassphraseRef string `json:"ssh_passphrase_ref,omitempty"`
	// KnownHosts lists the accepted SSH host keys (known_hosts format).
	KnownHosts string `json:"known_hosts,omitempty"`
}

// GitSource is a Git repository holding policies, templates or both (SPEC §6.1).
type GitSource struct {
	Name string `json:"name"`
	URL  string `json:"url"`
	// Branch, Tag or Commit (at most one) is what the default environment
	// follows; none follows the remote's default branch.
	Branch string `json:"branch,omitempty"`
	Tag    string `json:"tag,omitempty"`
	Commit string `json:"commit,omitempty"`
	// Path is an optional sub-directory of the repository.
	Path string `json:"path,omitempty"`
	// PoliciesDir and TemplatesDir name the directories (below Path) holding
	// the rules and the templates; empty: a policies/ or templates/
	// sub-directory when there is one, else Path itself.
	PoliciesDir  string `json:"policies_dir,omitempty"`
	TemplatesDir string `json:"templates_dir,omitempty"`
	// Kind is policies, templates or both.
	Kind string   `json:"kind"`
	Auth *GitAuth `json:"auth,omitempty"`
	// WebhookSecretRef references the secret webhook deliveries are signed
	// with; empty refuses webhooks.
	WebhookSecretRef string `json:"webhook_secret_ref,omitempty"`
	// Interval between scheduled syncs as a Go duration ("5m"); empty: no
	// schedule.
	Interval string `json:"interval,omitempty"`
	// Environments maps environment names to the branch each follows.
	Environments map[string]string `json:"environments,omitempty"`
	// Pinned maps each pinned environment to its commit. It is read only:
	// PinGitSource and UnpinGitSource change it.
	Pinned    map[string]string `json:"pinned,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// GitValidationError is one problem that kept a commit from becoming active.
type GitValidationError struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

// String formats the problem as file:line:col: message, leaving out unknown
// parts.
func (e GitValidationError) String() string {
	pos := e.File
	if e.Line > 0 {
		pos += fmt.Sprintf(":%d", e.Line)
		if e.Column > 0 {
			pos += fmt.Sprintf(":%d", e.Column)
		}
	}
	if pos == "" {
		return e.Message
	}
	return pos + ": " + e.Message
}

// GitFileChange is a file added, modified or removed by an activation; hashes
// are Git blob ids (content hashes).
type GitFileChange struct {
	Path    string `json:"path"`
	Change  string `json:"change"` // added, modified or removed
	Hash    string `json:"hash,omitempty"`
	OldHash string `json:"old_hash,omitempty"`
}

// GitEnvStatus is the state of one environment of a source.
type GitEnvStatus struct {
	Name string `json:"name"`
	// Branch followed ("" for a tag, a fixed commit or the remote HEAD).
	Branch        string     `json:"branch"`
	ActiveCommit  string     `json:"active_commit"`
	ActiveMessage string     `json:"active_message"`
	ActiveAuthor  string     `json:"active_author"`
	CommitTime    *time.Time `json:"commit_time"`
	ActivatedAt   *time.Time `json:"activated_at"`
	Pinned        bool       `json:"pinned"`
	// Tip is the upstream commit seen by the last sync.
	Tip string `json:"tip,omitempty"`
	// Rejected is the last commit that failed validation, Errors its
	// problems.
	Rejected    string               `json:"rejected,omitempty"`
	Errors      []GitValidationError `json:"errors,omitempty"`
	LastAttempt *time.Time           `json:"last_attempt"`
	LastSuccess *time.Time           `json:"last_success"`
	LastError   string               `json:"last_error"`
	// Files are the changes of the last activation.
	Files []GitFileChange `json:"files"`
}

// GitStatus is the status of a source: its default environment's active
// commit at the top level, every environment in Environments.
type GitStatus struct {
	Name          string     `json:"name"`
	URL           string     `json:"url"`
	Kind          string     `json:"kind"`
	Branch        string     `json:"branch"`
	ActiveCommit  string     `json:"active_commit"`
	ActiveMessage string     `json:"active_message"`
	ActiveAuthor  string     `json:"active_author"`
	ActiveTime    *time.Time `json:"active_time"`
	ActivatedAt   *time.Time `json:"activated_at"`
	Pinned        bool       `json:"pinned"`
	LastAttempt   *time.Time `json:"last_attempt"`
	LastSuccess   *time.Time `json:"last_success"`
	// LastError is the fetch error, else the first environment's error
	// (file:line:col: message when validation failed).
	LastError string               `json:"last_error"`
	Errors    []GitValidationError `json:"errors,omitempty"`
	// NextRun is when the schedule syncs next (nil without an interval).
	NextRun *time.Time `json:"next_run"`
	// Files are the changes of the default environment's last activation.
	Files        []GitFileChange `json:"files"`
	Environments []GitEnvStatus  `json:"environments"`
}

// GitSyncEntry is one entry of a source's sync history: what one sync, pin,
// unpin or promotion did to one environment.
type GitSyncEntry struct {
	Source      string `json:"source"`
	Environment string `json:"environment,omitempty"`
	// Trigger is manual, schedule, webhook, pin, unpin or promote.
	Trigger string `json:"trigger"`
	// Outcome is activated, unchanged, rejected, pinned or failed.
	Outcome    string               `json:"outcome"`
	Commit     string               `json:"commit,omitempty"`
	Message    string               `json:"message,omitempty"`
	Author     string               `json:"author,omitempty"`
	CommitTime *time.Time           `json:"commit_time,omitempty"`
	Previous   string               `json:"previous,omitempty"`
	SyncedAt   time.Time            `json:"synced_at"`
	Forced     bool                 `json:"forced,omitempty"`
	Error      string               `json:"error,omitempty"`
	Errors     []GitValidationError `json:"errors,omitempty"`
	Files      []GitFileChange      `json:"files,omitempty"`
}

// Outcomes of a GitSyncEntry.
const (
	GitActivated = "activated"
	GitUnchanged = "unchanged"
	GitRejected  = "rejected"
	GitPinned    = "pinned"
	GitFailed    = "failed"
)

// GitSyncResult is what one sync of one source did, per environment.
type GitSyncResult struct {
	Source       string         `json:"source"`
	Trigger      string         `json:"trigger"`
	Started      time.Time      `json:"started"`
	Finished     time.Time      `json:"finished"`
	Environments []GitSyncEntry `json:"environments"`
	// Error says why the sync could not run (remote unreachable, ...).
	Error string `json:"error,omitempty"`
}

// GitConflict is a file both sides of a promotion changed; hashes are Git blob
// ids ("" when the file does not exist on that side).
type GitConflict struct {
	Path       string `json:"path"`
	SourceHash string `json:"source_hash"`
	TargetHash string `json:"target_hash"`
	BaseHash   string `json:"base_hash,omitempty"`
}

// GitPromoteResult is what a promotion did.
type GitPromoteResult struct {
	Source string `json:"source"`
	From   string `json:"from"`
	To     string `json:"to"`
	Branch string `json:"branch"`
	// Kind is up_to_date, fast_forward, merge or conflict.
	Kind         string        `json:"kind"`
	Commit       string        `json:"commit"`
	TargetBefore string        `json:"target_before,omitempty"`
	TargetAfter  string        `json:"target_after,omitempty"`
	Conflicts    []GitConflict `json:"conflicts,omitempty"`
	Activation   *GitSyncEntry `json:"activation,omitempty"`
	// ChangeSet is the change set proposed instead of promoting (Kind
	// proposed): an approval rule covers the promotion, or it was asked
	// for. Nothing was pushed; applying the approved set promotes.
	ChangeSet *ChangeSet `json:"change_set,omitempty"`
}

// GitPromoteProposed is the Kind of a GitPromoteResult whose promotion
// was proposed as a change set rather than performed.
const GitPromoteProposed = "proposed"

// GitPromotion is a promotion as a change set stages it (the data of its
// operation: op promote, kind git_source) and as approval rules see it: a
// condition over git_source.name, .from, .to, .commit, .prefer and
// .branch (`git_source.to == "production"`).
type GitPromotion struct {
	// Name is the source's name.
	Name string `json:"name"`
	From string `json:"from"`
	To   string `json:"to"`
	// Branch is the branch of To that moves.
	Branch string `json:"branch"`
	// Commit is From's active commit when the promotion was proposed: the
	// one promoted when the set is applied (refused with a conflict when
	// From has moved since).
	Commit string `json:"commit"`
	Prefer string `json:"prefer,omitempty"`
}

// GitPromotedData is the payload of the event git.promoted: a promotion
// that pushed (Before and After are the target branch's tips), how (Kind
// fast_forward or merge), the change set that carried it, and whether the
// target environment activated the pushed commit.
type GitPromotedData struct {
	Source       string `json:"source"`
	From         string `json:"from"`
	To           string `json:"to"`
	Branch       string `json:"branch"`
	Kind         string `json:"kind"`
	Commit       string `json:"commit"`
	Before       string `json:"before"`
	After        string `json:"after"`
	Conflicts    int    `json:"conflicts"`
	ChangeSet    string `json:"change_set,omitempty"`
	Emergency    bool   `json:"emergency,omitempty"`
	Reason       string `json:"reason,omitempty"`
	Activated    bool   `json:"activated"`
	ActiveCommit string `json:"active_commit,omitempty"`
}

// GitPromoteRequest asks for a promotion (PromoteGit).
type GitPromoteRequest struct {
	Source string `json:"source"`
	From   string `json:"from"`
	To     string `json:"to"`
	// Prefer (source or target) resolves files both sides changed.
	Prefer string `json:"prefer,omitempty"`
	// Propose proposes the promotion as a change set even when no approval
	// rule covers it; Reason is its description.
	Propose bool   `json:"propose,omitempty"`
	Reason  string `json:"reason,omitempty"`
	// Emergency (with Reason) promotes at once even when approval rules
	// cover the promotion; it is flagged for review like any emergency.
	Emergency bool `json:"emergency,omitempty"`
}

// GitService manages Git sources of policies and templates: their
// configuration, syncs (validate before activate), status and history,
// pinning and promotion between environments (SPEC §6), and the export of the
// inventory into a source.
type GitService interface {
	GitExporter
	AddGitSource(ctx context.Context, src *GitSource, o WriteOptions) (*GitSource, error)
	ListGitSources(ctx context.Context) ([]GitSource, error)
	GetGitSource(ctx context.Context, name string) (*GitSource, error)
	RemoveGitSource(ctx context.Context, name string, o DeleteOptions) error
	// SyncGitSource syncs one source, or every source when name is empty.
	// A commit that fails validation is reported in the results and as an
	// invalid error carrying file:line; the previous snapshot stays active.
	SyncGitSource(ctx context.Context, name, trigger string) ([]GitSyncResult, error)
	// GitStatus returns the status of one source, or of all when name is
	// empty.
	GitStatus(ctx context.Context, name string) ([]GitStatus, error)
	// GitLog returns up to limit history entries, newest first (limit <= 0:
	// all).
	GitLog(ctx context.Context, name string, limit int) ([]GitSyncEntry, error)
	PinGitSource(ctx context.Context, name, env, commit string) (*GitSyncEntry, error)
	UnpinGitSource(ctx context.Context, name, env string) (*GitSyncResult, error)
	// PromoteGitSource moves environment to's branch to environment from's
	// active commit; prefer (source, target or "") resolves same-file
	// conflicts.
	PromoteGitSource(ctx context.Context, name, from, to, prefer string) (*GitPromoteResult, error)
	// PromoteGit performs a promotion, or proposes it as a change set when
	// an approval rule covers it (or req.Propose asks); req.Emergency
	// bypasses the rules. A proposal returns Kind "proposed" with the set.
	PromoteGit(ctx context.Context, req GitPromoteRequest) (*GitPromoteResult, error)
}

// GitExportRequest writes the inventory into a Git source (inventory as code).
type GitExportRequest struct {
	Source string `json:"source"`
	// Environment whose branch receives the commit ("" = the source's own).
	Environment string `json:"environment,omitempty"`
	// Dir is the directory (below the source's sub-directory) the export
	// replaces; default "inventory".
	Dir     string `json:"dir,omitempty"`
	Message string `json:"message,omitempty"`
}

// GitExportResult is the commit an export made.
type GitExportResult struct {
	Source  string `json:"source"`
	Branch  string `json:"branch"`
	Commit  string `json:"commit"`
	Parent  string `json:"parent"`
	Changed bool   `json:"changed"`
	Files   int    `json:"files"`
}

// GitExporter writes the inventory into a Git source as import-format files,
// commits with the actor as author and pushes.
type GitExporter interface {
	ExportInventoryToGit(ctx context.Context, req GitExportRequest) (*GitExportResult, error)
}
