package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/service"
)

// policyService returns the backend's policy service.
func (a *app) policyService(cmd *cobra.Command) (unet.PolicyService, error) {
	return a.service(cmd.Context())
}

// policyFiles reads the rule files to evaluate: --path, else UNET_POLICY_PATH,
// else [policies] path of the config file, else ./policies when it exists,
// else the built-in demo policies with --demo.
// It returns the files in lexical path order and a source label. With none of
// these it returns no files: the backend then uses its own source (the
// active Git snapshot, or the demo policies of a demo database) or fails
// naming the ways to provide rules.
func (a *app) policyFiles(path string) ([]unet.PolicyFile, string, error) {
	if path == "" {
		path = a.env.Getenv("UNET_POLICY_PATH")
	}
	if path == "" {
		cfg, err := a.fileConfig()
		if err != nil {
			return nil, "", err
		}
		path = cfg.Policies.Path
	}
	if path == "" && dirHas("policies", ".rules") {
		path = "policies"
	}
	if path == "" {
		if !a.useDemo {
			return nil, "", nil
		}
		files, err := service.DemoPolicies()
		return files, service.DemoSource, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, "", unet.Errorf(unet.EINVALID, "policy path %s: %v", path, err)
	}
	if !st.IsDir() {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, "", unet.Errorf(unet.EINVALID, "read %s: %v", path, err)
		}
		return []unet.PolicyFile{{Name: filepath.Base(path), Content: string(data)}}, path, nil
	}
	files, err := service.ReadRuleFiles(os.DirFS(path))
	if err == nil && len(files) == 0 {
		err = unet.Errorf(unet.EINVALID, "no *.rules files in %s", path)
	}
	return files, path, err
}

// noPolicyFiles is the error of a command that needs rule files and got none.
func noPolicyFiles() error {
	return usagef("no policy files: pass PATH, set UNET_POLICY_PATH or create ./policies (--demo checks the built-in demo policies)")
}

// checkPolicyFiles parses and checks rule files and returns their rule count.
// Errors are printed the same way by every command (file:line:col, the line,
// a caret; or the error list with -o json|yaml|ndjson) and exit 65.
func (a *app) checkPolicyFiles(files []unet.PolicyFile) (int, error) {
	parsed, errs, err := parsePolicyFiles(files)
	if err != nil {
		return 0, err
	}
	if len(errs) == 0 {
		errs = policy.Check(parsed...)
	}
	if len(errs) > 0 {
		if a.output == "json" || a.output == "yaml" || a.output == "ndjson" {
			if err := a.printer().emit(errs, nil); err != nil {
				return 0, err
			}
			return 0, &ExitError{Code: ExitPolicyParse}
		}
		return 0, exitPolicy(errs, a.diagnose)
	}
	rules := 0
	for _, f := range parsed {
		rules += len(f.Rules)
	}
	return rules, nil
}

// parsePolicyFiles parses rule files: the parsed files, the positioned parse
// errors of all of them, or an error that is not about the rules' text.
func parsePolicyFiles(files []unet.PolicyFile) ([]*policy.File, policy.ErrorList, error) {
	var parsed []*policy.File
	var errs policy.ErrorList
	for _, f := range files {
		pf, err := policy.ParseFile(f.Name, []byte(f.Content))
		var el policy.ErrorList
		if errors.As(err, &el) {
			errs = append(errs, el...)
			continue
		} else if err != nil {
			return nil, nil, unet.Invalid("policy parse error", unet.FieldError{File: f.Name, Message: err.Error()})
		}
		parsed = append(parsed, pf)
	}
	return parsed, errs, nil
}

// exitPolicy marks policy parse errors (exit 65).
func exitPolicy(errs policy.ErrorList, w func(string)) error {
	w(errs.Pretty())
	return &ExitError{Code: ExitPolicyParse, Msg: fmt.Sprintf("%d policy error(s)", len(errs))}
}

