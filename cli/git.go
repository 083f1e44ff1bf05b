package cli

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
)

func (a *app) gitService(cmd *cobra.Command, dataDir string) (unet.GitService, error) {
	if dataDir == "" {
		dataDir = a.env.Getenv("UNET_DATA_DIR")
	}
	if dataDir != "" && a.server != "" {
		return nil, usagef("--data-dir names a local directory; a server keeps its own Git data")
	}
	svc, err := a.service(cmd.Context())
	if err != nil {
		return nil, err
	}
	// The local service keeps its Git mirrors and snapshots in a data
	// directory; a server keeps its own.
	if a.local != nil && dataDir != "" {
		a.local.SetGitDataDir(dataDir)
	}
	return svc, nil
}

func (a *app) gitCommand() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "git",
		Short: "Git sources of policies and templates: sync, status, pin, promote",
		Long: `Policies and templates live in Git sources. A sync fetches a source, validates
each new commit (every rule parses and checks, every template compiles) and only
then activates it; a commit that fails validation never becomes active.

Each environment of a source (--env NAME=BRANCH) has its own active snapshot; a
node's environment picks the one that evaluates and renders it.`,
	}
	cmd.PersistentFlags().StringVar(&dataDir, "data-dir", "", "directory of the Git mirrors and snapshots (env UNET_DATA_DIR; default unet-data beside a SQLite database)")
	svc := func(cmd *cobra.Command) (unet.GitService, error) { return a.gitService(cmd, dataDir) }
	pin := a.gitPinCommands(svc)
	cmd.AddCommand(a.gitSourcesCommand(svc), a.gitSyncCommand(svc), a.gitStatusCommand(svc), a.gitLogCommand(svc),
		pin[0], pin[1], a.gitPromoteCommand(svc), a.gitExportCommand(svc))
	return cmd
}

type gitServiceFunc func(cmd *cobra.Command) (unet.GitService, error)

