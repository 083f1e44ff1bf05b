package gitsync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

func TestSyncClonesAndActivates(t *testing.T) {
	r, first := newRepo(t)
	s := newSyncer(t, nil)
	src := testSource(r.URL())

	res := mustSync(t, s, src)
	e := envResult(t, res, DefaultEnvironment)
	if e.Outcome != OutcomeActivated || e.Commit != first {
		t.Fatalf("first sync: outcome %s commit %s, want activated %s (%+v)", e.Outcome, e.Commit, first, e)
	}
	if e.Message != "first policies" || !strings.Contains(e.Author, testutil.GitAuthorEmail) || e.CommitTime.IsZero() {
		t.Fatalf("commit metadata not recorded: %+v", e)
	}
	if len(e.Files) != 5 {
		t.Fatalf("files of first sync = %+v, want 5 added", e.Files)
	}
	for _, f := range e.Files {
		if f.Change != FileAdded || f.Hash != r.BareGit("rev-parse", first+":"+f.Path) {
			t.Fatalf("file change %+v: want added with the blob hash", f)
		}
	}
	snap := active(t, s, src, DefaultEnvironment)
	if snap.Commit != first || filepath.Base(snap.Dir) != first {
		t.Fatalf("active snapshot %+v, want commit %s", snap, first)
	}
	if got := readFile(t, snap.Dir, "templates/ntp.j2"); got != "ntp server {{ vars.ntp }}\n" {
		t.Fatalf("snapshot content %q", got)
	}
	if info, err := os.Stat(filepath.Join(snap.Dir, "core.rules")); err != nil || info.Mode().Perm()&0o222 != 0 {
		t.Fatalf("snapshot files must be read-only: %v %v", info.Mode(), err)
	}

	// Same commit again: nothing to do, nothing added to the history.
	calls := 0
	s.validators[KindPolicies] = func(ctx context.Context, dir string) []ValidationError {
		calls++
		return lineValidator(ctx, dir)
	}
	res = mustSync(t, s, src)
	if e := envResult(t, res, DefaultEnvironment); e.Outcome != OutcomeUnchanged || e.Commit != first {
		t.Fatalf("second sync: %+v, want unchanged", e)
	}
	if calls != 0 {
		t.Fatalf("unchanged commit validated %d times", calls)
	}
	hist, err := s.History(context.Background(), src.Name, 0)
	if err != nil || len(hist) != 1 || hist[0].Outcome != OutcomeActivated || hist[0].Commit != first {
		t.Fatalf("history = %+v, %v; want the one activation", hist, err)
	}
	st, err := s.State(context.Background(), src.Name)
	if err != nil || st.LastSuccess.IsZero() || st.LastError != "" || st.Environments[DefaultEnvironment].Commit != first {
		t.Fatalf("state = %+v, %v", st, err)
	}
}

func TestSyncActivatesNewValidCommitWithFileChanges(t *testing.T) {
	r, first := newRepo(t)
	s := newSyncer(t, nil)
	src := testSource(r.URL())
	mustSync(t, s, src)

	second := r.Commit("main", "tighten core", map[string]string{
		"core.rules":     "WHEN node.role == \"core\" THEN ASSERT node.vendor IS \"juniper\"\n",
		"site/lon.rules": "# london\n",
	}, "site/ams.rules")
	e := envResult(t, mustSync(t, s, src), DefaultEnvironment)
	if e.Outcome != OutcomeActivated || e.Commit != second || e.Previous != first || e.Forced {
		t.Fatalf("sync after new commit: %+v", e)
	}
	want := map[string]ChangeType{"core.rules": FileModified, "site/lon.rules": FileAdded, "site/ams.rules": FileRemoved}
	if len(e.Files) != len(want) {
		t.Fatalf("files = %+v, want %v", e.Files, want)
	}
	for _, f := range e.Files {
		if want[f.Path] != f.Change {
			t.Fatalf("file %s: change %s, want %s", f.Path, f.Change, want[f.Path])
		}
		switch f.Change {
		case FileModified:
			if f.Hash != r.BareGit("rev-parse", second+":"+f.Path) || f.OldHash != r.BareGit("rev-parse", first+":"+f.Path) {
				t.Fatalf("hashes of %+v", f)
			}
		case FileRemoved:
			if f.Hash != "" || f.OldHash != r.BareGit("rev-parse", first+":"+f.Path) {
				t.Fatalf("hashes of %+v", f)
			}
		}
	}
	snap := active(t, s, src, "")
	if snap.Commit != second || !strings.Contains(readFile(t, snap.Dir, "core.rules"), "juniper") {
		t.Fatalf("active snapshot %+v", snap)
	}
	if _, err := os.Stat(filepath.Join(snap.Dir, "site", "ams.rules")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("removed file still in snapshot: %v", err)
	}
}