func (a *app) policyCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "policy", Aliases: []string{"policies"}, Short: "Validate, evaluate, test and format policy rules"}
	validate, eval, report, apply := a.policyValidateCommand(), a.policyEvalCommand(), a.policyReportCommand(), a.policyApplyCommand()
	a.addDemoFlag(validate, eval, report, apply)
	cmd.AddCommand(validate, eval, report, a.policyTestCommand(),
		a.policyFmtCommand(), apply, a.policyResultsCommand(), a.policyHistoryCommand())
	return cmd
}

func (a *app) policyValidateCommand() *cobra.Command {
	var strict bool
	cmd := &cobra.Command{
		Use:   "validate [PATH...]",
		Short: "Check rule files: every error with file:line:col, the line, a caret and what was expected",
		Long: `Check rule files: every error with file:line:col, the line, a caret and what
was expected (exit 65). Warnings (rules whose meaning may not be the intended
one, such as a rule that reads only location fields and the short form
custom_data.<path>) are printed the same way; --strict makes them fail too.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var all []unet.PolicyFile
			if len(args) == 0 {
				files, _, err := a.policyFiles("")
				if err != nil {
					return err
				}
				if len(files) == 0 {
					return noPolicyFiles()
				}
				all = files
			}
			for _, p := range args {
				files, _, err := a.policyFiles(p)
				if err != nil {
					return err
				}
				if st, err := os.Stat(p); err == nil && st.IsDir() {
					for i := range files {
						files[i].Name = filepath.Join(p, files[i].Name)
					}
				} else {
					files[0].Name = p
				}
				all = append(all, files...)
			}
			parsed, errs, err := parsePolicyFiles(all)
			if err != nil {
				return err
			}
			var warns policy.ErrorList
			if len(errs) == 0 {
				errs, warns = policy.Vet(parsed...)
			}
			rules := 0
			for _, f := range parsed {
				rules += len(f.Rules)
			}
			structured := a.output == "json" || a.output == "yaml" || a.output == "ndjson"
			if len(errs) > 0 || (strict && len(warns) > 0) {
				found := append(append(policy.ErrorList{}, errs...), warns...)
				if structured {
					if err := a.printer().emit(found, nil); err != nil {
						return err
					}
					return &ExitError{Code: ExitPolicyParse}
				}
				a.diagnose(found.Pretty())
				msg := fmt.Sprintf("%d policy error(s)", len(errs))
				if len(warns) > 0 {
					msg += fmt.Sprintf(", %d warning(s)", len(warns))
				}
				return &ExitError{Code: ExitPolicyParse, Msg: msg}
			}
			if !structured {
				a.diagnose(warns.Pretty())
			}
			if warns == nil {
				warns = policy.ErrorList{}
			}
			return a.printer().emit(map[string]any{"files": len(all), "rules": rules, "errors": []any{}, "warnings": warns}, func() any {
				if len(warns) > 0 {
					return fmt.Sprintf("ok: %d file(s), %d rule(s), %d warning(s)\n", len(all), rules, len(warns))
				}
				return fmt.Sprintf("ok: %d file(s), %d rule(s)\n", len(all), rules)
			})
		},
	}
	cmd.Flags().BoolVar(&strict, "strict", false, "treat warnings as errors (exit 65)")
	return cmd
}

type evalFlags struct {
	path    string
	nodes   []string
	rule    string
	explain bool
	store   bool
}

func (a *app) policyEvalCommand() *cobra.Command {
	var f evalFlags
	cmd := &cobra.Command{
		Use:   "eval [--path DIR] [--node NAME]... [--rule ID] [--explain] [--store]",
		Short: "Evaluate the rules against the inventory and print one result per (object, rule)",
		Long: `Evaluate the rules against the inventory. -o json prints an array of results:
{"object_kind", "object_id", "object_name", "rule", "severity", "status",
 "expected", "actual", "message", "file", "line"} (status: pass, fail, error,
not_applicable). --store keeps the results and records compliance changes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rep, err := a.evaluate(cmd, f)
			if err != nil {
				return err
			}
			return a.printer().emit(rep.Results, func() any { return resultsTable(rep.Results, f.explain) })
		},
	}
	cmd.Flags().StringVar(&f.path, "path", "", "policy directory or file (env UNET_POLICY_PATH; default ./policies)")
	cmd.Flags().StringArrayVar(&f.nodes, "node", nil, "evaluate only this node (repeatable)")
	cmd.Flags().StringVar(&f.rule, "rule", "", "show only this rule's results")
	cmd.Flags().BoolVar(&f.explain, "explain", false, "show which sub-condition decided each result")
	cmd.Flags().BoolVar(&f.store, "store", false, "store the results and their compliance history")
	return cmd
}

