package cli

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/examples"
	"github.com/unet-dev/unet/jinja"
	"github.com/unet-dev/unet/remediation"
	"github.com/unet-dev/unet/templates"
)

// templateService returns the backend's template service. In local mode the
// template source is --path, else UNET_TEMPLATE_PATH, else ./templates when it
// exists; otherwise the service's own: the active Git snapshot, the demo
// templates with --demo or in a demo database, or an error naming the ways to
// provide templates.
func (a *app) templateService(cmd *cobra.Command, path string) (unet.TemplateService, error) {
	svc, err := a.service(cmd.Context())
	if err != nil {
		return nil, err
	}
	if a.local != nil {
		opts, err := a.templateOptions()
		if err != nil {
			return nil, err
		}
		a.local.SetTemplateOptions(opts)
		env, err := a.templateEnv(path)
		if err != nil {
			return nil, err
		}
		if env != nil {
			a.local.SetTemplateEnv(env)
		}
	} else if path != "" {
		return nil, usagef("--path names a local template directory; a server renders from its own template source")
	} else if a.useDemo {
		return nil, usagef("--demo selects the local demo templates; a server renders from its own template source (start it with `unet serve --demo`)")
	}
	return svc, nil
}

// templateEnv opens the template directory given by path, UNET_TEMPLATE_PATH,
// [templates] path of the config file or ./templates; it returns nil when none
// is given.
func (a *app) templateEnv(path string) (*templates.Env, error) {
	if path == "" {
		path = a.env.Getenv("UNET_TEMPLATE_PATH")
	}
	if path == "" {
		cfg, err := a.fileConfig()
		if err != nil {
			return nil, err
		}
		path = cfg.Templates.Path
	}
	if path == "" && dirHas("templates", ".j2") {
		path = "templates"
	}
	if path == "" {
		return nil, nil
	}
	opts, err := a.templateOptions()
	if err != nil {
		return nil, err
	}
	env, err := templates.NewDir(path, opts)
	if err != nil {
		return nil, unet.Errorf(unet.EINVALID, "template path %s: %v", path, err)
	}
	return env, nil
}

// templateOptions are the template options of the config file's
// [templates] section.
func (a *app) templateOptions() (templates.Options, error) {
	cfg, err := a.fileConfig()
	if err != nil {
		return templates.Options{}, err
	}
	return templates.Options{KeepTrailingNewline: cfg.Templates.KeepTrailingNewline}, nil
}

func (a *app) templateCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "template", Aliases: []string{"templates"}, Short: "List, validate, render and diff configuration templates"}
	subs := []*cobra.Command{a.templateListCommand(), a.templateValidateCommand(), a.templateRenderCommand(), a.templateDiffCommand()}
	a.addDemoFlag(subs...)
	cmd.AddCommand(subs...)
	return cmd
}

func (a *app) templateListCommand() *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "list [--path DIR]",
		Short: "List templates and the configuration slices they own",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ts, err := a.templateService(cmd, path)
			if err != nil {
				return err
			}
			list, err := ts.ListTemplates(cmd.Context())
			if err != nil {
				return err
			}
			return a.printer().emit(list, func() any {
				t := table{header: []string{"TEMPLATE", "KIND", "OWNS"}}
				for _, ti := range list {
					kind := "template"
					if ti.Partial {
						kind = "partial"
					}
					t.rows = append(t.rows, []string{ti.Name, kind, dash(strings.Join(ti.Headers, " | "))})
				}
				return t
			})
		},
	}
	cmd.Flags().StringVar(&path, "path", "", "template directory (env UNET_TEMPLATE_PATH; default ./templates)")
	return cmd
}

func (a *app) templateValidateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "validate [PATH]",
		Short: "Check every template: syntax, includes, template-match headers, unknown filters (exit 66 on errors)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := ""
			if len(args) == 1 {
				path = args[0]
			}
			ts, err := a.templateService(cmd, path)
			if err != nil {
				return err
			}
			errs, err := ts.ValidateTemplates(cmd.Context())
			if err != nil {
				return err
			}
			if len(errs) > 0 {
				return unet.Invalid(fmt.Sprintf("%d template error(s)", len(errs)), errs...)
			}
			list, err := ts.ListTemplates(cmd.Context())
			if err != nil {
				return err
			}
			return a.printer().emit(map[string]any{"templates": len(list), "errors": []any{}}, func() any {
				return fmt.Sprintf("ok: %d template(s)\n", len(list))
			})
		},
	}
}

