package remediation

import (
	"fmt"
	"strings"

	"github.com/unet-dev/unet/configtree"
)

// predSetLine is one JunOS set-format statement: its verb ("set" or
// "deactivate") and the words of its statement path.
type predSetLine struct {
	verb  string
	words []string
}

func (l predSetLine) text() string {
	return l.verb + " " + strings.Join(l.words, " ")
}

// predSetState is a JunOS configuration as the list of its set-format
// statements, in order.
type predSetState struct {
	c     *predRules
	lines []predSetLine
}

// predictJunos applies set/delete commands to a JunOS configuration.
//
// Both JunOS dialects are handled as set-format statements: a curly-brace
// running configuration is first turned into its "display set" form
// (configtree.SetCommands), a junos-set one is evaluated line by line (its
// own delete lines included). Then, in order:
//
//   - "set P" adds P unless a statement with the path P or below it exists
//     (it then changes nothing); set statements that are strict prefixes
//     of P (empty containers) are dropped, as the device shows the
//     container only through its contents; a set matching an idempotent
//     rule (its path as the key, at top level) replaces, in place, the
//     statement holding the same setting ("set system host-name b" replaces
//     "set system host-name a"; the rules see the whole line, "set "
//     included, as the engine does);
//   - "delete P" removes every statement whose path starts with the words of
//     P (word-aligned: "delete interfaces ge-0/0/1" leaves ge-0/0/10 alone);
//     the containers above P stay only if other statements keep them;
//   - "deactivate P"/"activate P" add/remove the "deactivate P" marker;
//   - "insert P before|after Q" moves the statements of P before the first
//     (after the last) statement of its sibling Q, where Q replaces as
//     many trailing words of P as it has.
//
// For curly-brace junos, the result is a curly-brace tree built from the
// resulting set statements (predSetTree): the grouping of words into
// statements ("unit 0", "family inet") is taken from the running tree where
// the same path exists there, from a small table of JunOS keywords that take
// one argument otherwise, and a leaf holds at most its last two words; it
// is indented like the running tree (4 spaces when that tells nothing). The
// "display set" form of that tree is exactly the set statements predicted,
// so Equivalent, which compares JunOS trees in that form, compares it with
// the intended tree whatever its grouping.
func predictJunos(running *configtree.Tree, commands string, c *predRules) (*configtree.Tree, error) {
	st, err := predSetStateOf(running, c)
	if err != nil {
		return nil, fmt.Errorf("predict: %w", err)
	}
	for i, raw := range strings.Split(commands, "\n") {
		line, ok := c.substituteLine(strings.TrimSpace(raw))
		if !ok {
			continue
		}
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || strings.HasPrefix(line, "/*") || line == "!" || line == "exit" || line == "top" {
			continue
		}
		if err := st.exec(line); err != nil {
			return nil, fmt.Errorf("predict: commands: line %d: %w", i+1, err)
		}
	}
	if running.Dialect == configtree.DialectJunosSet {
		return st.setTree(), nil
	}
	return predSetTree(st.lines, running, predJunosIndent(running)), nil
}

// predJunosIndent is the indentation step of a curly-brace tree: that of
// its first nested statement, 4 spaces (as JunOS shows) when it has none.
func predJunosIndent(t *configtree.Tree) int {
	for _, st := range t.Statements {
		if len(st.Children) > 0 {
			c := st.Children[0].Text
			if n := len(c) - len(strings.TrimLeft(c, " \t")); n > 0 {
				return n
			}
		}
	}
	return 4
}

// predSetStateOf returns the set-format statements of a JunOS tree.
func predSetStateOf(t *configtree.Tree, c *predRules) (*predSetState, error) {
	st := &predSetState{c: c}
	var lines []string
	switch t.Dialect {
	case configtree.DialectJunos:
		var err error
		if lines, err = configtree.SetCommands(t); err != nil {
			return nil, err
		}
	case configtree.DialectJunosSet:
		for _, s := range t.Statements {
			lines = append(lines, strings.TrimSpace(s.Text))
		}
	default:
		return nil, fmt.Errorf("not a JunOS tree: %s", t.Dialect)
	}
	for _, l := range lines {
		l, ok := c.substituteLine(l)
		if !ok {
			continue
		}
		if err := st.exec(strings.TrimSpace(l)); err != nil {
			// A statement of the configuration that is no command
			// (annotate, rename...) is kept as written.
			w := predSplitWords(l)
			st.lines = append(st.lines, predSetLine{verb: w[0], words: w[1:]})
		}
	}
	return st, nil
}

// exec applies one set-format command.
func (s *predSetState) exec(line string) error {
	w := predSplitWords(line)
	if len(w) == 0 {
		return nil
	}
	verb, path := w[0], w[1:]
	switch verb {
	case "set":
		if len(path) == 0 {
			return fmt.Errorf("%q: set needs a statement path", line)
		}
		s.set(path)
	case "delete":
		s.remove("", path)
	case "deactivate":
		if len(path) == 0 {
			return fmt.Errorf("%q: deactivate needs a statement path", line)
		}
		if s.find("deactivate", path) < 0 {
			s.lines = append(s.lines, predSetLine{verb: "deactivate", words: path})
		}
	case "activate":
		s.remove("deactivate", path)
	case "insert":
		return s.insert(line, path)
	default:
		return fmt.Errorf("%q: unsupported command %q (set, delete, deactivate, activate and insert are)", line, verb)
	}
	return nil
}

