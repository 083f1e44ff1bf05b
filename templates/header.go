package templates

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/unet-dev/unet/configtree"
)

// headerKey introduces a template-match header inside a Jinja comment.
const headerKey = "template-match:"

// Header is a template-match header: {# template-match: EXPR #}. It
// declares the slice of the device configuration a template owns.
type Header struct {
	Expr  string            `json:"expr"` // the match expression, trimmed
	Line  int               `json:"line"` // 1-based line of the comment in the template source
	Match *configtree.Match `json:"-"`    // compiled expression; nil from ParseHeaders
}

// ParseHeaders extracts the template-match headers of a template source, in
// source order. A comment whose text starts with "template-match:" is a
// header; whitespace-control markers ({#- ... -#}) are allowed. A header
// whose comment is not closed is reported as an error with its line. The
// expressions are not compiled: Env.Template and Env.Validate do that.
func ParseHeaders(src []byte) ([]Header, error) {
	var out []Header
	offset := 0
	for {
		i := bytes.Index(src[offset:], []byte("{#"))
		if i < 0 {
			return out, nil
		}
		start := offset + i
		line := 1 + bytes.Count(src[:start], []byte("\n"))
		body := src[start+2:]
		end := bytes.Index(body, []byte("#}"))
		text := body
		if end >= 0 {
			text = body[:end]
		}
		s := strings.TrimPrefix(string(text), "-")
		s = strings.TrimSuffix(s, "-")
		s = strings.TrimSpace(s)
		if strings.HasPrefix(s, headerKey) {
			if end < 0 {
				return out, fmt.Errorf("line %d: template-match header comment is not closed with #}", line)
			}
			expr := strings.TrimSpace(strings.TrimPrefix(s, headerKey))
			out = append(out, Header{Expr: expr, Line: line})
		}
		if end < 0 {
			return out, nil
		}
		offset = start + 2 + end + 2
	}
}