type renderFlags struct {
	path       string
	policyPath string
	templates  []string
	vars       []string
	varsFile   string
}

func (f *renderFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.path, "path", "", "template directory (env UNET_TEMPLATE_PATH; default ./templates)")
	cmd.Flags().StringVar(&f.policyPath, "policy-path", "", "policy directory whose APPLYs choose the templates (env UNET_POLICY_PATH)")
	cmd.Flags().StringArrayVarP(&f.templates, "template", "t", nil, "template to render (repeatable; default: those assigned by policy APPLY)")
	cmd.Flags().StringArrayVar(&f.vars, "var", nil, "user variable k=v, visible as vars.k (repeatable)")
	cmd.Flags().StringVar(&f.varsFile, "vars", "", "YAML or JSON file of user variables")
}

// request builds the template request of a node.
func (a *app) templateRequest(node string, f renderFlags) (unet.TemplateRequest, error) {
	req := unet.TemplateRequest{Node: node, Templates: f.templates}
	vars, err := a.userVars(f)
	if err != nil {
		return req, err
	}
	req.Vars = vars
	files, _, err := a.policyFiles(f.policyPath)
	if err != nil {
		return req, err
	}
	req.PolicyFiles = files
	return req, nil
}

// userVars reads --vars FILE (YAML or JSON) and then --var k=v pairs.
func (a *app) userVars(f renderFlags) (map[string]any, error) {
	vars := map[string]any{}
	if f.varsFile != "" {
		data, err := os.ReadFile(f.varsFile)
		if err != nil {
			return nil, unet.Errorf(unet.EINVALID, "read --vars: %v", err)
		}
		if err := yaml.Unmarshal(data, &vars); err != nil {
			return nil, unet.Invalid("bad --vars file", unet.FieldError{File: f.varsFile, Message: err.Error()})
		}
		if vars == nil {
			vars = map[string]any{}
		}
	}
	for _, kv := range f.vars {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usagef("--var %q: want k=v", kv)
		}
		vars[k] = v
	}
	return vars, nil
}

func (a *app) templateRenderCommand() *cobra.Command {
	var f renderFlags
	var contextFile, root string
	cmd := &cobra.Command{
		Use:   "render NODE [-t TEMPLATE]... [--var k=v]... [--vars FILE] [-o FILE]\n  unet template render --context FILE.json [--root DIR] TEMPLATE",
		Short: "Render a node's templates (or any template with an explicit JSON context)",
		Long: `Render the templates of a node — by default those assigned by policy APPLY,
in order — with the node's effective data, location, links and user variables.
-o FILE writes the rendered text to FILE; -o json prints each template's part.

With --context FILE.json, render one TEMPLATE of --root DIR (default: the
template path) with that JSON object as the whole context: no inventory needed.`,
		Annotations: map[string]string{"output-file": "true"},
		Args:        cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if contextFile != "" {
				return a.renderWithContext(cmd, contextFile, root, args[0], f)
			}
			ts, err := a.templateService(cmd, f.path)
			if err != nil {
				return err
			}
			req, err := a.templateRequest(args[0], f)
			if err != nil {
				return err
			}
			res, err := ts.RenderNode(a.ctx(cmd), req)
			if err != nil {
				return err
			}
			for _, w := range res.Warnings {
				a.diagnose("warning: " + w + "\n")
			}
			var text strings.Builder
			for _, p := range res.Parts {
				text.WriteString(p.Output)
				if !strings.HasSuffix(p.Output, "\n") {
					text.WriteString("\n")
				}
			}
			return a.emitRendered(res, text.String())
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&contextFile, "context", "", "render TEMPLATE with this JSON file as the context (no inventory)")
	cmd.Flags().StringVar(&root, "root", "", "template root for --context (default: the template path)")
	return cmd
}

