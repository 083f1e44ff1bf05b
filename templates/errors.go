package templates

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/nikolalohinski/gonja/v2/parser"
)

// Sentinel errors wrapped by [Error] so callers can classify failures with
// errors.Is.
var (
	// ErrNotFound means a template name does not exist in the root.
	ErrNotFound = errors.New("template not found")
	// ErrOutsideRoot means a template name tried to leave the template root
	// (a ".." element, an absolute path or a symlink pointing outside).
	ErrOutsideRoot = errors.New("template path leaves the template root")
	// ErrTimeLimit means the render exceeded its time limit.
	ErrTimeLimit = errors.New("render time limit exceeded")
	// ErrOutputLimit means the render produced more output than allowed.
	ErrOutputLimit = errors.New("render output size limit exceeded")
	// ErrDepthLimit means macro calls or include/import/extends chains were
	// nested deeper than allowed (usually unbounded recursion).
	ErrDepthLimit = errors.New("template nesting limit exceeded")
	// ErrValueLimit means a single operation (filter, operator, range)
	// would have produced a string or list larger than allowed.
	ErrValueLimit = errors.New("template value size limit exceeded")
	// ErrSyntax marks template syntax errors.
	ErrSyntax = errors.New("template syntax error")
	// ErrUndefined marks references to undefined variables or attributes.
	ErrUndefined = errors.New("undefined variable")
	// ErrBadHeader marks template-match headers that do not compile.
	ErrBadHeader = errors.New("invalid template-match header")
	// ErrUnknownFilter marks filters or tests that do not exist.
	ErrUnknownFilter = errors.New("unknown filter")
)

// Error is a positioned template error: the template name relative to the
// root, the 1-based line (0 when unknown) and column, and a message.
type Error struct {
	Template string `json:"template"`         // slash-separated name relative to the template root
	Line     int    `json:"line,omitempty"`   // 1-based line, 0 when unknown
	Col      int    `json:"column,omitempty"` // 1-based column, 0 when unknown
	Msg      string `json:"message"`          // human-readable message
	Err      error  `json:"-"`                // classification sentinel or underlying cause, may be nil
}

// Error formats the error as "name:line:col: message", leaving out unknown
// parts.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Template)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
		if e.Col > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(e.Col))
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the classification sentinel or cause.
func (e *Error) Unwrap() error { return e.Err }

// posError carries the position of a control structure whose parse failed
// without position information of its own.
type posError struct {
	line, col int
	err       error
}

func (e *posError) Error() string {
	return fmt.Sprintf("%s (Line: %d Col: %d)", e.err, e.line, e.col)
}

func (e *posError) Unwrap() error { return e.err }

// hasPosition reports whether err already carries a source position.
func hasPosition(err error) bool {
	var se *parser.SyntaxError
	var pe *posError
	var te *Error
	return errors.As(err, &se) && se.Line > 0 || errors.As(err, &pe) || errors.As(err, &te)
}

// parseError turns a gonja parse error into a positioned *Error.
func parseError(name string, err error) *Error {
	var te *Error
	if errors.As(err, &te) {
		return te
	}
	var pe *posError
	if errors.As(err, &pe) {
		return &Error{Template: name, Line: pe.line, Col: pe.col, Msg: cleanMessage(pe.err.Error()), Err: classify(pe.err, ErrSyntax)}
	}
	var se *parser.SyntaxError
	if errors.As(err, &se) {
		msg := se.Message
		if m := unknownTagRe.FindStringSubmatch(msg); m != nil {
			return &Error{Template: name, Line: se.Line, Col: se.Column, Msg: fmt.Sprintf("unknown tag %q, or no open block for it to end", m[1]), Err: ErrSyntax}
		}
		if se.Raw != "" {
			msg += fmt.Sprintf(" (near %q)", se.Raw)
		}
		return &Error{Template: name, Line: se.Line, Col: se.Column, Msg: msg, Err: ErrSyntax}
	}
	msg := err.Error()
	line := 0
	if m := syntaxPosRe.FindAllStringSubmatch(msg, -1); m != nil {
		// The pattern matches digits only; a number too large for an int
		// leaves the line unknown (0).
		if n, err := strconv.Atoi(m[len(m)-1][1]); err == nil {
			line = n
		}
	}
	return &Error{Template: name, Line: line, Msg: cleanMessage(msg), Err: classify(err, ErrSyntax)}
}

// classify keeps a known sentinel found in err, or returns fallback.
func classify(err error, fallback error) error {
	for _, s := range []error{ErrNotFound, ErrOutsideRoot, ErrDepthLimit, ErrTimeLimit, ErrOutputLimit, ErrValueLimit} {
		if errors.Is(err, s) {
			return s
		}
	}
	return fallback
}