func (a *app) evaluate(cmd *cobra.Command, f evalFlags) (*unet.PolicyEvalReport, error) {
	files, source, err := a.policyFiles(f.path)
	if err != nil {
		return nil, err
	}
	if len(files) > 0 {
		// Parse errors in local files exit 65 as with `policy validate`.
		if _, err := a.checkPolicyFiles(files); err != nil {
			return nil, err
		}
	}
	ps, err := a.policyService(cmd)
	if err != nil {
		return nil, err
	}
	ctx := metrics.WithEvalTrigger(a.ctx(cmd), metrics.TriggerCLI)
	if f.store && a.stderrTerminal() {
		// A local evaluation of a large inventory takes seconds: its
		// progress goes to the terminal, never into a pipe or a file.
		line := newProgressLine(a.env.Stderr)
		defer line.finish()
		ctx = service.WithEvalProgress(ctx, line.update)
	}
	return ps.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Files: files, Source: source, Nodes: f.nodes,
		Rule: f.rule, Explain: f.explain, Store: f.store})
}

func resultsTable(rs []unet.PolicyResult, explain bool) any {
	t := table{header: []string{"OBJECT", "RULE", "SEVERITY", "STATUS", "EXPECTED", "ACTUAL", "MESSAGE"}}
	for _, r := range rs {
		t.rows = append(t.rows, []string{r.ObjectKind + "/" + r.ObjectName, r.Rule, r.Severity, r.Status,
			valueText(r.Expected), valueText(r.Actual), dash(r.Message)})
	}
	if !explain {
		return t
	}
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "%s/%s %s: %s\n", r.ObjectKind, r.ObjectName, r.Rule, r.Status)
		// Locally the trace is typed; from a server it arrives as JSON.
		steps, err := explainSteps(r.Explain)
		if err != nil {
			fmt.Fprintf(&b, "  (the explanation cannot be read: %v)\n", err)
		}
		{
			for _, s := range steps {
				fmt.Fprintf(&b, "  %s%s %-5s %s → %v (actual %s)\n", strings.Repeat("  ", s.Depth), s.Phase, "", s.Expr, s.Result, valueText(s.Actual))
			}
		}
	}
	return b.String()
}

func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return "-"
	case string:
		return x
	}
	return compactJSON(v)
}

func (a *app) policyReportCommand() *cobra.Command {
	var f evalFlags
	var by string
	cmd := &cobra.Command{
		Use:   "report [--by rule|severity|vendor|location]",
		Short: "Compliance summary: pass/fail/error counts by rule, severity, vendor or location",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch by {
			case "rule", "severity", "vendor", "location":
			default:
				return usagef("--by %q: want rule, severity, vendor or location", by)
			}
			rep, err := a.evaluate(cmd, f)
			if err != nil {
				return err
			}
			key, err := a.reportKey(cmd, by)
			if err != nil {
				return err
			}
			type row struct {
				Group         string `json:"group"`
				Pass          int    `json:"pass"`
				Fail          int    `json:"fail"`
				Error         int    `json:"error"`
				NotApplicable int    `json:"not_applicable"`
			}
			rows := map[string]*row{}
			for _, r := range rep.Results {
				g := key(r)
				if rows[g] == nil {
					rows[g] = &row{Group: g}
				}
				switch r.Status {
				case unet.StatusPass:
					rows[g].Pass++
				case unet.StatusFail:
					rows[g].Fail++
				case unet.StatusError:
					rows[g].Error++
				default:
					rows[g].NotApplicable++
				}
			}
			out := make([]row, 0, len(rows))
			for _, r := range rows {
				out = append(out, *r)
			}
			sort.Slice(out, func(i, j int) bool {
				if out[i].Fail != out[j].Fail {
					return out[i].Fail > out[j].Fail
				}
				return out[i].Group < out[j].Group
			})
			return a.printer().emit(out, func() any {
				t := table{header: []string{strings.ToUpper(by), "PASS", "FAIL", "ERROR", "N/A", "COMPLIANT"}}
				for _, r := range out {
					pct := "-"
					if r.Pass+r.Fail+r.Error > 0 {
						pct = fmt.Sprintf("%.0f%%", 100*float64(r.Pass)/float64(r.Pass+r.Fail+r.Error))
					}
					t.rows = append(t.rows, []string{r.Group, fmt.Sprint(r.Pass), fmt.Sprint(r.Fail), fmt.Sprint(r.Error), fmt.Sprint(r.NotApplicable), pct})
				}
				return t
			})
		},
	}
	cmd.Flags().StringVar(&by, "by", "rule", "group by rule, severity, vendor or location")
	cmd.Flags().StringVar(&f.path, "path", "", "policy directory or file (env UNET_POLICY_PATH; default ./policies)")
	return cmd
}

