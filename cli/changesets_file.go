package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/unet-dev/unet"
)

// maxChangeFileBytes bounds a file of operations (an import bundle included).
const maxChangeFileBytes = 64 << 20

// changeFile is a file of operations: what `changes propose -f` and
// `changes append -f` read.
type changeFile struct {
	Title       string
	Description string
	AutoApply   bool
	Ops         []unet.ChangeOp
}

// The keys a change file and each of its operations may have.
var (
	changeFileKeys = []string{"title", "description", "auto_apply", "ops"}
	changeOpKeys   = []string{"op", "kind", "ref", "data", "cascade"}
)

// readChangeFile reads a file of operations (YAML or JSON; "-" is standard
// input).
func (a *app) readChangeFile(path string) (*changeFile, error) {
	var r io.Reader
	name := path
	if path == "-" {
		r, name = a.env.Stdin, "<stdin>"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, unet.Errorf(unet.EINVALID, "cannot read %s: %v", path, err)
		}
		defer closeQuietly(f)
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxChangeFileBytes+1))
	if err != nil {
		return nil, unet.Errorf(unet.EINVALID, "cannot read %s: %v", name, err)
	}
	if len(data) > maxChangeFileBytes {
		return nil, unet.Errorf(unet.EINVALID, "%s: larger than %d MiB", name, maxChangeFileBytes>>20)
	}
	return parseChangeFile(name, data)
}

// closeQuietly closes a file that was only read.
func closeQuietly(f *os.File) {
	// Nothing was written: a failing close loses nothing.
	_ = f.Close()
}

// parseChangeFile decodes a file of operations. Every problem is a field
// error positioned at its line and column: bad YAML, unknown keys, values of
// the wrong type, operations without op or kind.
func parseChangeFile(name string, data []byte) (*changeFile, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, unet.Invalid(name+": not valid YAML or JSON", fieldErrorAt(name, yamlErrorLine(err), 0, "", yamlErrorText(err)))
	}
	p := &fileParser{name: name}
	root := &doc
	if root.Kind == 0 || root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, unet.Invalid(name+": bad change set file", fieldErrorAt(name, 1, 1, "", "the file is empty: want {title, description, auto_apply, ops}"))
		}
		root = root.Content[0]
	}
	cf := &changeFile{}
	p.mapping(root, "", changeFileKeys, func(key string, v *yaml.Node) {
		switch key {
		case "title":
			cf.Title = p.str(v, key)
		case "description":
			cf.Description = p.str(v, key)
		case "auto_apply":
			cf.AutoApply = p.boolean(v, key)
		case "ops":
			if v.Kind != yaml.SequenceNode {
				p.fail(v, key, "want a list of operations")
				return
			}
			for i, item := range v.Content {
				cf.Ops = append(cf.Ops, p.op(item, fmt.Sprintf("ops[%d]", i+1)))
			}
		}
	})
	if len(p.errs) == 0 && len(cf.Ops) == 0 {
		p.fail(root, "ops", "no operations: want ops: [{op, kind, ref, data, cascade}, …]")
	}
	if len(p.errs) > 0 {
		return nil, unet.Invalid(name+": bad change set file", p.errs...)
	}
	return cf, nil
}

// fileParser walks the YAML nodes of a change file, collecting positioned
// errors.
type fileParser struct {
	name string
	errs []unet.FieldError
}

func (p *fileParser) fail(n *yaml.Node, field, format string, args ...any) {
	p.errs = append(p.errs, fieldErrorAt(p.name, n.Line, n.Column, field, fmt.Sprintf(format, args...)))
}

// mapping calls each for every key of a mapping node, refusing unknown and
// repeated keys.
func (p *fileParser) mapping(n *yaml.Node, path string, keys []string, each func(key string, v *yaml.Node)) {
	n = resolveAlias(n)
	if n.Kind != yaml.MappingNode {
		p.fail(n, strings.TrimSuffix(path, "."), "want a mapping with %s", strings.Join(keys, ", "))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		switch {
		case k.Kind != yaml.ScalarNode || !oneOf(k.Value, keys):
			p.fail(k, path+k.Value, "unknown key (want %s)", strings.Join(keys, ", "))
		case seen[k.Value]:
			p.fail(k, path+k.Value, "repeated key")
		default:
			seen[k.Value] = true
			each(k.Value, v)
		}
	}
}