func (s *predSetState) set(path []string) {
	line := predSetLine{verb: "set", words: path}
	if len(s.c.cr.idem) > 0 {
		// Idempotent rules see the statement as the engine does: the
		// whole line, "set " included.
		var (
			stmts []*configtree.Statement
			index []int
		)
		for i, l := range s.lines {
			if l.verb == "set" {
				stmts = append(stmts, &configtree.Statement{Key: l.text()})
				index = append(index, i)
			}
		}
		if _, same := s.c.sameSetting(stmts, nil, line.text()); len(same) > 0 {
			drop := map[int]bool{}
			for _, j := range same[1:] {
				drop[index[j]] = true
			}
			s.lines[index[same[0]]] = line
			kept := s.lines[:0]
			for i, l := range s.lines {
				if !drop[i] {
					kept = append(kept, l)
				}
			}
			s.lines = kept
			return
		}
	}
	kept := s.lines[:0]
	for _, l := range s.lines {
		if l.verb == "set" {
			if predHasPrefix(l.words, path) {
				return // already there, or below it
			}
			if len(l.words) < len(path) && predHasPrefix(path, l.words) {
				continue // an empty container that P fills
			}
		}
		kept = append(kept, l)
	}
	s.lines = append(kept, line)
}

// remove drops the statements below path ("" verb: of any verb).
func (s *predSetState) remove(verb string, path []string) {
	kept := s.lines[:0]
	for _, l := range s.lines {
		if (verb == "" || l.verb == verb) && predHasPrefix(l.words, path) {
			continue
		}
		kept = append(kept, l)
	}
	s.lines = kept
}

func (s *predSetState) find(verb string, path []string) int {
	for i, l := range s.lines {
		if l.verb == verb && predEqualWords(l.words, path) {
			return i
		}
	}
	return -1
}

// insert moves the statements of a path before or after a sibling.
func (s *predSetState) insert(line string, args []string) error {
	pos := -1
	for i, w := range args {
		if w == "before" || w == "after" {
			pos = i
			break
		}
	}
	if pos <= 0 || pos == len(args)-1 || len(args)-pos-1 > pos {
		return fmt.Errorf("%q: expected \"insert PATH before|after NAME\"", line)
	}
	path, ident := args[:pos], args[pos+1:]
	target := append(append([]string{}, path[:len(path)-len(ident)]...), ident...)
	var moved, rest []predSetLine
	for _, l := range s.lines {
		if predHasPrefix(l.words, path) {
			moved = append(moved, l)
		} else {
			rest = append(rest, l)
		}
	}
	if len(moved) == 0 {
		return fmt.Errorf("%q: %s does not exist", line, strings.Join(path, " "))
	}
	at := -1
	for i, l := range rest {
		if predHasPrefix(l.words, target) {
			if args[pos] == "before" {
				at = i
				break
			}
			at = i + 1
		}
	}
	if at < 0 {
		return fmt.Errorf("%q: %s does not exist", line, strings.Join(target, " "))
	}
	out := make([]predSetLine, 0, len(s.lines))
	out = append(out, rest[:at]...)
	out = append(out, moved...)
	s.lines = append(out, rest[at:]...)
	return nil
}

// setTree returns the statements as a junos-set tree.
func (s *predSetState) setTree() *configtree.Tree {
	t := &configtree.Tree{Dialect: configtree.DialectJunosSet}
	for i, l := range s.lines {
		key := strings.Join(l.words, " ")
		t.Statements = append(t.Statements, &configtree.Statement{Text: l.text(), Key: key, Line: i + 1})
	}
	return t
}

// predHasPrefix reports whether words starts with prefix, word by word.
func predHasPrefix(words, prefix []string) bool {
	if len(prefix) > len(words) {
		return false
	}
	for i, p := range prefix {
		if words[i] != p {
			return false
		}
	}
	return true
}

func predEqualWords(a, b []string) bool {
	return len(a) == len(b) && predHasPrefix(a, b)
}

// predSplitWords splits a JunOS statement into words; a double-quoted
// string (escapes included) is one word.
func predSplitWords(s string) []string {
	var out []string
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++
		}
		if i >= len(s) {
			break
		}
		start := i
		if s[i] == '"' {
			i++
			for i < len(s) && s[i] != '"' {
				if s[i] == '\\' {
					i++
				}
				i++
			}
			if i < len(s) {
				i++
			}
		} else {
			for i < len(s) && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' {
				i++
			}
		}
		if i > len(s) {
			i = len(s)
		}
		out = append(out, s[start:i])
	}
	return out
}