// reportKey returns the grouping function of a report.
func (a *app) reportKey(cmd *cobra.Command, by string) (func(unet.PolicyResult) string, error) {
	switch by {
	case "rule":
		return func(r unet.PolicyResult) string { return r.Rule }, nil
	case "severity":
		return func(r unet.PolicyResult) string { return r.Severity }, nil
	}
	svc, err := a.service(cmd.Context())
	if err != nil {
		return nil, err
	}
	nodes, err := collect(unet.Page{}, func(p unet.Page) (*unet.List[unet.Node], error) {
		return svc.ListNodes(cmd.Context(), unet.NodeFilter{Page: p})
	})
	if err != nil {
		return nil, err
	}
	locs, err := collect(unet.Page{}, func(p unet.Page) (*unet.List[unet.Location], error) {
		return svc.ListLocations(cmd.Context(), unet.LocationFilter{Page: p})
	})
	if err != nil {
		return nil, err
	}
	paths := map[string]string{}
	for _, l := range locs {
		paths[l.ID] = l.Path
	}
	group := map[string]string{}
	for _, n := range nodes {
		if by == "vendor" {
			group[n.ID] = n.Vendor
		} else {
			group[n.ID] = dash(paths[n.LocationID])
		}
	}
	return func(r unet.PolicyResult) string {
		if r.ObjectKind != unet.KindNode {
			return "(" + r.ObjectKind + "s)"
		}
		return group[r.ObjectID]
	}, nil
}

func (a *app) policyTestCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "test DIR",
		Short: "Run rule tests (YAML cases: input objects and expected results); exit 1 on any mismatch",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// The rule files of DIR must parse and check whether or not a
			// test case loads them: a broken rule file never passes.
			if set, err := policy.LoadDir(args[0]); err != nil {
				var el policy.ErrorList
				if errors.As(err, &el) {
					return exitPolicy(el, a.diagnose)
				}
				return unet.Errorf(unet.EINVALID, "%v", err)
			} else if set.RuleCount() > 0 {
				if _, err := set.Compile(); err != nil {
					var el policy.ErrorList
					if errors.As(err, &el) {
						return exitPolicy(el, a.diagnose)
					}
					return unet.Errorf(unet.EINVALID, "%v", err)
				}
			}
			rep, err := policy.RunTests(args[0])
			if err != nil {
				var el policy.ErrorList
				if errors.As(err, &el) {
					return exitPolicy(el, a.diagnose)
				}
				return unet.Errorf(unet.EINVALID, "%v", err)
			}
			if err := a.printer().emit(rep, func() any { return rep.String() }); err != nil {
				return err
			}
			if !rep.OK() {
				return &ExitError{Code: ExitFailure, Msg: fmt.Sprintf("%d of %d rule test(s) failed", rep.Failed, rep.Passed+rep.Failed)}
			}
			if rep.Passed+rep.Failed == 0 {
				// Nothing was tested: a run that checks nothing must not
				// look like a passing one.
				return &ExitError{Code: ExitFailure, Msg: fmt.Sprintf("no rule tests in %s (test cases are *.yaml files with cases:)", args[0])}
			}
			return nil
		},
	}
}

