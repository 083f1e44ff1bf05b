package remediation

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/unet-dev/unet/configtree"
)

//go:embed rules/*.toml
var builtinFS embed.FS

// RuleError is an error in a rule table, positioned in its file.
type RuleError struct {
	// Name labels the table (its file name).
	Name string
	// Line and Column locate the offending value (1-based; 0 when unknown).
	Line   int
	Column int
	// Msg says what is wrong, after the dotted path of the value
	// ("ordered[0].mode: ...") when there is one.
	Msg string
}

func (e *RuleError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Name, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.Name, e.Line, e.Column, e.Msg)
}

// BuiltinDialects lists the dialects that have an embedded rule table.
func BuiltinDialects() []string {
	entries, err := builtinFS.ReadDir("rules")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".toml"); ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

var builtinCache sync.Map // dialect -> *Rules

// Builtin returns the rule table embedded for a dialect (aliases accepted).
// The table is parsed and compiled once; every call returns a new copy.
func Builtin(dialect string) (*Rules, error) {
	d, err := configtree.NormalizeDialect(dialect)
	if err != nil {
		return nil, err
	}
	if v, ok := builtinCache.Load(d); ok {
		return v.(*Rules).clone(), nil
	}
	data, err := builtinFS.ReadFile("rules/" + d + ".toml")
	if err != nil {
		return nil, fmt.Errorf("remediation: no rule table for dialect %q (tables: %s)", d, strings.Join(BuiltinDialects(), ", "))
	}
	r, err := ParseRules(data, "rules/"+d+".toml")
	if err != nil {
		return nil, err
	}
	builtinCache.Store(d, r)
	return r.clone(), nil
}

// ParseRules reads a rule table from TOML. name labels errors, which carry
// the line and column of the offending value. Unknown keys are errors;
// regular expressions are compiled and checked; match fields may be given
// as a string or a list of strings.
func ParseRules(data []byte, name string) (*Rules, error) {
	pos, perr := indexPositions(data)
	if perr != nil {
		return nil, tomlError(name, data, perr)
	}
	var f fileRules
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, tomlError(name, data, err)
	}
	c := converter{name: name, pos: pos}
	r := c.rules(&f)
	if c.err != nil {
		return nil, c.err
	}
	if r.Dialect != "" {
		d, err := configtree.NormalizeDialect(r.Dialect)
		if err != nil {
			return nil, c.errAt("dialect", err.Error())
		}
		r.Dialect = d
	}
	if r.Indent < 0 {
		return nil, c.errAt("indent", "indent must not be negative")
	}
	cr, err := compileRules(r)
	if err != nil {
		var ce *compileError
		if errors.As(err, &ce) {
			return nil, c.errAt(ce.path, ce.msg)
		}
		return nil, &RuleError{Name: name, Msg: err.Error()}
	}
	r.compiled = cr
	return r, nil
}

// tomlError turns a go-toml error into a RuleError with its position.
func tomlError(name string, data []byte, err error) error {
	var sm *toml.StrictMissingError
	if errors.As(err, &sm) && len(sm.Errors) > 0 {
		e := sm.Errors[0]
		line, col := e.Position()
		return &RuleError{Name: name, Line: line, Column: col, Msg: "unknown key " + strings.Join(e.Key(), ".")}
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		return &RuleError{Name: name, Line: line, Column: col, Msg: de.Error()}
	}
	var re *RuleError
	if errors.As(err, &re) {
		re.Name = name
		return re
	}
	return &RuleError{Name: name, Msg: err.Error()}
}

// Extend returns a copy of r with every rule of extra appended (extra's
// scalar settings, when set, replace r's); r and extra are not modified.
func (r *Rules) Extend(extra *Rules) *Rules {
	out := r.clone()
	out.compiled = nil
	if extra == nil {
		out.compiled = r.compiled
		return out
	}
	if extra.Dialect != "" {
		out.Dialect = extra.Dialect
	}
	if extra.Indent != 0 {
		out.Indent = extra.Indent
	}
	if extra.Negation != "" {
		out.Negation = extra.Negation
	}
	if extra.Declaration != "" {
		out.Declaration = extra.Declaration
	}
	if extra.Exit != "" {
		out.Exit = extra.Exit
	}
	out.Substitute = append(out.Substitute, extra.Substitute...)
	out.NegateDefault = append(out.NegateDefault, extra.NegateDefault...)
	out.NegateWith = append(out.NegateWith, extra.NegateWith...)
	out.NegateSub = append(out.NegateSub, extra.NegateSub...)
	out.Idempotent = append(out.Idempotent, extra.Idempotent...)
	out.IdempotentAvoid = append(out.IdempotentAvoid, extra.IdempotentAvoid...)
	out.Toggle = append(out.Toggle, extra.Toggle...)
	out.Hidden = append(out.Hidden, extra.Hidden...)
	out.Ordered = append(out.Ordered, extra.Ordered...)
	out.Overwrite = append(out.Overwrite, extra.Overwrite...)
	out.OverwriteNoNegate = append(out.OverwriteNoNegate, extra.OverwriteNoNegate...)
	out.SectionalExit = append(out.SectionalExit, extra.SectionalExit...)
	out.Weight = append(out.Weight, extra.Weight...)
	out.DuplicateChildren = append(out.DuplicateChildren, extra.DuplicateChildren...)
	if cr, err := compileRules(out); err == nil {
		out.compiled = cr
	}
	return out
}

