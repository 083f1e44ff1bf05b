package configtree

import "bytes"

// routerosLine: "#" lines (the export header, comments) are comments.
// Statements are "/menu path" lines and the commands under them in column 0;
// a command continued with "\" goes on in indented lines, which are its
// children (as netutils reads them).
func routerosLine(content []byte, _ int) lineClass {
	if content[0] == '#' {
		return lineComment
	}
	return lineStatement
}

// routerosVerbs are the command words that end a "/menu path".
var routerosVerbs = map[string]bool{
	"add": true, "set": true, "remove": true, "enable": true, "disable": true,
	"move": true, "unset": true, "print": true, "edit": true, "export": true,
	"comment": true, "find": true, "reset": true,
}

// routerosKey makes the key of a top-level command "/menu path command", so
// that the same command under two menus ("set enabled=yes") stays two
// statements for matching and diffs. A "/menu path" line sets the menu for
// the commands after it; its own key is its text.
func (s *blockSource) routerosKey(ev *Event) {
	if ev.Depth > 0 {
		return
	}
	if ev.Key[0] == '/' {
		s.section = append(s.section[:0], routerosMenu(ev.Key)...)
		return
	}
	if len(s.section) == 0 {
		return
	}
	s.key = append(append(append(s.key[:0], s.section...), ' '), ev.Key...)
	ev.Key = s.key
}

// routerosMenu returns the menu path that starts a "/" line: its words up
// to the first command verb or argument.
func routerosMenu(content []byte) []byte {
	end := 0
	for i := 0; i < len(content); {
		for i < len(content) && (content[i] == ' ' || content[i] == '\t') {
			i++
		}
		j := i
		for j < len(content) && content[j] != ' ' && content[j] != '\t' {
			j++
		}
		w := content[i:j]
		if len(w) == 0 || i > 0 && (routerosVerbs[string(w)] || bytes.ContainsAny(w, "=[\"\\")) {
			break
		}
		end, i = j, j
	}
	return content[:end]
}
