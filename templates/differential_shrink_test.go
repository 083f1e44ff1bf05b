package templates

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Shrinking counterexamples and storing them as regression cases.

// maxShrinkTries bounds the renders spent shrinking one counterexample.
const maxShrinkTries = 1500

// shrinker reduces a case while the engines keep disagreeing in the same way.
type shrinker struct {
	batch *jinja2Batch
	kind  string
	tries int
	limit int // renders allowed; maxShrinkTries when 0
}

// differs reports whether c still shows a difference of the wanted kind.
func (s *shrinker) differs(c *diffCase) (jinja2Result, unetResult, bool) {
	s.tries++
	c.render()
	py, err := s.batch.renderOne(c)
	if err != nil {
		return py, unetResult{}, false
	}
	un := renderUnet(c)
	return py, un, compareResults(py, un) == s.kind
}

// shrink returns the smallest case found that still differs: passes of
// single reductions (statements, then expressions, then context values)
// until a pass changes nothing.
func (s *shrinker) shrink(c *diffCase) *diffCase {
	if s.limit == 0 {
		s.limit = maxShrinkTries
	}
	best := c
	for changed := true; changed && s.tries < s.limit; {
		changed = false
		names := make([]string, 0, len(best.trees))
		for n := range best.trees {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, name := range names {
			for idx := 0; idx < best.trees[name].count() && s.tries < s.limit; {
				if next := s.reduceAt(best, name, idx); next != nil {
					best, changed = next, true
					continue // the node at idx is a new one: try it again
				}
				idx++
			}
		}
		for _, name := range names {
			if name != best.name {
				cand := best.withTree(name, nil)
				delete(cand.trees, name)
				if s.ok(cand) {
					best, changed = cand, true
				}
			}
		}
		for idx := 1; idx < countJSON(best.context) && s.tries < s.limit; {
			ctx := cloneJSON(best.context).(*odict)
			if dropJSON(ctx, idx) {
				if cand := best.withContext(ctx); s.ok(cand) {
					best, changed = cand, true
					continue
				}
			}
			idx++
		}
	}
	best.render()
	return best
}

func (s *shrinker) ok(c *diffCase) bool {
	_, _, ok := s.differs(c)
	return ok
}

// reduceAt tries the reductions of node idx of template name and returns
// the first reduced case that still differs, or nil.
func (s *shrinker) reduceAt(c *diffCase, name string, idx int) *diffCase {
	for _, op := range []int{opRemove, opUnwrap, opHoist, opPlain} {
		for arg := 0; arg < 8; arg++ {
			tree := c.trees[name].clone()
			if !mutate(tree, idx, op, arg) {
				if op == opPlain && arg == 0 {
					continue
				}
				break
			}
			if cand := c.withTree(name, tree); s.ok(cand) {
				return cand
			}
			if op == opRemove {
				break
			}
		}
	}
	return nil
}

func (c *diffCase) withTree(name string, tree *tnode) *diffCase {
	d := *c
	d.trees = make(map[string]*tnode, len(c.trees))
	for n, t := range c.trees {
		d.trees[n] = t
	}
	d.trees[name] = tree
	return &d
}

func (c *diffCase) withContext(ctx *odict) *diffCase {
	d := *c
	d.context = ctx
	return &d
}

// Reductions of a template tree.
const (
	opRemove = iota // remove a statement from its sequence
	opUnwrap        // replace a statement by its arg-th body
	opHoist         // replace an expression by its arg-th sub-expression
	opPlain         // drop whitespace control, indentation and text around tags
)

var (
	plainModifiers = strings.NewReplacer("{%-", "{%", "{%+", "{%", "-%}", "%}", "{{-", "{{", "{{+", "{{", "-}}", "}}", "{#-", "{#", "-#}", "#}")
	plainAround    = regexp.MustCompile(`(?m)^[ \t]+(\{[{%#])|([}%#]\})[^\n{]+`)
)

// plainTag returns a tag text without whitespace control (arg 0) or without
// the indentation before and the text after its tags (arg 1).
func plainTag(s string, arg int) string {
	if arg == 0 {
		return plainModifiers.Replace(s)
	}
	return plainAround.ReplaceAllString(s, "$1$2")
}

// mutate applies one reduction to node number idx (pre-order) of root, in
// place, and reports whether it applied.
func mutate(root *tnode, idx, op, arg int) bool {
	var parent *tnode
	pos := -1
	n := 0
	var find func(p, x *tnode, i int) bool
	find = func(p, x *tnode, i int) bool {
		if n == idx {
			parent, pos = p, i
			return true
		}
		n++
		for j, k := range x.kids {
			if find(x, k, j) {
				return true
			}
		}
		return false
	}
	if !find(nil, root, -1) || parent == nil {
		return false
	}
	node := parent.kids[pos]
	switch op {
	case opPlain:
		if node.kind == tExpr || arg > 1 {
			return false
		}
		changed := false
		parts := make([]string, len(node.parts))
		for i, p := range node.parts {
			parts[i] = plainTag(p, arg)
			changed = changed || parts[i] != p
		}
		if !changed {
			return false
		}
		cp := *node
		cp.parts = parts
		parent.kids[pos] = &cp
		return true
	case opRemove:
		if parent.kind != tSeq {
			return false
		}
		parent.kids = append(parent.kids[:pos:pos], parent.kids[pos+1:]...)
		return true
	case opUnwrap:
		if parent.kind != tSeq || node.kind != tStmt {
			return false
		}
		var bodies []*tnode
		for _, k := range node.kids {
			if k.kind == tSeq {
				bodies = append(bodies, k)
			}
		}
		if arg >= len(bodies) {
			return false
		}
		kids := append([]*tnode(nil), parent.kids[:pos]...)
		kids = append(kids, bodies[arg].kids...)
		parent.kids = append(kids, parent.kids[pos+1:]...)
		return true
	case opHoist:
		if node.kind != tExpr {
			return false
		}
		var subs []*tnode
		for _, k := range node.kids {
			if k.kind == tExpr {
				subs = append(subs, k)
			}
		}
		if arg >= len(subs) {
			return false
		}
		parent.kids[pos] = subs[arg]
		return true
	}
	return false
}

// countJSON returns the number of values of a context tree.
func countJSON(v any) int {
	n := 1
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			n += countJSON(e)
		}
	case *odict:
		for _, e := range x.vals {
			n += countJSON(e)
		}
	}
	return n
}