func (a *app) gitSourcesCommand(svc gitServiceFunc) *cobra.Command {
	cmd := &cobra.Command{Use: "sources", Aliases: []string{"source"}, Short: "Manage Git sources (credentials are secret references)"}

	var src unet.GitSource
	var auth unet.GitAuth
	var authRef, knownHosts, reason string
	var envs []string
	add := &cobra.Command{
		Use:   "add NAME --url URL [--branch B | --tag T | --commit C] [--path SUBDIR] [--kind policies|templates|both] [--env NAME=BRANCH]...",
		Short: "Add a source; it is fetched and validated by the next sync",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src.Name = args[0]
			if src.URL == "" {
				return usagef("--url is required")
			}
			if len(envs) > 0 {
				src.Environments = map[string]string{}
				for _, e := range envs {
					name, branch, ok := strings.Cut(e, "=")
					if !ok || name == "" || branch == "" {
						return usagef("--env %q: want NAME=BRANCH", e)
					}
					if _, dup := src.Environments[name]; dup {
						return usagef("--env %s given twice", name)
					}
					src.Environments[name] = branch
				}
			}
			if authRef != "" {
				if auth.Username != "" {
					auth.PasswordRef = authRef
				} else {
					auth.TokenRef = authRef
				}
			}
			if knownHosts != "" {
				data, err := os.ReadFile(knownHosts)
				if err != nil {
					return unet.Errorf(unet.EINVALID, "--known-hosts: %v", err)
				}
				auth.KnownHosts = string(data)
			}
			if auth != (unet.GitAuth{}) {
				src.Auth = &auth
			}
			gs, err := svc(cmd)
			if err != nil {
				return err
			}
			out, err := gs.AddGitSource(a.ctx(cmd), &src, unet.WriteOptions{Reason: reason})
			if err != nil {
				return err
			}
			return a.printer().emit(out, func() any { return gitSourceKV(out) })
		},
	}
	f := add.Flags()
	f.StringVar(&src.URL, "url", "", "repository URL: https://, http://, ssh://, user@host:path, file:// or a local path")
	f.StringVar(&src.Branch, "branch", "", "branch the default environment follows (default: the remote's default branch)")
	f.StringVar(&src.Tag, "tag", "", "tag the default environment follows")
	f.StringVar(&src.Commit, "commit", "", "fixed commit of the default environment")
	f.StringVar(&src.Path, "path", "", "sub-directory of the repository holding the files")
	f.StringVar(&src.PoliciesDir, "policies-dir", "", "directory below --path holding the *.rules files (default: policies/ when present, else --path)")
	f.StringVar(&src.TemplatesDir, "templates-dir", "", "directory below --path holding the templates (default: templates/ when present, else --path)")
	f.StringVar(&src.Kind, "kind", unet.GitKindBoth, "what the source holds: policies, templates or both")
	f.StringVar(&authRef, "auth", "", "HTTPS token (or, with --username, password) as a secret reference (env:NAME, file:/path, db:NAME)")
	f.StringVar(&authRef, "token-ref", "", "same as --auth")
	f.StringVar(&auth.Username, "username", "", "HTTPS basic-auth user name, or the SSH login")
	f.StringVar(&auth.SSHKeyRef, "ssh-key", "", "SSH private key as a secret reference")
	f.StringVar(&auth.SSHPassphraseRef, "ssh-passphrase", "", "passphrase of the SSH key as a secret reference")
	f.StringVar(&knownHosts, "known-hosts", "", "known_hosts file with the accepted SSH host keys (required for SSH)")
	f.StringVar(&src.WebhookSecretRef, "webhook-secret", "", "secret that signs webhook deliveries, as a secret reference")
	f.StringVar(&src.Interval, "interval", "", "interval of scheduled syncs, e.g. 5m (default: none)")
	f.StringArrayVar(&envs, "env", nil, "environment NAME=BRANCH (repeatable)")
	f.StringVar(&reason, "reason", "", "reason recorded in the change log")

	list := &cobra.Command{
		Use:   "list",
		Short: "List sources",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			gs, err := svc(cmd)
			if err != nil {
				return err
			}
			srcs, err := gs.ListGitSources(cmd.Context())
			if err != nil {
				return err
			}
			return a.printer().emit(srcs, func() any {
				t := table{header: []string{"NAME", "URL", "REF", "PATH", "KIND", "ENVIRONMENTS", "INTERVAL"}}
				for _, s := range srcs {
					t.rows = append(t.rows, []string{s.Name, s.URL, gitRef(&s), dash(s.Path), s.Kind, dash(gitEnvList(&s)), dash(s.Interval)})
				}
				return t
			})
		},
	}
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a source (secret references, never secret values)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			gs, err := svc(cmd)
			if err != nil {
				return err
			}
			s, err := gs.GetGitSource(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return a.printer().emit(s, func() any { return gitSourceKV(s) })
		},
	}
	var dopts unet.DeleteOptions
	remove := &cobra.Command{
		Use:     "remove NAME",
		Aliases: []string{"delete"},
		Short:   "Remove a source with its state, history and local snapshots",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			gs, err := svc(cmd)
			if err != nil {
				return err
			}
			if err := gs.RemoveGitSource(a.ctx(cmd), args[0], dopts); err != nil {
				return err
			}
			return a.printer().emit(map[string]any{"deleted": unet.KindGitSource, "ref": args[0]}, func() any {
				return "removed Git source " + args[0] + "\n"
			})
		},
	}
	remove.Flags().StringVar(&dopts.Reason, "reason", "", "reason recorded in the change log")
	cmd.AddCommand(add, list, show, remove)
	return cmd
}

func gitRef(s *unet.GitSource) string {
	switch {
	case s.Tag != "":
		return "tag " + s.Tag
	case s.Commit != "":
		return "commit " + s.Commit
	case s.Branch != "":
		return s.Branch
	}
	return "HEAD"
}

