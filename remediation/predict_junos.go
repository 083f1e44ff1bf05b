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
	dead  bool // removed (dropped at the next compaction)
}

func (l predSetLine) text() string {
	return l.verb + " " + strings.Join(l.words, " ")
}

// predSetState is a JunOS configuration as the list of its set-format
// statements, in order, indexed by path so that a set or a delete costs
// the length of its path rather than the size of the configuration.
type predSetState struct {
	c     *predRules
	lines []predSetLine
	// exact maps the path of a live set statement to its index; prefix
	// counts the live set statements at or below every path.
	exact  map[string]int
	prefix map[string]int
	others int // live statements that are not "set"
}

func newPredSetState(c *predRules) *predSetState {
	return &predSetState{c: c, exact: map[string]int{}, prefix: map[string]int{}}
}

// predPathKey joins a path for the indexes ("\x00" never occurs in a word).
func predPathKey(words []string) string {
	return strings.Join(words, "\x00")
}

func (s *predSetState) add(l predSetLine) {
	s.lines = append(s.lines, l)
	if l.verb != "set" {
		s.others++
		return
	}
	s.exact[predPathKey(l.words)] = len(s.lines) - 1
	for i := 1; i <= len(l.words); i++ {
		s.prefix[predPathKey(l.words[:i])]++
	}
}

func (s *predSetState) kill(i int) {
	l := &s.lines[i]
	if l.dead {
		return
	}
	l.dead = true
	if l.verb != "set" {
		s.others--
		return
	}
	delete(s.exact, predPathKey(l.words))
	for j := 1; j <= len(l.words); j++ {
		k := predPathKey(l.words[:j])
		if s.prefix[k]--; s.prefix[k] <= 0 {
			delete(s.prefix, k)
		}
	}
}

// live returns the statements not removed, in order.
func (s *predSetState) live() []predSetLine {
	out := make([]predSetLine, 0, len(s.lines))
	for _, l := range s.lines {
		if !l.dead {
			out = append(out, l)
		}
	}
	return out
}

// reset replaces the statements (indexes rebuilt).
func (s *predSetState) reset(lines []predSetLine) {
	s.lines, s.others = nil, 0
	s.exact, s.prefix = map[string]int{}, map[string]int{}
	for _, l := range lines {
		if !l.dead {
			s.add(l)
		}
	}
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
//   - "deactivate P"/"activate P" add/remove the "deactivate P" marker,
//     "protect P"/"unprotect P" the "protect P" one;
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
	return predSetTree(st.live(), running, predJunosIndent(running)), nil
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
	st := newPredSetState(c)
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
			st.add(predSetLine{verb: w[0], words: w[1:]})
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
	case "deactivate", "protect":
		if len(path) == 0 {
			return fmt.Errorf("%q: %s needs a statement path", line, verb)
		}
		if s.find(verb, path) < 0 {
			s.add(predSetLine{verb: verb, words: path})
		}
	case "activate":
		s.remove("deactivate", path)
	case "unprotect":
		s.remove("protect", path)
	case "insert":
		return s.insert(line, path)
	default:
		return fmt.Errorf("%q: unsupported command %q (set, delete, deactivate, activate, protect, unprotect and insert are)", line, verb)
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
			if l.verb == "set" && !l.dead {
				stmts = append(stmts, &configtree.Statement{Key: l.text()})
				index = append(index, i)
			}
		}
		if _, same := s.c.sameSetting(stmts, nil, line.text()); len(same) > 0 {
			for _, j := range same {
				s.kill(index[j])
			}
			// In place: the new statement takes the first one's position.
			lines := s.live()
			at := 0
			for _, l := range s.lines[:index[same[0]]] {
				if !l.dead {
					at++
				}
			}
			lines = append(lines[:at], append([]predSetLine{line}, lines[at:]...)...)
			s.reset(lines)
			return
		}
	}
	if s.prefix[predPathKey(path)] > 0 {
		return // already there, or below it
	}
	for i := 1; i < len(path); i++ {
		if j, ok := s.exact[predPathKey(path[:i])]; ok {
			s.kill(j) // an empty container that P fills
		}
	}
	s.add(line)
}

// remove drops the statements below path ("" verb: of any verb).
func (s *predSetState) remove(verb string, path []string) {
	if (verb == "" || verb == "set") && s.others == 0 && len(path) > 0 && s.prefix[predPathKey(path)] == 0 {
		return
	}
	for i, l := range s.lines {
		if !l.dead && (verb == "" || l.verb == verb) && predHasPrefix(l.words, path) {
			s.kill(i)
		}
	}
}

func (s *predSetState) find(verb string, path []string) int {
	for i, l := range s.lines {
		if !l.dead && l.verb == verb && predEqualWords(l.words, path) {
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
	for _, l := range s.live() {
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
	out := make([]predSetLine, 0, len(rest)+len(moved))
	out = append(out, rest[:at]...)
	out = append(out, moved...)
	s.reset(append(out, rest[at:]...))
	return nil
}

// setTree returns the statements as a junos-set tree.
func (s *predSetState) setTree() *configtree.Tree {
	t := &configtree.Tree{Dialect: configtree.DialectJunosSet}
	for i, l := range s.live() {
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
