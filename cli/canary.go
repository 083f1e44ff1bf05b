package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
)

// canaryServiceFunc opens the service for the canary commands.
type canaryServiceFunc func(cmd *cobra.Command) (unet.Service, error)

func (a *app) canaryCommand() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "canary",
		Short: "Canaries: serve a candidate version of a Git source to some nodes, compare, promote or abort",
		Long: `A canary serves a candidate version of a Git source's policies and templates (a
commit, the tip of a branch, or the files of a local directory) to the nodes of
one environment that match a selector in the policy condition language; every
other node keeps the active version. ` + "`canary status`" + ` compares candidate and
baseline on the selected nodes; ` + "`canary promote`" + ` makes the candidate active for the
environment, ` + "`canary abort`" + ` ends it. A canary ends on its own when its TTL
passes or its --abort-on condition holds. One canary per source and environment.`,
	}
	cmd.PersistentFlags().StringVar(&dataDir, "data-dir", "", "directory of the Git mirrors and snapshots (env UNET_DATA_DIR; default unet-data beside a SQLite database)")
	svc := func(cmd *cobra.Command) (unet.Service, error) {
		if _, err := a.gitService(cmd, dataDir); err != nil {
			return nil, err
		}
		return a.service(cmd.Context())
	}
	cmd.AddCommand(a.canaryStartCommand(svc), a.canaryStatusCommand(svc), a.canaryPromoteCommand(svc),
		a.canaryAbortCommand(svc), a.canaryListCommand(svc))
	return cmd
}

