package templates

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// This file holds the two trees of a differential case: the template tree
// (source text with its structure, so a counterexample can be shrunk) and the
// ordered JSON value of the render context (Python dicts keep insertion
// order, so the context keeps it too).

// tnodeKind says how a template tree node may be shrunk.
type tnodeKind uint8

const (
	// tSeq is a sequence of statements: any child may be removed.
	tSeq tnodeKind = iota
	// tStmt is a statement: it may be replaced by one of its tSeq children.
	tStmt
	// tExpr is an expression: it may be replaced by one of its tExpr children.
	tExpr
	// tFixed is text that must stay as it is (a name, a keyword argument).
	tFixed
)

// tnode is a piece of template source: parts interleaved with children,
// len(parts) == len(kids)+1 (a tSeq has no parts of its own).
type tnode struct {
	kind  tnodeKind
	parts []string
	kids  []*tnode
}

// text returns the template source of the node.
func (n *tnode) text() string {
	var b strings.Builder
	n.write(&b)
	return b.String()
}

func (n *tnode) write(b *strings.Builder) {
	if n.kind == tSeq {
		for _, k := range n.kids {
			k.write(b)
		}
		return
	}
	for i, p := range n.parts {
		b.WriteString(p)
		if i < len(n.kids) {
			n.kids[i].write(b)
		}
	}
}

// clone returns a deep copy of the node.
func (n *tnode) clone() *tnode {
	c := &tnode{kind: n.kind, parts: n.parts}
	c.kids = make([]*tnode, len(n.kids))
	for i, k := range n.kids {
		c.kids[i] = k.clone()
	}
	return c
}

// count returns the number of nodes of the tree.
func (n *tnode) count() int {
	c := 1
	for _, k := range n.kids {
		c += k.count()
	}
	return c
}

// lit is a leaf node of the given kind.
func lit(kind tnodeKind, s string) *tnode { return &tnode{kind: kind, parts: []string{s}} }

// plainRef matches a variable with attributes and subscripts.
var plainRef = regexp.MustCompile(`^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*|\[(?:-?[0-9]+|'[a-z_0-9]+')\])*$`)

// mk builds a node from a format where each "\x00" is replaced by the next
// child, in order.
func mk(kind tnodeKind, format string, kids ...*tnode) *tnode {
	// A method call or subscript on a plain reference needs no
	// parentheses: write it as templates do.
	if len(kids) > 0 && kids[0].kind == tExpr && len(kids[0].kids) == 0 && plainRef.MatchString(kids[0].parts[0]) &&
		(strings.HasPrefix(format, "(\x00).") || strings.HasPrefix(format, "(\x00)[")) {
		format = "\x00" + format[3:]
	}
	parts := strings.Split(format, "\x00")
	if len(parts) != len(kids)+1 {
		panic("differential generator: format " + strconv.Quote(format) + " does not match its children")
	}
	return &tnode{kind: kind, parts: parts, kids: kids}
}

// seq is a sequence of statements.
func seq(kids ...*tnode) *tnode { return &tnode{kind: tSeq, kids: kids} }

// odict is a JSON object that keeps the order of its keys.
type odict struct {
	keys []string
	vals []any
}

func (d *odict) set(k string, v any) {
	for i, kk := range d.keys {
		if kk == k {
			d.vals[i] = v
			return
		}
	}
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
}

// cloneJSON deep-copies a context value.
func cloneJSON(v any) any {
	switch x := v.(type) {
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = cloneJSON(e)
		}
		return c
	case *odict:
		c := &odict{keys: append([]string(nil), x.keys...), vals: make([]any, len(x.vals))}
		for i, e := range x.vals {
			c.vals[i] = cloneJSON(e)
		}
		return c
	}
	return v
}

// encodeJSON writes v as JSON that Python's json module and
// DecodeJSONContext read back as the same value: object keys in order,
// integers without a fraction, floats always with one.
func encodeJSON(v any) []byte {
	var b bytes.Buffer
	writeOrderedJSON(&b, v)
	return b.Bytes()
}

func writeOrderedJSON(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			x = 0
		}
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0"
		}
		b.WriteString(s)
	case string:
		enc, _ := json.Marshal(x)
		b.Write(enc)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeOrderedJSON(b, e)
		}
		b.WriteByte(']')
	case *odict:
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			enc, _ := json.Marshal(k)
			b.Write(enc)
			b.WriteString(": ")
			writeOrderedJSON(b, x.vals[i])
		}
		b.WriteByte('}')
	default:
		b.WriteString("null")
	}
}

// decodeOrderedJSON reads JSON into the values of this file (for the
// context of a stored regression case, to shrink or print it).
func decodeOrderedJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return decodeOrdered(dec)
}

func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			l := []any{}
			for dec.More() {
				e, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				l = append(l, e)
			}
			_, err := dec.Token()
			return l, err
		case '{':
			d := &odict{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				e, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				d.set(k, e)
			}
			_, err := dec.Token()
			return d, err
		}
	case json.Number:
		s := t.String()
		if !strings.ContainsAny(s, ".eE") {
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				return i, nil
			}
		}
		f, err := t.Float64()
		return f, err
	case string, bool, nil:
		return t, nil
	}
	return nil, nil
}
