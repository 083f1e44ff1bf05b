package policy

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Error is a positioned problem in a policy file: a syntax error or a
// checker finding.
type Error struct {
	File string `json:"file"`
	Pos
	// Msg says what was wrong and, for syntax errors, what was expected.
	Msg string `json:"message"`
	// Source is the text of the offending line.
	Source string `json:"source"`
	// Warning marks a checker warning: the rule compiles and runs, but its
	// meaning may not be what was intended.
	Warning bool `json:"warning,omitempty"`
}

// Error formats the error as file:line:col: message, with "warning: "
// before the message of a warning.
func (e *Error) Error() string {
	if e.Warning {
		return fmt.Sprintf("%s:%d:%d: warning: %s", e.File, e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Pretty formats the error with the offending line and a caret under the
// column.
func (e *Error) Pretty() string {
	var b strings.Builder
	b.WriteString(e.Error())
	b.WriteByte('\n')
	num := fmt.Sprintf("%d", e.Line)
	fmt.Fprintf(&b, " %s | %s\n", num, strings.ReplaceAll(e.Source, "\t", " "))
	pad := strings.Repeat(" ", len(num))
	col := e.Col - 1
	if n := utf8.RuneCountInString(e.Source); col > n {
		col = n
	}
	if col < 0 {
		col = 0
	}
	fmt.Fprintf(&b, " %s | %s^\n", pad, strings.Repeat(" ", col))
	return b.String()
}

// ErrorList is a list of positioned errors; it is itself an error.
type ErrorList []*Error

// Error joins the errors, one per line.
func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Pretty formats every error with its source line and a caret.
func (l ErrorList) Pretty() string {
	var b strings.Builder
	for _, e := range l {
		b.WriteString(e.Pretty())
	}
	return b.String()
}

// Err returns nil for an empty list and the list otherwise.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// sort orders the errors by file and position.
func (l ErrorList) sort() {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].File != l[j].File {
			return l[i].File < l[j].File
		}
		return l[i].Offset < l[j].Offset
	})
}

// lineText returns the text of the line containing offset.
func lineText(src string, offset int) string {
	if offset > len(src) {
		offset = len(src)
	}
	start := strings.LastIndexByte(src[:offset], '\n') + 1
	end := strings.IndexByte(src[offset:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += offset
	}
	return strings.TrimRight(src[start:end], "\r")
}

func newError(file, src string, pos Pos, format string, args ...any) *Error {
	return &Error{File: file, Pos: pos, Msg: fmt.Sprintf(format, args...), Source: lineText(src, pos.Offset)}
}
