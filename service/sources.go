package service

import (
	"context"
	"errors"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/examples"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/templates"
)

// DemoSource labels results evaluated with the built-in demo policies.
const DemoSource = "builtin:demo"

// settingDemo is the database setting that marks a demo database.
const settingDemo = "demo"

// ErrNoPolicies is in the chain of the error returned when nothing provides
// rules: no files in the request, no policy directory, no Git source of
// policies, and not a demo database.
var ErrNoPolicies = errors.New("no policies configured")

// ErrNoTemplates is in the chain of the error returned when nothing provides
// templates.
var ErrNoTemplates = errors.New("no templates configured")

// errNoGitSource is in the chain of ActiveSnapshots' error when no Git source
// holds the kind asked for (as opposed to one that has not synced yet).
var errNoGitSource = errors.New("no Git source of this kind")

// noPoliciesMessage names the ways to provide rules.
const noPoliciesMessage = "no policies to evaluate: give a policy directory (--path DIR, UNET_POLICY_PATH, " +
	"[policies] path in the config file or ./policies; " +
	"for a server, serve --policies DIR), or add a Git source of policies (`unet git sources add NAME --url URL --kind policies`, " +
	"then `unet git sync`); --demo uses the built-in demo policies"

// noTemplatesMessage names the ways to provide templates.
const noTemplatesMessage = "no templates to render: give a template directory (--path DIR, UNET_TEMPLATE_PATH, " +
	"[templates] path in the config file or ./templates; " +
	"for a server, serve --templates DIR), or add a Git source of templates (`unet git sources add NAME --url URL --kind templates`, " +
	"then `unet git sync`); --demo uses the built-in demo templates"

// demoState holds the demo switches of a service and the caches of the
// default template sources.
type demoState struct {
	mu     sync.Mutex
	forced bool
	env    *templates.Env
	byDir  map[string]*templates.Env
}

// SetDemo makes the service use the built-in demo policies and templates when
// nothing else provides them, whatever the database says (`--demo`).
func (s *Service) SetDemo(on bool) {
	s.demo.mu.Lock()
	defer s.demo.mu.Unlock()
	s.demo.forced = on
}

// MarkDemo records in the database that it holds the demo dataset: from then
// on it falls back to the built-in demo policies and templates.
func (s *Service) MarkDemo(ctx context.Context) error {
	return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		return tx.PutSetting(ctx, settingDemo, "true", time.Now())
	})
}

// IsDemo reports whether the service uses the demo content: SetDemo(true), or
// a database marked by MarkDemo.
func (s *Service) IsDemo(ctx context.Context) (bool, error) {
	s.demo.mu.Lock()
	forced := s.demo.forced
	s.demo.mu.Unlock()
	if forced {
		return true, nil
	}
	v, ok, err := s.db.Reader().Setting(ctx, settingDemo)
	if err != nil {
		return false, err
	}
	return ok && v == "true", nil
}

// DemoPolicies returns the built-in demo rule files in lexical path order.
func DemoPolicies() ([]unet.PolicyFile, error) {
	files, err := ReadRuleFiles(examples.Policies())
	if err != nil {
		return nil, unet.Internal(err)
	}
	return files, nil
}

// ReadRuleFiles collects the *.rules files of a tree in lexical path order.
func ReadRuleFiles(fsys fs.FS) ([]unet.PolicyFile, error) {
	var files []unet.PolicyFile
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".rules") {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files = append(files, unet.PolicyFile{Name: p, Content: string(data)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

// defaultPolicies supplies rules when neither the request nor a configured
// source does: the active Git snapshot of the environment, else the demo
// policies in a demo database, else an error naming the ways to provide
// them. Errors of the Git lookup itself are returned as they are.
func (s *Service) defaultPolicies(ctx context.Context, env string) ([]unet.PolicyFile, string, error) {
	files, source, err := s.ActivePolicyFiles(ctx, env)
	if err == nil {
		return files, source, nil
	}
	if !errors.Is(err, errNoGitSource) {
		return nil, "", err
	}
	demo, derr := s.IsDemo(ctx)
	if derr != nil {
		return nil, "", derr
	}
	if !demo {
		return nil, "", &unet.Error{Code: unet.EINVALID, Message: noPoliciesMessage, Err: ErrNoPolicies}
	}
	files, err = DemoPolicies()
	return files, DemoSource, err
}

// defaultTemplates supplies templates when no template directory is
// configured: the active Git snapshot of the environment, else the demo
// templates in a demo database, else an error naming the ways to provide
// them.
func (s *Service) defaultTemplates(ctx context.Context, env string) (*templates.Env, error) {
	dir, err := s.ActiveTemplateDir(ctx, env)
	if err == nil {
		s.demo.mu.Lock()
		defer s.demo.mu.Unlock()
		if e, ok := s.demo.byDir[dir]; ok {
			return e, nil
		}
		e, err := templates.NewDir(dir, s.templateOpts)
		if err != nil {
			return nil, unet.Errorf(unet.EUNAVAILABLE, "templates of the active Git snapshot: %v", err)
		}
		if s.demo.byDir == nil {
			s.demo.byDir = map[string]*templates.Env{}
		}
		s.demo.byDir[dir] = e
		return e, nil
	}
	if !errors.Is(err, errNoGitSource) {
		return nil, err
	}
	demo, derr := s.IsDemo(ctx)
	if derr != nil {
		return nil, derr
	}
	if !demo {
		return nil, &unet.Error{Code: unet.EINVALID, Message: noTemplatesMessage, Err: ErrNoTemplates}
	}
	s.demo.mu.Lock()
	defer s.demo.mu.Unlock()
	if s.demo.env == nil {
		s.demo.env = templates.New(examples.Templates(), s.templateOpts)
	}
	return s.demo.env, nil
}

// noPoliciesWarning is the warning of a rendering with templates named by the
// caller while nothing provides policies.
const noPoliciesWarning = "no policies were applied (nothing provides them): values that rules SET are missing from the context"

// optionalRules is rules for rendering. Without named templates the policies
// choose them, so nothing providing policies is the error of rules. With
// named templates the rendering goes on without a program (nil) and the
// returned warning says that no policy was applied.
func (s *Service) optionalRules(ctx context.Context, files []unet.PolicyFile, env string, named []string) (*policy.Program, string, error) {
	prog, _, err := s.rules(ctx, files, "", env)
	if errors.Is(err, ErrNoPolicies) && len(named) > 0 {
		return nil, noPoliciesWarning, nil
	}
	return prog, "", err
}