func gitEnvList(s *unet.GitSource) string {
	names := make([]string, 0, len(s.Environments))
	for n := range s.Environments {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + s.Environments[n]
		if c, ok := s.Pinned[n]; ok {
			parts[i] += " (pinned " + shortCommit(c) + ")"
		}
	}
	return strings.Join(parts, ", ")
}

func gitSourceKV(s *unet.GitSource) kv {
	out := kv{{"name", s.Name}, {"url", s.URL}, {"ref", gitRef(s)}, {"path", dash(s.Path)},
		{"policies_dir", dash(s.PoliciesDir)}, {"templates_dir", dash(s.TemplatesDir)}, {"kind", s.Kind},
		{"environments", dash(gitEnvList(s))}, {"interval", dash(s.Interval)}, {"webhook_secret", dash(s.WebhookSecretRef)}}
	if c, ok := s.Pinned["default"]; ok {
		out = append(out, [2]string{"pinned", shortCommit(c)})
	}
	if a := s.Auth; a != nil {
		out = append(out, [2]string{"username", dash(a.Username)}, [2]string{"token", dash(a.TokenRef)},
			[2]string{"password", dash(a.PasswordRef)}, [2]string{"ssh_key", dash(a.SSHKeyRef)})
		if a.KnownHosts != "" {
			out = append(out, [2]string{"known_hosts", strconv.Itoa(strings.Count(strings.TrimSpace(a.KnownHosts), "\n")+1) + " line(s)"})
		}
	}
	return out
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return dash(c)
}

