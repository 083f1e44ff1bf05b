package configtree

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// netutils2Dir holds configurations written for the comware, panos,
// routeros and netiron dialects, each with the {line, parents} list that
// netutils 1.17.1 produces for it (scripts/parser-reference.sh).
const netutils2Dir = "testdata/netutils"

// netutils2Dialects maps netutils network_os folders to dialects.
var netutils2Dialects = map[string]string{
	"hp_comware":        DialectComware,
	"paloalto_panos":    DialectPANOS,
	"mikrotik_routeros": DialectRouterOS,
	"extreme_netiron":   DialectNetIron,
}

// netutils2Known lists every statement where the parse deliberately differs
// from netutils, keyed by "folder/case", then by "want N" (the reference's
// statement N has no identical statement in the parse) or "got N" (the
// parse's statement N has none in the reference).
var netutils2Known = map[string]map[string]string{
	"mikrotik_routeros/isp_edge": {
		"want 117": "netutils reads \"set note=\" as a banner that ends at a line ending in a quote or starting with \"/\": " +
			"it joins the note, its continuation line and the next menu line (\"/system ntp client\") into one statement",
		"got 117": "the note command as written (a command continued with \"\\\")",
		"got 118": "the note's continuation line, a child of its command as every continuation line is",
		"got 119": "the \"/system ntp client\" menu line, which netutils merged into the note",
	},
}

// nu2Result is the comparison of one configuration with its reference.
type nu2Result struct {
	name, dialect     string
	identical, total  int
	known, unexpected []string
}

// nu2Compare parses confPath in dialect and compares Entries() with the
// reference statement by statement (same text, same parents), aligned on
// their longest common subsequence.
func nu2Compare(t *testing.T, name, dialect, confPath string, known map[string]string) nu2Result {
	t.Helper()
	res := nu2Result{name: name, dialect: dialect}
	raw, err := os.ReadFile(strings.TrimSuffix(confPath, ".conf") + ".expected.json")
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var want []expectedEntry
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	src, err := os.ReadFile(confPath)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := ParseString(string(src), dialect)
	if err != nil {
		t.Fatalf("%s: parse: %v", name, err)
	}
	if tree.Dialect != dialect {
		t.Fatalf("%s: parsed as %s", name, tree.Dialect)
	}
	var got []Entry
	for _, e := range tree.Entries() {
		// Comware "#" separators are kept as closing lines (so emitted
		// text re-parses to the same tree); netutils drops them as
		// comments. No other dialect compared here has closing lines.
		if e.Close && dialect == DialectComware {
			continue
		}
		got = append(got, e)
	}
	res.total = len(want)
	same := func(w expectedEntry, g Entry) bool {
		return w.Line != nil && *w.Line == g.Line && equalStrings(w.Parents, g.Parents)
	}
	record := func(key, msg string) {
		if reason, ok := known[key]; ok {
			res.known = append(res.known, msg+" — "+reason)
		} else {
			res.unexpected = append(res.unexpected, msg)
		}
	}
	for _, op := range alignLCS(len(want), len(got), func(i, j int) bool { return same(want[i], got[j]) }, false) {
		i, j := op.i, op.j
		switch op.kind {
		case '=':
			res.identical++
		case '-':
			wl := "<null>"
			if want[i].Line != nil {
				wl = *want[i].Line
			}
			record(fmt.Sprintf("want %d", i), fmt.Sprintf("%s: reference statement #%d %q parents=%q is not in the parse", name, i, wl, want[i].Parents))
		default:
			record(fmt.Sprintf("got %d", j), fmt.Sprintf("%s: parsed statement #%d %q parents=%q is not in the reference", name, j, got[j].Line, got[j].Parents))
		}
	}
	return res
}

// TestNetutils2Conformance compares the comware, panos, routeros and
// netiron parses of the configurations under testdata/netutils with
// netutils' own parsers: at least 99% of the statements of each dialect
// must be identical, and every difference must be listed in
// netutils2Known with its reason.
func TestNetutils2Conformance(t *testing.T) {
	folders := make([]string, 0, len(netutils2Dialects))
	for f := range netutils2Dialects {
		folders = append(folders, f)
	}
	sort.Strings(folders)
	for _, folder := range folders {
		dialect := netutils2Dialects[folder]
		confs, _ := filepath.Glob(filepath.Join(netutils2Dir, folder, "*.conf"))
		sort.Strings(confs)
		if len(confs) < 3 {
			t.Errorf("%s: %d configurations, want at least 3", folder, len(confs))
		}
		identical, total := 0, 0
		for _, c := range confs {
			name := folder + "/" + strings.TrimSuffix(filepath.Base(c), ".conf")
			r := nu2Compare(t, name, dialect, c, netutils2Known[name])
			t.Logf("%-40s %-9s %5d of %5d statements identical", r.name, r.dialect, r.identical, r.total)
			for _, k := range r.known {
				t.Logf("    known difference: %s", k)
			}
			for _, u := range r.unexpected {
				t.Errorf("unexpected difference: %s", u)
			}
			if len(r.known) != len(netutils2Known[name]) {
				t.Errorf("%s: %d known differences listed, %d observed", name, len(netutils2Known[name]), len(r.known))
			}
			identical += r.identical
			total += r.total
		}
		pct := 100 * float64(identical) / float64(max(total, 1))
		t.Logf("TOTAL %-18s (%-8s) %5d of %5d statements identical (%.2f%%)", folder, dialect, identical, total, pct)
		if pct < 99 {
			t.Errorf("%s: %.2f%% of statements identical to netutils, want at least 99%%", folder, pct)
		}
	}
}
