package templates

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/unet-dev/unet/jinja"
)

// Default limits of an environment.
const (
	DefaultTimeout         = 5 * time.Second
	DefaultMaxOutput       = 16 << 20 // bytes
	DefaultMaxDepth        = 100
	DefaultMaxTemplateSize = 4 << 20 // bytes
	DefaultMaxValueItems   = 100_000
)

// Options configures an environment. Zero fields take the defaults.
type Options struct {
	// Timeout bounds the duration of one render (DefaultTimeout).
	Timeout time.Duration
	// MaxOutput bounds the size in bytes of one render's output
	// (DefaultMaxOutput). It also bounds any string one operation may
	// produce.
	MaxOutput int
	// MaxDepth bounds the nesting of macro calls, includes and extends
	// chains (DefaultMaxDepth).
	MaxDepth int
	// MaxTemplateSize bounds the size in bytes of a template source
	// (DefaultMaxTemplateSize).
	MaxTemplateSize int64
	// KeepTrailingNewline keeps the final newline of a template source in
	// the output. Off by default, as in Jinja2: a template file ending with
	// a newline renders without it, and the caller decides how to join or
	// terminate rendered parts.
	KeepTrailingNewline bool
	// MaxValueItems bounds the number of elements of a list any single
	// operation (filter, operator, range) may produce
	// (DefaultMaxValueItems).
	MaxValueItems int
	// MaxHeap is the process heap size (bytes) past which an operation
	// about to allocate a large value fails: the guard against a template
	// that keeps many values, each within the limits. The default is three
	// quarters of GOMEMLIMIT when it is set, else 2 GiB.
	MaxHeap int64
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxOutput <= 0 {
		o.MaxOutput = DefaultMaxOutput
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MaxValueItems <= 0 {
		o.MaxValueItems = DefaultMaxValueItems
	}
	if o.MaxTemplateSize <= 0 {
		o.MaxTemplateSize = DefaultMaxTemplateSize
	}
	return o
}

// Env is a template environment rooted at a template source. It is safe for
// concurrent use. Compiled templates are cached: the source is expected not
// to change during the life of the Env (create a new Env to see changes).
type Env struct {
	fsys fs.FS
	root *os.Root // set by NewDir, closed by Close
	opts Options
	jenv *jinja.Env
}

// New returns an environment rooted at fsys. Names are resolved inside fsys
// only; symlink confinement is the responsibility of fsys (NewDir uses an
// os.Root, which refuses symlinks leading outside the directory).
func New(fsys fs.FS, opts Options) *Env {
	e := &Env{fsys: fsys, opts: opts.withDefaults()}
	e.jenv = jinja.New(rootFS{env: e}, jinja.Options{
		TrimBlocks:          true,
		LstripBlocks:        true,
		KeepTrailingNewline: e.opts.KeepTrailingNewline,
		MaxTemplateSize:     e.opts.MaxTemplateSize,
		ResolveName:         CleanName,
		Limits: jinja.Limits{
			Timeout:       e.opts.Timeout,
			MaxOutput:     e.opts.MaxOutput,
			MaxValueItems: e.opts.MaxValueItems,
			MaxDepth:      e.opts.MaxDepth,
			MaxHeap:       e.opts.MaxHeap,
		},
	})
	registerNetwork(e.jenv)
	return e
}

// NewDir returns an environment rooted at directory dir. Symlinks are
// followed only while they stay inside dir. Call Close to release the
// directory.
func NewDir(dir string, opts Options) (*Env, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open template root: %w", err)
	}
	e := New(root.FS(), opts)
	e.root = root
	return e, nil
}

// Close releases the directory opened by NewDir. It is a no-op for an Env
// built with New.
func (e *Env) Close() error {
	if e.root == nil {
		return nil
	}
	return e.root.Close()
}

// Options returns the effective options of the environment.
func (e *Env) Options() Options { return e.opts }

// Render renders the template name with vars as its context and returns the
// output. Errors are *Error values carrying the name and line of the
// template that failed (an included or imported one when the error is
// there); limits are reported with ErrTimeLimit, ErrOutputLimit,
// ErrDepthLimit and ErrValueLimit.
func (e *Env) Render(ctx context.Context, name string, vars map[string]any) (string, error) {
	t, err := e.compiled(name)
	if err != nil {
		return "", err
	}
	out, err := t.RenderString(ctx, vars)
	if err != nil {
		return "", asError(name, err)
	}
	return out, nil
}

// compiled returns the compiled template name.
func (e *Env) compiled(name string) (*jinja.Template, error) {
	clean, err := CleanName(name)
	if err != nil {
		return nil, &Error{Template: name, Msg: err.Error(), Err: classify(err, ErrOutsideRoot)}
	}
	t, err := e.jenv.Template(clean)
	if err != nil {
		return nil, asError(clean, err)
	}
	return t, nil
}

// rootFS is the file system the engine loads templates from: names are
// checked by CleanName and read by readSource, so that a missing template, a
// name leaving the root and an oversized source get μNet's errors.
type rootFS struct{ env *Env }

// Open opens a template of the root.
func (r rootFS) Open(name string) (fs.File, error) {
	if _, err := CleanName(name); err != nil {
		return nil, err
	}
	return r.env.fsys.Open(name)
}

// ReadFile reads a template of the root.
func (r rootFS) ReadFile(name string) ([]byte, error) {
	_, data, err := r.env.readSource(name)
	return data, err
}