func fmtTimePtr(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// firstLine is the subject of a commit message.
func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func (a *app) gitSyncCommand(svc gitServiceFunc) *cobra.Command {
	return &cobra.Command{
		Use:   "sync [SOURCE]",
		Short: "Fetch sources (all by default), validate new commits and activate those that pass",
		Long: `Fetch a source (every source without an argument) and, for each environment,
validate the new commit and activate it when it passes. A commit that fails
validation is not activated: the previous snapshot stays active, the problems
are listed with file:line, and the exit code is 66.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			gs, err := svc(cmd)
			if err != nil {
				return err
			}
			res, err := gs.SyncGitSource(a.ctx(cmd), optionalArg(args), "manual")
			if res != nil {
				if perr := a.printer().emit(res, func() any { return syncTable(res) }); perr != nil && err == nil {
					err = perr
				}
			}
			return err
		},
	}
}

func syncTable(res []unet.GitSyncResult) table {
	t := table{header: []string{"SOURCE", "ENVIRONMENT", "OUTCOME", "COMMIT", "FILES", "DETAIL"}}
	for _, r := range res {
		if r.Error != "" && len(r.Environments) == 0 {
			t.rows = append(t.rows, []string{r.Source, "-", unet.GitFailed, "-", "-", r.Error})
		}
		for _, e := range r.Environments {
			detail := firstLine(e.Message)
			if e.Error != "" {
				detail = e.Error
			}
			if e.Forced {
				detail += " (history rewritten upstream)"
			}
			t.rows = append(t.rows, []string{r.Source, dash(e.Environment), e.Outcome, shortCommit(e.Commit), strconv.Itoa(len(e.Files)), dash(detail)})
		}
	}
	return t
}

func (a *app) gitStatusCommand(svc gitServiceFunc) *cobra.Command {
	return &cobra.Command{
		Use:   "status [SOURCE]",
		Short: "Show the active commit of every environment, the last sync and its error",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			gs, err := svc(cmd)
			if err != nil {
				return err
			}
			sts, err := gs.GitStatus(cmd.Context(), optionalArg(args))
			if err != nil {
				return err
			}
			if a.output != "table" {
				return a.printer().emit(sts, nil)
			}
			srcs, err := gs.ListGitSources(cmd.Context())
			if err != nil {
				return err
			}
			byName := make(map[string]unet.GitSource, len(srcs))
			for _, s := range srcs {
				byName[s.Name] = s
			}
			return a.printer().emit(sts, func() any { return statusText(sts, byName) })
		},
	}
}

func statusText(sts []unet.GitStatus, srcs map[string]unet.GitSource) string {
	var b strings.Builder
	for i, st := range sts {
		if i > 0 {
			b.WriteString("\n")
		}
		k := kv{{"source", st.Name}, {"url", st.URL}, {"branch", dash(st.Branch)}, {"kind", st.Kind},
			{"active_commit", dash(st.ActiveCommit)}, {"active_message", dash(firstLine(st.ActiveMessage))},
			{"active_author", dash(st.ActiveAuthor)}, {"active_time", fmtTimePtr(st.ActiveTime)},
			{"pinned", strconv.FormatBool(st.Pinned)}, {"last_attempt", fmtTimePtr(st.LastAttempt)},
			{"last_success", fmtTimePtr(st.LastSuccess)}, {"last_error", dash(st.LastError)}, {"next_run", fmtTimePtr(st.NextRun)}}
		b.WriteString(kvText(k))
		rejected := false
		for _, e := range st.Environments {
			rejected = rejected || stillRejected(e)
		}
		if !rejected {
			for _, e := range st.Errors {
				b.WriteString("  " + e.String() + "\n")
			}
		}
		for _, e := range st.Environments {
			if !stillRejected(e) {
				continue
			}
			fmt.Fprintf(&b, "rejected in %s: commit %s (%d problem(s); %s stays active)\n", e.Name, shortCommit(e.Rejected),
				len(e.Errors), shortCommit(e.ActiveCommit))
			for _, v := range e.Errors {
				b.WriteString("  " + oneLineText(v.String()) + "\n")
			}
		}
		t := table{header: []string{"ENVIRONMENT", "BRANCH", "ACTIVE", "PINNED", "ACTIVATED", "ERROR"}}
		for _, e := range st.Environments {
			t.rows = append(t.rows, []string{e.Name, dash(e.Branch), shortCommit(e.ActiveCommit), strconv.FormatBool(e.Pinned),
				fmtTimePtr(e.ActivatedAt), dash(e.LastError)})
		}
		b.WriteString(tableText(t))
		b.WriteString(defaultEnvNote(st, srcs[st.Name]))
		if len(st.Files) > 0 {
			b.WriteString("files of the last activation:\n")
			for _, f := range st.Files {
				fmt.Fprintf(&b, "  %-8s %s %s\n", f.Change, shortCommit(firstNonEmpty(f.Hash, f.OldHash)), f.Path)
			}
		}
	}
	return b.String()
}

// defaultEnvNote explains the implicit "default" environment of a source.
func defaultEnvNote(st unet.GitStatus, src unet.GitSource) string {
	follows := "the remote's default branch (HEAD), as the source names no --branch, --tag or --commit"
	switch {
	case src.Branch != "":
		follows = "branch " + src.Branch
	case src.Tag != "":
		follows = "tag " + src.Tag
	case src.Commit != "":
		follows = "commit " + shortCommit(src.Commit)
	}
	others := "every node"
	if len(st.Environments) > 1 {
		others = "nodes whose environment is not listed above"
	}
	return fmt.Sprintf("note: environment \"default\" is the source's own line, %s; it serves %s\n", follows, others)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func (a *app) gitLogCommand(svc gitServiceFunc) *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "log SOURCE [--limit N]",
		Short: "Show the sync history of a source (newest first)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			gs, err := svc(cmd)
			if err != nil {
				return err
			}
			log, err := gs.GitLog(cmd.Context(), args[0], limit)
			if err != nil {
				return err
			}
			return a.printer().emit(log, func() any {
				t := table{header: []string{"TIME", "ENVIRONMENT", "TRIGGER", "OUTCOME", "COMMIT", "DETAIL"}}
				for _, e := range log {
					detail := firstLine(e.Message)
					if e.Error != "" {
						detail = e.Error
					}
					t.rows = append(t.rows, []string{e.SyncedAt.Format(time.RFC3339), dash(e.Environment), e.Trigger, e.Outcome,
						shortCommit(e.Commit), dash(detail)})
				}
				return t
			})
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 50, "number of entries (0: all)")
	return cmd
}

func (a *app) gitPinCommands(svc gitServiceFunc) [2]*cobra.Command {
	var pinEnv, unpinEnv string
	pin := &cobra.Command{
		Use:   "pin SOURCE COMMIT [--env E]",
		Short: "Activate an earlier commit (it must validate) and stop following the branch",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			gs, err := svc(cmd)
			if err != nil {
				return err
			}
			e, err := gs.PinGitSource(a.ctx(cmd), args[0], pinEnv, args[1])
			if err != nil {
				return err
			}
			return a.printer().emit(e, func() any {
				return fmt.Sprintf("pinned %s/%s to %s (%s)\n", args[0], e.Environment, shortCommit(e.Commit), firstLine(e.Message))
			})
		},
	}
	pin.Flags().StringVar(&pinEnv, "env", "", "environment to pin (default: the source's default one)")
	unpin := &cobra.Command{
		Use:   "unpin SOURCE [--env E]",
		Short: "Follow the branch again and sync at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			gs, err := svc(cmd)
			if err != nil {
				return err
			}
			res, err := gs.UnpinGitSource(a.ctx(cmd), args[0], unpinEnv)
			if res != nil {
				list := []unet.GitSyncResult{*res}
				if perr := a.printer().emit(res, func() any { return syncTable(list) }); perr != nil && err == nil {
					err = perr
				}
			}
			return err
		},
	}
	unpin.Flags().StringVar(&unpinEnv, "env", "", "environment to unpin (default: the source's default one)")
	return [2]*cobra.Command{pin, unpin}
}

func (a *app) gitPromoteCommand(svc gitServiceFunc) *cobra.Command {
	var from, to, prefer, propose, reason string
	var emergency bool
	cmd := &cobra.Command{
		Use:   "promote SOURCE --from E1 --to E2 [--prefer source|target] [--propose REASON | --emergency --reason R]",
		Short: "Move E2's branch to E1's validated commit and push it, or propose it for approval",
		Long: `Move the branch of environment E2 to the active (validated) commit of E1 and
push it: a fast-forward when possible, a merge commit when both branches changed
disjoint files. When both changed the same files, nothing is pushed and the
files are listed with both versions' hashes (exit 1), unless --prefer source or
--prefer target takes one side's whole file.

When an approval rule covers the promotion (a condition over git_source.*, such
as git_source.to == "production"), or with --propose REASON, nothing is pushed:
the promotion is proposed as a change set (exit 0) that someone else approves
and that "unet changes apply" then performs, with the commit promoted fixed at
proposal time. --emergency --reason R promotes at once despite the rules,
flagged for review.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" || to == "" {
				return usagef("--from and --to are required")
			}
			if prefer != "" && prefer != "source" && prefer != "target" {
				return usagef("--prefer %q: want source or target", prefer)
			}
			if err := checkPromoteFlags(cmd, propose, reason, emergency); err != nil {
				return err
			}
			gs, err := svc(cmd)
			if err != nil {
				return err
			}
			req := unet.GitPromoteRequest{Source: args[0], From: from, To: to, Prefer: prefer, Emergency: emergency, Reason: reason}
			if propose != "" {
				req.Propose, req.Reason = true, propose
			}
			res, err := gs.PromoteGit(a.ctx(cmd), req)
			if res != nil {
				if perr := a.printer().emit(res, func() any { return promoteText(res) }); perr != nil && err == nil {
					err = perr
				}
			}
			return err
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "environment whose active commit is promoted")
	cmd.Flags().StringVar(&to, "to", "", "environment whose branch is moved")
	cmd.Flags().StringVar(&prefer, "prefer", "", "resolve files both sides changed by taking the source's or the target's version")
	promoteFlags(cmd, &propose, &reason, &emergency)
	return cmd
}

