package templates

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"sync"
	"time"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
)

// Default limits of an environment.
const (
	DefaultTimeout         = 5 * time.Second
	DefaultMaxOutput       = 16 << 20 // bytes
	DefaultMaxDepth        = 100
	DefaultMaxTemplateSize = 4 << 20 // bytes
)

// stateName is the hidden context variable holding the render state.
const stateName = "__unet_state"

// Options configures an environment. Zero fields take the defaults.
type Options struct {
	// Timeout bounds the duration of one render (DefaultTimeout).
	Timeout time.Duration
	// MaxOutput bounds the size in bytes of one render's output
	// (DefaultMaxOutput).
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
	// (DefaultMaxValueItems). Strings are bounded by MaxOutput bytes.
	MaxValueItems int
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
// concurrent use. Parsed templates are cached: the source is expected not to
// change during the life of the Env (create a new Env to see changes).
type Env struct {
	fsys  fs.FS
	root  *os.Root // set by NewDir, closed by Close
	opts  Options
	cfg   *config.Config
	genv  *exec.Environment
	mu    sync.Mutex
	cache map[string]*exec.Template
}

// New returns an environment rooted at fsys. Names are resolved inside fsys
// only; symlink confinement is the responsibility of fsys (NewDir uses an
// os.Root, which refuses symlinks leading outside the directory).
func New(fsys fs.FS, opts Options) *Env {
	e := &Env{fsys: fsys, opts: opts.withDefaults(), cache: map[string]*exec.Template{}}
	cfg := config.New()
	cfg.TrimBlocks = true
	cfg.LeftStripBlocks = true
	cfg.StrictUndefined = true
	cfg.AutoEscape = false
	cfg.KeepTrailingNewline = e.opts.KeepTrailingNewline
	e.cfg = cfg

	globals := exec.EmptyContext().Update(builtins.GlobalFunctions).Update(builtins.GlobalVariables)
	globals.Set("range", rangeFunction)
	globals.Set("none", nil)
	globals.Set("None", nil)
	globals.Set(lookupName, lookupFunction)
	e.genv = &exec.Environment{
		Context:           globals,
		Filters:           newFilterSet(),
		Tests:             newTestSet(),
		ControlStructures: e.newControlStructures(),
		Methods:           newMethods(),
	}
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
// output. Errors are *Error values carrying the template name and line;
// limits are reported with ErrTimeLimit, ErrOutputLimit, ErrDepthLimit and
// ErrValueLimit.
func (e *Env) Render(ctx context.Context, name string, vars map[string]any) (string, error) {
	tpl, clean, err := e.template(name)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, e.opts.Timeout)
	defer cancel()
	st := &renderState{ctx: ctx, maxDepth: e.opts.MaxDepth, maxOutput: e.opts.MaxOutput, maxItems: e.opts.MaxValueItems}
	data := make(map[string]any, len(vars)+4)
	maps.Copy(data, vars)
	data[stateName] = st
	w := &limitedWriter{st: st}
	if err := execute(tpl, w, data); err != nil {
		return "", e.attribute(outermost(tpl.Root(), clean), err, st)
	}
	return w.buf.String(), nil
}

// execute runs a template, turning a panic of the engine into an error.
func execute(tpl *exec.Template, w *limitedWriter, data map[string]any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("template engine failure: %v", r)
		}
	}()
	return tpl.Execute(w, exec.NewContext(data))
}

// template returns the parsed template name, from the cache when possible.
func (e *Env) template(name string) (*exec.Template, string, error) {
	clean, err := CleanName(name)
	if err != nil {
		return nil, name, &Error{Template: name, Msg: err.Error(), Err: classify(err, ErrOutsideRoot)}
	}
	e.mu.Lock()
	tpl, ok := e.cache[clean]
	e.mu.Unlock()
	if ok {
		return tpl, clean, nil
	}
	tpl, err = e.parse(clean)
	if err != nil {
		return nil, clean, err
	}
	e.mu.Lock()
	e.cache[clean] = tpl
	e.mu.Unlock()
	return tpl, clean, nil
}

// parse reads and parses a template without using the cache.
func (e *Env) parse(clean string) (tpl *exec.Template, err error) {
	if _, _, err := e.readSource(clean); err != nil {
		return nil, &Error{Template: clean, Msg: err.Error(), Err: classify(err, nil)}
	}
	defer func() {
		if r := recover(); r != nil {
			tpl, err = nil, &Error{Template: clean, Msg: fmt.Sprintf("template engine failure: %v", r), Err: ErrSyntax}
		}
	}()
	tpl, err = exec.NewTemplate(clean, e.cfg, &sandboxLoader{env: e}, e.genv)
	if err != nil {
		return nil, e.locate(parseError(clean, err), err.Error())
	}
	optimizeDefaults(tpl.Root())
	return tpl, nil
}

// isNotFound reports whether err says a template does not exist.
func isNotFound(err error) bool {
	return errors.Is(err, ErrNotFound)
}