func (a *app) canaryStartCommand(svc canaryServiceFunc) *cobra.Command {
	var req unet.CanaryStartRequest
	var dir string
	cmd := &cobra.Command{
		Use:   "start NAME --source SRC (--commit SHA | --branch B | --path DIR) [--env ENV] --select CONDITION --ttl DURATION [--abort-on CONDITION]",
		Short: "Validate a candidate like an activation and serve it to the selected nodes",
		Example: `  unet canary start vlan-fix --source net --branch vlan-fix --select 'location.path MATCHES "^EMEA/FRA" AND node.role == "access"' --ttl 2h --abort-on 'new_failures > 0'
  unet canary start local --source net --path ./repo --select 'node.name == "sw1"' --ttl 30m`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Name = args[0]
			if req.Source == "" {
				return usagef("--source is required")
			}
			named := 0
			for _, set := range []bool{req.Commit != "", req.Branch != "", dir != ""} {
				if set {
					named++
				}
			}
			if named != 1 {
				return usagef("give exactly one of --commit, --branch or --path")
			}
			if req.Selector == "" {
				return usagef("--select is required")
			}
			if req.TTL == "" {
				return usagef("--ttl is required")
			}
			if dir != "" {
				files, err := readCanaryDir(dir)
				if err != nil {
					return err
				}
				req.Files, req.Dir = files, dir
			}
			s, err := svc(cmd)
			if err != nil {
				return err
			}
			c, err := s.StartCanary(a.ctx(cmd), req)
			if c != nil {
				if perr := a.printer().emit(c, func() any {
					return fmt.Sprintf("canary %s started: %s %s of %s (%s) on %s, until %s\n", c.Name, c.CandidateKind,
						shortCommit(c.Commit), c.Source, c.Environment, c.Selector, c.ExpiresAt.Format(time.RFC3339))
				}); perr != nil && err == nil {
					err = perr
				}
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.Source, "source", "", "Git source whose candidate is canaried")
	f.StringVar(&req.Environment, "env", "", "environment of the source (default: its default environment)")
	f.StringVar(&req.Commit, "commit", "", "candidate commit (full or abbreviated id)")
	f.StringVar(&req.Branch, "branch", "", "candidate: the tip of this branch")
	f.StringVar(&dir, "path", "", "candidate: the files of this local directory (laid out like the source: policies/, templates/, tests/)")
	f.StringVar(&req.Selector, "select", "", "nodes served the candidate: a condition of the policy language")
	f.StringVar(&req.TTL, "ttl", "", "how long the canary runs before it is aborted (e.g. 2h)")
	f.StringVar(&req.AbortOn, "abort-on", "", "abort when this condition over the status holds (new_failures, cleared_failures, changed_results, changed_configs, render_errors, nodes)")
	return cmd
}

// readCanaryDir reads the files of a local directory for a path candidate:
// every regular file, paths relative to dir; hidden files and directories
// (.git) are left out.
func readCanaryDir(dir string) ([]unet.CanaryFile, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, WithExitCode(ExitInvalid, fmt.Errorf("--path %s: %w", dir, err))
	}
	if !st.IsDir() {
		return nil, usagef("--path %s is not a directory", dir)
	}
	var out []unet.CanaryFile
	size := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !utf8.Valid(data) {
			return fmt.Errorf("%s is not UTF-8 text", filepath.ToSlash(rel))
		}
		size += len(data)
		if len(out) >= unet.MaxCanaryFiles || size > unet.MaxCanaryBytes {
			return fmt.Errorf("more than %d files or %d bytes", unet.MaxCanaryFiles, unet.MaxCanaryBytes)
		}
		out = append(out, unet.CanaryFile{Path: filepath.ToSlash(rel), Content: string(data)})
		return nil
	})
	if err != nil {
		return nil, WithExitCode(ExitInvalid, fmt.Errorf("--path %s: %w", dir, err))
	}
	if len(out) == 0 {
		return nil, WithExitCode(ExitInvalid, fmt.Errorf("--path %s: no files", dir))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (a *app) canaryStatusCommand(svc canaryServiceFunc) *cobra.Command {
	var diff, check bool
	cmd := &cobra.Command{
		Use:   "status NAME [--diff] [--check]",
		Short: "Compare candidate and baseline on the selected nodes: rule changes, config changes, verdict",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := svc(cmd)
			if err != nil {
				return err
			}
			rep, err := s.CanaryStatus(a.ctx(cmd), args[0], diff)
			if err != nil {
				return err
			}
			if err := a.printer().emit(rep, func() any { return canaryReportText(rep) }); err != nil {
				return err
			}
			if check && rep.Summary.Verdict != unet.CanaryPass {
				return &ExitError{Code: ExitDifferent}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&diff, "diff", false, "show each node's unified configuration diff")
	cmd.Flags().BoolVar(&check, "check", false, "exit 2 when the verdict is fail")
	return cmd
}

// canaryReportText renders a status for people.
func canaryReportText(rep *unet.CanaryReport) string {
	var b strings.Builder
	c, sum := &rep.Canary, &rep.Summary
	fmt.Fprintf(&b, "canary %s (%s): %s %s of %s (%s), selector %s\n", c.Name, c.State, c.CandidateKind, shortCommit(c.Commit), c.Source,
		c.Environment, c.Selector)
	fmt.Fprintf(&b, "nodes %d, new failures %d, cleared %d, changed results %d, changed configs %d, render errors %d\n",
		sum.Nodes, sum.NewFailures, sum.ClearedFailures, sum.ChangedResults, sum.ChangedConfigs, sum.RenderErrors)
	fmt.Fprintf(&b, "verdict: %s", sum.Verdict)
	if len(sum.Reasons) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(sum.Reasons, "; "))
	}
	b.WriteString("\n")
	for _, n := range rep.Nodes {
		if len(n.Rules) == 0 && !n.ConfigChanged && len(n.RenderErrors) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", n.Node)
		for _, r := range n.Rules {
			fmt.Fprintf(&b, "  %-11s %s: %s → %s", r.Change, r.Rule, dash(r.Baseline), dash(r.Candidate))
			if r.Message != "" {
				fmt.Fprintf(&b, " (%s)", r.Message)
			}
			b.WriteString("\n")
		}
		if n.ConfigChanged {
			fmt.Fprintf(&b, "  config      +%d -%d\n", n.Added, n.Removed)
		}
		for _, e := range n.RenderErrors {
			fmt.Fprintf(&b, "  render error %s\n", e)
		}
		if n.Diff != "" {
			b.WriteString(n.Diff)
			if !strings.HasSuffix(n.Diff, "\n") {
				b.WriteString("\n")
			}
		}
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(&b, "problem (%s) %s: %s\n", p.Stage, p.Object, p.Message)
	}
	return b.String()
}