func (a *app) policyFmtCommand() *cobra.Command {
	var check bool
	cmd := &cobra.Command{
		Use:   "fmt [--check] PATH...",
		Short: "Rewrite rule files in canonical form (--check: list files that would change, exit 1)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var paths []string
			for _, p := range args {
				st, err := os.Stat(p)
				if err != nil {
					return unet.Errorf(unet.EINVALID, "%v", err)
				}
				if !st.IsDir() {
					paths = append(paths, p)
					continue
				}
				err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
					if err != nil {
						// A directory that cannot be read may hold rule
						// files: --check must not pass without them.
						return err
					}
					if !d.IsDir() && strings.HasSuffix(q, ".rules") {
						paths = append(paths, q)
					}
					return nil
				})
				if err != nil {
					return unet.Errorf(unet.EINVALID, "%v", err)
				}
			}
			var changed []string
			var errs policy.ErrorList
			for _, p := range paths {
				src, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				out, err := policy.Format(p, src)
				if err != nil {
					var el policy.ErrorList
					if errors.As(err, &el) {
						errs = append(errs, el...)
						continue
					}
					return err
				}
				if string(out) == string(src) {
					continue
				}
				changed = append(changed, p)
				if !check {
					if err := os.WriteFile(p, out, 0o644); err != nil {
						return err
					}
				}
			}
			if len(errs) > 0 {
				return exitPolicy(errs, a.diagnose)
			}
			for _, p := range changed {
				if _, err := fmt.Fprintln(a.env.Stdout, p); err != nil {
					return err
				}
			}
			if check && len(changed) > 0 {
				return &ExitError{Code: ExitFailure, Msg: fmt.Sprintf("%d file(s) are not formatted", len(changed))}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "do not write; exit 1 when a file is not formatted")
	return cmd
}

func (a *app) policyApplyCommand() *cobra.Command {
	var path, reason string
	var dry bool
	var st stageFlags
	cmd := &cobra.Command{
		Use:   "apply [--path DIR] [--reason R] [--dry-run]",
		Short: "Write the custom_data that rules SET into the nodes, as one tracked change set",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := st.check(cmd, reason, 0); err != nil {
				return err
			}
			if dry && (st.staging() || st.emergency) {
				return usagef("--dry-run does not combine with --propose, --changeset or --emergency")
			}
			files, source, err := a.policyFiles(path)
			if err != nil {
				return err
			}
			if len(files) > 0 {
				if _, err := a.checkPolicyFiles(files); err != nil {
					return err
				}
			}
			ps, err := a.policyService(cmd)
			if err != nil {
				return err
			}
			req := unet.PolicyApplyRequest{Files: files, Source: source, Reason: reason,
				DryRun: dry || st.staging(), Emergency: st.emergency}
			rep, err := ps.ApplyPolicies(a.ctx(cmd), req)
			if err != nil {
				return err
			}
			if st.staging() {
				return a.stagePolicyApply(cmd, &st, rep, reason)
			}
			return a.printer().emit(rep, func() any {
				verb := "updated"
				if dry {
					verb = "would update"
				}
				s := fmt.Sprintf("%s %d node(s)", verb, len(rep.Updated))
				if rep.Batch != "" && !dry {
					s += " (change batch " + rep.Batch + ")"
				}
				s += "\n"
				for _, n := range rep.Updated {
					s += "  " + n + "\n"
				}
				return s
			})
		},
	}
	cmd.Flags().StringVar(&path, "path", "", "policy directory or file (env UNET_POLICY_PATH; default ./policies)")
	cmd.Flags().StringVar(&reason, "reason", "", "reason recorded in the change log (default \"policy apply\")")
	cmd.Flags().BoolVar(&dry, "dry-run", false, "list the nodes that would change without writing")
	st.register(cmd.Flags())
	return cmd
}