// promoteFlags declares the approval flags of a promotion (git promote,
// canary promote): --propose REASON, --emergency and --reason.
func promoteFlags(cmd *cobra.Command, propose, reason *string, emergency *bool) {
	cmd.Flags().StringVar(propose, "propose", "", "do not push: propose the promotion as a change set with this reason, even when no approval rule covers it")
	cmd.Flags().BoolVar(emergency, "emergency", false, "promote at once even when approval rules cover it, flagged for review (needs --reason)")
	cmd.Flags().StringVar(reason, "reason", "", "reason recorded in the change log (required with --emergency)")
}

// checkPromoteFlags checks the combination of the approval flags of a
// promotion.
func checkPromoteFlags(cmd *cobra.Command, propose, reason string, emergency bool) error {
	if cmd.Flags().Changed("propose") && strings.TrimSpace(propose) == "" {
		return usagef("--propose needs a reason")
	}
	switch {
	case emergency && propose != "":
		return usagef("--emergency promotes at once: it does not combine with --propose")
	case emergency && strings.TrimSpace(reason) == "":
		return usagef("--emergency needs --reason: the reason is recorded and reviewed")
	case reason != "" && propose != "":
		return usagef("--propose takes the reason itself: drop --reason")
	}
	return nil
}

// stillRejected reports whether an environment's followed tip is a
// rejected commit (a commit activated since makes the rejection history).
func stillRejected(e unet.GitEnvStatus) bool {
	return e.Rejected != "" && e.Rejected == e.Tip && e.Rejected != e.ActiveCommit
}

