package service

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/sqlstore"
)

// canaryState caches the content of candidates by source and snapshot
// name: a stored snapshot never changes, so what was read once stays
// valid.
type canaryState struct {
	mu       sync.Mutex
	contents map[string]*canaryContent
}

// canaryContent is the content of one candidate snapshot: its files, the
// rule files derived from them, and the directory its templates were
// written to (on first use).
type canaryContent struct {
	files  []sqlstore.GitSnapshotFile
	once   sync.Once
	tplDir string
	tplErr error
}

// canaryView is an active canary as evaluations and renders use it.
type canaryView struct {
	c   *unet.Canary
	src *unet.GitSource
	sel *policy.Selector
}

type canaryKey struct{}

// withCanary makes the candidate of v replace its source's active snapshot
// in the lookups of ctx (activePolicyFiles, ActiveTemplateDir).
func withCanary(ctx context.Context, v *canaryView) context.Context {
	if v == nil {
		return ctx
	}
	return context.WithValue(ctx, canaryKey{}, v)
}

func canaryFrom(ctx context.Context) *canaryView {
	v, _ := ctx.Value(canaryKey{}).(*canaryView)
	return v
}

// canaryRouter picks the canary of each node for one evaluation or render.
type canaryRouter struct {
	views []*canaryView
}

// canaryRouter reads the active canaries once: nil when there is none (the
// common case costs one small query).
func (s *Service) canaryRouter(ctx context.Context) (*canaryRouter, error) {
	list, err := s.db.Reader().ListCanaries(ctx, false)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	rt := &canaryRouter{}
	for i := range list {
		v, err := s.canaryView(ctx, &list[i])
		if err != nil {
			return nil, err
		}
		if v != nil {
			rt.views = append(rt.views, v)
		}
	}
	if len(rt.views) == 0 {
		return nil, nil
	}
	return rt, nil
}

// canaryView prepares a canary for routing; nil when its source is gone.
func (s *Service) canaryView(ctx context.Context, c *unet.Canary) (*canaryView, error) {
	src, err := s.db.Reader().GetGitSource(ctx, c.Source)
	if unet.ErrorCode(err) == unet.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	sel, err := s.ruleSelector(c.Selector)
	if err != nil {
		return nil, unet.Errorf(unet.EINTERNAL, "canary %s: selector: %v", c.Name, err)
	}
	return &canaryView{c: c, src: src, sel: sel}, nil
}

// selects reports whether the canary serves node n: n's environment maps to
// the canary's environment of the source and n matches the selector.
func (v *canaryView) selects(inv *inventory, n *unet.Node) bool {
	if toGitsync(v.src).Environment(envOrDefault(n.Environment)).Name != v.c.Environment {
		return false
	}
	ok, _ := v.sel.Match(inv.nodeInput(n))
	return ok
}

// pick returns the canary serving node n, nil for the active version.
func (rt *canaryRouter) pick(inv *inventory, n *unet.Node) *canaryView {
	if rt == nil {
		return nil
	}
	for _, v := range rt.views {
		if v.selects(inv, n) {
			return v
		}
	}
	return nil
}

// canaryEnvKey names the program of env served with canary v.
func canaryEnvKey(env string, v *canaryView) string {
	if v == nil {
		return env
	}
	return env + "\x00canary:" + v.c.Name
}

// canaryContent returns the stored content of a canary's candidate.
func (s *Service) canaryContent(ctx context.Context, c *unet.Canary) (*canaryContent, error) {
	key := c.Source + "\x00" + c.Snapshot
	st := &s.canary
	st.mu.Lock()
	cc, ok := st.contents[key]
	st.mu.Unlock()
	if ok {
		return cc, nil
	}
	_, files, err := s.db.Reader().GitSnapshot(ctx, c.Source, c.Snapshot)
	if err != nil {
		return nil, unet.Errorf(unet.EUNAVAILABLE, "canary %s: candidate content: %v", c.Name, err)
	}
	cc = &canaryContent{files: files}
	st.mu.Lock()
	defer st.mu.Unlock()
	if prev, ok := st.contents[key]; ok {
		return prev, nil
	}
	if st.contents == nil || len(st.contents) >= 64 {
		st.contents = map[string]*canaryContent{}
	}
	st.contents[key] = cc
	return cc, nil
}