// op decodes one operation.
func (p *fileParser) op(n *yaml.Node, path string) unet.ChangeOp {
	var op unet.ChangeOp
	p.mapping(n, path+".", changeOpKeys, func(key string, v *yaml.Node) {
		field := path + "." + key
		switch key {
		case "op":
			op.Op = p.str(v, field)
			if op.Op != "" && !oneOf(op.Op, []string{unet.OpCreate, unet.OpUpdate, unet.OpDelete, unet.OpImport}) {
				p.fail(v, field, "unknown operation %q (want create, update, delete or import)", op.Op)
			}
		case "kind":
			op.Kind = p.str(v, field)
		case "ref":
			op.Ref = p.str(v, field)
		case "cascade":
			op.Cascade = p.boolean(v, field)
		case "data":
			val, ok := p.value(v, field)
			if !ok {
				return
			}
			raw, err := json.Marshal(val)
			if err != nil {
				p.fail(v, field, "%v", err)
				return
			}
			op.Data = raw
		}
	})
	if n = resolveAlias(n); n.Kind == yaml.MappingNode {
		if op.Op == "" {
			p.fail(n, path+".op", "missing (create, update, delete or import)")
		}
		if op.Op == unet.OpImport && op.Kind == "" {
			op.Kind = unet.KindBundle
		}
		if op.Kind == "" {
			p.fail(n, path+".kind", "missing (node, link, location, vendor; bundle for an import)")
		}
	}
	return op
}

// str decodes a scalar as text.
func (p *fileParser) str(n *yaml.Node, field string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.fail(n, field, "want text")
		return ""
	}
	return n.Value
}

// boolean decodes a scalar as true or false.
func (p *fileParser) boolean(n *yaml.Node, field string) bool {
	var b bool
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" || n.Decode(&b) != nil {
		p.fail(n, field, "want true or false")
		return false
	}
	return b
}

// value converts a YAML value to its JSON form: mappings with text keys,
// lists, text, numbers, booleans and null. Timestamps stay the text they are
// written as.
func (p *fileParser) value(n *yaml.Node, field string) (any, bool) {
	n = resolveAlias(n)
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				p.fail(k, field, "keys must be text")
				return nil, false
			}
			if _, dup := m[k.Value]; dup {
				p.fail(k, field+"."+k.Value, "repeated key")
				return nil, false
			}
			v, ok := p.value(n.Content[i+1], field+"."+k.Value)
			if !ok {
				return nil, false
			}
			m[k.Value] = v
		}
		return m, true
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			v, ok := p.value(item, fmt.Sprintf("%s[%d]", field, i))
			if !ok {
				return nil, false
			}
			l = append(l, v)
		}
		return l, true
	case yaml.ScalarNode:
		var v any
		if err := n.Decode(&v); err != nil {
			p.fail(n, field, "%v", err)
			return nil, false
		}
		switch x := v.(type) {
		case time.Time:
			return n.Value, true
		case float64:
			if math.IsInf(x, 0) || math.IsNaN(x) {
				p.fail(n, field, "%s is not a JSON number", n.Value)
				return nil, false
			}
		}
		return v, true
	}
	p.fail(n, field, "unsupported YAML value")
	return nil, false
}

// resolveAlias follows a YAML alias to the node it names.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// fieldErrorAt is a field error positioned in a file: "FILE:LINE:COL".
func fieldErrorAt(file string, line, col int, field, msg string) unet.FieldError {
	pos := file
	if line > 0 {
		pos = fmt.Sprintf("%s:%d", file, line)
		if col > 0 {
			pos += fmt.Sprintf(":%d", col)
		}
	}
	return unet.FieldError{File: pos, Field: field, Message: msg}
}

// yamlErrorLine is the line a YAML syntax error names (0 when none).
func yamlErrorLine(err error) int {
	var line int
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		if _, scanErr := fmt.Sscanf(msg[i:], "line %d", &line); scanErr != nil {
			return 0
		}
	}
	return line
}

// yamlErrorText is a YAML error without its "yaml: line N: " prefix.
func yamlErrorText(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if strings.HasPrefix(msg, "line ") {
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
	}
	return msg
}
