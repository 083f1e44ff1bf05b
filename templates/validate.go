package templates

import (
	"fmt"
	"io/fs"
	"sort"

	"github.com/unet-dev/unet/jinja"
)

// Validate checks every template of the root without rendering: syntax,
// template-match headers, references of include/import/from/extends with a
// constant name (they must exist inside the root) and the names of filters
// and tests. It returns all problems found, sorted by template and line;
// nil means the tree is valid.
func (e *Env) Validate() []*Error {
	var errs []*Error
	err := e.walkTemplates(func(name string) error {
		errs = append(errs, e.validateTemplate(name)...)
		return nil
	})
	if err != nil {
		errs = append(errs, &Error{Msg: "walk template root: " + err.Error(), Err: err})
	}
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Template != errs[j].Template {
			return errs[i].Template < errs[j].Template
		}
		return errs[i].Line < errs[j].Line
	})
	return errs
}

// ValidateTemplate checks one template as Validate does.
func (e *Env) ValidateTemplate(name string) []*Error {
	clean, err := CleanName(name)
	if err != nil {
		return []*Error{asError(name, err)}
	}
	return e.validateTemplate(clean)
}

func (e *Env) validateTemplate(name string) []*Error {
	_, src, err := e.readSource(name)
	if err != nil {
		return []*Error{{Template: name, Msg: err.Error(), Err: classify(err, err)}}
	}
	_, errs := compileHeaders(name, src)
	tree, err := jinja.Parse(name, string(src), e.jenv.Options())
	if err != nil {
		return append(errs, asError(name, err))
	}
	errs = append(errs, e.checkReferences(tree)...)
	if len(errs) == 0 {
		// What only compiling finds (a block defined twice, a misplaced
		// extends, a name that cannot be assigned).
		if _, err := e.compiled(name); err != nil {
			errs = append(errs, asError(name, err))
		}
	}
	return errs
}

// checkReferences walks a parsed template for references to other templates
// by a constant name (they must exist in the root) and for the names of
// filters and tests (they must exist).
func (e *Env) checkReferences(tree *jinja.Tree) []*Error {
	var errs []*Error
	at := func(n jinja.Node, msg string, sentinel error) {
		p := n.Position()
		errs = append(errs, &Error{Template: tree.Name, Line: p.Line, Col: p.Col, Msg: msg, Err: sentinel})
	}
	ref := func(stmt string, x jinja.Expr) {
		c, ok := x.(*jinja.Const)
		if !ok {
			return // computed name: checked at render time
		}
		name, ok := c.Value.(string)
		if !ok {
			return
		}
		if err := e.checkTemplateRef(name); err != nil {
			at(c, fmt.Sprintf("%s %q: %v", stmt, name, err), classify(err, ErrNotFound))
		}
	}
	for _, s := range tree.Body {
		jinja.Inspect(s, func(n jinja.Node) bool {
			switch x := n.(type) {
			case *jinja.Include:
				if !x.IgnoreMissing {
					ref("include", x.Template)
				}
			case *jinja.Import:
				ref("import", x.Template)
			case *jinja.FromImport:
				ref("from", x.Template)
			case *jinja.Extends:
				ref("extends", x.Template)
			case *jinja.Filter:
				if _, ok := e.jenv.Filter(x.Name); !ok {
					at(x, fmt.Sprintf("unknown filter %q", x.Name), ErrUnknownFilter)
				}
			case *jinja.Test:
				if _, ok := e.jenv.Test(x.Name); !ok {
					at(x, fmt.Sprintf("unknown test %q", x.Name), ErrUnknownFilter)
				}
			}
			return true
		})
	}
	return errs
}

// checkTemplateRef checks that a referenced template exists in the root.
func (e *Env) checkTemplateRef(ref string) error {
	clean, err := CleanName(ref)
	if err != nil {
		return err
	}
	if _, err := fs.Stat(e.fsys, clean); err != nil {
		if isEscapeError(err) {
			return fmt.Errorf("symlink points outside the template root: %w", ErrOutsideRoot)
		}
		return fmt.Errorf("%w in the template root", ErrNotFound)
	}
	return nil
}

// Validate checks every template of a template root given as a file
// system, with the default options. See Env.Validate.
func Validate(fsys fs.FS) []*Error {
	return New(fsys, Options{}).Validate()
}

// ValidateDir checks every template under directory dir. See Env.Validate.
func ValidateDir(dir string) ([]*Error, error) {
	env, err := NewDir(dir, Options{})
	if err != nil {
		return nil, err
	}
	// Validation only reads: closing the directory cannot lose anything.
	defer func() { _ = env.Close() }()
	return env.Validate(), nil
}