// clone copies r with fresh rule slices (the rules themselves are shared,
// they are never modified in place).
func (r *Rules) clone() *Rules {
	out := *r
	out.Substitute = append([]Substitute(nil), r.Substitute...)
	out.NegateDefault = append([]Path(nil), r.NegateDefault...)
	out.NegateWith = append([]NegateWith(nil), r.NegateWith...)
	out.NegateSub = append([]NegateSub(nil), r.NegateSub...)
	out.Idempotent = append([]Idempotent(nil), r.Idempotent...)
	out.IdempotentAvoid = append([]Path(nil), r.IdempotentAvoid...)
	out.Toggle = append([]Path(nil), r.Toggle...)
	out.Hidden = append([]Path(nil), r.Hidden...)
	out.Ordered = append([]Ordered(nil), r.Ordered...)
	out.Overwrite = append([]Path(nil), r.Overwrite...)
	out.OverwriteNoNegate = append([]Path(nil), r.OverwriteNoNegate...)
	out.SectionalExit = append([]SectionalExit(nil), r.SectionalExit...)
	out.Weight = append([]Weight(nil), r.Weight...)
	out.DuplicateChildren = append([]Path(nil), r.DuplicateChildren...)
	return &out
}

// indexPositions maps the dotted path of every value in a TOML document
// ("ordered[1].match[0].regex") to its position, for error messages.
func indexPositions(data []byte) (map[string]unstable.Position, error) {
	pos := map[string]unstable.Position{}
	var p unstable.Parser
	p.Reset(data)
	counts := map[string]int{}
	prefix := ""
	resolve := func(parts []string) string {
		acc := ""
		for _, part := range parts {
			if acc != "" {
				acc += "."
			}
			acc += part
			if n := counts[acc]; n > 0 {
				acc += "[" + strconv.Itoa(n-1) + "]"
			}
		}
		return acc
	}
	var record func(path string, v *unstable.Node, fallback unstable.Range)
	record = func(path string, v *unstable.Node, fallback unstable.Range) {
		rg := v.Raw
		if rg.Length == 0 {
			rg = fallback
		}
		pos[path] = p.Shape(rg).Start
		switch v.Kind {
		case unstable.Array:
			i := 0
			for it := v.Children(); it.Next(); {
				record(path+"["+strconv.Itoa(i)+"]", it.Node(), rg)
				i++
			}
		case unstable.InlineTable:
			for it := v.Children(); it.Next(); {
				kv := it.Node()
				record(path+"."+keyOf(kv), kv.Value(), rg)
			}
		}
	}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			prefix = resolve(keyParts(e))
			pos[prefix] = p.Shape(e.Raw).Start
		case unstable.ArrayTable:
			parts := keyParts(e)
			parent := resolve(parts[:len(parts)-1])
			full := parts[len(parts)-1]
			if parent != "" {
				full = parent + "." + full
			}
			counts[full]++
			prefix = full + "[" + strconv.Itoa(counts[full]-1) + "]"
			pos[prefix] = p.Shape(e.Raw).Start
		case unstable.KeyValue:
			path := keyOf(e)
			if prefix != "" {
				path = prefix + "." + path
			}
			record(path, e.Value(), e.Raw)
		}
	}
	if err := p.Error(); err != nil {
		var pe *unstable.ParserError
		if errors.As(err, &pe) {
			line, col := lineCol(data, highlightOffset(data, pe.Highlight))
			return nil, &RuleError{Line: line, Column: col, Msg: pe.Message}
		}
		return nil, err
	}
	return pos, nil
}

func keyParts(n *unstable.Node) []string {
	var parts []string
	for it := n.Key(); it.Next(); {
		parts = append(parts, string(it.Node().Data))
	}
	return parts
}

func keyOf(n *unstable.Node) string { return strings.Join(keyParts(n), ".") }

// highlightOffset is the offset in data of a parser error's highlight (a
// sub-slice of data), or the end of data when it has none.
func highlightOffset(data, h []byte) int {
	if len(h) == 0 {
		return len(data)
	}
	off := cap(data) - cap(h)
	if off < 0 || off+len(h) > len(data) {
		return len(data)
	}
	return off
}

// lineCol converts an offset into a 1-based line and column (in bytes).
func lineCol(data []byte, off int) (int, int) {
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}