// emitRendered prints rendered text, writes it to the -o FILE, or prints the
// structured result for -o json|yaml|ndjson.
func (a *app) emitRendered(structured any, text string) error {
	if a.outFile != "" {
		if err := os.WriteFile(a.outFile, []byte(text), 0o644); err != nil {
			return unet.Errorf(unet.EINVALID, "write %s: %v", a.outFile, err)
		}
		a.diagnose(fmt.Sprintf("wrote %s (%d bytes)\n", a.outFile, len(text)))
		return nil
	}
	if !a.outputSet || a.output == "table" || a.output == "text" {
		// Rendered configuration is text unless a structured format is asked for.
		_, err := io.WriteString(a.env.Stdout, text)
		return err
	}
	return a.printer().emit(structured, nil)
}

func (a *app) renderWithContext(cmd *cobra.Command, contextFile, root, name string, f renderFlags) error {
	data, err := os.ReadFile(contextFile)
	if err != nil {
		return unet.Errorf(unet.EINVALID, "read --context: %v", err)
	}
	vars, err := templates.DecodeJSONContext(data)
	if err != nil {
		return unet.Invalid("bad --context file", unet.FieldError{File: contextFile, Message: err.Error()})
	}
	if len(f.vars) > 0 || f.varsFile != "" {
		// --var/--vars add to the context's "vars", as for a node.
		user, err := a.userVars(f)
		if err != nil {
			return err
		}
		merged, _ := vars["vars"].(*jinja.Dict)
		if merged == nil {
			merged = jinja.NewDict(len(user))
		}
		for _, k := range slices.Sorted(maps.Keys(user)) {
			v, err := jinja.FromGo(user[k])
			if err != nil {
				return unet.Errorf(unet.EINVALID, "--var %s: %v", k, err)
			}
			merged.SetStr(k, v)
		}
		vars["vars"] = merged
	}
	if root == "" {
		root = f.path
	}
	env, err := a.templateEnv(root)
	if err != nil {
		return err
	}
	if env == nil {
		if !a.useDemo {
			return usagef("no templates: pass --root DIR or --path DIR, set UNET_TEMPLATE_PATH or create ./templates (--demo renders the built-in demo templates)")
		}
		opts, err := a.templateOptions()
		if err != nil {
			return err
		}
		env = templates.New(examples.Templates(), opts)
	}
	// The environment only reads templates: closing it cannot lose anything.
	defer func() { _ = env.Close() }()
	out, err := env.Render(cmd.Context(), name, vars)
	if err != nil {
		return templateCLIError(name, err)
	}
	if !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	return a.emitRendered(unet.RenderedTemplate{Template: name, Headers: []string{}, Output: out}, out)
}

func templateCLIError(name string, err error) error {
	if te, ok := err.(*templates.Error); ok {
		field := ""
		if te.Line > 0 {
			field = fmt.Sprint(te.Line)
			if te.Col > 0 {
				field += fmt.Sprintf(":%d", te.Col)
			}
		}
		return unet.Invalid("template error", unet.FieldError{File: te.Template, Field: field, Message: te.Msg})
	}
	return unet.Invalid("template error", unet.FieldError{File: name, Message: err.Error()})
}

