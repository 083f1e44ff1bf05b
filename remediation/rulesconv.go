package remediation

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// The file form of a rule table: like Rules, but match fields may hold a
// string or a list of strings.
type fileMatch struct {
	Equals     any    `toml:"equals"`
	StartsWith any    `toml:"startswith"`
	EndsWith   any    `toml:"endswith"`
	Contains   any    `toml:"contains"`
	Regex      string `toml:"regex"`
}

type filePath []fileMatch

type fileRules struct {
	Dialect       string       `toml:"dialect"`
	Indent        int          `toml:"indent"`
	Negation      string       `toml:"negation"`
	Declaration   string       `toml:"declaration"`
	Exit          string       `toml:"exit"`
	Substitute    []Substitute `toml:"substitute"`
	NegateDefault []filePath   `toml:"negate_default"`
	NegateWith    []struct {
		Match filePath `toml:"match"`
		Use   string   `toml:"use"`
	} `toml:"negate_with"`
	NegateSub []struct {
		Match   filePath `toml:"match"`
		Regex   string   `toml:"regex"`
		Replace string   `toml:"replace"`
	} `toml:"negate_sub"`
	Idempotent []struct {
		Match    filePath `toml:"match"`
		KeyRegex string   `toml:"key"`
	} `toml:"idempotent"`
	IdempotentAvoid []filePath `toml:"idempotent_avoid"`
	Toggle          []filePath `toml:"toggle"`
	Hidden          []filePath `toml:"hidden"`
	Ordered         []struct {
		Match    filePath  `toml:"match"`
		Mode     string    `toml:"mode"`
		Sequence string    `toml:"sequence"`
		Number   fileMatch `toml:"number"`
		Start    int       `toml:"start"`
		Step     int       `toml:"step"`
		Group    string    `toml:"group"`
	} `toml:"ordered"`
	Overwrite         []filePath `toml:"overwrite"`
	OverwriteNoNegate []filePath `toml:"overwrite_no_negate"`
	SectionalExit     []struct {
		Match       filePath `toml:"match"`
		Exit        string   `toml:"exit"`
		ParentLevel bool     `toml:"parent_level"`
	} `toml:"sectional_exit"`
	Weight []struct {
		Match  filePath `toml:"match"`
		Weight int      `toml:"weight"`
	} `toml:"weight"`
	DuplicateChildren []filePath `toml:"duplicate_children"`
}

// converter turns the file form into Rules, keeping the first error with
// its position.
type converter struct {
	name string
	pos  map[string]unstable.Position
	err  error
}

func (c *converter) errAt(path, msg string) error {
	e := &RuleError{Name: c.name, Msg: msg}
	// The value itself, or the closest enclosing one that has a position.
	for p := path; p != ""; {
		if at, ok := c.pos[p]; ok {
			e.Line, e.Column = at.Line, at.Column
			break
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	if path != "" {
		e.Msg = path + ": " + msg
	}
	return e
}

func (c *converter) fail(path, msg string) {
	if c.err == nil {
		c.err = c.errAt(path, msg)
	}
}

func (c *converter) strings(path string, v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				c.fail(path+"["+strconv.Itoa(i)+"]", fmt.Sprintf("expected a string, got %T", e))
				return nil
			}
			out = append(out, s)
		}
		if len(out) == 0 {
			c.fail(path, "empty list")
		}
		return out
	default:
		c.fail(path, fmt.Sprintf("expected a string or a list of strings, got %T", v))
		return nil
	}
}

func (c *converter) match(path string, m fileMatch) MatchRule {
	return MatchRule{
		Equals:     c.strings(path+".equals", m.Equals),
		StartsWith: c.strings(path+".startswith", m.StartsWith),
		EndsWith:   c.strings(path+".endswith", m.EndsWith),
		Contains:   c.strings(path+".contains", m.Contains),
		Regex:      m.Regex,
	}
}

func (c *converter) path(path string, p filePath) Path {
	if len(p) == 0 {
		c.fail(path, "a match path needs at least one level")
		return nil
	}
	out := make(Path, len(p))
	for i, m := range p {
		out[i] = c.match(path+"["+strconv.Itoa(i)+"]", m)
	}
	return out
}

func (c *converter) paths(key string, ps []filePath) []Path {
	var out []Path
	for i, p := range ps {
		out = append(out, c.path(key+"["+strconv.Itoa(i)+"]", p))
	}
	return out
}

func idx(key string, i int) string { return key + "[" + strconv.Itoa(i) + "]" }

func (c *converter) rules(f *fileRules) *Rules {
	r := &Rules{
		Dialect:     f.Dialect,
		Indent:      f.Indent,
		Negation:    f.Negation,
		Declaration: f.Declaration,
		Exit:        f.Exit,
		Substitute:  f.Substitute,
	}
	r.NegateDefault = c.paths("negate_default", f.NegateDefault)
	for i, x := range f.NegateWith {
		r.NegateWith = append(r.NegateWith, NegateWith{Match: c.path(idx("negate_with", i)+".match", x.Match), Use: x.Use})
		if x.Use == "" {
			c.fail(idx("negate_with", i), "use is required")
		}
	}
	for i, x := range f.NegateSub {
		r.NegateSub = append(r.NegateSub, NegateSub{Match: c.path(idx("negate_sub", i)+".match", x.Match), Regex: x.Regex, Replace: x.Replace})
	}
	for i, x := range f.Idempotent {
		r.Idempotent = append(r.Idempotent, Idempotent{Match: c.path(idx("idempotent", i)+".match", x.Match), KeyRegex: x.KeyRegex})
	}
	r.IdempotentAvoid = c.paths("idempotent_avoid", f.IdempotentAvoid)
	r.Toggle = c.paths("toggle", f.Toggle)
	r.Hidden = c.paths("hidden", f.Hidden)
	for i, x := range f.Ordered {
		r.Ordered = append(r.Ordered, Ordered{
			Match: c.path(idx("ordered", i)+".match", x.Match), Mode: x.Mode, Sequence: x.Sequence,
			Number: c.match(idx("ordered", i)+".number", x.Number), Start: x.Start, Step: x.Step,
			Group: x.Group,
		})
	}
	r.Overwrite = c.paths("overwrite", f.Overwrite)
	r.OverwriteNoNegate = c.paths("overwrite_no_negate", f.OverwriteNoNegate)
	for i, x := range f.SectionalExit {
		r.SectionalExit = append(r.SectionalExit, SectionalExit{Match: c.path(idx("sectional_exit", i)+".match", x.Match), Exit: x.Exit, ParentLevel: x.ParentLevel})
	}
	for i, x := range f.Weight {
		r.Weight = append(r.Weight, Weight{Match: c.path(idx("weight", i)+".match", x.Match), Weight: x.Weight})
	}
	r.DuplicateChildren = c.paths("duplicate_children", f.DuplicateChildren)
	return r
}
