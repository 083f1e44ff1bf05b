package jinja

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	if !validName(name) {
		return nil, &notFoundError{msg: fmt.Sprintf("%q is not a valid template name (a relative slash path without . or .. elements)", name)}
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

// readSource reads a template source, bounded by MaxTemplateSize.
func (e *Env) readSource(name string) (string, error) {
	f, err := e.fsys.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", &notFoundError{msg: name}
		}
		return "", fmt.Errorf("open template %s: %w", name, err)
	}
	defer f.Close()
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
