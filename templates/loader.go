package templates

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// CleanName checks a template name and returns its canonical form: a
// slash-separated path relative to the template root. Absolute paths, ".."
// elements, backslashes and empty names are refused with [ErrOutsideRoot] or
// a descriptive error, so a name can never reach outside the root.
func CleanName(name string) (string, error) {
	switch {
	case name == "":
		return "", errors.New("empty template name")
	case strings.HasPrefix(name, "/") || (len(name) > 1 && name[1] == ':'):
		return "", fmt.Errorf("template %q: absolute paths are not allowed: %w", name, ErrOutsideRoot)
	case strings.Contains(name, `\`):
		return "", fmt.Errorf("template %q: backslashes are not allowed in template names: %w", name, ErrOutsideRoot)
	case strings.ContainsRune(name, 0):
		return "", fmt.Errorf("template %q: NUL byte in template name", name)
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == ".." {
			return "", fmt.Errorf("template %q: '..' is not allowed in template names: %w", name, ErrOutsideRoot)
		}
	}
	clean := path.Clean(name)
	if !fs.ValidPath(clean) || clean == "." {
		return "", fmt.Errorf("template %q: not a valid template name", name)
	}
	return clean, nil
}

// readSource reads a template source from the root by its (unclean) name.
func (e *Env) readSource(name string) (string, []byte, error) {
	clean, err := CleanName(name)
	if err != nil {
		return "", nil, err
	}
	data, err := fs.ReadFile(e.fsys, clean)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return clean, nil, fmt.Errorf("template %q: %w", clean, ErrNotFound)
		case isEscapeError(err):
			return clean, nil, fmt.Errorf("template %q: symlink points outside the template root: %w", clean, ErrOutsideRoot)
		}
		return clean, nil, fmt.Errorf("template %q: %w", clean, err)
	}
	if int64(len(data)) > e.opts.MaxTemplateSize {
		return clean, nil, fmt.Errorf("template %q: %d bytes, more than the %d bytes allowed for a template source", clean, len(data), e.opts.MaxTemplateSize)
	}
	return clean, data, nil
}

// isEscapeError recognises the error os.Root returns when a symlink leads
// outside the root.
func isEscapeError(err error) bool {
	return strings.Contains(err.Error(), "path escapes from parent")
}