var (
	// unknownTagRe matches the engine's message for an unknown or unopened tag.
	unknownTagRe  = regexp.MustCompile(`^ControlStructure '([^']*)' not found`)
	syntaxPosRe   = regexp.MustCompile(`\(Line: (\d+) Col: \d+`)
	renderLineRe  = regexp.MustCompile(`at line (\d+)`)
	undefNameRe   = regexp.MustCompile(`Unable to evaluate name "([^"]*)"`)
	undefAttrRe   = regexp.MustCompile(`Unable to evaluate ([^\s:]+): (?:attribute|item) '?([^' ]*)'? not found`)
	failedParseRe = regexp.MustCompile(`(?s)failed to parse template '.*?': `)
)

// cleanMessage removes gonja's wrapping noise (including template sources
// quoted in parse errors) from an error message.
func cleanMessage(msg string) string {
	msg = strings.TrimPrefix(msg, "unable to execute template: ")
	msg = failedParseRe.ReplaceAllString(msg, "")
	return msg
}

// renderError turns a gonja render error into a positioned *Error. state
// tells whether a limit of the render was hit.
func renderError(name string, err error, st *renderState) *Error {
	if te := findError(err); te != nil {
		return te
	}
	msg := err.Error()
	line := 0
	if m := renderLineRe.FindAllStringSubmatch(msg, -1); m != nil {
		// The pattern matches digits only; a number too large for an int
		// leaves the line unknown (0).
		if n, err := strconv.Atoi(m[len(m)-1][1]); err == nil {
			line = n
		}
	}
	e := &Error{Template: name, Line: line, Msg: cleanMessage(msg), Err: classify(err, nil)}
	switch {
	case st != nil && st.limit != nil:
		e.Msg, e.Err = st.limit.Error(), st.limit
	case undefNameRe.MatchString(msg):
		m := undefNameRe.FindStringSubmatch(msg)
		e.Msg, e.Err = fmt.Sprintf("undefined variable %q", m[1]), ErrUndefined
	case undefAttrRe.MatchString(msg):
		m := undefAttrRe.FindStringSubmatch(msg)
		e.Msg, e.Err = fmt.Sprintf("undefined attribute or item %q of %s", m[2], strings.TrimSuffix(m[1], "."+m[2])), ErrUndefined
	case unknownFilterRe.MatchString(msg):
		e.Msg, e.Err = fmt.Sprintf("unknown filter %q", unknownFilterRe.FindStringSubmatch(msg)[1]), ErrUnknownFilter
	default:
		e.Msg = trimGonjaContext(e.Msg)
	}
	return e
}

var (
	unknownFilterRe = regexp.MustCompile(`filter '([^']*)' not found`)
	// ownStmtRe matches the descriptions of μNet's statements ("for at
	// line 3", "include('x.j2') at line 4").
	ownStmtRe = regexp.MustCompile(`^(for|call|set|include|import|extends)(\(.*\))? at line \d+$`)
	// invalidCallRe matches gonja's prefix of every filter error.
	invalidCallRe = regexp.MustCompile(`^invalid call to filter '([^']*)'$`)
	// gonjaCallRe matches gonja's description of a call node.
	gonjaCallRe = regexp.MustCompile(`^call\(.*\)$`)
)

// trimGonjaContext drops the parts of a gonja error chain that describe
// internal nodes ("Unable to render expression at line 3",
// "filtered_expression(...)", "ForControlStructure(...)"), keeping the
// messages that explain the problem.
func trimGonjaContext(msg string) string {
	parts := strings.Split(msg, ": ")
	var keep []string
	for _, p := range parts {
		switch {
		case strings.HasPrefix(p, "Unable to render expression at line"),
			strings.HasPrefix(p, "Unable to execute controlStructure at line"),
			strings.HasPrefix(p, "unable to evaluate filter"),
			strings.HasPrefix(p, "Unable to execute macro '"),
			strings.HasPrefix(p, "filtered_expression("),
			strings.Contains(p, "ControlStructure("),
			strings.Contains(p, "Token["),
			ownStmtRe.MatchString(p),
			gonjaCallRe.MatchString(p):
			continue
		}
		if m := invalidCallRe.FindStringSubmatch(p); m != nil {
			p = "filter " + m[1]
		}
		if len(keep) > 0 && keep[len(keep)-1] == p {
			continue // "filter x" from gonja and from μNet's own filter errors
		}
		keep = append(keep, p)
	}
	if len(keep) == 0 {
		return msg
	}
	return strings.Join(keep, ": ")
}
