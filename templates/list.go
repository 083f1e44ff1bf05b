package templates

import (
	"io/fs"
	"path"
	"sort"
	"strings"
)

// IsTemplateFile reports whether a file name is a template by its
// extension: .j2, .jinja or .jinja2.
func IsTemplateFile(name string) bool {
	switch path.Ext(name) {
	case ".j2", ".jinja", ".jinja2":
		return true
	}
	return false
}

// TemplateInfo describes one template of a root.
type TemplateInfo struct {
	Name    string   `json:"name"`    // slash-separated name relative to the root
	Partial bool     `json:"partial"` // base name starts with "_": a macro library or include, not rendered alone
	Headers []Header `json:"headers"` // template-match headers in source order; Match is nil for a header that does not compile
}

// walkTemplates calls fn for every template file of the root in lexical
// order, skipping hidden directories such as .git.
func (e *Env) walkTemplates(fn func(name string) error) error {
	return fs.WalkDir(e.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if !IsTemplateFile(p) {
			return nil
		}
		return fn(p)
	})
}

// List returns the templates of the root with their headers, sorted by
// name. Headers that do not compile are listed with a nil Match; Validate
// says why.
func (e *Env) List() ([]TemplateInfo, error) {
	var out []TemplateInfo
	err := e.walkTemplates(func(name string) error {
		_, src, err := e.readSource(name)
		if err != nil {
			return err
		}
		hs, _ := compileHeaders(name, src)
		if hs == nil {
			hs = []Header{}
		}
		out = append(out, TemplateInfo{Name: name, Partial: strings.HasPrefix(path.Base(name), "_"), Headers: hs})
		return nil
	})
	if err != nil {
		return nil, &Error{Msg: "list templates: " + err.Error(), Err: err}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Template returns one template with its compiled headers. The template
// must parse and its headers must compile; otherwise the first problem is
// returned as an *Error.
func (e *Env) Template(name string) (TemplateInfo, error) {
	if _, err := e.compiled(name); err != nil {
		return TemplateInfo{}, err
	}
	clean, _ := CleanName(name) // compiled checked it
	_, src, err := e.readSource(clean)
	if err != nil {
		return TemplateInfo{}, &Error{Template: clean, Msg: err.Error(), Err: err}
	}
	hs, errs := compileHeaders(clean, src)
	if len(errs) > 0 {
		return TemplateInfo{}, errs[0]
	}
	if hs == nil {
		hs = []Header{}
	}
	return TemplateInfo{Name: clean, Partial: strings.HasPrefix(path.Base(clean), "_"), Headers: hs}, nil
}
