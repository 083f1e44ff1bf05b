package policy

import (
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var yamlLineRe = regexp.MustCompile(`line (\d+)`)

// parseFrontMatter parses an optional YAML block delimited by '---' lines at
// the very top of the file. It returns nil when there is none.
func parseFrontMatter(file, src string) (*FrontMatter, *Error) {
	bom := 0
	if strings.HasPrefix(src, utf8BOM) {
		bom = len(utf8BOM)
	}
	first, _, found := strings.Cut(src[bom:], "\n")
	if strings.TrimRight(first, " \t\r") != "---" {
		return nil, nil
	}
	if !found {
		return nil, newError(file, src, Pos{Line: 1, Col: 1}, "unterminated front matter, expected a closing '---' line")
	}
	bodyStart := bom + len(first) + 1
	off := bodyStart
	for off <= len(src) {
		line, _, more := strings.Cut(src[off:], "\n")
		if strings.TrimRight(line, " \t\r") == "---" {
			end := off + len(line)
			if more {
				end++
			}
			fm := &FrontMatter{Raw: src[bodyStart:off], End: end}
			if err := yaml.Unmarshal([]byte(fm.Raw), fm); err != nil {
				line := 2
				if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
					if n, convErr := strconv.Atoi(m[1]); convErr == nil {
						line = n + 1
					}
				}
				lineOff := 0
				for i := 1; i < line && lineOff < len(src); i++ {
					nl := strings.IndexByte(src[lineOff:], '\n')
					if nl < 0 {
						break
					}
					lineOff += nl + 1
				}
				msg := strings.TrimPrefix(err.Error(), "yaml: ")
				return nil, newError(file, src, Pos{Offset: lineOff, Line: line, Col: 1}, "invalid front matter: %s", msg)
			}
			switch fm.Target {
			case "", "node", "link", "location":
			default:
				tpos := strings.Index(src[:off], "target")
				pos := Pos{Line: 1, Col: 1}
				if tpos >= 0 {
					pos = Pos{Offset: tpos, Line: 1 + strings.Count(src[:tpos], "\n"), Col: tpos - strings.LastIndexByte(src[:tpos], '\n')}
				}
				return nil, newError(file, src, pos, "invalid front matter target %q, expected node, link or location", fm.Target)
			}
			return fm, nil
		}
		if !more {
			break
		}
		off += len(line) + 1
	}
	return nil, newError(file, src, Pos{Line: 1, Col: 1}, "unterminated front matter, expected a closing '---' line")
}