func (a *app) canaryPromoteCommand(svc canaryServiceFunc) *cobra.Command {
	var propose, reason string
	var emergency bool
	cmd := &cobra.Command{
		Use:   "promote NAME [--propose REASON | --emergency --reason R]",
		Short: "Make the candidate the environment's active version (fast-forward push, or a commit of the files, then a sync), or propose it for approval",
		Long: `Make the canary's candidate the active version of its environment: the
environment's branch is fast-forwarded to the candidate commit (a path
candidate is committed as you), pushed and synced, so the candidate activates
through the usual validation; the canary ends as promoted.

Approval rules see a canary promotion as a promotion of the source from
"canary:NAME" to the environment (git_source.name, .from, .to, .branch,
.commit). When a rule covers it (such as git_source.to == "production"), or with
--propose REASON, nothing is pushed: the promotion is proposed as a change set
(exit 0) and the canary stays active; someone else approves the set and
"unet changes apply" promotes the candidate recorded at proposal time (refused
when the canary has ended meanwhile). --emergency --reason R promotes at once
despite the rules, flagged for review.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkPromoteFlags(cmd, propose, reason, emergency); err != nil {
				return err
			}
			s, err := svc(cmd)
			if err != nil {
				return err
			}
			req := unet.CanaryPromoteRequest{Name: args[0], Emergency: emergency, Reason: reason}
			if propose != "" {
				req.Propose, req.Reason = true, propose
			}
			res, err := s.PromoteCanary(a.ctx(cmd), req)
			if res != nil && res.Canary != nil {
				if perr := a.printer().emit(res, func() any { return canaryPromoteText(res) }); perr != nil && err == nil {
					err = perr
				}
			}
			return err
		},
	}
	promoteFlags(cmd, &propose, &reason, &emergency)
	return cmd
}

// canaryPromoteText is the text form of a canary promotion: what is active
// now, or the change set proposed instead.
func canaryPromoteText(r *unet.CanaryPromoteResult) string {
	c := r.Canary
	if r.Kind == unet.CanaryPromoteProposed && r.ChangeSet != nil {
		return proposedPromotionText(r.ChangeSet, fmt.Sprintf("canary %s stays active and %s keeps its active commit", c.Name, c.Environment))
	}
	return fmt.Sprintf("canary %s promoted: %s of %s is active in %s\n", c.Name, shortCommit(c.Commit), c.Source, c.Environment)
}

func (a *app) canaryAbortCommand(svc canaryServiceFunc) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "abort NAME [--reason R]",
		Short: "End a canary: its nodes go back to the active version at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := svc(cmd)
			if err != nil {
				return err
			}
			c, err := s.AbortCanary(a.ctx(cmd), args[0], reason)
			if c != nil {
				if perr := a.printer().emit(c, func() any { return fmt.Sprintf("canary %s aborted\n", c.Name) }); perr != nil && err == nil {
					err = perr
				}
			}
			return err
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why (recorded with the canary and in its event)")
	return cmd
}

func (a *app) canaryListCommand(svc canaryServiceFunc) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "list [--all]",
		Short: "List the active canaries (--all: also those that ended)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := svc(cmd)
			if err != nil {
				return err
			}
			list, err := s.ListCanaries(a.ctx(cmd), all)
			if err != nil {
				return err
			}
			return a.printer().emit(list, func() any {
				t := table{header: []string{"NAME", "SOURCE", "ENV", "CANDIDATE", "COMMIT", "SELECTOR", "STATE", "EXPIRES", "VERDICT"}}
				for _, c := range list {
					verdict := "-"
					if c.Summary != nil {
						verdict = c.Summary.Verdict + " (" + strconv.Itoa(c.Summary.NewFailures) + " new failures)"
					}
					state := c.State
					if c.EndReason != "" && c.State != unet.CanaryPromoted {
						state += " (" + c.EndReason + ")"
					}
					t.rows = append(t.rows, []string{c.Name, c.Source, c.Environment, c.CandidateKind + " " + dash(c.CandidateRef), shortCommit(c.Commit),
						c.Selector, state, c.ExpiresAt.Format(time.RFC3339), verdict})
				}
				return t
			})
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "also the canaries that ended")
	return cmd
}