// promoteText is the text form of a promotion: the result, or the change
// set proposed instead with the rules that asked for it and what to do
// next.
func promoteText(r *unet.GitPromoteResult) any {
	cs := r.ChangeSet
	if r.Kind != unet.GitPromoteProposed || cs == nil {
		return promoteKV(r)
	}
	return proposedPromotionText(cs, r.Branch+" stays at its commit")
}

// proposedPromotionText is the text form of a promotion proposed as change
// set cs: what stays as it is meanwhile, the rules that asked for approval
// and what to do next.
func proposedPromotionText(cs *unet.ChangeSet, stays string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "proposed %s: %s\n", cs.ID, oneLineText(cs.Title))
	fmt.Fprintf(&b, "  nothing was pushed: %s until the change set is approved and applied\n", stays)
	if len(cs.Requirement.Rules) == 0 {
		fmt.Fprintf(&b, "  approval: %d approval(s), asked for with --propose\n", cs.Requirement.Required)
	}
	for _, m := range cs.Requirement.Rules {
		role := ""
		if m.Role != "" {
			role = " with role " + m.Role
		}
		fmt.Fprintf(&b, "  required by approval rule %s: %d approval(s)%s\n", m.Rule, m.Require, role)
	}
	fmt.Fprintf(&b, "  next: unet changes show %s; another user approves it (unet changes approve %s); then unet changes apply %s\n",
		cs.ID, cs.ID, cs.ID)
	return b.String()
}

func promoteKV(r *unet.GitPromoteResult) kv {
	out := kv{{"source", r.Source}, {"from", r.From}, {"to", r.To}, {"branch", dash(r.Branch)}, {"kind", dash(r.Kind)},
		{"commit", dash(r.Commit)}, {"target_before", dash(r.TargetBefore)}, {"target_after", dash(r.TargetAfter)}}
	for _, c := range r.Conflicts {
		out = append(out, [2]string{"conflict", fmt.Sprintf("%s (source %s, target %s)", c.Path, shortCommit(c.SourceHash), shortCommit(c.TargetHash))})
	}
	if e := r.Activation; e != nil {
		out = append(out, [2]string{"activation", e.Outcome + " " + shortCommit(e.Commit)})
	}
	return out
}

// optionalArg is the single optional argument of a command, or "".
func optionalArg(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return ""
}