// dropJSON removes value number idx (pre-order, the root being 0) from its
// container.
func dropJSON(root any, idx int) bool {
	n := 0
	var walk func(v any) bool
	walk = func(v any) bool {
		if x, ok := v.(*odict); ok {
			for i, e := range x.vals {
				n++
				if n == idx {
					x.keys = append(x.keys[:i:i], x.keys[i+1:]...)
					x.vals = append(x.vals[:i:i], x.vals[i+1:]...)
					return true
				}
				if l, ok := e.([]any); ok {
					if walkList(l, &n, idx, func(nl []any) { x.vals[i] = nl }, walk) {
						return true
					}
				} else if walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(root)
}

// walkList is dropJSON's step into a list, which set replaces when an
// element is removed.
func walkList(l []any, n *int, idx int, set func([]any), walk func(any) bool) bool {
	for i, e := range l {
		*n++
		if *n == idx {
			set(append(l[:i:i], l[i+1:]...))
			return true
		}
		if sub, ok := e.([]any); ok {
			if walkList(sub, n, idx, func(nl []any) { l[i] = nl }, walk) {
				return true
			}
		} else if walk(e) {
			return true
		}
	}
	return false
}

var (
	sigFilter  = regexp.MustCompile(`\|\s*([a-z_]+)`)
	sigTag     = regexp.MustCompile(`\{%[-+]?\s*([a-z]+)`)
	sigMethod  = regexp.MustCompile(`\.([a-z_]+)\(`)
	sigTest    = regexp.MustCompile(`\bis\s+(?:not\s+)?([a-z]+)`)
	sigLoop    = regexp.MustCompile(`\bloop\.([a-z0-9_]+)`)
	sigLiteral = regexp.MustCompile(`\b(?:[Nn]one|\d+\.\d*(?:e-?\d+)?|\d+e-?\d+)\b|\{'`)
	sigOps     = regexp.MustCompile(`\*\*|//|\s%\s|~|\[[-0-9:]*:[-0-9:]*\]|\{\{[-+]|[-+]\}\}|[-+]%\}|\{%[-+]|\{#`)
)

// signature names the kind of a difference and the constructs of a shrunk
// case, to group counterexamples.
func signature(kind string, c *diffCase) string {
	seen := map[string]bool{}
	for _, src := range c.templates {
		for _, re := range []*regexp.Regexp{sigFilter, sigTag, sigMethod, sigTest, sigLoop} {
			prefix := map[*regexp.Regexp]string{sigFilter: "|", sigTag: "%", sigMethod: ".", sigTest: "is ", sigLoop: "loop."}[re]
			for _, m := range re.FindAllStringSubmatch(src, -1) {
				if !strings.HasPrefix(m[1], "end") {
					seen[prefix+m[1]] = true
				}
			}
		}
		for _, m := range sigOps.FindAllString(src, -1) {
			seen[strings.TrimSpace(m)] = true
		}
	}
	var kinds func(v any)
	kinds = func(v any) {
		switch x := v.(type) {
		case nil:
			seen["ctx:none"] = true
		case float64:
			seen["ctx:float"] = true
		case []any:
			for _, e := range x {
				kinds(e)
			}
		case *odict:
			if len(x.keys) > 1 {
				seen["ctx:dict"] = true
			}
			for _, e := range x.vals {
				kinds(e)
			}
		}
	}
	kinds(c.context)
	for _, src := range c.templates {
		for _, m := range sigLiteral.FindAllString(src, -1) {
			seen["lit:"+strings.ToLower(m)] = true
		}
	}
	parts := make([]string, 0, len(seen))
	for s := range seen {
		parts = append(parts, s)
	}
	sort.Strings(parts)
	return kind + ": " + strings.Join(parts, " ")
}

// regressionCase is a stored counterexample: the case and what Jinja2
// renders for it.
type regressionCase struct {
	Key       string            `json:"key"`       // the generated case it was shrunk from
	Signature string            `json:"signature"` // kind of difference and constructs, when found
	Templates map[string]string `json:"templates"`
	Name      string            `json:"name"`
	Context   json.RawMessage   `json:"context"`
	Output    *string           `json:"output,omitempty"` // Jinja2's output
	Error     *string           `json:"error,omitempty"`  // Jinja2's error, when it fails
}

const regressionDir = "testdata/differential"

// saveRegression writes a shrunk counterexample under a name derived from
// its content and returns the file name ("" when it already exists).
func saveRegression(c *diffCase, sig string, py jinja2Result) (string, error) {
	rc := regressionCase{Key: c.key, Signature: sig, Templates: c.templates, Name: c.name,
		Context: encodeJSON(c.context), Output: py.Output, Error: py.Error}
	h := sha256.New()
	names := make([]string, 0, len(c.templates))
	for n := range c.templates {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		h.Write([]byte(n + "\x00" + c.templates[n] + "\x00"))
	}
	h.Write(rc.Context)
	file := filepath.Join(regressionDir, "case-"+hex.EncodeToString(h.Sum(nil))[:12]+".json")
	if _, err := os.Stat(file); err == nil {
		return "", nil
	}
	if err := os.MkdirAll(regressionDir, 0o755); err != nil {
		return "", err
	}
	return file, writeRegression(file, &rc)
}

// writeRegression writes a regression case as indented JSON, with <, >
// and & as they are (the sources stay readable).
func writeRegression(file string, rc *regressionCase) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rc); err != nil {
		return err
	}
	return os.WriteFile(file, b.Bytes(), 0o644)
}

// loadRegressions reads every stored counterexample.
func loadRegressions() (map[string]*regressionCase, error) {
	files, err := filepath.Glob(filepath.Join(regressionDir, "*.json"))
	if err != nil {
		return nil, err
	}
	out := make(map[string]*regressionCase, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var rc regressionCase
		if err := json.Unmarshal(data, &rc); err != nil {
			return nil, &os.PathError{Op: "decode", Path: f, Err: err}
		}
		out[filepath.Base(f)] = &rc
	}
	return out, nil
}

// diffCase returns the stored case as a case to render.
func (rc *regressionCase) diffCase(key string) (*diffCase, error) {
	v, err := decodeOrderedJSON(rc.Context)
	if err != nil {
		return nil, err
	}
	ctx, ok := v.(*odict)
	if !ok {
		ctx = &odict{}
	}
	return &diffCase{key: key, name: rc.Name, context: ctx, templates: rc.Templates}, nil
}