func (a *app) templateDiffCommand() *cobra.Command {
	var f renderFlags
	var runningPath, rulesPath string
	var ctxLines int
	var remediate bool
	cmd := &cobra.Command{
		Use:   "diff NODE --running FILE|- [-t TEMPLATE]... [--remediation [--rules FILE]]",
		Short: "Render each template, slice the running config by its header, diff (exit 0 same, 2 different, 1 error)",
		Long: `Render each template for the node, slice the running configuration by each
template's headers and diff the slices (exit 0 same, 2 different, 1 error).

--remediation prints instead the commands that take the running
configuration to the rendered one, within what the templates' headers
select, in the dialect of the node's platform (exit 0 when there is nothing
to do, 2 when there are commands); -o json gives the remediation with every
command's parents and reason. --rules FILE extends the dialect's built-in
remediation rules with a TOML table.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runningPath == "" {
				return usagef("--running FILE|- is required")
			}
			if rulesPath != "" && !remediate {
				return usagef("--rules needs --remediation")
			}
			var rules []byte
			if rulesPath != "" {
				var err error
				if rules, err = os.ReadFile(rulesPath); err != nil {
					printError(a.env.Stderr, unet.Errorf(unet.EINVALID, "read rules: %v", err))
					return &ExitError{Code: ExitFailure}
				}
				// Checked here so that errors name the user's file, in
				// local and remote mode alike.
				if _, err := remediation.ParseRules(rules, rulesPath); err != nil {
					printError(a.env.Stderr, rulesError(rulesPath, err))
					return &ExitError{Code: ExitFailure}
				}
			}
			var running []byte
			var err error
			if runningPath == "-" {
				running, err = io.ReadAll(io.LimitReader(a.env.Stdin, 256<<20))
			} else {
				running, err = os.ReadFile(runningPath)
			}
			if err != nil {
				printError(a.env.Stderr, unet.Errorf(unet.EINVALID, "read running configuration: %v", err))
				return &ExitError{Code: ExitFailure}
			}
			ts, err := a.templateService(cmd, f.path)
			if err != nil {
				return err
			}
			req, err := a.templateRequest(args[0], f)
			if err != nil {
				return err
			}
			res, err := ts.DiffNode(a.ctx(cmd), unet.TemplateDiffRequest{TemplateRequest: req, Running: string(running), Context: ctxLines,
				Remediation: remediate, Rules: string(rules)})
			if err != nil {
				if unet.ErrorCode(err) == unet.EINVALID {
					// Diff commands follow diff(1): any error is exit 1.
					printError(a.env.Stderr, err)
					return &ExitError{Code: ExitFailure}
				}
				return err
			}
			if remediate {
				return a.emitRemediation(res.Remediation)
			}
			if err := a.printer().emit(res, func() any { return diffText(res) }); err != nil {
				return err
			}
			if !res.Equal {
				return &ExitError{Code: ExitDifferent}
			}
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&runningPath, "running", "", "running configuration file, or - for stdin")
	cmd.Flags().IntVar(&ctxLines, "context", 3, "unchanged lines around each change")
	cmd.Flags().BoolVar(&remediate, "remediation", false, "print the commands that take the running configuration to the rendered one")
	cmd.Flags().StringVar(&rulesPath, "rules", "", "TOML rule table extending the dialect's remediation rules (with --remediation)")
	return cmd
}

// rulesError is a bad rule table as a positioned field error.
func rulesError(file string, err error) error {
	var re *remediation.RuleError
	if errors.As(err, &re) && re.Line > 0 {
		return unet.Invalid("bad rules", unet.FieldError{File: file, Field: fmt.Sprintf("%d:%d", re.Line, re.Column), Message: re.Msg})
	}
	return unet.Invalid("bad rules", unet.FieldError{File: file, Message: err.Error()})
}

// emitRemediation prints a node's remediation (its text, or the JSON
// object) and exits 2 when it has commands, as config remediate does.
func (a *app) emitRemediation(rem *unet.Remediation) error {
	if rem == nil {
		return unet.Errorf(unet.EINTERNAL, "the server answered no remediation")
	}
	if err := a.printer().emit(rem, func() any { return rem.Text }); err != nil {
		return err
	}
	if len(rem.Commands) > 0 {
		return &ExitError{Code: ExitDifferent}
	}
	return nil
}

func diffText(res *unet.TemplateDiffResult) string {
	var b strings.Builder
	for _, d := range res.Templates {
		switch {
		case !d.Owned:
			fmt.Fprintf(&b, "== %s: rendered only (no template-match header)\n", d.Template)
		case d.Equal:
			fmt.Fprintf(&b, "== %s: no difference\n", d.Template)
		default:
			fmt.Fprintf(&b, "== %s: %d line(s) missing from running, %d extra in running\n", d.Template, d.Added, d.Removed)
			b.WriteString(d.Diff)
			if !strings.HasSuffix(d.Diff, "\n") {
				b.WriteString("\n")
			}
		}
	}
	if res.Equal {
		fmt.Fprintf(&b, "%s: running configuration matches intent\n", res.Node)
	} else {
		fmt.Fprintf(&b, "%s: running configuration differs from intent\n", res.Node)
	}
	return b.String()
}

// dirHas reports whether dir holds a file with the extension at its top level
// or one level down (a directory of Go sources named "templates" is not a
// template source).
func dirHas(dir, ext string) bool {
	for _, pattern := range []string{"*" + ext, "*/*" + ext} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			// Only a malformed pattern fails, and the callers' directory
			// names and extensions hold no pattern characters.
			return false
		}
		if len(m) > 0 {
			return true
		}
	}
	return false
}