// kindPrefix is where the files of kind sit in a snapshot's file list, as
// kindRoot decides it for a directory: the configured sub-directory, else
// kind/ when there is one, else the root.
func kindPrefix(files []sqlstore.GitSnapshotFile, kind, sub string) string {
	if sub != "" {
		return strings.TrimSuffix(sub, "/") + "/"
	}
	for _, f := range files {
		if strings.HasPrefix(f.Path, kind+"/") {
			return kind + "/"
		}
	}
	return ""
}

// canaryPolicyFiles returns the rule files of a canary's candidate, named
// as activePolicyFiles names those of a snapshot.
func (s *Service) canaryPolicyFiles(ctx context.Context, v *canaryView, prefixed bool) ([]unet.PolicyFile, error) {
	cc, err := s.canaryContent(ctx, v.c)
	if err != nil {
		return nil, err
	}
	prefix := kindPrefix(cc.files, unet.GitKindPolicies, v.src.PoliciesDir)
	var out []unet.PolicyFile
	for _, f := range cc.files {
		if !strings.HasPrefix(f.Path, prefix) || !strings.HasSuffix(f.Path, ".rules") || f.Mode == gitsync.ModeSymlink {
			continue
		}
		name := strings.TrimPrefix(f.Path, prefix)
		if prefixed {
			name = v.c.Source + "/" + name
		}
		out = append(out, unet.PolicyFile{Name: name, Content: string(f.Content)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// canaryTemplateDir writes a canary's candidate into the data directory
// (once per process) and returns its templates directory.
func (s *Service) canaryTemplateDir(ctx context.Context, v *canaryView) (string, error) {
	cc, err := s.canaryContent(ctx, v.c)
	if err != nil {
		return "", err
	}
	cc.once.Do(func() {
		dir := filepath.Join(s.GitDataDir(), "canaries", v.c.Source, v.c.Snapshot)
		if _, err := os.Stat(dir); err != nil {
			cc.tplErr = writeCanaryDir(dir, cc.files)
		}
		cc.tplDir = dir
	})
	if cc.tplErr != nil {
		return "", unet.Errorf(unet.EUNAVAILABLE, "canary %s: write candidate templates: %v", v.c.Name, cc.tplErr)
	}
	root, _, err := kindRoot(cc.tplDir, unet.GitKindTemplates, v.src.TemplatesDir)
	if err != nil {
		return "", unet.Errorf(unet.EUNAVAILABLE, "canary %s: %v", v.c.Name, err)
	}
	return root, nil
}

// writeCanaryDir writes files into dir through a temporary directory
// renamed into place, so a reader never sees it half written.
func writeCanaryDir(dir string, files []sqlstore.GitSnapshotFile) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-")
	if err != nil {
		return err
	}
	sf := make([]gitsync.SnapshotFile, len(files))
	for i, f := range files {
		sf[i] = gitsync.SnapshotFile{Path: f.Path, Mode: f.Mode, Content: f.Content}
	}
	if err := gitsync.WriteSnapshotFiles(tmp, sf); err != nil {
		// Best effort: a leftover dot-directory is harmless.
		_ = removeReadOnlyTree(tmp)
		return fmt.Errorf("write %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(dir); serr == nil {
			// Written meanwhile by another lookup: the same content.
			return removeReadOnlyTree(tmp)
		}
		return err
	}
	return nil
}

// cleanCanaryPath checks a path of a path candidate: relative, slash
// separated, inside the source.
func cleanCanaryPath(p string) (string, bool) {
	if p == "" || strings.Contains(p, "\\") || strings.HasPrefix(p, "/") {
		return "", false
	}
	c := path.Clean(p)
	if c != p || c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	return c, true
}
