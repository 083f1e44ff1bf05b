package templates

import (
	"fmt"
	"io/fs"
	"sort"

	"github.com/nikolalohinski/gonja/v2/tokens"
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
	if _, err := e.parse(name); err != nil {
		errs = append(errs, asError(name, err))
		return errs
	}
	return append(errs, e.checkReferences(name, string(src))...)
}

// checkReferences scans the tokens of a template for references to other
// templates and for filter and test names.
func (e *Env) checkReferences(name, src string) []*Error {
	var toks []*tokens.Token
	stream := tokens.LexAll(src, e.cfg)
	for !stream.End() {
		toks = append(toks, stream.Next())
	}
	var errs []*Error
	at := func(i int) *tokens.Token {
		if i < len(toks) {
			return toks[i]
		}
		return &tokens.Token{Type: tokens.EOF}
	}
	for i, t := range toks {
		switch t.Type {
		case tokens.BlockBegin:
			stmt := at(i + 1)
			if stmt.Type != tokens.Name {
				continue
			}
			switch stmt.Val {
			case "include", "import", "from", "extends":
				arg := at(i + 2)
				if arg.Type != tokens.String {
					continue // computed name: checked at render time
				}
				if stmt.Val == "include" && at(i+3).Val == "ignore" {
					continue
				}
				if err := e.checkTemplateRef(arg.Val); err != nil {
					errs = append(errs, &Error{Template: name, Line: arg.Line, Col: arg.Col,
						Msg: fmt.Sprintf("%s %q: %v", stmt.Val, arg.Val, err), Err: classify(err, ErrNotFound)})
				}
			case "filter":
				if f := at(i + 2); f.Type == tokens.Name && !e.genv.Filters.Exists(f.Val) {
					errs = append(errs, unknownFilter(name, f))
				}
			}
		case tokens.Pipe:
			if f := at(i + 1); f.Type == tokens.Name && !e.genv.Filters.Exists(f.Val) {
				errs = append(errs, unknownFilter(name, f))
			}
		case tokens.Is:
			j := i + 1
			if at(j).Type == tokens.Not {
				j++
			}
			if tt := at(j); tt.Type == tokens.Name && !e.genv.Tests.Exists(tt.Val) {
				errs = append(errs, &Error{Template: name, Line: tt.Line, Col: tt.Col,
					Msg: fmt.Sprintf("unknown test %q", tt.Val), Err: ErrUnknownFilter})
			}
		}
	}
	return errs
}

func unknownFilter(name string, t *tokens.Token) *Error {
	return &Error{Template: name, Line: t.Line, Col: t.Col, Msg: fmt.Sprintf("unknown filter %q", t.Val), Err: ErrUnknownFilter}
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