// stagePolicyApply proposes the custom_data updates of a dry run (one
// update per node), or appends them to a set. Rules that change nothing
// propose nothing.
func (a *app) stagePolicyApply(cmd *cobra.Command, st *stageFlags, rep *unet.PolicyApplyReport, reason string) error {
	if len(rep.Ops) == 0 {
		return unet.Errorf(unet.EINVALID, "nothing to propose: the rules' SETs change no node's custom_data")
	}
	svc, err := a.service(cmd.Context())
	if err != nil {
		return err
	}
	if reason == "" {
		reason = "policy apply"
	}
	return a.stage(cmd, svc, st, reason, rep.Ops...)
}

func (a *app) policyResultsCommand() *cobra.Command {
	var f unet.PolicyResultFilter
	var summary bool
	var top int
	cmd := &cobra.Command{
		Use:   "results [--node N] [--rule R] [--status S] [--severity S] | --summary [--top N]",
		Short: "List stored results (from `policy eval --store` or the server), or count them with --summary",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkSummaryFlags(cmd, summary); err != nil {
				return err
			}
			ps, err := a.policyService(cmd)
			if err != nil {
				return err
			}
			if summary {
				sum, err := ps.SummarizePolicyResults(cmd.Context(), unet.PolicyResultSummaryFilter{Top: top})
				if err != nil {
					return err
				}
				return a.printer().emit(sum, func() any { return summaryText(sum) })
			}
			rs, err := collect(f.Page, func(p unet.Page) (*unet.List[unet.PolicyResult], error) {
				ff := f
				ff.Page = p
				return ps.ListPolicyResults(cmd.Context(), ff)
			})
			if err != nil {
				return err
			}
			return a.printer().emit(rs, func() any { return resultsTable(rs, false) })
		},
	}
	cmd.Flags().StringVar(&f.Node, "node", "", "only this node")
	cmd.Flags().StringVar(&f.Rule, "rule", "", "only this rule")
	cmd.Flags().StringVar(&f.Status, "status", "", "only this status (pass, fail, error, not_applicable)")
	cmd.Flags().StringVar(&f.Severity, "severity", "", "only this severity")
	pageFlags(cmd.Flags(), &f.Page)
	cmd.Flags().BoolVar(&summary, "summary", false, "count the results by severity, rule and status and list the nodes failing critical or high rules")
	cmd.Flags().IntVar(&top, "top", 0, "with --summary: how many failing nodes to list (default 20, at most 1000)")
	return cmd
}

func (a *app) policyHistoryCommand() *cobra.Command {
	var f unet.ComplianceHistoryFilter
	cmd := &cobra.Command{
		Use:   "history [--node N] [--rule R]",
		Short: "When did a node start or stop complying with a rule",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ps, err := a.policyService(cmd)
			if err != nil {
				return err
			}
			hs, err := collect(f.Page, func(p unet.Page) (*unet.List[unet.ComplianceChange], error) {
				ff := f
				ff.Page = p
				return ps.ListComplianceHistory(cmd.Context(), ff)
			})
			if err != nil {
				return err
			}
			return a.printer().emit(hs, func() any {
				t := table{header: []string{"TIME", "OBJECT", "RULE", "SEVERITY", "FROM", "TO"}}
				for _, h := range hs {
					t.rows = append(t.rows, []string{h.Time.Format("2006-01-02T15:04:05Z"), h.ObjectKind + "/" + h.ObjectName, h.Rule, h.Severity, dash(h.From), dash(h.To)})
				}
				return t
			})
		},
	}
	cmd.Flags().StringVar(&f.Node, "node", "", "only this node")
	cmd.Flags().StringVar(&f.Rule, "rule", "", "only this rule")
	pageFlags(cmd.Flags(), &f.Page)
	return cmd
}

// explainSteps returns the evaluation trace of a result in its JSON form,
// whether it is typed (a local evaluation) or decoded JSON (from a server).
func explainSteps(trace any) ([]policy.ExplainStep, error) {
	if trace == nil {
		return nil, nil
	}
	b, err := json.Marshal(trace)
	if err != nil {
		return nil, fmt.Errorf("encode the explanation: %w", err)
	}
	var steps []policy.ExplainStep
	if err := json.Unmarshal(b, &steps); err != nil {
		return nil, fmt.Errorf("decode the explanation: %w", err)
	}
	return steps, nil
}
