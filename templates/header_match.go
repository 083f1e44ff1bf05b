package templates

import (
	"errors"
	"fmt"
	"strings"

	"github.com/unet-dev/unet/configtree"
)

// compileHeaders compiles the match expressions of headers extracted from
// template name. Every bad header gives an *Error with its line (and the
// column of the problem when the match parser reports one).
func compileHeaders(name string, src []byte) ([]Header, []*Error) {
	hs, err := ParseHeaders(src)
	var errs []*Error
	if err != nil {
		// The line is known when the message starts with it; otherwise
		// it stays 0 (unknown), which is what a failed scan leaves.
		line := 0
		_, _ = fmt.Sscanf(err.Error(), "line %d", &line)
		errs = append(errs, &Error{Template: name, Line: line, Msg: err.Error(), Err: ErrBadHeader})
	}
	for i := range hs {
		h := &hs[i]
		switch {
		case h.Expr == "":
			errs = append(errs, &Error{Template: name, Line: h.Line, Msg: "empty template-match expression", Err: ErrBadHeader})
			continue
		case strings.ContainsAny(h.Expr, "\r\n"):
			errs = append(errs, &Error{Template: name, Line: h.Line, Msg: "a template-match header must fit on one line", Err: ErrBadHeader})
			continue
		}
		m, err := configtree.ParseMatch(h.Expr)
		if err != nil {
			e := &Error{Template: name, Line: h.Line, Msg: fmt.Sprintf("template-match %q: %v", h.Expr, err), Err: ErrBadHeader}
			var me *configtree.MatchError
			if errors.As(err, &me) {
				e.Msg = fmt.Sprintf("template-match %q: level %d: %s", h.Expr, me.Level, me.Msg)
			}
			errs = append(errs, e)
			continue
		}
		h.Match = m
	}
	return hs, errs
}