func TestSyncRejectsInvalidCommitAndKeepsLastGood(t *testing.T) {
	r, first := newRepo(t)
	s := newSyncer(t, nil)
	src := testSource(r.URL())
	mustSync(t, s, src)

	bad := r.Commit("main", "broken rule", map[string]string{"site/ams.rules": "# ok\n# ok\nWHEN INVALID\n"})
	e := envResult(t, mustSync(t, s, src), DefaultEnvironment)
	if e.Outcome != OutcomeRejected || e.Commit != bad || e.Previous != first {
		t.Fatalf("sync of invalid commit: %+v", e)
	}
	if len(e.Errors) != 1 || e.Errors[0].File != "site/ams.rules" || e.Errors[0].Line != 3 || e.Errors[0].Column != 6 {
		t.Fatalf("validation errors = %+v, want site/ams.rules:3:6", e.Errors)
	}
	if !strings.HasPrefix(e.Error, "site/ams.rules:3:6: unexpected INVALID") {
		t.Fatalf("error = %q", e.Error)
	}
	if snap := active(t, s, src, ""); snap.Commit != first {
		t.Fatalf("active after rejection = %s, want %s", snap.Commit, first)
	}
	if _, err := os.Stat(s.snapshotPath(src.Name, bad)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("snapshot of rejected commit kept: %v", err)
	}
	st, _ := s.State(context.Background(), src.Name)
	if es := st.Environments[DefaultEnvironment]; es.Rejected != bad || !strings.Contains(es.LastError, "site/ams.rules:3") || es.Commit != first {
		t.Fatalf("state after rejection: %+v", es)
	}

	// The rejected tip is not validated again until it changes...
	e = envResult(t, mustSync(t, s, src), DefaultEnvironment)
	if e.Outcome != OutcomeUnchanged || len(e.Errors) != 1 {
		t.Fatalf("second sync of rejected tip: %+v", e)
	}
	// ...unless forced.
	res, err := s.Sync(context.Background(), src, SyncOptions{Force: true})
	if err != nil || envResult(t, res, DefaultEnvironment).Outcome != OutcomeRejected {
		t.Fatalf("forced sync: %+v %v", res, err)
	}

	fixed := r.Commit("main", "fix rule", map[string]string{"site/ams.rules": "# ok\n"})
	e = envResult(t, mustSync(t, s, src), DefaultEnvironment)
	if e.Outcome != OutcomeActivated || e.Commit != fixed || e.Previous != first {
		t.Fatalf("sync of fixed commit: %+v", e)
	}
	hist, _ := s.History(context.Background(), src.Name, 0)
	var outcomes []string
	for _, h := range hist {
		outcomes = append(outcomes, string(h.Outcome))
	}
	if got := strings.Join(outcomes, ","); got != "activated,rejected,rejected,activated" {
		t.Fatalf("history outcomes (newest first) = %s", got)
	}
}

func TestSyncHandlesForcePush(t *testing.T) {
	r, first := newRepo(t)
	s := newSyncer(t, nil)
	src := testSource(r.URL())
	r.Commit("main", "second", map[string]string{"core.rules": "# v2\n"})
	mustSync(t, s, src)

	rewritten := r.ForceReset("main", first, "rewritten history", map[string]string{"core.rules": "# v2 rewritten\n"})
	e := envResult(t, mustSync(t, s, src), DefaultEnvironment)
	if e.Outcome != OutcomeActivated || e.Commit != rewritten || !e.Forced {
		t.Fatalf("sync after force-push: %+v, want activated and forced", e)
	}
	if got := readFile(t, active(t, s, src, "").Dir, "core.rules"); got != "# v2 rewritten\n" {
		t.Fatalf("content after force-push = %q", got)
	}
	hist, _ := s.History(context.Background(), src.Name, 1)
	if len(hist) != 1 || !hist[0].Forced {
		t.Fatalf("force-push not logged in history: %+v", hist)
	}
}

