package templates

import (
	"bytes"
	"strings"

	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// fixLstrip returns src with lstrip_blocks applied as Jinja2 does: only
// whitespace between the start of a line and a block or comment tag is
// stripped. gonja also strips whitespace before a tag in the middle of a
// line ("x {% if y %}" loses its space), so such tags get the "+" modifier
// ("{%+"), which turns lstrip off for them. Line numbers are unchanged.
func fixLstrip(src []byte, cfg *config.Config) []byte {
	if !cfg.LeftStripBlocks || !bytes.Contains(src, []byte("{")) {
		return src
	}
	// Lex the source exactly as gonja will see it, keeping offsets aligned.
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lexCfg := cfg.Inherit()
	lexCfg.KeepTrailingNewline = true
	stream := tokens.LexAll(text, lexCfg)
	var inserts []int
	for !stream.End() {
		t := stream.Next()
		if t.Type != tokens.BlockBegin && t.Type != tokens.CommentBegin {
			continue
		}
		pos := t.Pos
		if pos <= 0 || pos+2 > len(text) {
			continue
		}
		if pos+2 < len(text) && (text[pos+2] == '-' || text[pos+2] == '+') {
			continue
		}
		if prev := text[pos-1]; prev != ' ' && prev != '\t' {
			continue
		}
		lineStart := strings.LastIndexByte(text[:pos], '\n') + 1
		if strings.Trim(text[lineStart:pos], " \t") == "" {
			continue // the tag starts its line: Jinja2 strips too
		}
		inserts = append(inserts, pos+2)
	}
	if len(inserts) == 0 {
		return []byte(text)
	}
	var b strings.Builder
	b.Grow(len(text) + len(inserts))
	last := 0
	for _, at := range inserts {
		b.WriteString(text[last:at])
		b.WriteByte('+')
		last = at
	}
	b.WriteString(text[last:])
	return []byte(b.String())
}
