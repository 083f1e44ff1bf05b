package policy

import (
	"fmt"
	"regexp"
	"strings"
)

// root identifies where a field reference starts.
type root int

const (
	rootNode root = iota
	rootLocation
	rootStatus
	rootInterfaces
	rootLink
	rootCustom // the target object's custom_data
	// rootGitSource is a promotion of a Git source, in selectors only
	// (approval rule conditions).
	rootGitSource
)

// checker validates one rule at a time and collects positioned errors.
type checker struct {
	// selector allows the roots only selectors have (git_source).
	selector bool
	file     *File
	errs     ErrorList
	warns    ErrorList
}

func (c *checker) errorf(pos Pos, format string, args ...any) {
	c.errs = append(c.errs, newError(c.file.Name, c.file.Source, pos, format, args...))
}

// warnf records a finding that does not stop the rule from compiling: the
// rule has a defined meaning that may not be the one its author intended.
func (c *checker) warnf(pos Pos, format string, args ...any) {
	w := newError(c.file.Name, c.file.Source, pos, format, args...)
	w.Warning = true
	c.warns = append(c.warns, w)
}

// checkField validates a field reference against the schema and returns
// its root. ok is false when the reference is invalid (already reported).
func (c *checker) checkField(f *FieldRef) (root, bool) {
	p := f.Path
	switch p[0] {
	case "custom_data":
		return rootCustom, true
	case GitSourceRoot:
		return rootGitSource, c.checkGitSourceField(f)
	case "status":
		return rootStatus, true
	case "interfaces":
		return rootInterfaces, true
	case "node":
		return rootNode, c.checkObjectPath(f, p, 1, "node", isNodeField)
	case "location":
		return rootLocation, c.checkObjectPath(f, p, 1, "location", isLocationField)
	case "link":
		if !c.checkObjectPath(f, p, 1, "link", isLinkField) {
			return rootLink, false
		}
		if len(p) >= 3 && (p[1] == "a" || p[1] == "z") {
			switch p[2] {
			case "interface":
				if len(p) > 3 {
					c.errorf(f.FieldPos, "field %s: link.%s.interface is a string and has no sub-fields", f, p[1])
					return rootLink, false
				}
			case "node":
				return rootLink, c.checkObjectPath(f, p, 3, "link."+p[1]+".node", isNodeField)
			default:
				c.errorf(f.FieldPos, "unknown field %s, expected link.%s.node or link.%s.interface", f, p[1], p[1])
				return rootLink, false
			}
		}
		return rootLink, true
	}
	c.errorf(f.FieldPos, "unknown field root %q, expected %s", p[0], rootNames)
	return rootNode, false
}

// checkObjectPath checks p[i] against the known fields of an object.
func (c *checker) checkObjectPath(f *FieldRef, p []string, i int, name string, known func(string) bool) bool {
	if len(p) <= i {
		return true
	}
	if !known(p[i]) {
		c.errorf(f.FieldPos, "unknown field %s: %s has no field %q", f, name, p[i])
		return false
	}
	if len(p) > i+1 && p[i] != "custom_data" && !listField(p[i]) && p[i] != "a" && p[i] != "z" {
		c.errorf(f.FieldPos, "field %s: %s.%s has no sub-fields", f, name, p[i])
		return false
	}
	return true
}

// functionArity lists the built-in functions.
func functionArity(name string) (int, bool) {
	switch name {
	case "version", "len", "lower", "upper":
		return 1, true
	}
	return 0, false
}

// compileRegex compiles a regex literal or string with flags.
func compileRegex(pattern, flags string) (*regexp.Regexp, error) {
	if flags != "" {
		pattern = "(?" + flags + ")" + pattern
	}
	return regexp.Compile(pattern)
}

// regexError shortens Go's regexp error text.
func regexError(err error) string {
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}

// collectFields gathers every field reference of a rule.
func collectFields(r *Rule) []*FieldRef {
	var out []*FieldRef
	var walkOp func(o Operand)
	walkOp = func(o Operand) {
		switch x := o.(type) {
		case *FieldRef:
			out = append(out, x)
		case *ListLit:
			for _, e := range x.Elems {
				walkOp(e)
			}
		case *Call:
			for _, a := range x.Args {
				walkOp(a)
			}
		}
	}
	var walkExpr func(e Expr)
	walkExpr = func(e Expr) {
		switch x := e.(type) {
		case *BinaryExpr:
			walkExpr(x.X)
			walkExpr(x.Y)
		case *NotExpr:
			walkExpr(x.X)
		case *ParenExpr:
			walkExpr(x.X)
		case *CompareExpr:
			walkOp(x.X)
			walkOp(x.Y)
		case *NullExpr:
			walkOp(x.X)
		case *TruthExpr:
			walkOp(x.X)
		}
	}
	var walkAction func(a Action)
	walkAction = func(a Action) {
		switch x := a.(type) {
		case *AssertAction:
			walkExpr(x.Cond)
		case *SetAction:
			out = append(out, x.Field)
			walkOp(x.Value)
		case *BlockAction:
			for _, s := range x.Actions {
				walkAction(s)
			}
		}
	}
	walkExpr(r.When)
	walkAction(r.Then)
	return out
}

// checkSetTarget validates a SET field for a rule of the given kind and
// returns the custom_data path below the object.
func (c *checker) checkSetTarget(f *FieldRef, kind ObjectKind) ([]string, bool) {
	p := f.Path
	if p[0] == "custom_data" && len(p) >= 2 {
		return p[1:], true
	}
	if p[0] == string(kind) && len(p) >= 3 && p[1] == "custom_data" {
		return p[2:], true
	}
	c.errorf(f.FieldPos, "SET can only change custom_data of the rule's %s: expected custom_data.<path>, got %s", kind, f)
	return nil, false
}

// Check validates parsed files (field names, functions, regexes, SET
// targets, duplicate rule ids, rule targets) and returns every problem.
func Check(files ...*File) ErrorList {
	_, errs := compile(files)
	return errs
}

// Vet is Check that also returns the warnings: rules that compile but whose
// meaning may not be what their author intended (see Program.Warnings).
func Vet(files ...*File) (errs, warnings ErrorList) {
	p, errs := compile(files)
	return errs, p.warnings
}

func duplicateMsg(id string, first Pos, file string) string {
	return fmt.Sprintf("duplicate rule id %q (first defined at %s:%d:%d)", id, file, first.Line, first.Col)
}