func TestSyncUnreachableRemoteIsRetryable(t *testing.T) {
	port, err := testutil.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	s := newSyncer(t, nil)
	src := testSource("http://127.0.0.1:" + strconv.Itoa(port) + "/intent.git")
	res, err := s.Sync(context.Background(), src, SyncOptions{Trigger: TriggerSchedule})
	if err == nil || !IsRetryable(err) {
		t.Fatalf("sync of unreachable remote: err = %v, want a retryable error", err)
	}
	var re *RemoteError
	if !errors.As(err, &re) || re.Op != "fetch" || re.Source != src.Name {
		t.Fatalf("error %v is not a fetch RemoteError", err)
	}
	if len(res.Environments) != 1 || res.Environments[0].Outcome != OutcomeFailed {
		t.Fatalf("result = %+v", res)
	}
	st, _ := s.State(context.Background(), src.Name)
	if st.LastError == "" || st.LastAttempt.IsZero() || !st.LastSuccess.IsZero() {
		t.Fatalf("state after failure = %+v", st)
	}
	hist, _ := s.History(context.Background(), src.Name, 0)
	if len(hist) != 1 || hist[0].Outcome != OutcomeFailed || hist[0].Trigger != TriggerSchedule {
		t.Fatalf("history = %+v", hist)
	}

	// A repository that does not exist is a permanent error.
	missing := testSource("file://" + filepath.ToSlash(filepath.Join(t.TempDir(), "nope.git")))
	if _, err := s.Sync(context.Background(), missing, SyncOptions{}); err == nil || IsRetryable(err) {
		t.Fatalf("sync of missing repository: err = %v, want permanent", err)
	}
}

