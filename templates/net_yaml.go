package templates

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/unet-dev/unet/jinja"
	"gopkg.in/yaml.v3"
)

// netToYAML is to_yaml(indent=2): the value as block-style YAML, dicts in
// their order.
func netToYAML(s *jinja.State, v jinja.Value, a jinja.Args) (out jinja.Value, err error) {
	args, err := a.Bind("to_yaml", 0, "indent")
	if err != nil {
		return nil, err
	}
	indent, err := argInt("indent", args[0], 2)
	if err != nil {
		return nil, err
	}
	if indent <= 0 || indent > 9 {
		// The encoder itself writes 2 for any indent outside 2-9.
		indent = 2
	}
	var path []any
	node, err := yamlValue(s, v, &path)
	if err != nil {
		return nil, err
	}
	w := &boundedWriter{s: s, what: "to_yaml"}
	defer func() {
		// The encoder reports some failures by panicking; none may escape
		// a render.
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("cannot write YAML: %v", r)
		}
	}()
	enc := yaml.NewEncoder(w)
	enc.SetIndent(int(indent))
	err = enc.Encode(node)
	if err == nil {
		err = enc.Close()
	}
	if w.err != nil {
		return nil, w.err
	}
	if err != nil {
		return nil, err
	}
	return w.buf.String(), nil
}

// boundedWriter collects output within the render's value budget; past it,
// writes fail with the budget's error, kept in err.
type boundedWriter struct {
	s    *jinja.State
	what string
	buf  bytes.Buffer
	err  error
}

func (w *boundedWriter) Write(p []byte) (int, error) {
	if w.err == nil {
		w.err = w.s.CheckBytes(w.what, w.buf.Len()+len(p))
	}
	if w.err != nil {
		return 0, w.err
	}
	return w.buf.Write(p)
}

// yamlValue converts a template value to a YAML node; path holds the
// lists and dicts being converted, to refuse cycles.
func yamlValue(s *jinja.State, v jinja.Value, path *[]any) (*yaml.Node, error) {
	var container any
	switch x := v.(type) {
	case nil, bool, int64, float64, string:
		n := &yaml.Node{}
		if err := n.Encode(x); err != nil {
			return nil, err
		}
		return n, nil
	case jinja.Undefined:
		return nil, x.Error()
	case *jinja.List:
		container = x
	case *jinja.Dict:
		container = x
	default:
		return nil, fmt.Errorf("cannot represent an object of type %s as YAML", jinja.TypeName(v))
	}
	if slices.Contains(*path, container) {
		return nil, errors.New("circular reference detected")
	}
	if len(*path) >= maxDataDepth {
		return nil, fmt.Errorf("data nested deeper than %d levels", maxDataDepth)
	}
	if err := s.Tick(); err != nil {
		return nil, err
	}
	*path = append(*path, container)
	defer func() { *path = (*path)[:len(*path)-1] }()
	if l, ok := container.(*jinja.List); ok {
		n := &yaml.Node{Kind: yaml.SequenceNode, Content: make([]*yaml.Node, 0, len(l.Items))}
		for _, item := range l.Items {
			c, err := yamlValue(s, item, path)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, c)
		}
		return n, nil
	}
	d := container.(*jinja.Dict)
	n := &yaml.Node{Kind: yaml.MappingNode, Content: make([]*yaml.Node, 0, 2*d.Len())}
	for i := range d.Len() {
		k, err := yamlValue(s, d.Key(i), path)
		if err != nil {
			return nil, err
		}
		val, err := yamlValue(s, d.Val(i), path)
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, k, val)
	}
	return n, nil
}
