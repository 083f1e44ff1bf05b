package jinja

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"
)

// templateCache holds the compiled templates of an environment by name.
type templateCache struct {
	mu sync.RWMutex
	m  map[string]*Template
}

// Template returns the compiled template name from the environment's
// fs.FS, compiling it on first use. Names are slash-separated relative
// paths; "." and ".." elements and absolute names are refused.
func (e *Env) Template(name string) (*Template, error) {
	t, err := e.load(name)
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			return nil, pe
		}
		return nil, &Error{Template: name, Msg: err.Error(), Err: err}
	}
	return t, nil
}

// load returns the compiled template name; a missing template is an error
// wrapping ErrNotFound.
func (e *Env) load(name string) (*Template, error) {
	name, err := e.resolveName(name)
	if err != nil {
		return nil, err
	}
	e.cache.mu.RLock()
	t, ok := e.cache.m[name]
	e.cache.mu.RUnlock()
	if ok {
		return t, nil
	}
	e.cache.mu.Lock()
	defer e.cache.mu.Unlock()
	if t, ok := e.cache.m[name]; ok {
		return t, nil
	}
	if e.fsys == nil {
		return nil, &notFoundError{msg: name}
	}
	src, err := e.readSource(name)
	if err != nil {
		return nil, err
	}
	tree, err := Parse(name, src, e.opts)
	if err != nil {
		return nil, err
	}
	if tree.Name == "" {
		tree.Name = name
	}
	t, err = e.compile(tree)
	if err != nil {
		return nil, err
	}
	if e.cache.m == nil {
		e.cache.m = map[string]*Template{}
	}
	e.cache.m[name] = t
	return t, nil
}

// readSource reads a template source, bounded by MaxTemplateSize. A file
// system that implements fs.ReadFileFS reads the file itself (and may bound
// and classify errors its own way).
func (e *Env) readSource(name string) (string, error) {
	if rf, ok := e.fsys.(fs.ReadFileFS); ok {
		b, err := rf.ReadFile(name)
		switch {
		case errors.Is(err, fs.ErrNotExist) || err != nil && isDir(e.fsys, name):
			return "", &notFoundError{msg: name}
		case err != nil:
			return "", err
		case int64(len(b)) > e.opts.MaxTemplateSize:
			return "", &Error{Template: name, Msg: fmt.Sprintf("template source is over the limit of %d bytes", e.opts.MaxTemplateSize), Err: ErrValueLimit}
		}
		return string(b), nil
	}
	f, err := e.fsys.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", &notFoundError{msg: name}
		}
		return "", fmt.Errorf("open template %s: %w", name, err)
	}
	// A read-only file: closing it cannot lose anything.
	defer func() { _ = f.Close() }()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return "", &notFoundError{msg: name}
	}
	b, err := io.ReadAll(io.LimitReader(f, e.opts.MaxTemplateSize+1))
	if err != nil {
		return "", fmt.Errorf("read template %s: %w", name, err)
	}
	if int64(len(b)) > e.opts.MaxTemplateSize {
		return "", &Error{Template: name, Msg: fmt.Sprintf("template source is over the limit of %d bytes", e.opts.MaxTemplateSize), Err: ErrValueLimit}
	}
	return string(b), nil
}

// isDir reports whether name is a directory of fsys.
func isDir(fsys fs.FS, name string) bool {
	st, err := fs.Stat(fsys, name)
	return err == nil && st.IsDir()
}

// resolveName returns the name under which a template is loaded and cached:
// Options.ResolveName's, or by default Jinja2's FileSystemLoader rule ("."
// and empty elements are dropped; "..", an absolute name or a backslash is
// a template not found).
func (e *Env) resolveName(name string) (string, error) {
	if e.opts.ResolveName != nil {
		return e.opts.ResolveName(name)
	}
	if strings.HasPrefix(name, "/") || strings.Contains(name, "\\") {
		return "", &notFoundError{msg: name}
	}
	parts := make([]string, 0, 4)
	for _, el := range strings.Split(name, "/") {
		switch el {
		case "", ".":
			continue
		case "..":
			return "", &notFoundError{msg: name}
		}
		parts = append(parts, el)
	}
	if len(parts) == 0 {
		return "", &notFoundError{msg: name}
	}
	return strings.Join(parts, "/"), nil
}