func TestSyncOverHTTPWithToken(t *testing.T) {
	r, first := newRepo(t)
	srv := testutil.ServeGitHTTP(t, r.Root, "ci-bot", "t0ken")
	secrets := map[string]string{"vault:git/token": "t0ken", "vault:git/wrong": "nope"}
	s, err := New(Options{
		AllowLocalURLs: true,
		DataDir:        t.TempDir(),
		Validators:     map[Kind]Validator{KindPolicies: lineValidator},
		Secrets: func(_ context.Context, ref string) (string, error) {
			v, ok := secrets[ref]
			if !ok {
				return "", errors.New("no such secret")
			}
			return v, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	src := testSource(srv.RepoURL(r))
	src.Auth = &Auth{Username: "ci-bot", TokenRef: "vault:git/token"}
	e := envResult(t, mustSync(t, s, src), DefaultEnvironment)
	if e.Outcome != OutcomeActivated || e.Commit != first {
		t.Fatalf("sync over HTTP: %+v", e)
	}

	for _, ref := range []string{"vault:git/wrong", "vault:git/missing"} {
		bad := src
		bad.Name = "bad-" + strings.ReplaceAll(ref, "/", "-")[6:]
		bad.Auth = &Auth{Username: "ci-bot", TokenRef: ref}
		_, err := s.Sync(context.Background(), bad, SyncOptions{})
		if err == nil || IsRetryable(err) {
			t.Fatalf("sync with secret %s: err = %v, want a permanent error", ref, err)
		}
		if strings.Contains(err.Error(), "nope") {
			t.Fatalf("error leaks the secret: %v", err)
		}
	}
	anon := src
	anon.Name, anon.Auth = "anonymous", nil
	if _, err := s.Sync(context.Background(), anon, SyncOptions{}); err == nil || IsRetryable(err) {
		t.Fatalf("anonymous sync of protected repo: err = %v, want permanent", err)
	}
}

func TestSyncSubdirectoryTagAndCommit(t *testing.T) {
	r, first := newRepo(t)
	r.BareGit("tag", "-a", "-m", "release 1", "v1", first)
	second := r.Commit("main", "second", map[string]string{"templates/ntp.j2": "ntp server 192.0.2.1\n"})
	s := newSyncer(t, nil)

	sub := Source{Name: "tpl", URL: r.URL(), Branch: "main", Path: "templates/", Kind: KindTemplates}
	e := envResult(t, mustSync(t, s, sub), DefaultEnvironment)
	if e.Outcome != OutcomeActivated || e.Commit != second || len(e.Files) != 2 || e.Files[0].Path != "aaa.j2" {
		t.Fatalf("sub-directory sync: %+v", e)
	}
	snap := active(t, s, sub, "")
	if readFile(t, snap.Dir, "ntp.j2") != "ntp server 192.0.2.1\n" {
		t.Fatal("sub-directory snapshot content")
	}
	if _, err := os.Stat(filepath.Join(snap.Dir, "core.rules")); err == nil {
		t.Fatal("snapshot of a sub-directory contains files outside it")
	}

	tag := Source{Name: "tagged", URL: r.URL(), Tag: "v1", Kind: KindPolicies}
	if e := envResult(t, mustSync(t, s, tag), DefaultEnvironment); e.Commit != first || e.Outcome != OutcomeActivated {
		t.Fatalf("tag sync: %+v", e)
	}
	fixed := Source{Name: "fixed", URL: r.URL(), Commit: first[:10], Kind: KindPolicies}
	if e := envResult(t, mustSync(t, s, fixed), DefaultEnvironment); e.Commit != first {
		t.Fatalf("commit sync: %+v", e)
	}
	head := Source{Name: "head", URL: r.URL(), Kind: KindPolicies}
	if e := envResult(t, mustSync(t, s, head), DefaultEnvironment); e.Commit != second {
		t.Fatalf("remote HEAD sync: %+v", e)
	}
	missing := Source{Name: "missing", URL: r.URL(), Branch: "main", Path: "nope", Kind: KindPolicies}
	e = envResult(t, mustSync(t, s, missing), DefaultEnvironment)
	if e.Outcome != OutcomeRejected || len(e.Errors) != 1 || e.Errors[0].File != "nope" {
		t.Fatalf("missing sub-directory: %+v", e)
	}
}

func TestEnvironmentsTrackDifferentBranches(t *testing.T) {
	r, first := newRepo(t)
	r.Branch("production", first)
	staging := r.Commit("staging", "staging change", map[string]string{"templates/ntp.j2": "ntp server 198.51.100.1\n"})
	s := newSyncer(t, nil)
	src := testSource(r.URL())
	src.Environments = map[string]string{"staging": "staging", "production": "production"}

	res := mustSync(t, s, src)
	if len(res.Environments) != 3 {
		t.Fatalf("result environments = %+v", res.Environments)
	}
	prod := active(t, s, src, "production")
	stag := active(t, s, src, "staging")
	if prod.Commit != first || stag.Commit != staging || prod.Dir == stag.Dir {
		t.Fatalf("production %s staging %s, want %s and %s", prod.Commit, stag.Commit, first, staging)
	}
	if readFile(t, prod.Dir, "templates/ntp.j2") == readFile(t, stag.Dir, "templates/ntp.j2") {
		t.Fatal("environments render the same template version")
	}
	// An environment the source does not define uses the default one.
	if other := active(t, s, src, "lab"); other.Environment != DefaultEnvironment || other.Commit != first {
		t.Fatalf("undefined environment: %+v", other)
	}

	// An environment whose branch is broken keeps its own last good commit.
	r.Commit("staging", "break staging", map[string]string{"core.rules": "INVALID\n"})
	res = mustSync(t, s, src)
	if envResult(t, res, "staging").Outcome != OutcomeRejected || envResult(t, res, "production").Outcome != OutcomeUnchanged {
		t.Fatalf("result = %+v", res)
	}
	if got := active(t, s, src, "staging").Commit; got != staging {
		t.Fatalf("staging active = %s, want %s", got, staging)
	}
}
