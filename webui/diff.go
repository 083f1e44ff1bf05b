package webui

import "strings"

// diffLine is one line of a diff as a page shows it: Kind is "add", "del",
// "hunk" (a header: ---, +++ or @@) or "ctx"; Text is the line without
// its sign. The template "diff" prints the sign again, so that colour is
// never the only mark of an added or removed line.
type diffLine struct {
	Kind, Text string
}

// diffLines splits a unified diff into its lines for the template "diff".
func diffLines(diff string) []diffLine {
	diff = strings.TrimSuffix(diff, "\n")
	if diff == "" {
		return nil
	}
	lines := strings.Split(diff, "\n")
	out := make([]diffLine, 0, len(lines))
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"), strings.HasPrefix(l, "@@"):
			out = append(out, diffLine{Kind: "hunk", Text: l})
		case strings.HasPrefix(l, "+"):
			out = append(out, diffLine{Kind: "add", Text: l[1:]})
		case strings.HasPrefix(l, "-"):
			out = append(out, diffLine{Kind: "del", Text: l[1:]})
		default:
			out = append(out, diffLine{Kind: "ctx", Text: strings.TrimPrefix(l, " ")})
		}
	}
	return out
}
