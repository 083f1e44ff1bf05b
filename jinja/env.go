package jinja

import (
	"io/fs"
	"maps"
)

// Options configure an environment.
type Options struct {
	// TrimBlocks removes the first newline after a block tag (Jinja2's
	// trim_blocks).
	TrimBlocks bool
	// LstripBlocks strips spaces and tabs from the start of a line up to a
	// block tag (Jinja2's lstrip_blocks).
	LstripBlocks bool
	// KeepTrailingNewline keeps the final newline of a template source
	// (Jinja2's keep_trailing_newline; off by default, as in Jinja2).
	KeepTrailingNewline bool
	// Limits bound every render.
	Limits Limits
	// ResolveName, when set, turns a template name (as given to Template
	// or written in include, import and extends) into the name it is read
	// and cached under, or refuses it with an error. By default names
	// follow Jinja2's FileSystemLoader: "." and empty elements are
	// dropped, and "..", absolute names and backslashes are not found.
	ResolveName func(name string) (string, error)
	// MaxTemplateSize bounds the size in bytes of a template source
	// (default 1 MiB).
	MaxTemplateSize int64
}

// Env is a template environment: options, a template source, and the
// filters, tests and globals templates see. Configure it (AddFilter,
// AddTest, AddGlobal) before the first render; it is then safe for
// concurrent use.
type Env struct {
	opts    Options
	fsys    fs.FS
	filters map[string]FilterFunc
	tests   map[string]TestFunc
	globals map[string]Value
	cache   templateCache
}

// New returns an environment loading templates from fsys (nil for an
// environment that only renders strings), with Jinja2's builtin filters,
// tests and globals.
func New(fsys fs.FS, o Options) *Env {
	o.Limits = o.Limits.WithDefaults()
	if o.MaxTemplateSize <= 0 {
		o.MaxTemplateSize = 1 << 20
	}
	e := &Env{opts: o, fsys: fsys,
		filters: maps.Clone(builtinFilters()),
		tests:   maps.Clone(builtinTests()),
		globals: map[string]Value{},
	}
	e.addBuiltinGlobals()
	return e
}

// Options returns the environment's effective options.
func (e *Env) Options() Options { return e.opts }

// AddFilter adds or replaces the filter name.
func (e *Env) AddFilter(name string, f FilterFunc) { e.filters[name] = f }

// AddTest adds or replaces the test name.
func (e *Env) AddTest(name string, t TestFunc) { e.tests[name] = t }

// AddGlobal adds or replaces the global name.
func (e *Env) AddGlobal(name string, v Value) { e.globals[name] = v }

// Filter returns the filter name.
func (e *Env) Filter(name string) (FilterFunc, bool) {
	f, ok := e.filters[name]
	return f, ok
}

// Test returns the test name.
func (e *Env) Test(name string) (TestFunc, bool) {
	t, ok := e.tests[name]
	return t, ok
}
